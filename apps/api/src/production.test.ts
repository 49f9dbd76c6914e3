import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { eq, openKeyring, type Keyring } from '@vmcloud/db';
import { openTestDatabase, testDialects, type TestDatabase } from '@vmcloud/db/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { verifyPassword } from './auth/password.js';
import { DEMO_PASSWORD, MANUFACTURER, seedOnStart } from './seed/index.js';

const signing = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const production = { NODE_ENV: 'production', VMCLOUD_MASTER_KEY: 'ab'.repeat(32), VMCLOUD_SIGNING_KEY: signing };

describe('production settings', () => {
  it('sends the session cookie Secure by default in production, unless COOKIE_SECURE=false says otherwise', () => {
    expect(loadConfig(production).secureCookies).toBe(true);
    expect(loadConfig({ ...production, COOKIE_SECURE: 'false' }).secureCookies).toBe(false);
    const development = { VMCLOUD_MASTER_KEY: 'ab'.repeat(32) };
    expect(loadConfig(development).secureCookies).toBe(false);
    expect(loadConfig({ ...development, COOKIE_SECURE: 'true' }).secureCookies).toBe(true);
  });

  it('takes the first administrator password and the trusted proxies, and refuses a weak password', () => {
    const config = loadConfig({
      ...production,
      VMCLOUD_ADMIN_PASSWORD: 'First_admin_2026',
      VMCLOUD_TRUSTED_PROXIES: '10.0.0.2, 10.0.0.3',
    });
    expect(config).toMatchObject({
      production: true,
      adminPassword: 'First_admin_2026',
      trustedProxies: ['10.0.0.2', '10.0.0.3'],
    });
    expect(() => loadConfig({ ...production, VMCLOUD_ADMIN_PASSWORD: 'short' })).toThrow(ConfigError);
  });
});

// Full-strength password hashes: the seed is the one a real start runs.
for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] the first production start`, () => {
    const opened: TestDatabase[] = [];
    let keyring: Keyring;
    const fresh = async () => {
      const t = await openTestDatabase(dialect);
      opened.push(t);
      keyring = await openKeyring(t.db, randomBytes(32));
      return t.db;
    };
    afterAll(async () => {
      for (const t of opened) await t.drop();
    });

    it('creates only the platform administrator, with a one-time password that must be changed, and no demo', async () => {
      const db = await fresh();
      const run = { command: 'start', seed: 'auto', production: true, adminPassword: null } as const;
      const seeded = await seedOnStart(db, keyring, run);
      if (!seeded || !('production' in seeded)) throw new Error('expected the production seed');
      const { oneTimePassword } = seeded.production;
      expect(oneTimePassword).toMatch(/^[A-Za-z0-9_]{8,25}$/);
      const tenants = await db.platform.tenants.find();
      expect(tenants.map((t) => [t.code, t.kind])).toEqual([[MANUFACTURER.code, 'manufacturer']]);
      const users = await db.forTenant(tenants[0]?.id ?? '').users.find();
      expect(users.map((u) => [u.username, u.mustChangePassword])).toEqual([['admin', true]]);
      expect(await verifyPassword(oneTimePassword ?? '', users[0]?.passwordHash ?? '')).toBe(true);
      expect(await verifyPassword(DEMO_PASSWORD, users[0]?.passwordHash ?? '')).toBe(false);
      // A second start finds the database in use and seeds nothing.
      expect(await seedOnStart(db, keyring, run)).toBeNull();
    });

    it('takes the administrator password from VMCLOUD_ADMIN_PASSWORD, and seeds the demo only when asked', async () => {
      const db = await fresh();
      await seedOnStart(db, keyring, {
        command: 'start',
        seed: 'auto',
        production: true,
        adminPassword: 'First_admin_2026',
      });
      const manufacturer = await db.platform.tenants.findOne((t) => eq(t.code, MANUFACTURER.code));
      const admin = await db.forTenant(manufacturer?.id ?? '').users.findOneBy({ username: 'admin' });
      expect(admin?.mustChangePassword).toBe(false);
      expect(await verifyPassword('First_admin_2026', admin?.passwordHash ?? '')).toBe(true);

      const never = await fresh();
      expect(
        await seedOnStart(never, keyring, { command: 'start', seed: 'never', production: true, adminPassword: null }),
      ).toBeNull();
      expect(await never.platform.tenants.count()).toBe(0);
    });
  });
}
