import { createCipheriv, randomBytes } from 'node:crypto';
import { masterKeyId } from '../crypto.js';
import type { DbHandle } from '../database.js';
import { newId } from '../ids.js';

/**
 * The first format, written here from its description rather than with the keyring, as
 * databases sealed before values were bound to their place hold it: AES-256-GCM with the
 * data key's id as additional data, `v1.<key id>.<iv>.<ciphertext>.<tag>`. Data keys are
 * wrapped by the master key with `data-key:<id>` as additional data, `<iv>.<ciphertext>.<tag>`.
 */
function gcm(key: Buffer, plaintext: Buffer, aad: string): string[] {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [iv, ciphertext, cipher.getAuthTag()].map((b) => b.toString('base64url'));
}

/** A retired data key of the first days, stored wrapped by `master`. */
export async function legacyDataKey(db: DbHandle, master: Buffer): Promise<{ id: string; key: Buffer }> {
  const key = randomBytes(32);
  const id = newId();
  await db.platform.dataKeys.insert({
    id,
    masterKeyId: masterKeyId(master),
    wrappedKey: gcm(master, key, `data-key:${id}`).join('.'),
    status: 'retired',
  });
  return { id, key };
}

export function legacySeal(dataKey: { id: string; key: Buffer }, plaintext: string): string {
  return ['v1', dataKey.id, ...gcm(dataKey.key, Buffer.from(plaintext), dataKey.id)].join('.');
}
