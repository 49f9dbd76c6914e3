import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openKeyring,
  DecryptionError,
  isLegacySealed,
  isSealed,
  parseMasterKey,
  rewrapDataKeys,
  type SealedPlace,
} from './crypto.js';
import { legacyDataKey, legacySeal, openTestDatabase, type TestDatabase } from './testing/index.js';

/** A place for values that these tests seal; the binding itself is tested below. */
const HERE: SealedPlace = { table: 'users', column: 'phone', id: 'row-1', tenantId: 'tenant-1' };

describe('envelope encryption', () => {
  let t: TestDatabase;
  const master = randomBytes(32);

  beforeAll(async () => {
    t = await openTestDatabase('sqlite');
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('seals a value that names its data key and opens it again', async () => {
    const keyring = await openKeyring(t.db, master);
    const sealed = keyring.encrypt('13800138000', HERE);
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('13800138000');
    expect(await keyring.decrypt(sealed, HERE)).toBe('13800138000');
    const dataKey = await t.db.platform.dataKeys.get(keyring.keyIdOf(sealed));
    expect(dataKey).toMatchObject({ status: 'active' });
    expect(dataKey?.wrappedKey).not.toContain(master.toString('base64url'));
    // Another instance with the same master key reads it from the database.
    expect(await (await openKeyring(t.db, master)).decrypt(sealed, HERE)).toBe('13800138000');
  });

  it('seals the same value differently each time', async () => {
    const keyring = await openKeyring(t.db, master);
    expect(keyring.encrypt('x', HERE)).not.toBe(keyring.encrypt('x', HERE));
  });

  it('opens values sealed inside a transaction that used a key made by another instance', async () => {
    const first = await openKeyring(t.db, master);
    const second = await openKeyring(t.db, master);
    await first.rotate();
    const sealed = first.encrypt('made after rotation', HERE);
    await t.db.transaction(async (tx) => {
      expect(await second.decrypt(sealed, HERE, tx)).toBe('made after rotation');
    });
  });

  it('refuses an altered value', async () => {
    const keyring = await openKeyring(t.db, master);
    const sealed = keyring.encrypt('secret', HERE);
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3] as string, 'base64url');
    ct[0] = (ct[0] as number) ^ 1;
    parts[3] = ct.toString('base64url');
    await expect(keyring.decrypt(parts.join('.'), HERE)).rejects.toBeInstanceOf(DecryptionError);
    await expect(keyring.decrypt('plain text', HERE)).rejects.toBeInstanceOf(DecryptionError);
  });

  it('refuses to open values with another master key', async () => {
    const sealed = (await openKeyring(t.db, master)).encrypt('secret', HERE);
    await expect((await openKeyring(t.db, randomBytes(32))).decrypt(sealed, HERE)).rejects.toThrow(
      /another master key/,
    );
  });

  it('rotates data keys: old values stay readable, new ones use the new key, re-encryption moves them', async () => {
    const keyring = await openKeyring(t.db, master);
    const before = keyring.encrypt('before rotation', HERE);
    const oldKey = keyring.keyIdOf(before);
    const newKey = await keyring.rotate();
    expect(newKey).not.toBe(oldKey);
    expect((await t.db.platform.dataKeys.get(oldKey))?.status).toBe('retired');
    const after = keyring.encrypt('after rotation', HERE);
    expect(keyring.keyIdOf(after)).toBe(newKey);
    expect(await keyring.decrypt(before, HERE)).toBe('before rotation');
    const moved = await keyring.reseal(before, HERE);
    expect(keyring.keyIdOf(moved)).toBe(newKey);
    expect(await (await openKeyring(t.db, master)).decrypt(moved, HERE)).toBe('before rotation');
  });

  it('replaces the master key by re-wrapping the data keys', async () => {
    const sealed = (await openKeyring(t.db, master)).encrypt('survives', HERE);
    const next = randomBytes(32);
    expect(await rewrapDataKeys(t.db, master, next)).toBeGreaterThan(0);
    expect(await (await openKeyring(t.db, next)).decrypt(sealed, HERE)).toBe('survives');
    await expect((await openKeyring(t.db, master)).decrypt(sealed, HERE)).rejects.toThrow(DecryptionError);
  });

  it('binds a value to its table, column, row and tenant: moved anywhere else it does not open', async () => {
    const keyring = await openKeyring(t.db, master);
    const sealed = keyring.encrypt('13800138000', HERE);
    for (const elsewhere of [
      { ...HERE, id: 'row-2' },
      { ...HERE, column: 'email' },
      { ...HERE, table: 'tenants', column: 'contact_phone' },
      { ...HERE, tenantId: 'tenant-2' },
      { ...HERE, tenantId: null },
      // The parts are kept apart: moving text between them changes the place.
      { ...HERE, table: 'users.phone', column: '', id: 'row-1' },
      { ...HERE, id: 'row-1|tenant-1', tenantId: '' },
    ]) {
      await expect(keyring.decrypt(sealed, elsewhere), JSON.stringify(elsewhere)).rejects.toThrow(DecryptionError);
    }
    expect(await keyring.decrypt(sealed, { ...HERE })).toBe('13800138000');
  });

  it('opens a value of the first format, bound to its key alone, only to seal it for its place', async () => {
    const dataKey = await legacyDataKey(t.db, master);
    const legacy = legacySeal(dataKey, '13800138000');
    const keyring = await openKeyring(t.db, master);
    expect(isLegacySealed(legacy)).toBe(true);
    await expect(keyring.decrypt(legacy, HERE)).rejects.toThrow(/first format/);
    const resealed = await keyring.reseal(legacy, HERE);
    expect(isSealed(resealed)).toBe(true);
    expect(await keyring.decrypt(resealed, HERE)).toBe('13800138000');
    await expect(keyring.decrypt(resealed, { ...HERE, id: 'row-2' })).rejects.toThrow(DecryptionError);
    // A first-format value altered is refused there too.
    const parts = legacy.split('.');
    parts[4] = Buffer.alloc(16).toString('base64url');
    await expect(keyring.reseal(parts.join('.'), HERE)).rejects.toThrow(DecryptionError);
  });

  it('parses master keys from hex or base64 and refuses other lengths', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('hex'))).toEqual(key);
    expect(parseMasterKey(key.toString('base64'))).toEqual(key);
    expect(() => parseMasterKey('short')).toThrow(/32 bytes/);
  });
});
