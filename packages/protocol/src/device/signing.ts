/**
 * Signed device calls (docs/device-api.md, "Signing"). A terminal signs every call it
 * makes with its Ed25519 key over a canonical string of the request; the platform checks
 * the signature, the time and the nonce before the call does anything.
 *
 *   VMC-SIG-1 \n METHOD \n TARGET \n TIMESTAMP \n NONCE \n SHA256(BODY)
 *
 * METHOD is upper case, TARGET the request target as sent (path and query string, exactly
 * the bytes on the request line), TIMESTAMP milliseconds since the Unix epoch in decimal,
 * NONCE 32 lower-case hex digits, and SHA256(BODY) the lower-case hex digest of the body's
 * bytes (of nothing for a GET).
 */
import { createHash, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';

export const SIGNATURE_SCHEME = 'VMC-SIG-1';

/** The headers of a signed call. */
export const SIGNATURE_HEADERS = {
  keyId: 'x-vmc-key-id',
  timestamp: 'x-vmc-timestamp',
  nonce: 'x-vmc-nonce',
  signature: 'x-vmc-signature',
} as const;

/** How far a call's timestamp may be from the platform's clock. */
export const SIGNATURE_WINDOW_MS = 5 * 60_000;

export interface CanonicalRequest {
  method: string;
  /** Path and query string, as on the request line: `/trpc/device.heartbeat?batch=1`. */
  target: string;
  /** Milliseconds since the Unix epoch. */
  timestamp: number;
  /** 32 lower-case hex digits, never used twice by one key. */
  nonce: string;
  /** The request body's bytes; empty for a GET. */
  body: Uint8Array | string;
}

export function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The string a terminal signs for a call, byte for byte. */
export function canonicalRequest(request: Omit<CanonicalRequest, 'body'> & { bodyDigest: string }): string {
  return [
    SIGNATURE_SCHEME,
    request.method.toUpperCase(),
    request.target,
    String(request.timestamp),
    request.nonce,
    request.bodyDigest,
  ].join('\n');
}

/** A fresh nonce: 16 random bytes in hex. */
export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

/** The key id of a public key: the SHA-256 of its SPKI DER encoding, hex. */
export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return sha256Hex(key.export({ type: 'spki', format: 'der' }));
}

/** The headers that sign `request` with the terminal's Ed25519 private key. */
export function signRequest(
  request: CanonicalRequest,
  keyId: string,
  privateKey: KeyObject,
): Record<(typeof SIGNATURE_HEADERS)[keyof typeof SIGNATURE_HEADERS], string> {
  const text = canonicalRequest({ ...request, bodyDigest: sha256Hex(request.body) });
  return {
    [SIGNATURE_HEADERS.keyId]: keyId,
    [SIGNATURE_HEADERS.timestamp]: String(request.timestamp),
    [SIGNATURE_HEADERS.nonce]: request.nonce,
    [SIGNATURE_HEADERS.signature]: sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64'),
  };
}

/** Whether `signature` (base64) is the Ed25519 signature of `text` by `publicKey`. */
export function verifySignature(text: string, signature: string, publicKey: KeyObject): boolean {
  const bytes = Buffer.from(signature, 'base64');
  if (bytes.length !== 64) return false;
  try {
    return verify(null, Buffer.from(text, 'utf8'), publicKey, bytes);
  } catch {
    return false;
  }
}

/**
 * The vendId (an unsigned 32-bit number, the serial protocol's VEND id) of a sale: the first
 * 32 bits of the SHA-256 of the sale's id. The same sale always gets the same vendId, so a
 * vend asked again after a crash is the same vend to the machine, which never dispenses
 * twice for one id.
 */
export function vendIdForSale(saleId: string): number {
  if (saleId.length === 0) throw new RangeError('a sale id is needed to derive a vendId');
  return createHash('sha256').update(saleId, 'utf8').digest().readUInt32BE(0);
}
