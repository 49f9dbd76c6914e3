import { and, eq, openKeyring, sealedAt, type Keyring } from '@vmcloud/db';
import { openTestDatabase, testDialects, type TestDatabase } from '@vmcloud/db/testing';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P, ROLE_TEMPLATES } from '../access/catalog.js';
import { permissionsOfUser } from '../access/permissions.js';
import { verifyPassword } from '../auth/password.js';
import { reportDatabase } from '../report.js';
import { DEMO_OPERATOR, DEMO_PASSWORD, demoLogins, MANUFACTURER, seed, seedOnStart } from './index.js';

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
      expect(await keyring.decrypt(staff.phone, sealedAt('users', 'phone', staff))).toBe('13800138002');
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

    it('lays out the demo machines by their types and gives them their numbers', async () => {
      const manufacturer = await t.db.platform.tenants.findOne((x) => eq(x.kind, 'manufacturer'));
      const operator = await t.db.platform.tenants.findOne((x) => eq(x.code, DEMO_OPERATOR.code));
      if (!manufacturer || !operator) throw new Error('no tenants');
      const types = await t.db.forTenant(manufacturer.id).machineTypes.find({ orderBy: (x) => [x.model] });
      expect(types.map((x) => [x.model, x.trays, x.slotsPerTray, x.defaultCapacity])).toEqual([
        ['VMC-C20', 4, 5, 10],
        ['VMC-S12', 3, 4, 8],
      ]);
      const op = t.db.forTenant(operator.id);
      const machines = await op.machines.find({ orderBy: (m) => [m.boardId] });
      expect(machines.map((m) => [m.boardId, m.deviceNo, m.nameplateNo])).toEqual([
        ['VMC2026A0001', 'HD-001', 'C20-2026-000118'],
        ['VMC2026A0002', 'HD-002', 'C20-2026-000119'],
        ['VMC2026B0001', 'HD-003', 'S12-2026-000042'],
      ]);
      for (const machine of machines) {
        const type = types.find((x) => x.id === machine.typeId);
        const channels = await op.channels.find({ where: (c) => eq(c.machineId, machine.id) });
        expect(channels.map((c) => c.number).sort((x, y) => x - y)).toEqual(
          Array.from({ length: (type?.trays ?? 0) * (type?.slotsPerTray ?? 0) }, (_, i) => i + 1),
        );
        for (const c of channels) expect(c.capacity).toBe(type?.defaultCapacity);
      }
      // Payments go through the sandbox provider; orders end in the statuses orders have.
      expect((await op.paymentAccounts.find()).map((a) => a.provider)).toEqual(['sandbox']);
      const providers = new Set((await op.payments.find()).map((p) => p.provider));
      expect([...providers]).toEqual(['sandbox']);
      const statuses = new Set((await op.orders.find()).map((o) => o.status));
      expect([...statuses].sort()).toEqual(['completed', 'expired', 'refunded']);
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

    it('grants a permission new to the catalogue to the built-in roles of a database in use at the next start', async () => {
      // The database as it was before P.auditLog existed, with one permission taken from a built-in role.
      const permission = await t.db.platform.permissions.findOne((p) => eq(p.code, P.auditLog));
      const ads = await t.db.platform.permissions.findOne((p) => eq(p.code, P.ads));
      if (!permission || !ads) throw new Error('the seed made no permissions');
      const tenants = await t.db.platform.tenants.find();
      for (const tenant of tenants) {
        await t.db.forTenant(tenant.id).rolePermissions.deleteWhere((rp) => eq(rp.permissionId, permission.id));
      }
      await t.db.platform.permissions.deleteWhere((p) => eq(p.code, P.auditLog));
      const operator = tenants.find((x) => x.code === DEMO_OPERATOR.code);
      const scope = t.db.forTenant(operator?.id ?? '');
      const adminRole = await scope.roles.findOne((r) => eq(r.key, 'operator_admin'));
      await scope.rolePermissions.deleteWhere((rp) =>
        and(eq(rp.roleId, adminRole?.id ?? ''), eq(rp.permissionId, ads.id)),
      );

      const start = { command: 'start', seed: 'auto', production: false, adminPassword: null } as const;
      expect(await seedOnStart(t.db, keyring, start)).toBeNull();

      const added = await t.db.platform.permissions.findOne((p) => eq(p.code, P.auditLog));
      expect(added?.kind).toBe('operator');
      const holders = async (tenantId: string, permissionId: string) => {
        const s = t.db.forTenant(tenantId);
        const links = await s.rolePermissions.find({ where: (rp) => eq(rp.permissionId, permissionId) });
        const roles = await s.roles.getMany(links.map((l) => l.roleId));
        return roles.map((r) => `${r.key}${r.template ? ' (template)' : ''}`).sort();
      };
      const factory = tenants.find((x) => x.code === MANUFACTURER.code);
      expect(await holders(operator?.id ?? '', added?.id ?? '')).toEqual(['operator_admin']);
      expect(await holders(factory?.id ?? '', added?.id ?? '')).toEqual(['operator_admin (template)']);
      // What an operator took from a built-in role stays taken.
      expect(await holders(operator?.id ?? '', ads.id)).toEqual([]);
      // The operator admin holds it, whatever the tenant rents.
      const admin = await scope.users.findOne((u) => eq(u.username, 'admin'));
      const held = await permissionsOfUser(scope, t.db.platform, admin?.id ?? '', new Set());
      expect([...held]).toEqual([P.renewLease, P.auditLog]);
    });

    it('finishes a start whose catalogue another instance starting at once brought up to date first', async () => {
      const permission = await t.db.platform.permissions.findOne((p) => eq(p.code, P.auditLog));
      if (!permission) throw new Error('no permission');
      for (const tenant of await t.db.platform.tenants.find()) {
        await t.db.forTenant(tenant.id).rolePermissions.deleteWhere((rp) => eq(rp.permissionId, permission.id));
      }
      await t.db.platform.permissions.deleteWhere((p) => eq(p.code, P.auditLog));
      const start = { command: 'start', seed: 'auto', production: false, adminPassword: null } as const;
      // The other instance commits its insert between this one's read and its own insert,
      // which then breaks the unique code.
      let raced = false;
      const racing = new Proxy(t.db, {
        get(target, key, receiver) {
          if (key !== 'transaction' || raced) return Reflect.get(target, key, receiver) as unknown;
          return async () => {
            raced = true;
            await seedOnStart(target, keyring, start);
            throw Object.assign(new Error('Duplicate entry for key permissions.code'), { code: 'ER_DUP_ENTRY' });
          };
        },
      });
      expect(await seedOnStart(racing, keyring, start)).toBeNull();
      expect(raced).toBe(true);
      const added = await t.db.platform.permissions.find({ where: (p) => eq(p.code, P.auditLog) });
      expect(added).toHaveLength(1);
      const operator = await t.db.platform.tenants.findOne((x) => eq(x.code, DEMO_OPERATOR.code));
      const links = await t.db
        .forTenant(operator?.id ?? '')
        .rolePermissions.find({ where: (rp) => eq(rp.permissionId, added[0]?.id ?? '') });
      expect(links).toHaveLength(1);
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
