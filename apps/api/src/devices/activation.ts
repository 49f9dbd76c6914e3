/**
 * Activation: a terminal bolted onto a machine presents the machine's controller board id
 * and the one-time code the operator issued for it (`machines.issueActivationCode`),
 * registers its two public keys, and receives the platform's public signing key. A board
 * replaced in the field is a new activation of the same machine: the machine takes the
 * new board id, and the key of the terminal before is revoked.
 */
import { createPublicKey, randomInt } from 'node:crypto';
import { eq, sealedAt, type DbHandle, type Keyring } from '@vmcloud/db';
import { keyIdOf, type ActivateResponse } from '@vmcloud/protocol/device';
import { z } from 'zod';
import { hashActivationCode } from '../machines/activation.js';
import { layOutChannels } from '../channels/layout.js';
import { conflict, invalid, refused, unauthorized } from '../shared/errors.js';

const EXAMPLE_PEM =
  '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n';

const Pem = (what: string) =>
  z
    .string({ error: `must be the ${what} as SPKI PEM` })
    .max(4096, 'is too long')
    .regex(/^-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----\s*$/, `must be the ${what} as SPKI PEM`)
    .meta({ examples: [EXAMPLE_PEM] });

export const ActivateInput = z.object({
  boardId: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(32, 'must be at most 32 characters')
    .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, - or _')
    .meta({ examples: ['SIM000001'] }),
  activationCode: z.string().trim().min(4, 'is too short').max(32, 'is too long'),
  signingKey: Pem('Ed25519 public key'),
  sealingKey: Pem('RSA public key'),
  channelCount: z.number().int('must be a whole number').min(1, 'must be at least 1').max(999, 'is too large'),
  firmware: z.string().max(32, 'must be at most 32 characters').optional(),
  appVersion: z.string().max(32, 'must be at most 32 characters').optional(),
});
export type ActivateInput = z.infer<typeof ActivateInput>;

function checkKeys(input: ActivateInput) {
  let signing, sealing;
  try {
    signing = createPublicKey(input.signingKey);
  } catch {
    throw refused('signingKey', 'is not a public key');
  }
  if (signing.asymmetricKeyType !== 'ed25519') throw refused('signingKey', 'must be an Ed25519 key');
  try {
    sealing = createPublicKey(input.sealingKey);
  } catch {
    throw refused('sealingKey', 'is not a public key');
  }
  const bits = sealing.asymmetricKeyDetails?.modulusLength ?? 0;
  if (sealing.asymmetricKeyType !== 'rsa' || bits < 2048)
    throw refused('sealingKey', 'must be an RSA key of 2048 bits or more');
  return { keyId: keyIdOf(signing) };
}

/** A new kiosk service PIN: 6 digits. */
function newServicePin(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export async function activate(
  db: DbHandle,
  keyring: Keyring,
  input: ActivateInput,
  now: Date,
  platformKey: string,
  requestId: string | null,
): Promise<ActivateResponse> {
  const { keyId } = checkKeys(input);
  const codeHash = hashActivationCode(input.activationCode);
  return db.transaction(async (tx) => {
    // The code names the machine; codes are few and activations rare, so every tenant is asked.
    let found:
      | {
          tenantId: string;
          code: NonNullable<Awaited<ReturnType<ReturnType<DbHandle['forTenant']>['activationCodes']['findOneBy']>>>;
        }
      | undefined;
    for (const tenant of await tx.platform.tenants.find()) {
      const code = await tx.forTenant(tenant.id).activationCodes.findOneBy({ codeHash });
      if (code) {
        found = { tenantId: tenant.id, code };
        break;
      }
    }
    if (!found || found.code.usedAt || found.code.expiresAt.getTime() <= now.getTime()) {
      throw unauthorized(
        'activationCode: is not a valid activation code (unknown, used or expired); ask the operator for a new one',
      );
    }
    const { tenantId, code } = found;
    const scope = tx.forTenant(tenantId);
    const machine = await scope.machines.get(code.machineId);
    if (!machine || machine.status === 'retired')
      throw invalid('activationCode: the machine it was issued for is retired');
    const type = await tx.forTenant(machine.manufacturerId).machineTypes.get(machine.typeId);
    if (!type) throw new Error(`machine type ${machine.typeId} is gone`);
    const channelCount = type.trays * type.slotsPerTray;
    if (input.channelCount !== channelCount) {
      throw refused(
        'channelCount',
        `the controller reports ${input.channelCount} channels, the machine type ${type.model} has ${channelCount}`,
      );
    }
    if (machine.boardId !== input.boardId) {
      // A replaced board: the new id must not be another machine's.
      for (const tenant of await tx.platform.tenants.find()) {
        const other = await tx.forTenant(tenant.id).machines.findOneBy({ boardId: input.boardId });
        if (other && other.id !== machine.id) throw conflict('boardId: another machine has this board');
      }
    }
    if (await tx.platform.deviceCredentials.findOneBy({ keyId })) {
      throw conflict('signingKey: this key is registered already; make a new key pair');
    }
    const before = await tx.platform.deviceCredentials.find({ where: (c) => eq(c.machineId, machine.id) });
    for (const old of before)
      if (!old.revokedAt) await tx.platform.deviceCredentials.update(old.id, { revokedAt: now });
    const credential = await tx.platform.deviceCredentials.insert({
      tenantId,
      machineId: machine.id,
      boardId: input.boardId,
      signingKey: input.signingKey,
      sealingKey: input.sealingKey,
      keyId,
      activatedAt: now,
    });
    await scope.activationCodes.update(code.id, { usedAt: now });
    await scope.machines.update(machine.id, {
      boardId: input.boardId,
      status: machine.status === 'in_stock' ? 'active' : machine.status,
      servicePin: machine.servicePin ?? keyring.encrypt(newServicePin(), sealedAt('machines', 'servicePin', machine)),
    });
    const laidOut = await layOutChannels(scope, machine, type, null);
    if (!(await scope.machineStatus.findOneBy({ machineId: machine.id }))) {
      await scope.machineStatus.insert({
        machineId: machine.id,
        appVersion: input.appVersion ?? null,
        firmware: input.firmware ?? null,
      });
    }
    await scope.auditLog.insert({
      userId: null,
      action: 'device.activate',
      entity: 'device_credentials',
      entityId: credential.id,
      before: null,
      after: {
        machineId: machine.id,
        keyId,
        boardId: input.boardId,
        replacedBoard: machine.boardId !== input.boardId ? machine.boardId : null,
        revokedKeys: before.filter((c) => !c.revokedAt).map((c) => c.keyId),
        channelsLaidOut: laidOut,
      },
      requestId,
      ip: null,
    });
    return { machineId: machine.id, tenantId, keyId, platformKey };
  });
}
