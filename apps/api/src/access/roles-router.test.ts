import { and, eq, inArray } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { P, ROLE_TEMPLATES } from './catalog.js';
import { PrincipalCache } from '../auth/principal.js';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi, failure } from '../testing.js';
import { createContext } from '../trpc/context.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] roles`, () => {
    let api: TestApi;
    let tenantId: string;
    let admin: Caller;

    const scope = () => api.db.forTenant(tenantId);
    const userId = async (username: string) =>
      (await scope().users.findOne((u) => eq(u.username, username)))?.id as string;
    const roleId = async (key: string) => (await scope().roles.findOne((r) => eq(r.key, key)))?.id as string;

    beforeAll(async () => {
      api = await createTestApi(dialect);
      tenantId = await tenantIdOf(api.db, DEMO_CODE);
      admin = await api.signIn(DEMO_CODE, 'admin');
    });
    afterAll(async () => {
      await api?.close();
    });

    it('lists the built-in roles with their permissions and holders', async () => {
      const roles = await admin.roles.list();
      const operatorTemplates = ROLE_TEMPLATES.filter((t) => t.kind === 'operator');
      expect(roles.map((r) => r.key).sort()).toEqual(operatorTemplates.map((t) => t.key).sort());
      for (const template of operatorTemplates) {
        const role = roles.find((r) => r.key === template.key);
        expect(role?.builtIn).toBe(true);
        expect(role?.permissions).toEqual([...template.permissions].sort());
      }
      expect(roles.find((r) => r.key === 'field_staff')?.userCount).toBe(2);

      const codes = (await admin.roles.permissions()).map((p) => p.code);
      expect(codes).toContain(P.user);
      expect(codes).not.toContain(P.profitSettlement); // profit settlement is not rented
      expect(codes).not.toContain(P.listPrinting); // nor list printing
      expect(codes.every((c) => c.startsWith('001'))).toBe(true);
    });

    it('creates a role from operator permissions of rented modules only', async () => {
      const created = await admin.roles.create({ name: '巡检员', permissions: [P.alarms, P.staffInfo, P.alarms] });
      expect(created).toMatchObject({ name: '巡检员', builtIn: false, permissions: [P.staffInfo, P.alarms] });
      expect(await scope().rolePermissions.count((rp) => eq(rp.roleId, created.id))).toBe(2);
      const [audit] = await scope().auditLog.find({
        where: (a) => and(eq(a.action, 'roles.create'), eq(a.entityId, created.id)),
      });
      expect(audit?.after).toMatchObject({ name: '巡检员', permissions: [P.staffInfo, P.alarms] });

      const duplicate = await failure(admin.roles.create({ name: '巡检员', permissions: [P.staffInfo] }));
      expect(duplicate.code).toBe('CONFLICT');
      const notRented = await failure(admin.roles.create({ name: '利润', permissions: [P.profitSettlement] }));
      expect(notRented.message).toBe(
        'permissions: 00116 belongs to module profit_settlement, which this tenant does not rent',
      );
      // eslint-disable-next-line no-restricted-syntax -- an operator-range code the catalog does not have
      const unknown = await failure(admin.roles.create({ name: '未知', permissions: ['00199'] }));
      expect(unknown.message).toBe('permissions: 00199 is not an operator permission');
      const manufacturer = await failure(admin.roles.create({ name: '厂商', permissions: [P.viewTenants] }));
      expect(manufacturer.message).toBe('permissions.0: must be an operator permission code (001xx)');
      expect(await scope().roles.count((r) => inArray(r.name, ['利润', '未知', '厂商']))).toBe(0);
    });

    it("gives a role's new permissions to its signed-in holders at once", async () => {
      const role = await admin.roles.create({ name: '目录', permissions: [P.staffInfo] });
      await admin.users.setRoles({ id: await userId('stock'), roleIds: [await roleId('inventory_admin'), role.id] });
      const cache = new PrincipalCache(60_000);
      const sign = async (username: string) => {
        const sessionToken = await api.sessionToken(DEMO_CODE, username);
        return api.caller(createContext({ ...api.services, principals: cache }, { sessionToken }));
      };
      const stock = await sign('stock');
      const manager = await sign('admin');
      expect((await stock.users.directory({})).length).toBeGreaterThan(0);

      const updated = await manager.roles.update({ id: role.id, name: '目录2', permissions: [P.user] });
      expect(updated).toMatchObject({ name: '目录2', permissions: [P.user] });
      expect((await failure(stock.users.directory({}))).message).toMatch(/^This needs permission 00119/);
      expect((await stock.users.list({})).total).toBe(6);
      const [audit] = await scope().auditLog.find({
        where: (a) => and(eq(a.action, 'roles.update'), eq(a.entityId, role.id)),
      });
      expect(audit?.before).toMatchObject({ name: '目录', permissions: [P.staffInfo] });
      expect(audit?.after).toMatchObject({ name: '目录2', permissions: [P.user] });
    });

    it("keeps a built-in role's permissions of modules not rented, and its admin's own role management", async () => {
      const adminRole = await roleId('operator_admin');
      const lockout = await failure(admin.roles.update({ id: adminRole, permissions: [P.user] }));
      expect(lockout.message).toBe('permissions: you would lose permission 00102 yourself');
      const finance = await roleId('finance_admin');
      const before = (await admin.roles.list()).find((r) => r.id === finance)?.permissions;
      await admin.roles.update({ id: finance, permissions: [P.finance, P.paymentAccounts] });
      const after = (await admin.roles.list()).find((r) => r.id === finance)?.permissions;
      // 00116 (profit settlement) is not rented: the role keeps it for when it is.
      expect(before).toContain(P.profitSettlement);
      expect(after).toEqual([P.finance, P.profitSettlement, P.paymentAccounts]);
    });

    it('refuses granting permissions one does not hold', async () => {
      const keeper = await admin.roles.create({ name: '角色管理', permissions: [P.role] });
      await admin.users.create({
        username: 'keeper',
        displayName: '角色',
        password: 'Keeper_2026',
        roleIds: [keeper.id],
      });
      const caller = await api.signIn(DEMO_CODE, 'keeper', 'Keeper_2026');
      await caller.auth.changePassword({ currentPassword: 'Keeper_2026', newPassword: 'Keeper_2027' }); // required first
      const create = await failure(caller.roles.create({ name: '全能', permissions: [P.role, P.user] }));
      expect(create.code).toBe('FORBIDDEN');
      expect(create.message).toBe('permissions: you cannot grant 00101, which you do not hold');
      const widen = await failure(caller.roles.update({ id: keeper.id, permissions: [P.role, P.finance] }));
      expect(widen.code).toBe('FORBIDDEN');
      expect((await caller.auth.me()).permissions).toEqual([P.role]);
    });

    it('deletes an unused role of its own, never a built-in one or one still held', async () => {
      const builtIn = await failure(admin.roles.delete({ id: await roleId('field_staff') }));
      expect(builtIn.message).toBe('id: a built-in role cannot be deleted');
      const held = await admin.roles.create({ name: '临时', permissions: [P.staffInfo] });
      await admin.users.setRoles({ id: await userId('finance'), roleIds: [await roleId('finance_admin'), held.id] });
      const inUse = await failure(admin.roles.delete({ id: held.id }));
      expect(inUse.message).toBe('id: 1 users hold this role; take it from them first');
      await admin.users.setRoles({ id: await userId('finance'), roleIds: [await roleId('finance_admin')] });
      expect(await admin.roles.delete({ id: held.id })).toEqual({ id: held.id, deleted: true });
      expect(await scope().roles.get(held.id)).toBeUndefined();
      expect(await scope().rolePermissions.count((rp) => eq(rp.roleId, held.id))).toBe(0);
      const [audit] = await scope().auditLog.find({
        where: (a) => and(eq(a.action, 'roles.delete'), eq(a.entityId, held.id)),
      });
      expect(audit?.before).toMatchObject({ name: '临时', permissions: [P.staffInfo] });
    });
  });
}
