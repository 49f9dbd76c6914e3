import { and, eq, sealedAt } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrincipalCache } from '../auth/principal.js';
import { DEMO_PASSWORD } from '../seed/index.js';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi, failure } from '../testing.js';
import { createContext } from '../trpc/context.js';
import { P } from './catalog.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] users`, () => {
    let api: TestApi;
    let tenantId: string;
    let admin: Caller;
    let leader: Caller;
    const ids = new Map<string, string>();
    const roleIds = new Map<string, string>();
    let teamId: string;

    const scope = () => api.db.forTenant(tenantId);
    const userId = (username: string) => ids.get(username) as string;
    const roleId = (key: string) => roleIds.get(key) as string;
    const auditOf = (action: string, entityId: string) =>
      scope().auditLog.find({ where: (a) => and(eq(a.action, action), eq(a.entityId, entityId)) });
    /** A caller whose principal is cached for a minute, in a cache shared by every caller made with it. */
    const cachedCaller = async (cache: PrincipalCache, username: string, password = DEMO_PASSWORD) => {
      const sessionToken = await api.sessionToken(DEMO_CODE, username, password);
      return api.caller(createContext({ ...api.services, principals: cache }, { sessionToken }));
    };

    beforeAll(async () => {
      api = await createTestApi(dialect);
      tenantId = await tenantIdOf(api.db, DEMO_CODE);
      for (const u of await scope().users.find()) ids.set(u.username, u.id);
      for (const r of await scope().roles.find()) if (r.key) roleIds.set(r.key, r.id);
      teamId = (await scope().groups.findOne((g) => eq(g.type, 'staff')))?.id as string;
      admin = await api.signIn(DEMO_CODE, 'admin');
      leader = await api.signIn(DEMO_CODE, 'leader');
    });
    afterAll(async () => {
      await api?.close();
    });

    it('lists users by group, role, status and search, with phone and email opened', async () => {
      const all = await admin.users.list({});
      expect(all.total).toBe(6);
      expect(all.items.map((u) => u.username)).toEqual(['admin', 'finance', 'leader', 'staff1', 'staff2', 'stock']);
      const staff1 = all.items.find((u) => u.username === 'staff1');
      expect(staff1).toMatchObject({
        phone: '13800138002',
        groupName: '海淀一组',
        groupAdmin: false,
        status: 'active',
      });
      expect(staff1?.roles.map((r) => r.key)).toEqual(['field_staff']);
      expect(JSON.stringify(all)).not.toContain('scrypt');
      expect(all.items.find((u) => u.username === 'stock')?.email).toBe('stock@demo-vending.cn');

      const team = await admin.users.list({ groupId: teamId });
      expect(team.items.map((u) => u.username)).toEqual(['leader', 'staff1', 'staff2']);
      const fieldStaff = await admin.users.list({ roleId: roleId('field_staff') });
      expect(fieldStaff.items.map((u) => u.username)).toEqual(['staff1', 'staff2']);
      const search = await admin.users.list({ search: '张' });
      expect(search.items.map((u) => u.username)).toEqual(['staff1']);
      const paged = await admin.users.list({ limit: 2, offset: 2 });
      expect(paged).toMatchObject({ total: 6 });
      expect(paged.items.map((u) => u.username)).toEqual(['leader', 'staff1']);
      expect((await admin.users.list({ status: 'disabled' })).total).toBe(0);
    });

    it('shows a group admin only the staff of its own group', async () => {
      const mine = await leader.users.list({});
      expect(mine.items.map((u) => u.username)).toEqual(['leader', 'staff1', 'staff2']);
      const other = await admin.groups.staff.create({ name: '朝阳二组' });
      const refused = await failure(leader.users.list({ groupId: other.id }));
      expect(refused.code).toBe('FORBIDDEN');
      expect((await failure(leader.users.get({ id: userId('stock') }))).code).toBe('FORBIDDEN');
      expect((await leader.users.get({ id: userId('staff1') }))?.username).toBe('staff1');
      const directory = await leader.users.directory({});
      expect(directory.map((u) => [u.username, u.phone]).sort()).toEqual([
        ['leader', '13800138001'],
        ['staff1', '13800138002'],
        ['staff2', '13800138003'],
      ]);
    });

    it('creates a user with roles, group and sealed contact details, who can then sign in', async () => {
      const created = await admin.users.create({
        username: 'staff3',
        displayName: '孙磊',
        password: 'Staff3_pass',
        roleIds: [roleId('field_staff')],
        groupId: teamId,
        phone: '13800138009',
        email: 'staff3@demo-vending.cn',
      });
      expect(created).toMatchObject({
        username: 'staff3',
        phone: '13800138009',
        groupId: teamId,
        mustChangePassword: true,
      });
      const row = await scope().users.get(created?.id as string);
      expect(row?.phone).not.toContain('13800138009');
      expect(
        await api.keyring.decrypt(
          row?.phone as string,
          sealedAt('users', 'phone', row as { id: string; tenantId: string }),
        ),
      ).toBe('13800138009');
      const caller = await api.signIn(DEMO_CODE, 'staff3', 'Staff3_pass');
      const me = await caller.auth.me();
      expect(me.permissions).toEqual([P.transfer, P.myTurnover, P.myMachines, P.myInventory]);
      expect(me.mustChangePassword).toBe(true);

      const [audit] = await auditOf('users.create', created?.id as string);
      expect(audit?.after).toMatchObject({ username: 'staff3', groupId: teamId, roleIds: [roleId('field_staff')] });
      expect(JSON.stringify(audit)).not.toMatch(/scrypt|Staff3_pass|13800138009/);

      const duplicate = await failure(
        admin.users.create({ username: 'staff3', displayName: 'x', password: 'Staff3_pass' }),
      );
      expect(duplicate.code).toBe('CONFLICT');
      expect(duplicate.message).toBe('username: is taken');
      const weak = await failure(admin.users.create({ username: 'weak', displayName: 'x', password: 'short' }));
      expect(weak.message).toBe('password: must be 8-25 letters, digits or underscores');
    });

    it("refuses another tenant's roles and groups as if they did not exist", async () => {
      const { tenantId: otherId } = await api.createOperator({ code: '200003', name: 'Other_Vending' });
      const otherRole = await api.db.forTenant(otherId).roles.findOne((r) => eq(r.key, 'field_staff'));
      const error = await failure(
        admin.users.create({
          username: 'x1',
          displayName: 'x',
          password: 'Staff3_pass',
          roleIds: [otherRole?.id as string],
        }),
      );
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toBe('Role not found');
      const otherAdmin = await api.signIn('200003', 'operator_admin');
      const hidden = await failure(otherAdmin.users.disable({ id: userId('staff1') }));
      expect(hidden.message).toBe('User not found');
      expect((await scope().users.get(userId('staff1')))?.status).toBe('active');
    });

    it('keeps a group admin to its own group, its own roles, and no group admins', async () => {
      const created = await leader.users.create({ username: 'staff4', displayName: '周杰', password: 'Staff4_pass' });
      expect(created?.groupId).toBe(teamId);
      expect(
        (
          await failure(
            leader.users.create({ username: 's5', displayName: 'x', password: 'Staff5_pass', groupAdmin: true }),
          )
        ).code,
      ).toBe('FORBIDDEN');
      const notHeld = await failure(
        leader.users.create({
          username: 's5',
          displayName: 'x',
          password: 'Staff5_pass',
          roleIds: [roleId('inventory_admin')],
        }),
      );
      expect(notHeld.code).toBe('FORBIDDEN');
      expect(notHeld.message).toContain('roleIds:');
      const managing = await failure(
        leader.users.setRoles({ id: userId('staff2'), roleIds: [roleId('field_staff'), roleId('group_admin')] }),
      );
      expect(managing.code).toBe('FORBIDDEN');
      expect(await scope().users.count((u) => eq(u.username, 's5'))).toBe(0);

      // Its own team's field workers: the built-in field staff role, as long as it carries nothing more.
      const worker = await leader.users.create({
        username: 'staff6',
        displayName: '吴磊',
        password: 'Staff6_pass',
        roleIds: [roleId('field_staff')],
        mustChangePassword: false,
      });
      expect(worker?.groupId).toBe(teamId);
      const me = await (await api.signIn(DEMO_CODE, 'staff6', 'Staff6_pass')).auth.me();
      expect(me.permissions).toEqual([P.transfer, P.myTurnover, P.myMachines, P.myInventory]);
      await admin.roles.update({
        id: roleId('field_staff'),
        name: '营业员',
        permissions: [P.transfer, P.myTurnover, P.myMachines, P.myInventory, P.finance],
      });
      const widened = await failure(
        leader.users.create({
          username: 'staff7',
          displayName: 'x',
          password: 'Staff7_pass',
          roleIds: [roleId('field_staff')],
        }),
      );
      expect(widened.message).toBe('roleIds: 营业员 carries 00115, which you do not hold');
      await admin.roles.update({
        id: roleId('field_staff'),
        name: '营业员',
        permissions: [P.transfer, P.myTurnover, P.myMachines, P.myInventory],
      });

      for (const refused of [
        () => leader.users.update({ id: userId('stock'), displayName: 'x' }),
        () => leader.users.disable({ id: userId('finance') }),
        () => leader.users.resetPassword({ id: userId('admin'), password: 'Taken_over1' }),
        () => leader.users.delete({ id: userId('stock') }),
        () => leader.users.update({ id: userId('staff1'), groupId: null }),
        () => leader.users.update({ id: userId('staff1'), groupAdmin: true }),
      ]) {
        expect((await failure(refused())).code).toBe('FORBIDDEN');
      }
      const staff1 = await scope().users.get(userId('staff1'));
      expect(staff1).toMatchObject({ groupId: teamId, groupAdmin: false, status: 'active' });
      const renamed = await leader.users.update({ id: userId('staff1'), displayName: '张伟伟', phone: '13900000000' });
      expect(renamed).toMatchObject({ displayName: '张伟伟', phone: '13900000000' });
      const [audit] = await auditOf('users.update', userId('staff1'));
      expect(audit?.before).toMatchObject({ displayName: '张伟' });
      expect(audit?.after).toMatchObject({ displayName: '张伟伟' });
    });

    it('lets nobody grant or manage more than they hold', async () => {
      const hrRole = await admin.roles.create({ name: '人事', permissions: [P.user] });
      await admin.users.create({ username: 'hr', displayName: '人事', password: 'Hr_pass_2026', roleIds: [hrRole.id] });
      const hr = await api.signIn(DEMO_CODE, 'hr', 'Hr_pass_2026');
      await hr.auth.changePassword({ currentPassword: 'Hr_pass_2026', newPassword: 'Hr_pass_2027' }); // required first
      const takeover = await failure(hr.users.resetPassword({ id: userId('admin'), password: 'Taken_over1' }));
      expect(takeover.code).toBe('FORBIDDEN');
      const hrId = (await scope().users.findOne((u) => eq(u.username, 'hr')))?.id as string;
      const self = await failure(hr.users.setRoles({ id: hrId, roleIds: [hrRole.id, roleId('operator_admin')] }));
      expect(self.code).toBe('FORBIDDEN');
      expect(self.message).toContain('which you do not hold');
      expect((await hr.auth.me()).permissions).toEqual([P.user]);

      const own = await failure(admin.users.setRoles({ id: userId('admin'), roleIds: [roleId('finance_admin')] }));
      expect(own.message).toBe('roleIds: you would lose permission 00101 yourself');
      expect((await admin.auth.me()).permissions).toContain(P.user);
    });

    it('disables a user: its sessions end at once, even where its principal was cached, until enabled again', async () => {
      const cache = new PrincipalCache(60_000);
      const staff2 = await cachedCaller(cache, 'staff2');
      const manager = await cachedCaller(cache, 'admin');
      await staff2.auth.me();
      const result = await manager.users.disable({ id: userId('staff2') });
      expect(result).toMatchObject({ status: 'disabled', sessionsEnded: 1 });
      expect((await failure(staff2.auth.me())).code).toBe('UNAUTHORIZED');
      expect(await scope().sessions.count((s) => eq(s.userId, userId('staff2')))).toBe(0);
      expect((await failure(api.signIn(DEMO_CODE, 'staff2'))).message).toBe(
        'This account is disabled; ask your administrator',
      );
      const [audit] = await auditOf('users.disable', userId('staff2'));
      expect(audit?.after).toMatchObject({ status: 'disabled', sessionsEnded: 1 });

      const self = await failure(manager.users.disable({ id: userId('admin') }));
      expect(self.message).toBe('id: you cannot disable your own account');
      await manager.users.enable({ id: userId('staff2') });
      expect((await (await api.signIn(DEMO_CODE, 'staff2')).auth.me()).user.username).toBe('staff2');
    });

    it("resets a user's password: sessions end and the new one must be changed at sign-in", async () => {
      const before = await api.signIn(DEMO_CODE, 'finance');
      await admin.users.resetPassword({ id: userId('finance'), password: 'Reset_2026' });
      expect((await failure(before.auth.me())).code).toBe('UNAUTHORIZED');
      expect((await failure(api.signIn(DEMO_CODE, 'finance'))).code).toBe('UNAUTHORIZED');
      const after = await api.signIn(DEMO_CODE, 'finance', 'Reset_2026');
      expect((await after.auth.me()).mustChangePassword).toBe(true);
      await after.auth.changePassword({ currentPassword: 'Reset_2026', newPassword: 'Finance_2026' });
      expect((await scope().users.get(userId('finance')))?.mustChangePassword).toBe(false);
      const [audit] = await auditOf('users.resetPassword', userId('finance'));
      expect(audit?.after).toMatchObject({ passwordReset: true, mustChangePassword: true });
      expect(JSON.stringify(audit)).not.toMatch(/scrypt|Reset_2026/);
      const self = await failure(admin.users.resetPassword({ id: userId('admin'), password: 'Reset_2026' }));
      expect(self.code).toBe('BAD_REQUEST');
    });

    it('deletes a user without history, disables one with history, and refuses one holding stock', async () => {
      const inventory = async () => JSON.stringify(await scope().staffInventory.find({ orderBy: (s) => [s.id] }));
      const stockBefore = await inventory();
      const holding = await failure(admin.users.delete({ id: userId('staff1') }));
      expect(holding.code).toBe('BAD_REQUEST');
      expect(holding.message).toMatch(/^id: the user still holds \d+ items of stock/);
      expect(await inventory()).toBe(stockBefore);
      expect((await scope().users.get(userId('staff1')))?.status).toBe('active');

      const fresh = await admin.users.create({
        username: 'temp',
        displayName: '临时工',
        password: 'Temp_pass_1',
        roleIds: [roleId('field_staff')],
      });
      const freshId = fresh?.id as string;
      await admin.customFields.create({ entity: 'user', key: 'badge', label: '工牌', type: 'text' });
      await admin.customFields.setUserValues({ id: freshId, values: { badge: 'B-001' } });
      expect(await admin.users.delete({ id: freshId })).toEqual({ id: freshId, deleted: true, status: null });
      expect(await scope().users.get(freshId)).toBeUndefined();
      expect(await scope().userRoles.count((r) => eq(r.userId, freshId))).toBe(0);
      expect(await scope().customFieldValues.count((v) => eq(v.entityId, freshId))).toBe(0);
      expect(await auditOf('users.delete', freshId)).toHaveLength(1);

      const worker = await admin.users.create({ username: 'worker', displayName: '老员工', password: 'Worker_pass1' });
      const workerId = worker?.id as string;
      await scope().shipments.insert({ documentNo: 'CK-TEST-0001', staffId: workerId, status: 'cancelled' });
      expect(await admin.users.delete({ id: workerId })).toEqual({ id: workerId, deleted: false, status: 'disabled' });
      expect((await scope().users.get(workerId))?.status).toBe('disabled');
    });

    it('gives the staff directory to those with staff info only', async () => {
      const stock = await api.signIn(DEMO_CODE, 'stock');
      const refused = await failure(stock.users.directory({}));
      expect(refused.message).toMatch(/^This needs permission 00119/);
      const directory = await admin.users.directory({});
      const active = await scope().users.count((u) => eq(u.status, 'active'));
      expect(directory).toHaveLength(active);
      expect(directory.find((u) => u.username === 'admin')).toMatchObject({ phone: '13800138000', groupName: null });
    });
  });
}
