/**
 * Field encryption by envelope.
 *
 * A master key (32 bytes, from the environment; never stored) wraps data keys, which are
 * kept in `data_keys`. A value is sealed with the active data key by AES-256-GCM and
 * carries that key's id, so keys can be rotated: new values use the new key, old values
 * stay readable until they are re-encrypted, and a master key can be replaced by
 * re-wrapping the data keys alone.
 *
 * A value is bound to the place it is stored in: the table, column, row and tenant are
 * authenticated with it (AES-GCM's additional data), so a value copied into another row,
 * column or tenant does not open there.
 *
 *   v2.<data key id>.<iv>.<ciphertext>.<tag>      (base64url parts)
 *
 * Values of the first format (`v1.`, bound to their data key alone) are opened only by
 * `reseal`, which the re-seal step (sealed.ts) runs over every sealed column at start.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { DbHandle } from './database.js';
import { newId } from './ids.js';

const VERSION = 'v2';
/** The first format, bound to its data key alone; opened only to re-seal it. */
const LEGACY_VERSION = 'v1';
const IV_BYTES = 12;

/** Where a sealed value is stored; see `sealedAt` (sealed.ts), which makes one from a row. */
export interface SealedPlace {
  /** The table's name in the database. */
  readonly table: string;
  /** The column's name in the database. */
  readonly column: string;
  /** The row's id. */
  readonly id: string;
  /** The tenant owning the row (a tenant's own row: its id); null for a platform row. */
  readonly tenantId: string | null;
}

/** The additional data a value sealed with data key `keyId` at `place` is bound to. */
function placeData(keyId: string, place: SealedPlace): string {
  return [VERSION, keyId, `${place.table}.${place.column}`, place.id, place.tenantId ?? ''].join('|');
}

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecryptionError';
  }
}

/** Reads a master key given as 64 hex characters or base64 of 32 bytes. */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new Error('the master key must be 32 bytes, as 64 hex characters or base64');
  return key;
}

/** A short public fingerprint of a master key, recorded with the data keys it wraps. */
export function masterKeyId(masterKey: Buffer): string {
  return createHash('sha256').update(masterKey).digest('hex').slice(0, 16);
}

function seal(key: Buffer, plaintext: Buffer, aad: string) {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, ciphertext, tag: cipher.getAuthTag() };
}

function open(key: Buffer, parts: { iv: Buffer; ciphertext: Buffer; tag: Buffer }, aad: string): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, parts.iv);
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(parts.tag);
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch {
    throw new DecryptionError('the value was altered or sealed with another key');
  }
}

const b64 = (b: Buffer) => b.toString('base64url');
const unb64 = (s: string) => Buffer.from(s, 'base64url');

function wrap(masterKey: Buffer, dataKey: Buffer, id: string): string {
  const { iv, ciphertext, tag } = seal(masterKey, dataKey, `data-key:${id}`);
  return [b64(iv), b64(ciphertext), b64(tag)].join('.');
}

function unwrap(masterKey: Buffer, wrapped: string, id: string): Buffer {
  const [iv, ciphertext, tag] = wrapped.split('.');
  if (!iv || !ciphertext || !tag) throw new DecryptionError(`data key ${id} is malformed`);
  return open(masterKey, { iv: unb64(iv), ciphertext: unb64(ciphertext), tag: unb64(tag) }, `data-key:${id}`);
}

export interface Keyring {
  /** Seals a value, to be stored at `place`, with the active data key. Needs no database access. */
  encrypt(plaintext: string, place: SealedPlace): string;
  /**
   * Opens a value sealed for `place` with the data key it names; a value sealed for
   * another place, altered, or of the first format is refused (DecryptionError). A key
   * made by another instance since this keyring opened is read from `via` (pass the
   * transaction handle when inside one), else from the database the keyring was opened on.
   */
  decrypt(sealed: string, place: SealedPlace, via?: DbHandle): Promise<string>;
  /** Retires the active data key and makes a new one; returns its id. Not inside a transaction. */
  rotate(): Promise<string>;
  /**
   * Seals the value stored at `place` again with the active data key (after a rotation),
   * bound to its place; a value of the first format, bound to its key alone, is opened
   * once here to be bound (the re-seal step).
   */
  reseal(sealed: string, place: SealedPlace, via?: DbHandle): Promise<string>;
  /** The id of the data key a sealed value names. */
  keyIdOf(sealed: string): string;
}

export function isSealed(value: string): boolean {
  return value.startsWith(`${VERSION}.`) && value.split('.').length === 5;
}

