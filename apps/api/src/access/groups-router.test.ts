import { and, eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi, failure } from '../testing.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] groups`, () => {
    let api: TestApi;
    let tenantId: string;
    let admin: Caller;
    let leader: Caller;
    let teamId: string;
    let campusId: string;

    const scope = () => api.db.forTenant(tenantId);
    const userId = async (username: string) =>
      (await scope().users.findOne((u) => eq(u.username, username)))?.id as string;
    const auditOf = (action: string, entityId: string) =>
      scope().auditLog.find({ where: (a) => and(eq(a.action, action), eq(a.entityId, entityId)) });

    beforeAll(async () => {
      api = await createTestApi(dialect);
      tenantId = await tenantIdOf(api.db, DEMO_CODE);
      admin = await api.signIn(DEMO_CODE, 'admin');
      leader = await api.signIn(DEMO_CODE, 'leader');
      teamId = (await scope().groups.findOne((g) => eq(g.type, 'staff')))?.id as string;
      campusId = (await scope().groups.findOne((g) => eq(g.type, 'machine')))?.id as string;
    });
    afterAll(async () => {
      await api?.close();
    });

    it('lists staff groups and machine groups with their member counts', async () => {
      expect(await admin.groups.staff.list()).toMatchObject([{ id: teamId, name: '海淀一组', memberCount: 3 }]);
      expect(await admin.groups.machine.list()).toMatchObject([{ id: campusId, name: '中关村校区', memberCount: 3 }]);
      const team = await admin.groups.staff.get({ id: teamId });
      expect(team.members.map((m) => m.name).sort()).toEqual(['刘洋', '张伟', '李组长'].sort());
      const wrongKind = await failure(admin.groups.machine.get({ id: teamId }));
      expect(wrongKind.message).toBe('id: is a staff group');
      const staff1 = await api.signIn(DEMO_CODE, 'staff1');
      expect((await failure(staff1.groups.machine.list())).message).toMatch(/^This needs permission 00105/);
      expect((await failure(staff1.groups.staff.list())).message).toMatch(/^This needs permission 00103/);
    });

    it('creates, renames and deletes a staff group, refusing duplicates and groups with members', async () => {
      const group = await admin.groups.staff.create({ name: '朝阳二组', description: '朝阳校区' });
      expect(group).toMatchObject({ name: '朝阳二组', type: 'staff', description: '朝阳校区' });
      expect((await failure(admin.groups.staff.create({ name: '朝阳二组' }))).code).toBe('CONFLICT');
      // The same name is free among machine groups.
      const machines = await admin.groups.machine.create({ name: '朝阳二组' });
      expect(machines.type).toBe('machine');

      const renamed = await admin.groups.staff.update({ id: group.id, name: '朝阳三组' });
      expect(renamed.name).toBe('朝阳三组');
      const [audit] = await auditOf('groups.staff.update', group.id);
      expect(audit?.before).toMatchObject({ name: '朝阳二组' });
      expect(audit?.after).toMatchObject({ name: '朝阳三组' });

      const occupied = await failure(admin.groups.staff.delete({ id: teamId }));
      expect(occupied.message).toBe('id: the group still has 3 members; move them to another group first');
      expect(await scope().groups.get(teamId)).toBeDefined();
      expect(await admin.groups.staff.delete({ id: group.id })).toEqual({ id: group.id, deleted: true });
      expect(await scope().groups.get(group.id)).toBeUndefined();
      expect(await auditOf('groups.staff.delete', group.id)).toHaveLength(1);
    });

    it('sets the members of a staff group, moving them from their old group', async () => {
      const group = await admin.groups.staff.create({ name: '西城组' });
      const staff2 = await userId('staff2');
      const stock = await userId('stock');
      const result = await admin.groups.staff.setMembers({ id: group.id, memberIds: [staff2, stock] });
      expect(result.memberIds).toEqual([staff2, stock].sort());
      expect((await scope().users.get(staff2))?.groupId).toBe(group.id);
      expect((await admin.groups.staff.list()).find((g) => g.id === teamId)?.memberCount).toBe(2);
      const [audit] = await auditOf('groups.staff.setMembers', group.id);
      expect(audit?.before).toEqual({ userIds: [] });
      expect(audit?.after).toEqual({ userIds: [staff2, stock].sort() });

      await admin.groups.staff.setMembers({ id: group.id, memberIds: [stock] });
      expect((await scope().users.get(staff2))?.groupId).toBeNull();
      await admin.users.update({ id: staff2, groupId: teamId });
      expect((await scope().users.get(staff2))?.groupId).toBe(teamId);
    });

    it('lets a group admin see and rename only its own group, and nothing more', async () => {
      expect((await leader.groups.staff.list()).map((g) => g.id)).toEqual([teamId]);
      const other = await admin.groups.staff.create({ name: '东城组' });
      for (const refused of [
        () => leader.groups.staff.get({ id: other.id }),
        () => leader.groups.staff.update({ id: other.id, name: '我的组' }),
        () => leader.groups.staff.create({ name: '新组' }),
        () => leader.groups.staff.delete({ id: other.id }),
        () => leader.groups.staff.setMembers({ id: teamId, memberIds: [] }),
      ]) {
        expect((await failure(refused())).code).toBe('FORBIDDEN');
      }
      expect((await scope().groups.get(other.id))?.name).toBe('东城组');
      expect(await scope().users.count((u) => eq(u.groupId, teamId))).toBe(3);
      expect((await leader.groups.staff.update({ id: teamId, description: '海淀' })).description).toBe('海淀');
    });

    it("sets the machines of a machine group, from the operator's own machines only", async () => {
      const group = await admin.groups.machine.create({ name: '图书馆' });
      const [first, second] = await scope().machines.find({ orderBy: (m) => [m.boardId], limit: 2 });
      const ids = [first?.id as string, second?.id as string];
      await admin.groups.machine.setMembers({ id: group.id, memberIds: ids });
      expect((await admin.groups.machine.get({ id: group.id })).members.map((m) => m.id).sort()).toEqual(
        [...ids].sort(),
      );
      expect((await admin.groups.machine.list()).find((g) => g.id === campusId)?.memberCount).toBe(1);

      const { tenantId: otherId } = await api.createOperator({ code: '200004', name: 'Other_Vending' });
      const otherAdmin = await api.signIn('200004', 'operator_admin');
      const hidden = await failure(otherAdmin.groups.machine.get({ id: campusId }));
      expect(hidden.message).toBe('Group not found');
      const otherGroup = await otherAdmin.groups.machine.create({ name: '图书馆' });
      const theirs = await failure(otherAdmin.groups.machine.setMembers({ id: otherGroup.id, memberIds: ids }));
      expect(theirs.message).toBe('Machine not found');
      expect((await scope().machines.get(ids[0] as string))?.groupId).toBe(group.id);
      expect(await api.db.forTenant(otherId).groups.count()).toBe(1);

      const occupied = await failure(admin.groups.machine.delete({ id: group.id }));
      expect(occupied.code).toBe('BAD_REQUEST');
      await admin.groups.machine.setMembers({ id: group.id, memberIds: [] });
      expect((await scope().machines.get(ids[0] as string))?.groupId).toBeNull();
      await admin.groups.machine.delete({ id: group.id });
      expect(await scope().groups.get(group.id)).toBeUndefined();
    });
  });
}
