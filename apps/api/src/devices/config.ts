/**
 * A machine's config as its terminal sells from it (docs/device-api.md, `device.config`):
 * the channels with their products, prices and stock, the ads it plays, the current
 * release, the timings, and the kiosk's service PIN sealed to the terminal's RSA key.
 */
import {
  and,
  asc,
  desc,
  eq,
  inArray,
  isNotNull,
  sealedAt,
  type Keyring,
  type PlatformScope,
  type TenantScope,
} from '@vmcloud/db';
import { seal, type DeviceConfig, type SealedBox } from '@vmcloud/protocol/device';
import { notFound } from '../shared/errors.js';
import type { DeviceSettings } from './services.js';

export async function deviceConfig(
  scope: TenantScope,
  platform: PlatformScope,
  keyring: Keyring,
  machineId: string,
  sealingKey: string,
  settings: DeviceSettings,
  now: Date,
): Promise<DeviceConfig> {
  const machine = await scope.machines.get(machineId);
  if (!machine) throw notFound('Machine');
  const channels = await scope.channels.find({
    where: (c) => eq(c.machineId, machine.id),
    orderBy: (c) => [asc(c.number)],
  });
  const productIds = [...new Set(channels.map((c) => c.productId).filter((id): id is string => id !== null))];
  const products = new Map((await scope.products.getMany(productIds)).map((p) => [p.id, p]));
  const placements = await scope.adMachines.find({
    where: (am) => eq(am.machineId, machine.id),
    orderBy: (am) => [asc(am.sortOrder)],
  });
  const ads =
    placements.length === 0
      ? []
      : await scope.ads.find({
          where: (a) =>
            and(
              inArray(
                a.id,
                placements.map((p) => p.adId),
              ),
              eq(a.enabled, true),
            ),
        });
  const playing = new Map(
    ads
      .filter((a) => (!a.startsAt || a.startsAt <= now) && (!a.endsAt || a.endsAt > now))
      .map((a) => [a.id, a] as const),
  );
  const [release] = await platform.appReleases.find({
    where: (r) => and(eq(r.channel, 'stable'), isNotNull(r.publishedAt)),
    orderBy: (r) => [desc(r.publishedAt)],
    limit: 1,
  });
  const secrets: Record<string, SealedBox> = {};
  if (machine.servicePin)
    secrets.servicePin = seal(
      await keyring.decrypt(machine.servicePin, sealedAt('machines', 'servicePin', machine)),
      sealingKey,
    );
  return {
    version: machine.configVersion,
    machine: {
      id: machine.id,
      name: machine.name,
      address: machine.address,
      boardId: machine.boardId,
      deviceNo: machine.deviceNo,
    },
    settings: {
      heartbeatSeconds: settings.heartbeatSeconds,
      qrExpirySeconds: settings.qrExpirySeconds,
      paymentMethods: ['qr', 'cash', 'card', 'gift_code'],
    },
    channels: channels.map((c) => {
      const product = c.productId ? products.get(c.productId) : undefined;
      return {
        number: c.number,
        productId: product?.id ?? null,
        productName: product?.name ?? null,
        imageUrl: product?.imageUrl ?? null,
        price: product ? (c.price ?? product.price) : null,
        capacity: c.capacity,
        stock: c.stock,
        restockedAt: c.restockedAt?.toISOString() ?? null,
        enabled: c.enabled && product?.status !== 'discontinued',
        disabledReason: c.disabledReason,
      };
    }),
    ads: placements.flatMap((p) => {
      const ad = playing.get(p.adId);
      return ad
        ? [{ id: ad.id, mediaType: ad.mediaType, url: ad.url, sha256: ad.sha256, durationSeconds: ad.durationSeconds }]
        : [];
    }),
    release: release
      ? { version: release.version, url: release.url, sha256: release.sha256, signature: release.signature }
      : null,
    secrets,
  };
}