/** A value of the first format, bound to its data key alone, which the re-seal step binds to its place. */
export function isLegacySealed(value: string): boolean {
  return value.startsWith(`${LEGACY_VERSION}.`) && value.split('.').length === 5;
}

function parse(sealed: string, versions: readonly string[] = [VERSION]) {
  const [version, id, iv, ciphertext, tag] = sealed.split('.');
  if (version === LEGACY_VERSION && !versions.includes(version)) {
    throw new DecryptionError('the value is sealed in the first format, bound to no place: re-seal it first');
  }
  if (!version || !versions.includes(version) || !id || !iv || !ciphertext || !tag) {
    throw new DecryptionError('not a sealed value');
  }
  return { version, id, iv: unb64(iv), ciphertext: unb64(ciphertext), tag: unb64(tag) };
}

/**
 * Opens the keyring: unwraps the data keys this master key wrapped, and makes the first
 * data key if there is none. Call it at start, outside any transaction, so that a data
 * key is never created by a transaction that later rolls back.
 */
export async function openKeyring(db: DbHandle, masterKey: Buffer): Promise<Keyring> {
  if (masterKey.length !== 32) throw new Error('the master key must be 32 bytes');
  const masterId = masterKeyId(masterKey);
  const keys = new Map<string, Buffer>();

  const rows = await db.platform.dataKeys.find({
    where: (k) => eq(k.masterKeyId, masterId),
    orderBy: (k) => [desc(k.createdAt), desc(k.id)],
  });
  for (const row of rows) keys.set(row.id, unwrap(masterKey, row.wrappedKey, row.id));

  async function create(handle: DbHandle): Promise<{ id: string; key: Buffer }> {
    const key = randomBytes(32);
    const id = newId();
    await handle.platform.dataKeys.insert({ id, masterKeyId: masterId, wrappedKey: wrap(masterKey, key, id) });
    return { id, key };
  }

  const newest = rows.find((r) => r.status === 'active');
  let active = newest ? { id: newest.id, key: keys.get(newest.id) as Buffer } : await create(db);
  keys.set(active.id, active.key);

  async function load(id: string, via: DbHandle): Promise<Buffer> {
    const cached = keys.get(id);
    if (cached) return cached;
    const row = await via.platform.dataKeys.get(id);
    if (!row) throw new DecryptionError(`data key ${id} does not exist`);
    if (row.masterKeyId !== masterId) throw new DecryptionError(`data key ${id} is wrapped by another master key`);
    const key = unwrap(masterKey, row.wrappedKey, id);
    keys.set(id, key);
    return key;
  }

  const keyring: Keyring = {
    encrypt(plaintext, place) {
      const { iv, ciphertext, tag } = seal(active.key, Buffer.from(plaintext, 'utf8'), placeData(active.id, place));
      return [VERSION, active.id, b64(iv), b64(ciphertext), b64(tag)].join('.');
    },
    async decrypt(sealed, place, via = db) {
      const parts = parse(sealed);
      return open(await load(parts.id, via), parts, placeData(parts.id, place)).toString('utf8');
    },
    async rotate() {
      const previous = active;
      const next = await db.transaction(async (tx) => {
        const created = await create(tx);
        await tx.platform.dataKeys.update(previous.id, { status: 'retired', retiredAt: new Date() });
        return created;
      });
      keys.set(next.id, next.key);
      active = next;
      return next.id;
    },
    async reseal(sealed, place, via = db) {
      const parts = parse(sealed, [VERSION, LEGACY_VERSION]);
      const data = parts.version === LEGACY_VERSION ? parts.id : placeData(parts.id, place);
      return keyring.encrypt(open(await load(parts.id, via), parts, data).toString('utf8'), place);
    },
    keyIdOf(sealed) {
      return parse(sealed, [VERSION, LEGACY_VERSION]).id;
    },
  };
  return keyring;
}

/** Re-wraps every data key under a new master key, in one transaction. */
export async function rewrapDataKeys(db: DbHandle, oldMaster: Buffer, newMaster: Buffer): Promise<number> {
  const oldId = masterKeyId(oldMaster);
  const newMasterId = masterKeyId(newMaster);
  return db.transaction(async (tx) => {
    const rows = await tx.platform.dataKeys.find({ where: (k) => eq(k.masterKeyId, oldId) });
    for (const row of rows) {
      const key = unwrap(oldMaster, row.wrappedKey, row.id);
      await tx.platform.dataKeys.update(row.id, { masterKeyId: newMasterId, wrappedKey: wrap(newMaster, key, row.id) });
    }
    return rows.length;
  });
}
