import { eq, openKeyring, type Keyring } from '@vmcloud/db';
import { openTestDatabase, testDialects, type TestDatabase } from '@vmcloud/db/testing';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_TEMPLATES } from '../access/catalog.js';
import { verifyPassword } from '../auth/password.js';
import { reportDatabase } from '../report.js';
import { DEMO_OPERATOR, DEMO_PASSWORD, demoLogins, MANUFACTURER, seed } from './index.js';

const fastHash = { ln: 10, r: 8, p: 1 };
const now = new Date(Date.UTC(2026, 10, 22, 12));

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] seed`, () => {
    let t: TestDatabase;
    let keyring: Keyring;
    let first: Awaited<ReturnType<typeof seed>>;

    beforeAll(async () => {
      t = await openTestDatabase(dialect);
      keyring = await openKeyring(t.db, randomBytes(32));
      first = await seed(t.db, keyring, { passwordCost: fastHash, now });
    });
    afterAll(async () => {
      await t?.drop();
    });

    it('creates the manufacturer and the demo operator, with one login of every role', async () => {
      expect(first.seeded).toBe(true);
      const tenants = await t.db.platform.tenants.find({ orderBy: (x) => [x.code] });
      expect(tenants.map((x) => [x.code, x.name, x.kind])).toEqual([
        [MANUFACTURER.code, MANUFACTURER.name, 'manufacturer'],
        [DEMO_OPERATOR.code, DEMO_OPERATOR.name, 'operator'],
      ]);
      expect(first.users.map((u) => u.role).sort()).toEqual(
        ROLE_TEMPLATES.map((r) => r.key)
          .concat('field_staff')
          .sort(),
      );
    });

    it('gives every demo user the demo password, hashed, and their phone encrypted', async () => {
      const operator = await t.db.platform.tenants.findOne((x) => eq(x.code, DEMO_OPERATOR.code));
      if (!operator) throw new Error('no demo operator');
      const staff = await t.db.forTenant(operator.id).users.findOne((u) => eq(u.username, 'staff1'));
      if (!staff?.phone) throw new Error('staff1 has no phone');
      expect(await verifyPassword(DEMO_PASSWORD, staff.passwordHash)).toBe(true);
      expect(staff.phone).not.toContain('13800138002');
      expect(await keyring.decrypt(staff.phone)).toBe('13800138002');
    });

    it('fills every table an admin page lists', async () => {
      const report = await reportDatabase(t.db);
      for (const table of [
        'machines',
        'channels',
        'channelGroups',
        'products',
        'orders',
        'payments',
        'refunds',
        'shipments',
        'transfers',
        'restocks',
        'warehouseStock',
        'staffInventory',
        'turnovers',
        'giftCodes',
        'ads',
        'alarms',
        'leaseOrders',
        'tenantModules',
        'customFieldValues',
        'machineSales',
        'settlements',
      ] as const) {
        expect({ table, rows: report.rows[table] }).toEqual({ table, rows: expect.any(Number) });
        expect(report.rows[table]).toBeGreaterThan(0);
      }
      expect(report.rows.orders).toBeGreaterThan(21 * 3 * 10);
    });

    it('keeps the demo data consistent: restocks add up, stock fits, orders point at their machine', async () => {
      const operator = await t.db.platform.tenants.findOne((x) => eq(x.code, DEMO_OPERATOR.code));
      if (!operator) throw new Error('no demo operator');
      const op = t.db.forTenant(operator.id);
      for (const r of await op.restocks.find()) expect(r.stockAfter).toBe(r.stockBefore + r.quantity);
      for (const c of await op.channels.find()) expect(c.stock).toBeLessThanOrEqual(c.capacity);
      const machines = new Set((await op.machines.find()).map((m) => m.id));
      const orders = await op.orders.find({ limit: 200 });
      for (const o of orders) {
        expect(machines.has(o.machineId)).toBe(true);
        expect(o.createdAt.getTime()).toBeLessThan(now.getTime());
      }
      // The manufacturer recorded each sale; the operator rents all modules but two.
      const manufacturer = await t.db.platform.tenants.findOne((x) => eq(x.kind, 'manufacturer'));
      if (!manufacturer) throw new Error('no manufacturer');
      expect(await t.db.forTenant(manufacturer.id).machineSales.count()).toBe(3);
      expect(await op.tenantModules.count()).toBe(20);
    });

    it('changes nothing when run again', async () => {
      const before = await reportDatabase(t.db);
      const again = await seed(t.db, keyring, { passwordCost: fastHash, now });
      expect(again).toEqual({ seeded: false, users: [] });
      expect(await reportDatabase(t.db)).toEqual(before);
    });

    it('still lists the demo logins when the database was seeded before', async () => {
      const sort = (users: { tenantCode: string; username: string; role: string }[]) =>
        [...users].sort((a, b) => `${a.tenantCode}${a.username}`.localeCompare(`${b.tenantCode}${b.username}`));
      expect(sort(await demoLogins(t.db))).toEqual(sort(first.users));
    });
  });
}

describe('[sqlite] a seed that fails halfway', () => {
  it('leaves the database as it was', async () => {
    const t = await openTestDatabase('sqlite');
    try {
      const keyring = await openKeyring(t.db, randomBytes(32));
      // The keyring fails at the first demo phone number, after the platform data was written.
      const brokenKeyring = {
        ...keyring,
        encrypt: () => {
          throw new Error('keyring failed');
        },
      };
      await expect(seed(t.db, brokenKeyring, { passwordCost: fastHash, now })).rejects.toThrow('keyring failed');
      const report = await reportDatabase(t.db);
      const nonEmpty = Object.entries(report.rows)
        .filter(([, n]) => n > 0)
        .map(([name]) => name);
      // Only the data key the keyring made when it opened, before the seed began.
      expect(nonEmpty).toEqual(['dataKeys']);
    } finally {
      await t.drop();
    }
  });
});
