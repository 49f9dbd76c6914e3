/**
 * Secrets sealed to one terminal (docs/device-api.md, "Sealed secrets"): a fresh AES-256-GCM
 * key encrypts the secret, and RSA-OAEP with SHA-256 encrypts that key to the terminal's RSA
 * public key, so only the terminal holding the private key can open it.
 */
import {
  createCipheriv,
  createDecipheriv,
  constants,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

export const SEALED_ALGORITHM = 'RSA-OAEP-256+A256GCM';

/** A sealed secret, every field base64. */
export interface SealedBox {
  alg: typeof SEALED_ALGORITHM;
  /** The AES key, encrypted to the terminal's RSA key. */
  key: string;
  iv: string;
  tag: string;
  data: string;
}

const OAEP = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' } as const;

/** Seals `secret` to the RSA public key `to`. */
export function seal(secret: string, to: KeyObject | string): SealedBox {
  const aesKey = randomBytes(32);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return {
    alg: SEALED_ALGORITHM,
    key: publicEncrypt({ key: to, ...OAEP }, aesKey).toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

/** Opens a box sealed to the RSA key pair whose private half is `privateKey`. Throws if it was not sealed to it or was changed. */
export function openSealed(box: SealedBox, privateKey: KeyObject | string): string {
  if (box.alg !== SEALED_ALGORITHM) throw new Error(`unknown sealing algorithm ${String(box.alg)}`);
  const aesKey = privateDecrypt({ key: privateKey, ...OAEP }, Buffer.from(box.key, 'base64'));
  const decipher = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(box.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(box.data, 'base64')), decipher.final()]).toString('utf8');
}
