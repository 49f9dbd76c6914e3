import { eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P, PERMISSIONS } from '../access/catalog.js';
import {
  createTestApi,
  DEMO_CODE,
  MANUFACTURER_CODE,
  tenantIdOf,
  type Caller,
  type TestApi,
  failure,
} from '../testing.js';

const NOW = Date.UTC(2026, 10, 22, 12);
const DAY = 86_400_000;

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] catalog`, () => {
    let api: TestApi;
    let admin: Caller;
    let manufacturerId: string;

    beforeAll(async () => {
      api = await createTestApi(dialect, { now: () => new Date(NOW) });
      admin = await api.signIn(MANUFACTURER_CODE, 'admin');
      manufacturerId = await tenantIdOf(api.db, MANUFACTURER_CODE);
    });
    afterAll(async () => {
      await api?.close();
    });

    const audits = (action: string) =>
      api.db.forTenant(manufacturerId).auditLog.find({ where: (a) => eq(a.action, action) });
    const quote = (machines = 10) => api.anonymous().platform.quote({ modules: ['user'], machines, months: 1 });

    it('is the system admin’s: the manufacturer admin and operators are refused', async () => {
      const maker = await api.signIn(MANUFACTURER_CODE, 'maker');
      expect((await failure(maker.catalog.pricingRules.list())).code).toBe('FORBIDDEN');
      expect((await failure(maker.catalog.roleTemplates.list())).code).toBe('FORBIDDEN');
      const operator = await api.signIn(DEMO_CODE, 'admin');
      expect((await failure(operator.catalog.modules.list())).code).toBe('FORBIDDEN');
    });

    it('adds a machine rent that applies from its date on', async () => {
      expect((await quote()).machineMonthlyRent).toBe(5000);
      await admin.catalog.pricingRules.add({ machineMonthlyRent: 6000, effectiveFrom: new Date(NOW + DAY) });
      expect((await quote()).machineMonthlyRent).toBe(5000);
      const added = await admin.catalog.pricingRules.add({
        machineMonthlyRent: 4000,
        effectiveFrom: new Date(NOW - DAY),
        note: 'Autumn offer',
      });
      expect(added.effectiveFrom).toBe(new Date(NOW - DAY).toISOString());
      const q = await quote();
      expect(q.machineMonthlyRent).toBe(4000);
      // 3000 + 10 x 4000 = 43000, 5 % off = 40850.
      expect(q.fee).toBe(40_850);
      const rules = await admin.catalog.pricingRules.list();
      expect(rules.map((r) => [r.machineMonthlyRent, r.current])).toEqual([
        [6000, false],
        [4000, true],
        [5000, false],
      ]);
      expect((await audits('catalog.pricingRules.add')).map((a) => a.after?.machineMonthlyRent)).toEqual(
        expect.arrayContaining([6000, 4000]),
      );
      const negative = await failure(
        admin.catalog.pricingRules.add({ machineMonthlyRent: -1, effectiveFrom: new Date(NOW) }),
      );
      expect(negative.message).toBe('machineMonthlyRent: must not be negative');
    });

    it('replaces the discount tiers, refusing a tier that gives less for more machines', async () => {
      const tiers = await admin.catalog.discountTiers.set({
        tiers: [
          { minMachines: 20, discountBasisPoints: 1200 },
          { minMachines: 5, discountBasisPoints: 300 },
        ],
      });
      expect(tiers.map((t) => [t.minMachines, t.discountBasisPoints])).toEqual([
        [5, 300],
        [20, 1200],
      ]);
      // 3000 + 20 x 4000 = 83000, 12 % off = 73040.
      expect((await quote(20)).fee).toBe(73_040);
      expect((await quote(4)).discountBasisPoints).toBe(0);
      const worse = await failure(
        admin.catalog.discountTiers.set({
          tiers: [
            { minMachines: 5, discountBasisPoints: 800 },
            { minMachines: 50, discountBasisPoints: 500 },
          ],
        }),
      );
      expect(worse.code).toBe('BAD_REQUEST');
      expect(worse.message).toBe('tiers: the tier from 50 machines gives less discount than the one from 5');
      expect(await api.db.platform.discountTiers.count()).toBe(2);
      const audit = await audits('catalog.discountTiers.set');
      expect(audit).toHaveLength(1);
      expect(audit[0]?.before).toEqual({
        tiers: [
          { minMachines: 10, discountBasisPoints: 500 },
          { minMachines: 50, discountBasisPoints: 1000 },
          { minMachines: 100, discountBasisPoints: 1500 },
        ],
      });
    });

    it('updates a module’s rent and name, and stops offering a disabled one', async () => {
      const modules = await admin.catalog.modules.list();
      expect(modules).toHaveLength(22);
      const printing = modules.find((m) => m.code === 'list_printing');
      if (!printing) throw new Error('no list_printing module');
      const updated = await admin.catalog.modules.update({ moduleId: printing.id, monthlyRent: 1000, name: '打印' });
      expect(updated).toMatchObject({ monthlyRent: 1000, name: '打印', enabled: true });
      const q = await api.anonymous().platform.quote({ modules: ['list_printing'], machines: 1, months: 1 });
      expect(q.moduleMonthlyRent).toBe(1000);

      await admin.catalog.modules.update({ moduleId: printing.id, enabled: false });
      const offer = await api.anonymous().platform.offer();
      expect(offer.modules.map((m) => m.code)).not.toContain('list_printing');
      const refused = await failure(
        api.anonymous().platform.register({
          name: 'Print_Shop',
          code: '200010',
          password: 'Secret_2026',
          modules: ['list_printing'],
          machines: 1,
          months: 1,
        }),
      );
      expect(refused.message).toBe('modules: list_printing is not offered');
      const audit = await audits('catalog.modules.update');
      expect(audit[0]?.before).toMatchObject({ monthlyRent: 1500 });
      expect(audit[0]?.after).toMatchObject({ monthlyRent: 1000 });
    });

    it('lists the permissions of each kind', async () => {
      expect(await admin.catalog.permissions.list()).toHaveLength(PERMISSIONS.length);
      const manufacturer = await admin.catalog.permissions.list({ kind: 'manufacturer' });
      expect(manufacturer.map((p) => p.code)).toEqual(
        PERMISSIONS.filter((p) => p.kind === 'manufacturer').map((p) => p.code),
      );
    });

    it('edits an operator role template, which shapes the roles of operators registered afterwards', async () => {
      const templates = await admin.catalog.roleTemplates.list({ kind: 'operator' });
      expect(templates.map((t) => t.key).sort()).toEqual(
        ['field_staff', 'finance_admin', 'group_admin', 'inventory_admin', 'operator_admin'].sort(),
      );
      const staff = templates.find((t) => t.key === 'field_staff');
      if (!staff) throw new Error('no field_staff template');
      expect(staff.permissions).toEqual([P.transfer, P.myTurnover, P.myMachines, P.myInventory]);

      const wrongKind = await failure(
        admin.catalog.roleTemplates.update({ roleId: staff.id, permissions: [P.transfer, P.viewTenants] }),
      );
      expect(wrongKind.message).toBe('permissions: 00001 is not an operator permission');
      const full = templates.find((t) => t.key === 'operator_admin');
      const locked = await failure(admin.catalog.roleTemplates.update({ roleId: full?.id ?? '', permissions: [] }));
      expect(locked.message).toBe('roleId: this role holds every permission of its kind and is not edited');

      const updated = await admin.catalog.roleTemplates.update({
        roleId: staff.id,
        permissions: [P.transfer, P.myTurnover, P.myMachines, P.myInventory, P.machine],
      });
      expect(updated?.permissions).toEqual([P.machine, P.transfer, P.myTurnover, P.myMachines, P.myInventory]);
      const audit = await audits('catalog.roleTemplates.update');
      expect(audit[0]?.before).toMatchObject({ permissions: [P.transfer, P.myTurnover, P.myMachines, P.myInventory] });

      await api.anonymous().platform.register({
        name: 'Template_Vending',
        code: '200011',
        password: 'Secret_2026',
        modules: ['machine'],
        machines: 1,
        months: 1,
      });
      const scope = api.db.forTenant(await tenantIdOf(api.db, '200011'));
      const role = await scope.roles.findOne((r) => eq(r.key, 'field_staff'));
      expect(await scope.rolePermissions.count((rp) => eq(rp.roleId, role?.id ?? ''))).toBe(5);
      // The demo operator's roles, copied before, are not changed.
      const demo = api.db.forTenant(await tenantIdOf(api.db, DEMO_CODE));
      const demoRole = await demo.roles.findOne((r) => eq(r.key, 'field_staff'));
      expect(await demo.rolePermissions.count((rp) => eq(rp.roleId, demoRole?.id ?? ''))).toBe(4);
    });

    it('creates a manufacturer role whose users hold exactly its permissions', async () => {
      const role = await admin.catalog.roleTemplates.create({
        name: '审计员',
        kind: 'manufacturer',
        permissions: [P.viewAuditLog, P.viewLeaseOrders],
      });
      expect(role).toMatchObject({
        kind: 'manufacturer',
        template: false,
        permissions: [P.viewLeaseOrders, P.viewAuditLog],
      });
      const taken = await failure(
        admin.catalog.roleTemplates.create({ name: '审计员', kind: 'operator', permissions: [] }),
      );
      expect(taken.code).toBe('CONFLICT');
      expect(taken.message).toBe('name: is taken');
      const wrong = await failure(
        admin.catalog.roleTemplates.create({ name: 'Mixed', kind: 'manufacturer', permissions: [P.user] }),
      );
      expect(wrong.message).toBe('permissions: 00101 is not a manufacturer permission');

      const created = await admin.factory.users.create({
        username: 'auditor',
        displayName: 'Auditor',
        password: 'Audit_2026',
        roleIds: [role?.id ?? ''],
      });
      expect(created.password).toBeNull();
      const auditor = await api.signIn(MANUFACTURER_CODE, 'auditor', 'Audit_2026');
      await auditor.auth.changePassword({ currentPassword: 'Audit_2026', newPassword: 'Audit_2027' }); // required first
      expect((await auditor.auth.me()).permissions).toEqual([P.viewLeaseOrders, P.viewAuditLog]);
      await auditor.factory.auditLog.list({});
      expect((await failure(auditor.factory.machines.list({}))).code).toBe('FORBIDDEN');

      await admin.catalog.roleTemplates.update({ roleId: role?.id ?? '', permissions: [P.viewAuditLog] });
      expect((await auditor.auth.me()).permissions).toEqual([P.viewAuditLog]);
    });
  });
}
