/**
 * One business day everywhere: a sale at 23:30 local time and one at 00:30 the next local
 * day fall on those two days in the finance statistics, the profit query and the goods
 * settlement, and the order, shipment and transfer numbers of that moment carry the same
 * day; in Asia/Shanghai and in America/New_York on both sides of each daylight-saving
 * change of 2026 (March 8, November 1).
 */
import { and, eq, gt, isNotNull, newId, type Row, type Tables } from '@vmcloud/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarOf } from '../shared/business-day.js';
import { orderNumber } from '../shared/document-numbers.js';
import { createTestApi, DEMO_CODE, tenantIdOf, type TestApi } from '../testing.js';

/** Sales in one time zone, each at 23:30 or 00:30 local time of its local day. */
interface Case {
  timeZone: string;
  sales: { at: string; day: string; time: '2330' | '0030' }[];
}

const CASES: Case[] = [
  {
    timeZone: 'Asia/Shanghai',
    sales: [
      { at: '2026-11-20T15:30:00Z', day: '2026-11-20', time: '2330' },
      { at: '2026-11-20T16:30:00Z', day: '2026-11-21', time: '0030' },
    ],
  },
  {
    // Daylight saving starts on March 8 (02:00 EST -> 03:00 EDT): March 8 has 23 hours.
    timeZone: 'America/New_York',
    sales: [
      { at: '2026-03-08T04:30:00Z', day: '2026-03-07', time: '2330' },
      { at: '2026-03-08T05:30:00Z', day: '2026-03-08', time: '0030' },
      { at: '2026-03-09T03:30:00Z', day: '2026-03-08', time: '2330' },
      { at: '2026-03-09T04:30:00Z', day: '2026-03-09', time: '0030' },
    ],
  },
  {
    // Daylight saving ends on November 1 (02:00 EDT -> 01:00 EST): November 1 has 25 hours.
    timeZone: 'America/New_York',
    sales: [
      { at: '2026-11-01T03:30:00Z', day: '2026-10-31', time: '2330' },
      { at: '2026-11-01T04:30:00Z', day: '2026-11-01', time: '0030' },
      { at: '2026-11-02T04:30:00Z', day: '2026-11-01', time: '2330' },
      { at: '2026-11-02T05:30:00Z', day: '2026-11-02', time: '0030' },
    ],
  },
];

const compact = (day: string) => day.replace(/-/g, '');

