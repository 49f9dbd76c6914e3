import { eq, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarOf } from '../shared/business-day.js';
import { createTestApi, DEMO_CODE, failure, tenantIdOf, type Caller, type TestApi } from '../testing.js';
import { isLowChannel } from './dashboard.js';

type Order = Row<Tables['orders']>;

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] dashboard`, () => {
    let api: TestApi;
    let admin: Caller;
    let a: TenantScope;
    let orders: Order[];
    const refundedBy = new Map<string, number>();

    beforeAll(async () => {
      api = await createTestApi(dialect);
      a = api.db.forTenant(await tenantIdOf(api.db, DEMO_CODE));
      admin = await api.signIn(DEMO_CODE, 'admin');
      orders = (await a.orders.find()).filter((o) => o.paidAt !== null);
      for (const r of await a.refunds.find()) {
        if (r.status === 'succeeded') refundedBy.set(r.orderId, (refundedBy.get(r.orderId) ?? 0) + r.amount);
      }
    });
    afterAll(async () => {
      await api?.close();
    });

    const revenueOf = (rows: Order[]) => rows.reduce((sum, o) => sum + o.amount - (refundedBy.get(o.id) ?? 0), 0);

    it('sums the sales of today, 7 and 30 days, by hour and by day, in the tenant time zone', async () => {
      const summary = await admin.dashboard.summary();
      const calendar = calendarOf(summary.timeZone);
      const today = calendar.dayOf(new Date());
      expect(summary.today).toBe(today);
      expect(summary.byDay).toHaveLength(30);
      expect(summary.byDay[29]?.day).toBe(today);
      const from30 = summary.byDay[0]?.day as string;
      const from7 = summary.byDay[23]?.day as string;
      const in30 = orders.filter((o) => calendar.dayOf(o.createdAt) >= from30);
      const in7 = in30.filter((o) => calendar.dayOf(o.createdAt) >= from7);
      const ofToday = in30.filter((o) => calendar.dayOf(o.createdAt) === today);
      expect(in30.length).toBeGreaterThan(0);
      expect(summary.sales.last30Days).toMatchObject({ orders: in30.length, revenue: revenueOf(in30) });
      expect(summary.sales.last7Days).toMatchObject({ orders: in7.length, revenue: revenueOf(in7) });
      expect(summary.sales.today).toMatchObject({ orders: ofToday.length, revenue: revenueOf(ofToday) });
      expect(summary.byHour).toHaveLength(24);
      expect(summary.byHour.reduce((sum, h) => sum + h.orders, 0)).toBe(ofToday.length);
      for (const row of summary.byDay) {
        const day = in30.filter((o) => calendar.dayOf(o.createdAt) === row.day);
        expect(row, row.day).toMatchObject({ orders: day.length, revenue: revenueOf(day) });
      }
      const revenues = summary.topProducts.map((p) => p.revenue);
      expect(revenues).toEqual([...revenues].sort((x, y) => y - x));
      expect(summary.topProducts.reduce((sum, p) => sum + p.orders, 0)).toBeLessThanOrEqual(in30.length);
      expect(summary.byMachine.every((m) => m.name !== null)).toBe(true);
    });

    it('counts machines online, offline and in alarm, the low channels and the newest open alarms', async () => {
      const summary = await admin.dashboard.summary();
      const machines = await a.machines.find();
      const online = (await a.machineStatus.find()).filter((s) => s.online).length;
      const open = (await a.alarms.find()).filter((x) => x.resolvedAt === null);
      expect(summary.machines).toEqual({
        total: machines.length,
        online,
        offline: machines.length - online,
        inAlarm: new Set(open.map((x) => x.machineId)).size,
      });
      expect(summary.newestAlarms.map((x) => x.id).sort()).toEqual(open.map((x) => x.id).sort());
      const low = (await a.channels.find()).filter(isLowChannel);
      expect(summary.lowChannelCount).toBe(low.length);
      // A channel emptied by hand is listed first, with its machine and product.
      const channel = (await a.channels.find()).find((c) => c.productId !== null && c.enabled);
      await a.channels.update(channel?.id as string, { stock: 0 });
      const after = await admin.dashboard.summary();
      expect(after.lowChannels[0]).toMatchObject({ channelId: channel?.id, stock: 0 });
      expect(after.lowChannels[0]?.productName).not.toBeNull();
    });

    it('lists the fleet with live status, filtered by numbers, online and needing stock', async () => {
      const all = await admin.dashboard.fleet({});
      const machines = await a.machines.find();
      expect(all.total).toBe(machines.length);
      expect(all.items.map((m) => m.boardId)).toEqual(machines.map((m) => m.boardId).sort());
      const first = all.items[0];
      const status = await a.machineStatus.findOne((s) => eq(s.machineId, first?.id as string));
      expect(first).toMatchObject({ online: status?.online ?? false, temperature: status?.temperature ?? null });
      const byBoard = await admin.dashboard.fleet({ boardId: first?.boardId.slice(-4).toLowerCase() });
      expect(byBoard.items.map((m) => m.id)).toContain(first?.id);
      const online = await admin.dashboard.fleet({ online: true });
      const offline = await admin.dashboard.fleet({ online: false });
      expect(online.total + offline.total).toBe(machines.length);
      expect(online.items.every((m) => m.online)).toBe(true);
      expect(offline.items.every((m) => !m.online)).toBe(true);

      const channels = await a.channels.find();
      const needing = new Set(channels.filter(isLowChannel).map((c) => c.machineId));
      const needingStock = await admin.dashboard.fleet({ needingStock: true });
      expect(needingStock.items.map((m) => m.id).sort()).toEqual([...needing].sort());
      expect(needingStock.items.every((m) => m.lowChannels > 0)).toBe(true);
      const [type] = await admin.machines.types();
      const ofType = await admin.dashboard.fleet({ typeId: type?.id });
      expect(ofType.items.map((m) => m.id).sort()).toEqual(
        machines
          .filter((m) => m.typeId === type?.id)
          .map((m) => m.id)
          .sort(),
      );
      expect(ofType.total).toBe(type?.machines);
      const paged = await admin.dashboard.fleet({ limit: 1, offset: 1 });
      expect(paged).toMatchObject({ total: machines.length, items: [{ id: all.items[1]?.id }] });
    });

    it('is for users who manage machines', async () => {
      const staff = await api.signIn(DEMO_CODE, 'staff1');
      expect((await failure(staff.dashboard.summary())).code).toBe('FORBIDDEN');
      expect((await failure(staff.dashboard.fleet({}))).code).toBe('FORBIDDEN');
    });
  });
}
