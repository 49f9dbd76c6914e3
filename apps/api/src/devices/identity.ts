/**
 * Who is calling on the device channel: a terminal proves it holds the key registered at
 * activation by signing each call (docs/device-api.md, "Signing"). Checked in this order,
 * each refusal saying which part failed and nothing else changing:
 *   the headers are there and well formed; the timestamp is within 5 minutes of the
 *   platform's clock; the key id names a registered key that is not revoked; the
 *   signature verifies; the nonce was never seen with this key (on any API instance: the
 *   nonces are in the database).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { lt, type DbHandle, type PlatformScope } from '@vmcloud/db';
import { calendarOf, type BusinessCalendar } from '../shared/business-day.js';
import { ExpiringCache } from '../shared/expiring-cache.js';
import { canonicalRequest, SIGNATURE_WINDOW_MS, verifySignature } from '@vmcloud/protocol/device';
import { isUniqueViolation, unauthorized } from '../shared/errors.js';

/** The `x-vmc-*` headers of a call a terminal signed, with what the signature covers. */
export interface SignedRequest {
  keyId: string;
  timestamp: string;
  nonce: string;
  signature: string;
  method: string;
  /** The request target: path and query string, as on the request line. */
  target: string;
  /** SHA-256 of the body's bytes, hex. */
  bodyDigest: string;
}

/** The machine a signed call comes from. */
export interface DeviceIdentity {
  machineId: string;
  tenantId: string;
  keyId: string;
  credentialId: string;
  /** SPKI PEM of the terminal's RSA key: secrets for it are sealed to it. */
  sealingKey: string;
  /** The call's nonce: unique among this terminal's calls, so the id of the answer. */
  nonce: string;
  /** When this key was registered. */
  activatedAt: Date;
  /** The business calendar of the machine's tenant (its time zone). */
  calendar: BusinessCalendar;
}

/** A registered key as the cache holds it, with its tenant's calendar. */
interface KnownKey {
  credentialId: string;
  machineId: string;
  tenantId: string;
  keyId: string;
  signingKey: string;
  sealingKey: string;
  activatedAt: Date;
  revoked: boolean;
  calendar: BusinessCalendar;
}

/**
 * Registered keys as recently read, for `ttlMs` (5 s): a signed call then reads nothing
 * before the transaction of its work, so calls that arrive together share one COMMIT. A
 * key revoked on this instance is forgotten at once (`forgetMachine`); on another
 * instance within `ttlMs`, as sessions are (PrincipalCache). A tenant's time-zone change
 * reaches its terminals' calls within the same time.
 */
export class DeviceKeyCache {
  private readonly entries: ExpiringCache<string, KnownKey>;

  constructor(ttlMs = 5_000, maxEntries = 20_000) {
    this.entries = new ExpiringCache(ttlMs, maxEntries);
  }

  async resolve(db: DbHandle, keyId: string, now: Date): Promise<KnownKey | undefined> {
    const hit = this.entries.get(keyId, now.getTime());
    if (hit) return hit;
    const credential = await db.platform.deviceCredentials.findOneBy({ keyId });
    if (!credential) {
      this.entries.delete(keyId);
      return undefined;
    }
    const tenant = await db.platform.tenants.get(credential.tenantId);
    const key: KnownKey = {
      credentialId: credential.id,
      machineId: credential.machineId,
      tenantId: credential.tenantId,
      keyId: credential.keyId,
      signingKey: credential.signingKey,
      sealingKey: credential.sealingKey,
      activatedAt: credential.activatedAt,
      revoked: credential.revokedAt !== null,
      calendar: calendarOf(tenant?.timeZone),
    };
    this.entries.set(keyId, key, now.getTime());
    return key;
  }

  /** Forgets the keys of a machine (revoked, or replaced by an activation). */
  forgetMachine(machineId: string): void {
    this.entries.deleteWhere((key) => key.machineId === machineId);
  }
}

/** Reads every key afresh: for callers without a cache (tests, tools). */
const NO_CACHE = new DeviceKeyCache(0);