describe('the business day', () => {
  let api: TestApi;
  let tenantId: string;
  // The demo is seeded in June, away from every day looked at here.
  let clock = Date.parse('2026-06-15T04:00:00Z');
  let machine: Row<Tables['machines']>;
  let channel: Row<Tables['channels']>;
  /** A channel of a machine not staff1's, for sales entered by hand (not counted above). */
  let otherChannel: Row<Tables['channels']>;
  let staff1Id: string;
  let staff2Id: string;

  beforeAll(async () => {
    api = await createTestApi('sqlite', { now: () => new Date(clock) });
    tenantId = await tenantIdOf(api.db, DEMO_CODE);
    // The sales below are dated back to March 2026: the demo operator's lease began, and its
    // machines came to it, before (orders.record refuses earlier).
    const since = new Date(Date.UTC(2025, 0, 1));
    await api.db.platform.tenants.update(tenantId, { leaseStartsAt: since });
    const scope = api.db.forTenant(tenantId);
    await scope.machines.updateWhere((m) => isNotNull(m.heldSince), { heldSince: since });
    const user = async (username: string) => (await scope.users.findOne((u) => eq(u.username, username)))?.id ?? '';
    staff1Id = await user('staff1');
    staff2Id = await user('staff2');
    const machines = await scope.machines.find({ where: (m) => eq(m.staffId, staff1Id) });
    machine = machines[0] as Row<Tables['machines']>;
    const [stocked] = await scope.channels.find({
      where: (c) => and(eq(c.machineId, machine.id), gt(c.stock, 0)),
      orderBy: (c) => [c.number],
      limit: 1,
    });
    channel = stocked as Row<Tables['channels']>;
    const others = await scope.machines.find({ where: (m) => eq(m.staffId, staff2Id) });
    const [other] = await scope.channels.find({
      where: (c) => and(eq(c.machineId, others[0]?.id ?? ''), gt(c.stock, 0)),
      limit: 1,
    });
    otherChannel = other as Row<Tables['channels']>;
  });
  afterAll(async () => {
    await api?.close();
  });

  for (const c of CASES) {
    const days = [...new Set(c.sales.map((sale) => sale.day))];
    it(`cuts ${days.join(', ')} at local midnight in ${c.timeZone}`, async () => {
      const scope = api.db.forTenant(tenantId);
      await api.db.platform.tenants.update(tenantId, { timeZone: c.timeZone });
      const calendar = calendarOf(c.timeZone);
      const [product] = await scope.staffInventory.find({
        where: (t) => and(eq(t.staffId, staff1Id), gt(t.quantity, c.sales.length)),
        limit: 1,
      });
      if (!product || !channel.productId) throw new Error('the demo gives staff1 stock and a stocked channel');

      // Each sale with an amount of its own (100, 200, 400, ... fen), so that the sums say which sales a day holds.
      const expected = new Map(days.map((day) => [day, { orders: 0, amount: 0 }]));
      for (const [n, sale] of c.sales.entries()) {
        const amount = 100 * 2 ** n;
        const want = expected.get(sale.day) as { orders: number; amount: number };
        want.orders += 1;
        want.amount += amount;
        clock = Date.parse(sale.at);
        // Sessions last hours and the clock jumps by days: sign in at each moment (after the
        // time zone changed, too: principals are cached with it).
        const staff1 = await api.signIn(DEMO_CODE, 'staff1');
        const id = newId();
        const order = await scope.orders.insert({
          id,
          orderNo: orderNumber(calendar, new Date(clock), id),
          machineId: machine.id,
          channelId: channel.id,
          channelNumber: channel.number,
          productId: channel.productId,
          price: amount,
          quantity: 1,
          amount,
          cost: 0,
          paymentMethod: 'cash',
          status: 'completed',
          paidAt: new Date(clock),
          vendedAt: new Date(clock),
          completedAt: new Date(clock),
          createdAt: new Date(clock),
          updatedAt: new Date(clock),
        });
        const shipment = await staff1.shipments.request({ items: [{ productId: product.productId, quantity: 1 }] });
        const transfer = await staff1.transfers.create({
          toStaffId: staff2Id,
          items: [{ productId: product.productId, quantity: 1 }],
        });
        // A sale entered by hand (orders.record) at that moment.
        const admin = await api.signIn(DEMO_CODE, 'admin');
        const entered = await admin.orders.record({
          machineId: otherChannel.machineId,
          channelNumber: otherChannel.number,
          paymentMethod: 'free',
          soldAt: new Date(clock),
        });
        // The numbers carry the local day (and the orders', their local time).
        expect(order.orderNo.slice(1, 13), sale.at).toBe(`${compact(sale.day)}${sale.time}`);
        expect(entered.orderNo.slice(1, 13), sale.at).toBe(`${compact(sale.day)}${sale.time}`);
        expect(shipment.documentNo, sale.at).toMatch(new RegExp(`^CK${compact(sale.day)}\\d{4}$`));
        expect(transfer.documentNo, sale.at).toMatch(new RegExp(`^DB${compact(sale.day)}\\d{4}$`));
      }
      clock = Date.parse(c.sales[c.sales.length - 1]?.at ?? '') + 3 * 86_400_000;
      const finance = await api.signIn(DEMO_CODE, 'finance');

      // Finance statistics and the profit query, day by day.
      const period = { from: days[0] as string, to: days[days.length - 1] as string, machineId: machine.id };
      const rows = days.map((day) => [day, expected.get(day)?.orders, expected.get(day)?.amount]);
      const statistics = await finance.finance.statistics({ ...period, by: 'day' });
      expect(statistics.rows.map((r) => [r.key, r.orders, r.gross])).toEqual(rows);
      const profit = await finance.profit.query({ ...period, by: 'day' });
      expect(profit.rows.map((r) => [r.key, r.orders, r.revenue])).toEqual(rows);

      for (const day of days) {
        const want = expected.get(day) as { orders: number; amount: number };
        // A period of that day alone.
        const one = await finance.finance.statistics({ from: day, to: day, by: 'machine', machineId: machine.id });
        expect(one.total.gross, day).toBe(want.amount);
        // Goods settlement: the day's sales and the units given to staff2 that day.
        const report = await finance.goodsSettlement.report({ staffId: staff1Id, from: day, to: day });
        expect(report.staff[0]?.cash.salesAmount, day).toBe(want.amount);
        expect(report.staff[0]?.goods.transferredOut, day).toBe(want.orders);
      }
    });
  }
});
