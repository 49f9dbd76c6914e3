import { eq, type TenantScope } from '@vmcloud/db';
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
  });
}
