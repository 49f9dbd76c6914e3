import { TRPCError } from '@trpc/server';
import { eq, newId, type Row, type Tables } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi } from '../testing.js';

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

type Order = Row<Tables['orders']>;
const DAY = 86_400_000;
const dayAt = (t: number, offsetMinutes: number) => new Date(t + offsetMinutes * 60_000).toISOString().slice(0, 10);

interface Profit {
  orders: number;
  quantity: number;
  revenue: number;
  cost: number;
  profit: number;
}

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] profit`, () => {
    let api: TestApi;
    let tenantId: string;
    let finance: Caller;
    let orders: Order[];
    let refundedBy: Map<string, number>;
    let productCost: Map<string, number>;
    let costless: Order;

    beforeAll(async () => {
      api = await createTestApi(dialect);
      tenantId = await tenantIdOf(api.db, DEMO_CODE);
      finance = await api.signIn(DEMO_CODE, 'finance');
      const scope = api.db.forTenant(tenantId);
      // One sold order that recorded no cost: it is costed at its product's cost.
      const sold = (await scope.orders.find()).filter((o) => o.status === 'completed' && o.cost > 0);
      costless = sold[100] as Order;
      await scope.orders.update(costless.id, { cost: 0 });
      orders = await scope.orders.find();
      refundedBy = new Map();
      for (const r of await scope.refunds.find()) {
        if (r.status === 'succeeded') refundedBy.set(r.orderId, (refundedBy.get(r.orderId) ?? 0) + r.amount);
      }
      productCost = new Map((await scope.products.find()).map((p) => [p.id, p.cost]));
    });
    afterAll(async () => {
      await api?.close();
    });

    /** Revenue less the cost of the goods that left the machines, summed here from the seeded rows. */
    function expected(start: number, end: number, keyOf: (o: Order) => string): Map<string, Profit> {
      const groups = new Map<string, Profit>();
      for (const o of orders) {
        const t = o.createdAt.getTime();
        if (t < start || t >= end || !o.paidAt) continue;
        const g = groups.get(keyOf(o)) ?? { orders: 0, quantity: 0, revenue: 0, cost: 0, profit: 0 };
        const revenue = o.amount - (refundedBy.get(o.id) ?? 0);
        const cost = o.vendedAt ? o.cost || (productCost.get(o.productId) ?? 0) * o.quantity : 0;
        g.orders += 1;
        g.quantity += o.vendedAt ? o.quantity : 0;
        g.revenue += revenue;
        g.cost += cost;
        g.profit += revenue - cost;
        groups.set(keyOf(o), g);
      }
      return groups;
    }

    const pick = (r: Profit) => ({
      orders: r.orders,
      quantity: r.quantity,
      revenue: r.revenue,
      cost: r.cost,
      profit: r.profit,
    });

    it('gives revenue, cost and profit by machine, product, day and month', async () => {
      const offset = 480;
      const from = dayAt(Date.now() - 23 * DAY, offset);
      const to = dayAt(Date.now(), offset);
      const start = Date.parse(`${from}T00:00:00Z`) - offset * 60_000;
      const end = Date.parse(`${to}T00:00:00Z`) + DAY - offset * 60_000;
      const keys = {
        machine: (o: Order) => o.machineId,
        product: (o: Order) => o.productId,
        day: (o: Order) => dayAt(o.createdAt.getTime(), offset),
        month: (o: Order) => dayAt(o.createdAt.getTime(), offset).slice(0, 7),
      };
      for (const by of ['machine', 'product', 'day', 'month'] as const) {
        const want = expected(start, end, keys[by]);
        const result = await finance.profit.query({ from, to, by });
        const nonEmpty = result.rows.filter((r) => r.orders > 0);
        expect(nonEmpty).toHaveLength(want.size);
        for (const row of nonEmpty) expect(pick(row)).toEqual(want.get(row.key));
        const total = [...want.values()].reduce((s, g) => s + g.profit, 0);
        expect(result.total.profit).toBe(total);
      }
      const byMachine = await finance.profit.query({ from, to, by: 'machine' });
      expect(byMachine.rows.map((r) => r.label).sort()).toEqual(['体育馆入口', '图书馆一楼', '教学楼 B 座'].sort());
      expect(byMachine.total.cost).toBeGreaterThan(0);
      expect(byMachine.total.profit).toBe(byMachine.total.revenue - byMachine.total.cost);

      // The order without a recorded cost is costed at its product's current cost (a UTC day:
      // the tenant cuts its days in UTC for this).
      await api.db.platform.tenants.update(tenantId, { timeZone: 'UTC' });
      const inUtc = await api.signIn(DEMO_CODE, 'finance');
      const one = await inUtc.profit
        .query({
          from: dayAt(costless.createdAt.getTime(), 0),
          to: dayAt(costless.createdAt.getTime(), 0),
          by: 'product',
          machineId: costless.machineId,
          productId: costless.productId,
        })
        .finally(() => api.db.platform.tenants.update(tenantId, { timeZone: 'Asia/Shanghai' }));
      const dayStart = Date.parse(`${dayAt(costless.createdAt.getTime(), 0)}T00:00:00Z`);
      const want = expected(dayStart, dayStart + DAY, (o) =>
        o.machineId === costless.machineId && o.productId === costless.productId ? 'x' : 'other',
      ).get('x') as Profit;
      expect(pick(one.total)).toEqual(want);
      expect(want.cost).toBe(want.quantity * (productCost.get(costless.productId) ?? -1));
    });

    it('settles a period only where the module is rented, once, and after it has ended', async () => {
      const from = dayAt(Date.now() - 14 * DAY, 480);
      const to = dayAt(Date.now() - 8 * DAY, 480);
      // The demo operator does not rent profit settlement.
      const gated = await failure(finance.profit.settle({ from, to }));
      expect(gated.code).toBe('FORBIDDEN');
      const module = await api.db.platform.modules.findOne((m) => eq(m.code, 'profit_settlement'));
      await api.db.forTenant(tenantId).tenantModules.insert({ moduleId: module?.id as string });

      const start = Date.parse(`${from}T00:00:00Z`) - 480 * 60_000;
      const end = Date.parse(`${to}T00:00:00Z`) + DAY - 480 * 60_000;
      const want = expected(start, end, () => 'all').get('all') as Profit;
      const settlement = await finance.profit.settle({ from, to });
      expect(settlement).toMatchObject({ kind: 'profit', periodStart: from, periodEnd: to, status: 'final' });
      expect(settlement.figures).toMatchObject(want);
      const stored = await api.db.forTenant(tenantId).settlements.get(settlement.id);
      expect(stored?.figures.profit).toBe(want.profit);
      const audit = await api.db.forTenant(tenantId).auditLog.findOne((a) => eq(a.action, 'profit.settle'));
      expect(audit?.entityId).toBe(settlement.id);

      const overlap = await failure(finance.profit.settle({ from: to, to: dayAt(Date.now() - 2 * DAY, 480) }));
      expect(overlap.code).toBe('BAD_REQUEST');
      expect(overlap.message).toBe(`from: overlaps the profit settlement of ${from} to ${to}`);
      const open = await failure(
        finance.profit.settle({ from: dayAt(Date.now() - 2 * DAY, 480), to: dayAt(Date.now(), 480) }),
      );
      expect(open.message).toBe('to: the period has not ended yet');
      expect(await api.db.forTenant(tenantId).settlements.count((s) => eq(s.kind, 'profit'))).toBe(1);

      const listed = await finance.profit.settlements({});
      expect(listed.map((s) => s.id)).toEqual([settlement.id]);
    });

    it('keeps profit to those who hold the permissions, and other tenants out', async () => {
      const leader = await api.signIn(DEMO_CODE, 'leader');
      const today = dayAt(Date.now(), 480);
      expect((await failure(leader.profit.query({ from: today, to: today, by: 'day' }))).code).toBe('FORBIDDEN');
      await api.createOperator({ code: '200301', name: 'Other_Profit' });
      const other = await api.signIn('200301', 'finance_admin');
      const empty = await other.profit.query({ from: dayAt(Date.now() - 30 * DAY, 480), to: today, by: 'machine' });
      expect(empty.rows).toEqual([]);
      expect(empty.total.revenue).toBe(0);
      const foreign = await failure(
        other.profit.query({ from: today, to: today, by: 'day', machineId: orders[0]?.machineId }),
      );
      expect(foreign.code).toBe('NOT_FOUND');
      const missing = await failure(other.profit.query({ from: today, to: today, by: 'day', machineId: newId() }));
      expect(missing.message).toBe(foreign.message);
      expect(await other.profit.settlements({})).toEqual([]);
    });
  });
}
