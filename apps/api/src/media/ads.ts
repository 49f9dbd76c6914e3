/**
 * Ads as rules: an image or video an operator uploads and the machines that play it, in
 * playlist order.
 */
import { configChanged } from '../devices/events.js';
import { and, eq, inArray, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import type { Writer } from '../shared/writer.js';
import { notFound, refused } from '../shared/errors.js';
import type { Media } from './uploads.js';

export type Ad = Row<Tables['ads']>;

export async function loadAd(scope: TenantScope, adId: string): Promise<Ad> {
  const ad = await scope.ads.get(adId);
  if (!ad) throw notFound('Ad');
  return ad;
}

/** Adds an ad from `media`, stored by `store` (which the caller undoes if this fails), between optional dates. */
export async function addAd(
  w: Pick<Writer, 'scope' | 'audit' | 'eventQueued'>,
  store: (tenantId: string, media: Media) => Promise<string>,
  userId: string,
  input: { name: string; durationSeconds: number; startsAt?: Date | null; endsAt?: Date | null },
  media: Media,
): Promise<Ad> {
  if (input.startsAt && input.endsAt && input.endsAt.getTime() <= input.startsAt.getTime()) {
    throw refused('endsAt', 'must be after startsAt');
  }
  const url = await store(w.scope.tenantId, media);
  const ad = await w.scope.ads.insert({
    name: input.name,
    mediaType: media.kind,
    url,
    sha256: media.sha256,
    durationSeconds: input.durationSeconds,
    startsAt: input.startsAt ?? null,
    endsAt: input.endsAt ?? null,
    createdBy: userId,
    updatedBy: userId,
  });
  await w.audit({
    entity: 'ads',
    entityId: ad.id,
    after: { ...ad, bytes: media.bytes.length, mime: media.mime },
  });
  return ad;
}

/** Has machines play an ad, in the given place of their playlist; machines already playing it keep their place. */
export async function assignAd(
  w: Pick<Writer, 'scope' | 'audit' | 'eventQueued'>,
  userId: string,
  input: { adId: string; machineIds: string[]; sortOrder: number },
): Promise<Ad> {
  const ad = await loadAd(w.scope, input.adId);
  const machineIds: string[] = [];
  for (const machineId of new Set(input.machineIds)) {
    const machine = await w.scope.machines.get(machineId);
    if (!machine) throw notFound('Machine');
    machineIds.push(machine.id);
  }
  const already = new Set(
    (await w.scope.adMachines.find({ where: (am) => and(eq(am.adId, ad.id), inArray(am.machineId, machineIds)) })).map(
      (am) => am.machineId,
    ),
  );
  const added = machineIds.filter((m) => !already.has(m));
  if (added.length > 0) {
    await w.scope.adMachines.insertMany(
      added.map((machineId) => ({
        adId: ad.id,
        machineId,
        sortOrder: input.sortOrder,
        createdBy: userId,
        updatedBy: userId,
      })),
    );
  }
  await w.audit({ entity: 'adMachines', entityId: ad.id, after: { adId: ad.id, machineIds: added } });
  await configChanged(w, added, new Date());
  return ad;
}

/** Stops a machine playing an ad (nothing changes if it did not play it). */
export async function unassignAd(
  w: Pick<Writer, 'scope' | 'audit' | 'eventQueued'>,
  input: { adId: string; machineId: string },
): Promise<Ad> {
  const ad = await loadAd(w.scope, input.adId);
  const machine = await w.scope.machines.get(input.machineId);
  if (!machine) throw notFound('Machine');
  const row = await w.scope.adMachines.findOne((am) => and(eq(am.adId, ad.id), eq(am.machineId, machine.id)));
  if (row) await w.scope.adMachines.delete(row.id);
  await w.audit({
    entity: 'adMachines',
    entityId: row?.id ?? null,
    before: row ?? null,
    after: { adId: ad.id, machineId: machine.id, wasAssigned: Boolean(row) },
  });
  if (row) await configChanged(w, [machine.id], new Date());
  return ad;
}

/** Deletes an ad so that no machine plays it any more; the caller removes its file once this has committed. */
export async function deleteAd(w: Pick<Writer, 'scope' | 'audit' | 'eventQueued'>, adId: string): Promise<Ad> {
  const ad = await loadAd(w.scope, adId);
  const playing = await w.scope.adMachines.find({ where: (am) => eq(am.adId, ad.id) });
  const unassigned = await w.scope.adMachines.deleteWhere((am) => eq(am.adId, ad.id));
  await w.scope.ads.delete(ad.id);
  await w.audit({ entity: 'ads', entityId: ad.id, before: ad, after: { machinesUnassigned: unassigned } });
  await configChanged(
    w,
    playing.map((am) => am.machineId),
    new Date(),
  );
  return ad;
}
