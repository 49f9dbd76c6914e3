/**
 * The platform's Ed25519 signing key: everything the platform sends a terminal is signed
 * with it, and terminals hold its public half from activation. The private key comes from
 * VMCLOUD_SIGNING_KEY, or in development from a key file made on the first start; it is
 * never stored in the database.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { signMessage, type Envelope, type PlatformMessage } from '@vmcloud/protocol/device';

export interface PlatformSigner {
  /** SPKI PEM of the public key, as terminals receive it at activation. */
  readonly publicKeyPem: string;
  readonly publicKey: KeyObject;
  sign<T>(envelope: Envelope<T>): PlatformMessage;
  /** The private key, for what the platform signs besides messages (sandbox notifications). */
  readonly privateKey: KeyObject;
}

export function platformSigner(privateKey: KeyObject): PlatformSigner {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('the platform signing key must be an Ed25519 key');
  const publicKey = createPublicKey(privateKey);
  return {
    publicKey,
    privateKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sign: (envelope) => signMessage(envelope, privateKey),
  };
}

/** Reads a PKCS#8 PEM, or base64 of its DER. Throws an Error saying what is wrong. */
export function parseSigningKey(text: string): KeyObject {
  const trimmed = text.trim();
  try {
    return trimmed.startsWith('-----BEGIN')
      ? createPrivateKey(trimmed)
      : createPrivateKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'pkcs8' });
  } catch {
    throw new Error('is not an Ed25519 private key (PKCS#8 PEM, or base64 of its DER)');
  }
}

/** The development key file's key, made (mode 0600) when the file does not exist. */
export function developmentSigningKey(path: string): KeyObject {
  if (existsSync(path)) return parseSigningKey(readFileSync(path, 'utf8'));
  const { privateKey } = generateKeyPairSync('ed25519');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600 });
  return privateKey;
}