const HEX64 = /^[0-9a-f]{64}$/;
const NONCE = /^[0-9a-f]{32}$/;
const TIMESTAMP = /^[0-9]{1,15}$/;
const SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;

/** Parsed public keys by key id: a key never changes once registered (revocation is read each call). */
const publicKeys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 20_000;

function publicKeyOf(keyId: string, pem: string): KeyObject {
  let key = publicKeys.get(keyId);
  if (!key) {
    key = createPublicKey(pem);
    if (publicKeys.size >= MAX_CACHED_KEYS) publicKeys.clear();
    publicKeys.set(keyId, key);
  }
  return key;
}

/**
 * Checks a signed call and claims its nonce. With `claim: 'deferred'` the nonce is not
 * claimed here: the caller claims it (`claimNonce`) first in the transaction that does the
 * call's work, so that the call pays one COMMIT, not two; a replay finds the nonce taken
 * and its work rolls back.
 */
export async function authenticateDevice(
  db: DbHandle,
  signed: SignedRequest | null,
  now: Date,
  options: { claim?: 'now' | 'deferred'; keys?: DeviceKeyCache } = {},
): Promise<DeviceIdentity & { claimNonce(platform: PlatformScope): Promise<void> }> {
  if (!signed)
    throw unauthorized(
      'This call must be signed by a terminal (x-vmc-key-id, x-vmc-timestamp, x-vmc-nonce, x-vmc-signature)',
    );
  if (!HEX64.test(signed.keyId)) throw unauthorized('x-vmc-key-id: must be 64 lower-case hex digits');
  if (!TIMESTAMP.test(signed.timestamp))
    throw unauthorized('x-vmc-timestamp: must be milliseconds since 1970 in decimal');
  if (!NONCE.test(signed.nonce)) throw unauthorized('x-vmc-nonce: must be 32 lower-case hex digits');
  if (!SIGNATURE.test(signed.signature)) throw unauthorized('x-vmc-signature: must be a base64 Ed25519 signature');
  const timestamp = Number(signed.timestamp);
  if (Math.abs(timestamp - now.getTime()) > SIGNATURE_WINDOW_MS) {
    throw unauthorized('x-vmc-timestamp: more than 5 minutes from the platform’s clock');
  }
  const credential = await (options.keys ?? NO_CACHE).resolve(db, signed.keyId, now);
  if (!credential) throw unauthorized('x-vmc-key-id: no terminal has this key');
  if (credential.revoked) throw unauthorized('x-vmc-key-id: this key was revoked; activate the terminal again');
  const text = canonicalRequest({
    method: signed.method,
    target: signed.target,
    timestamp,
    nonce: signed.nonce,
    bodyDigest: signed.bodyDigest,
  });
  if (!verifySignature(text, signed.signature, publicKeyOf(credential.keyId, credential.signingKey))) {
    throw unauthorized('x-vmc-signature: does not verify for this request');
  }
  const claimNonce = async (platform: PlatformScope): Promise<void> => {
    try {
      await platform.deviceNonces.insert({
        keyId: signed.keyId,
        nonce: signed.nonce,
        // Kept while a request with this timestamp would still be accepted.
        expiresAt: new Date(timestamp + SIGNATURE_WINDOW_MS),
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw unauthorized('x-vmc-nonce: this request was seen before');
      throw error;
    }
  };
  if (options.claim !== 'deferred') await claimNonce(db.platform);
  return {
    claimNonce,
    machineId: credential.machineId,
    tenantId: credential.tenantId,
    keyId: credential.keyId,
    credentialId: credential.credentialId,
    sealingKey: credential.sealingKey,
    nonce: signed.nonce,
    activatedAt: credential.activatedAt,
    calendar: credential.calendar,
  };
}

/** Forgets nonces whose requests could no longer be accepted anyway. */
export async function forgetExpiredNonces(db: DbHandle, now: Date): Promise<number> {
  return db.platform.deviceNonces.deleteWhere((n) => lt(n.expiresAt, now));
}
