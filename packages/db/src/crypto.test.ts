import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openKeyring, DecryptionError, isSealed, parseMasterKey, rewrapDataKeys } from './crypto.js';
import { openTestDatabase, type TestDatabase } from './testing/index.js';

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
    const sealed = keyring.encrypt('13800138000');
    expect(isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('13800138000');
    expect(await keyring.decrypt(sealed)).toBe('13800138000');
    const dataKey = await t.db.platform.dataKeys.get(keyring.keyIdOf(sealed));
    expect(dataKey).toMatchObject({ status: 'active' });
    expect(dataKey?.wrappedKey).not.toContain(master.toString('base64url'));
    // Another instance with the same master key reads it from the database.
    expect(await (await openKeyring(t.db, master)).decrypt(sealed)).toBe('13800138000');
  });

  it('seals the same value differently each time', async () => {
    const keyring = await openKeyring(t.db, master);
    expect(keyring.encrypt('x')).not.toBe(keyring.encrypt('x'));
  });

  it('opens values sealed inside a transaction that used a key made by another instance', async () => {
    const first = await openKeyring(t.db, master);
    const second = await openKeyring(t.db, master);
    await first.rotate();
    const sealed = first.encrypt('made after rotation');
    await t.db.transaction(async (tx) => {
      expect(await second.decrypt(sealed, tx)).toBe('made after rotation');
    });
  });

  it('refuses an altered value', async () => {
    const keyring = await openKeyring(t.db, master);
    const sealed = keyring.encrypt('secret');
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3] as string, 'base64url');
    ct[0] = (ct[0] as number) ^ 1;
    parts[3] = ct.toString('base64url');
    await expect(keyring.decrypt(parts.join('.'))).rejects.toBeInstanceOf(DecryptionError);
    await expect(keyring.decrypt('plain text')).rejects.toBeInstanceOf(DecryptionError);
  });

  it('refuses to open values with another master key', async () => {
    const sealed = (await openKeyring(t.db, master)).encrypt('secret');
    await expect((await openKeyring(t.db, randomBytes(32))).decrypt(sealed)).rejects.toThrow(/another master key/);
  });

  it('rotates data keys: old values stay readable, new ones use the new key, re-encryption moves them', async () => {
    const keyring = await openKeyring(t.db, master);
    const before = keyring.encrypt('before rotation');
    const oldKey = keyring.keyIdOf(before);
    const newKey = await keyring.rotate();
    expect(newKey).not.toBe(oldKey);
    expect((await t.db.platform.dataKeys.get(oldKey))?.status).toBe('retired');
    const after = keyring.encrypt('after rotation');
    expect(keyring.keyIdOf(after)).toBe(newKey);
    expect(await keyring.decrypt(before)).toBe('before rotation');
    const moved = await keyring.reencrypt(before);
    expect(keyring.keyIdOf(moved)).toBe(newKey);
    expect(await (await openKeyring(t.db, master)).decrypt(moved)).toBe('before rotation');
  });

  it('replaces the master key by re-wrapping the data keys', async () => {
    const sealed = (await openKeyring(t.db, master)).encrypt('survives');
    const next = randomBytes(32);
    expect(await rewrapDataKeys(t.db, master, next)).toBeGreaterThan(0);
    expect(await (await openKeyring(t.db, next)).decrypt(sealed)).toBe('survives');
    await expect((await openKeyring(t.db, master)).decrypt(sealed)).rejects.toThrow(DecryptionError);
  });

  it('parses master keys from hex or base64 and refuses other lengths', () => {
    const key = randomBytes(32);
    expect(parseMasterKey(key.toString('hex'))).toEqual(key);
    expect(parseMasterKey(key.toString('base64'))).toEqual(key);
    expect(() => parseMasterKey('short')).toThrow(/32 bytes/);
  });
});
