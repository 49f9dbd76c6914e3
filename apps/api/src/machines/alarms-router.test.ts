import { eq, newId, type TenantScope } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi, failure } from '../testing.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] alarms`, () => {
    let api: TestApi;
    let admin: Caller;
    let a: TenantScope;
    let clock = Date.UTC(2026, 10, 22, 12);

    beforeAll(async () => {
      api = await createTestApi(dialect, { now: () => new Date(clock) });
      a = api.db.forTenant(await tenantIdOf(api.db, DEMO_CODE));
      await api.createOperator({ code: '200008', name: 'Alarm_Rivals' });
      admin = await api.signIn(DEMO_CODE, 'admin');
    });
    afterAll(async () => {
      await api?.close();
    });

    it('lists alarms newest first, filtered by machine, state, severity, kind and time', async () => {
      const all = await admin.alarms.list({});
      expect(all.total).toBe(2);
      expect(all.items.map((x) => x.kind)).toEqual(['offline', 'door_open']);
      expect(all.items[0]).toMatchObject({ state: 'open', severity: 'critical', boardId: 'VMC2026B0001' });
      expect(all.items[1]).toMatchObject({ state: 'resolved', acknowledgedByName: '张伟', machineName: '图书馆一楼' });

      expect((await admin.alarms.list({ state: 'open' })).items.map((x) => x.kind)).toEqual(['offline']);
      expect((await admin.alarms.list({ state: 'resolved' })).items.map((x) => x.kind)).toEqual(['door_open']);
      expect((await admin.alarms.list({ state: 'acknowledged' })).total).toBe(0);
      expect((await admin.alarms.list({ severity: 'warning' })).items.map((x) => x.kind)).toEqual(['door_open']);
      expect((await admin.alarms.list({ kind: 'temperature' })).total).toBe(0);
      const third = await a.machines.findOne((m) => eq(m.boardId, 'VMC2026B0001'));
      expect((await admin.alarms.list({ machineId: third?.id as string })).items.map((x) => x.kind)).toEqual([
        'offline',
      ]);

      const offline = (await a.alarms.find()).find((x) => x.kind === 'offline');
      const raised = offline?.raisedAt.getTime() as number;
      expect((await admin.alarms.list({ from: new Date(raised) })).total).toBe(1);
      expect((await admin.alarms.list({ from: new Date(raised + 1) })).total).toBe(0);
      expect((await admin.alarms.list({ to: new Date(raised) })).items.map((x) => x.kind)).toEqual(['door_open']);
      const page = await admin.alarms.list({ limit: 1, offset: 1 });
      expect(page).toMatchObject({ total: 2, items: [{ kind: 'door_open' }] });

      const staff = await api.signIn(DEMO_CODE, 'staff1');
      expect((await failure(staff.alarms.list({}))).code).toBe('FORBIDDEN');
      const rival = await api.signIn('200008', 'operator_admin');
      expect(await rival.alarms.list({})).toEqual({ items: [], total: 0 });
    });

    it('records who acknowledged an alarm and when; the first acknowledgement stands', async () => {
      const open = (await a.alarms.find()).find((x) => x.kind === 'offline');
      const alarmId = open?.id as string;
      const rival = await api.signIn('200008', 'operator_admin');
      const hidden = await failure(rival.alarms.acknowledge({ alarmId }));
      expect(hidden.code).toBe('NOT_FOUND');
      expect(hidden.message).toBe('Alarm not found');
      expect((await a.alarms.get(alarmId))?.acknowledgedAt).toBeNull();

      const acknowledged = await admin.alarms.acknowledge({ alarmId });
      const adminUser = await a.users.findOne((u) => eq(u.username, 'admin'));
      expect(acknowledged).toMatchObject({
        acknowledgedAt: new Date(clock).toISOString(),
        acknowledgedBy: adminUser?.id,
        resolvedAt: null,
      });
      expect(await a.alarms.get(alarmId)).toMatchObject({
        acknowledgedAt: new Date(clock),
        acknowledgedBy: adminUser?.id,
      });
      const listed = await admin.alarms.list({ state: 'acknowledged' });
      expect(listed.items.map((x) => [x.id, x.acknowledgedByName])).toEqual([[alarmId, '王经理']]);
      const [audit] = await a.auditLog.find({ where: (l) => eq(l.action, 'alarms.acknowledge') });
      expect(audit?.before).toMatchObject({ acknowledgedAt: null });
      expect(audit?.after).toMatchObject({ acknowledgedBy: adminUser?.id });

      const first = clock;
      clock += 600_000;
      const again = await admin.alarms.acknowledge({ alarmId });
      expect(again.acknowledgedAt).toBe(new Date(first).toISOString());
      expect((await a.alarms.get(alarmId))?.acknowledgedAt?.getTime()).toBe(first);
    });

    const userOf = async (scope: TenantScope, username: string) =>
      (await scope.users.findOne((u) => eq(u.username, username)))?.id as string;
    const alarmOf = async (kind: string) => (await a.alarms.find()).find((x) => x.kind === kind)?.id as string;

    it('offers the active field staff to assign an alarm to', async () => {
      const staff = await admin.alarms.fieldStaff();
      const names = staff.map((s) => s.username);
      expect(names).toEqual(expect.arrayContaining(['staff1', 'staff2']));
      expect(names).not.toContain('finance');
      expect(names).not.toContain('stock');
      const rival = await api.signIn('200008', 'operator_admin');
      expect((await rival.alarms.fieldStaff()).map((s) => s.username)).not.toContain('staff1');
    });

    it('assigns an alarm to an active field worker of the tenant, and unassigns it', async () => {
      const alarmId = await alarmOf('offline');
      const staff1 = await userOf(a, 'staff1');
      const assigned = await admin.alarms.assign({ alarmId, userId: staff1 });
      expect(assigned).toMatchObject({ assignedTo: staff1, assignedAt: new Date(clock).toISOString() });
      expect(await a.alarms.get(alarmId)).toMatchObject({ assignedTo: staff1, assignedAt: new Date(clock) });
      const audits = await a.auditLog.find({ where: (l) => eq(l.action, 'alarms.assign') });
      expect(audits.at(-1)?.before).toMatchObject({ assignedTo: null });
      expect(audits.at(-1)?.after).toMatchObject({ assignedTo: staff1 });
      const listed = await admin.alarms.list({ assignedTo: staff1 });
      expect(listed.items.map((x) => [x.id, x.assignedToName])).toEqual([[alarmId, '张伟']]);

      // Another tenant's user is unknown here, exactly as an id that names nobody.
      const rivalAdmin = await userOf(api.db.forTenant(await tenantIdOf(api.db, '200008')), 'operator_admin');
      const foreign = await failure(admin.alarms.assign({ alarmId, userId: rivalAdmin }));
      const unknown = await failure(admin.alarms.assign({ alarmId, userId: newId() }));
      expect([foreign.code, foreign.message]).toEqual(['NOT_FOUND', 'User not found']);
      expect([unknown.code, unknown.message]).toEqual([foreign.code, foreign.message]);

      const notStaff = await failure(admin.alarms.assign({ alarmId, userId: await userOf(a, 'finance') }));
      expect(notStaff.code).toBe('BAD_REQUEST');
      expect(notStaff.message).toMatch(/^userId: is not field staff/);
      const staff2 = await userOf(a, 'staff2');
      await a.users.update(staff2, { status: 'disabled' });
      try {
        const disabled = await failure(admin.alarms.assign({ alarmId, userId: staff2 }));
        expect([disabled.code, disabled.message]).toEqual(['BAD_REQUEST', 'userId: is disabled']);
      } finally {
        await a.users.update(staff2, { status: 'active' });
      }
      expect((await a.alarms.get(alarmId))?.assignedTo).toBe(staff1);

      const rival = await api.signIn('200008', 'operator_admin');
      expect((await failure(rival.alarms.assign({ alarmId, userId: null }))).code).toBe('NOT_FOUND');
      const staff = await api.signIn(DEMO_CODE, 'staff1');
      expect((await failure(staff.alarms.assign({ alarmId, userId: staff1 }))).code).toBe('FORBIDDEN');

      clock += 60_000;
      const unassigned = await admin.alarms.assign({ alarmId, userId: null });
      expect(unassigned).toMatchObject({ assignedTo: null, assignedAt: null });
      expect((await admin.alarms.list({ assignedTo: staff1 })).total).toBe(0);
    });

    it('filters by the assignee (me included) and by whether a repair is recorded', async () => {
      const offline = await alarmOf('offline');
      const door = await alarmOf('door_open');
      await admin.alarms.assign({ alarmId: offline, userId: await userOf(a, 'admin') });
      await admin.alarms.assign({ alarmId: door, userId: await userOf(a, 'staff1') });
      expect((await admin.alarms.list({ assignedTo: 'me' })).items.map((x) => x.id)).toEqual([offline]);
      const staff1 = await userOf(a, 'staff1');
      expect((await admin.alarms.list({ assignedTo: staff1 })).items.map((x) => x.id)).toEqual([door]);
      expect((await admin.alarms.list({ repaired: false })).total).toBe(2);
      expect((await admin.alarms.list({ repaired: true })).total).toBe(0);
      const bad = await failure(admin.alarms.list({ assignedTo: 'someone' as 'me' }));
      expect(bad.code).toBe('BAD_REQUEST');
      expect((await failure(admin.alarms.list({ limit: 201 }))).code).toBe('BAD_REQUEST');

      // The field worker sees the alarms assigned to them, and only those.
      const staff = await api.signIn(DEMO_CODE, 'staff1');
      expect((await staff.alarms.mine({})).items.map((x) => x.id)).toEqual([door]);
      expect((await failure(staff.alarms.list({ assignedTo: 'me' }))).code).toBe('FORBIDDEN');
    });

    it('records the repair, resolving the alarm; a second repair is refused', async () => {
      const alarmId = await alarmOf('offline');
      expect((await a.alarms.get(alarmId))?.resolvedAt).toBeNull();
      const empty = await failure(admin.alarms.recordRepair({ alarmId, note: '   ' }));
      expect(empty.code).toBe('BAD_REQUEST');
      expect((await failure(admin.alarms.recordRepair({ alarmId, note: 'x'.repeat(501) }))).code).toBe('BAD_REQUEST');
      const rival = await api.signIn('200008', 'operator_admin');
      expect((await failure(rival.alarms.recordRepair({ alarmId, note: 'done' }))).code).toBe('NOT_FOUND');

      clock += 60_000;
      const adminId = await userOf(a, 'admin');
      const repaired = await admin.alarms.recordRepair({ alarmId, note: '  更换了 4G 模块  ' });
      expect(repaired).toMatchObject({
        repairedBy: adminId,
        repairedAt: new Date(clock).toISOString(),
        repairNote: '更换了 4G 模块',
        resolvedAt: new Date(clock).toISOString(),
      });
      expect(await a.alarms.get(alarmId)).toMatchObject({ repairNote: '更换了 4G 模块', resolvedAt: new Date(clock) });
      const [audit] = await a.auditLog.find({ where: (l) => eq(l.action, 'alarms.recordRepair') });
      expect(audit?.before).toMatchObject({ repairedAt: null, resolvedAt: null });
      expect(audit?.after).toMatchObject({ repairedBy: adminId, repairNote: '更换了 4G 模块' });
      const listed = await admin.alarms.list({ repaired: true });
      expect(listed.items.map((x) => [x.id, x.state, x.repairedByName, x.repairNote])).toEqual([
        [alarmId, 'resolved', '王经理', '更换了 4G 模块'],
      ]);

      clock += 60_000;
      const again = await failure(admin.alarms.recordRepair({ alarmId, note: 'again' }));
      expect([again.code, again.message]).toEqual(['CONFLICT', 'A repair is already recorded for this alarm']);
      expect((await a.alarms.get(alarmId))?.repairNote).toBe('更换了 4G 模块');
    });

    it('lets the field worker an alarm is assigned to record its repair, and nobody else of field staff', async () => {
      const alarmId = await alarmOf('door_open');
      const resolvedAt = (await a.alarms.get(alarmId))?.resolvedAt;
      expect(resolvedAt).not.toBeNull();
      const other = await api.signIn(DEMO_CODE, 'staff2');
      const refused = await failure(other.alarms.recordMyRepair({ alarmId, note: '关好了门' }));
      expect(refused.code).toBe('FORBIDDEN');
      expect(refused.message).toBe('Only the field worker the alarm is assigned to can record its repair');
      const staff = await api.signIn(DEMO_CODE, 'staff1');
      expect((await failure(staff.alarms.recordRepair({ alarmId, note: '关好了门' }))).code).toBe('FORBIDDEN');

      clock += 60_000;
      const repaired = await staff.alarms.recordMyRepair({ alarmId, note: '关好了门' });
      // An alarm resolved before keeps its time of resolution.
      expect(repaired).toMatchObject({
        repairedBy: await userOf(a, 'staff1'),
        repairNote: '关好了门',
        resolvedAt: resolvedAt?.toISOString(),
      });
      expect((await failure(staff.alarms.recordMyRepair({ alarmId, note: 'again' }))).code).toBe('CONFLICT');
      expect((await staff.alarms.mine({ repaired: true })).items.map((x) => [x.id, x.repairedByName])).toEqual([
        [alarmId, '张伟'],
      ]);
    });
  });
}
