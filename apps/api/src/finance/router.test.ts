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

interface Figures {
  orders: number;
  quantity: number;
  gross: number;
  refunded: number;
  revenue: number;
  cash: number;
  mobile: number;
}

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] finance and turnover`, () => {
    let api: TestApi;
    let tenantId: string;
    let finance: Caller;
    let staff1: Caller;
    let orders: Order[];
    let refundedBy: Map<string, number>;
    let machines: Row<Tables['machines']>[];
    let users: Row<Tables['users']>[];

    beforeAll(async () => {
      api = await createTestApi(dialect);
      tenantId = await tenantIdOf(api.db, DEMO_CODE);
      finance = await api.signIn(DEMO_CODE, 'finance');
      staff1 = await api.signIn(DEMO_CODE, 'staff1');
      const scope = api.db.forTenant(tenantId);
      orders = await scope.orders.find();
      refundedBy = new Map();
      for (const r of await scope.refunds.find()) {
        if (r.status === 'succeeded') refundedBy.set(r.orderId, (refundedBy.get(r.orderId) ?? 0) + r.amount);
      }
      machines = await scope.machines.find();
      users = await scope.users.find();
    });
    afterAll(async () => {
      await api?.close();
    });

    /** The figures of the seeded orders created in [start, end), grouped by `keyOf`, summed here from the rows. */
    function expected(start: number, end: number, keyOf: (o: Order) => string): Map<string, Figures> {
      const groups = new Map<string, Figures>();
      for (const o of orders) {
        const t = o.createdAt.getTime();
        if (t < start || t >= end || o.paidAt === null) continue;
        const key = keyOf(o);
        const g = groups.get(key) ?? { orders: 0, quantity: 0, gross: 0, refunded: 0, revenue: 0, cash: 0, mobile: 0 };
        const refunded = refundedBy.get(o.id) ?? 0;
        g.orders += 1;
        g.quantity += o.vendedAt ? o.quantity : 0;
        g.gross += o.amount;
        g.refunded += refunded;
        g.revenue += o.amount - refunded;
        if (o.paymentMethod === 'cash') g.cash += o.amount - refunded;
        if (o.paymentMethod === 'qr' || o.paymentMethod === 'card') g.mobile += o.amount - refunded;
        groups.set(key, g);
      }
      return groups;
    }

    const figuresOf = (row: Figures) => ({
      orders: row.orders,
      quantity: row.quantity,
      gross: row.gross,
      refunded: row.refunded,
      revenue: row.revenue,
      cash: row.cash,
      mobile: row.mobile,
    });

    it('sums sales by day over the whole seeded period, every day listed', async () => {
      const offset = 480;
      const from = dayAt(Date.now() - 23 * DAY, offset);
      const to = dayAt(Date.now(), offset);
      const start = Date.parse(`${from}T00:00:00Z`) - offset * 60_000;
      const end = Date.parse(`${to}T00:00:00Z`) + DAY - offset * 60_000;
      const byDay = expected(start, end, (o) => dayAt(o.createdAt.getTime(), offset));

      const result = await finance.finance.statistics({ from, to, by: 'day' });
      expect(result.rows).toHaveLength(24);
      expect(result.rows[0]?.key).toBe(from);
      expect(result.rows[23]?.key).toBe(to);
      for (const row of result.rows) {
        const want = byDay.get(row.key as string);
        expect(figuresOf(row)).toEqual(
          want ?? { orders: 0, quantity: 0, gross: 0, refunded: 0, revenue: 0, cash: 0, mobile: 0 },
        );
      }
      // The whole seeded history is inside the period.
      const paid = orders.filter((o) => o.paidAt !== null);
      expect(result.total.orders).toBe(paid.length);
      expect(result.total.gross).toBe(paid.reduce((s, o) => s + o.amount, 0));
      expect(result.total.refunded).toBeGreaterThan(0);
      expect(result.total.revenue).toBe(result.total.gross - result.total.refunded);
    });

    it('sums sales by machine, staff and product over a week, in UTC', async () => {
      // A tenant that cuts its days in UTC.
      await api.db.platform.tenants.update(tenantId, { timeZone: 'UTC' });
      const finance = await api.signIn(DEMO_CODE, 'finance');
      try {
        const from = dayAt(Date.now() - 9 * DAY, 0);
        const to = dayAt(Date.now() - 3 * DAY, 0);
        const start = Date.parse(`${from}T00:00:00Z`);
        const end = Date.parse(`${to}T00:00:00Z`) + DAY;
        const staffOf = new Map(machines.map((m) => [m.id, m.staffId]));
        const cases = [
          ['machine', (o: Order) => o.machineId],
          ['staff', (o: Order) => staffOf.get(o.machineId) ?? ''],
          ['product', (o: Order) => o.productId],
        ] as const;
        for (const [by, keyOf] of cases) {
          const want = expected(start, end, keyOf);
          const result = await finance.finance.statistics({ from, to, by });
          expect(result.rows).toHaveLength(want.size);
          for (const row of result.rows) expect(figuresOf(row)).toEqual(want.get(row.key ?? ''));
          const revenues = result.rows.map((r) => r.revenue);
          expect(revenues).toEqual([...revenues].sort((a, b) => b - a));
        }
        const byStaff = await finance.finance.statistics({ from, to, by: 'staff' });
        expect(byStaff.rows.map((r) => r.label).sort()).toEqual(['刘洋', '张伟']);
        const machine = machines[2] as Row<Tables['machines']>;
        const one = await finance.finance.statistics({
          from,
          to,
          by: 'product',
          machineId: machine.id,
        });
        const want = expected(start, end, (o) => (o.machineId === machine.id ? 'm' : 'other')).get('m');
        expect(figuresOf(one.total)).toEqual(want);
      } finally {
        await api.db.platform.tenants.update(tenantId, { timeZone: 'Asia/Shanghai' });
      }
    });

    it('refuses a period backwards or longer than a year, and ids of another tenant', async () => {
      const backwards = await failure(finance.finance.statistics({ from: '2026-11-10', to: '2026-11-01', by: 'day' }));
      expect(backwards.code).toBe('BAD_REQUEST');
      expect(backwards.message).toBe('to: must not be before from');
      const long = await failure(finance.finance.statistics({ from: '2025-01-01', to: '2026-06-01', by: 'day' }));
      expect(long.message).toBe('to: the period must be at most 366 days');
      const day = await failure(finance.finance.statistics({ from: '2026-13-01', to: '2026-11-01', by: 'day' }));
      expect(day.message).toContain('from: must be a date written YYYY-MM-DD');
      const missing = await failure(
        finance.finance.statistics({ from: '2026-11-01', to: '2026-11-02', by: 'day', machineId: newId() }),
      );
      expect(missing.code).toBe('NOT_FOUND');
    });

    it('gives the totals of each month, with the turnover handed in', async () => {
      const offset = 480;
      const year = new Date(Date.now() + offset * 60_000).getUTCFullYear();
      const start = Date.UTC(year, 0, 1) - offset * 60_000;
      const end = Date.UTC(year + 1, 0, 1) - offset * 60_000;
      const byMonth = expected(start, end, (o) => dayAt(o.createdAt.getTime(), offset).slice(0, 7));
      const turnovers = (await api.db.forTenant(tenantId).turnovers.find()).filter(
        (t) => t.status !== 'rejected' && String(t.periodEnd).startsWith(String(year)),
      );
      const result = await finance.finance.monthlyTotals({ year });
      expect(result.months).toHaveLength(12);
      for (const m of result.months) {
        const want = byMonth.get(m.month);
        expect([m.orders, m.gross, m.refunded, m.revenue, m.cash, m.mobile]).toEqual(
          want ? [want.orders, want.gross, want.refunded, want.revenue, want.cash, want.mobile] : [0, 0, 0, 0, 0, 0],
        );
        const handed = turnovers.filter((t) => String(t.periodEnd).startsWith(m.month));
        expect(m.handedInCash).toBe(handed.reduce((s, t) => s + t.cashAmount, 0));
        expect(m.handedInMobile).toBe(handed.reduce((s, t) => s + t.mobileAmount, 0));
      }
      expect(result.total.orders).toBe([...byMonth.values()].reduce((s, f) => s + f.orders, 0));
      expect(result.total.handedInCash).toBeGreaterThan(0);
    });

    it('lets a field worker hand in turnover, numbered, and see their own', async () => {
      const staffId = (users.find((u) => u.username === 'staff1') as Row<Tables['users']>).id;
      const today = dayAt(Date.now(), 480);
      const periodStart = dayAt(Date.now() - 6 * DAY, 480);
      const periodEnd = dayAt(Date.now() - DAY, 480);
      const handed = await staff1.turnovers.handIn({
        cashAmount: 12_350,
        mobileAmount: 40_000,
        periodStart,
        periodEnd,
      });
      expect(handed.documentNo).toBe(`YY${today.replace(/-/g, '')}0001`);
      expect(handed).toMatchObject({ staffId, status: 'submitted', cashAmount: 12_350, mobileAmount: 40_000 });
      const stored = await api.db.forTenant(tenantId).turnovers.get(handed.id);
      expect(stored?.periodStart).toBe(periodStart);
      const audit = await api.db.forTenant(tenantId).auditLog.findOne((a) => eq(a.entityId, handed.id));
      expect(audit?.action).toBe('turnovers.handIn');
      expect(audit?.userId).toBe(staffId);

      const second = await staff1.turnovers.handIn({
        cashAmount: 500,
        mobileAmount: 0,
        periodStart: today,
        periodEnd: today,
      });
      expect(second.documentNo).toBe(`YY${today.replace(/-/g, '')}0002`);

      const overlap = await failure(
        staff1.turnovers.handIn({ cashAmount: 1, mobileAmount: 0, periodStart: periodEnd, periodEnd: periodEnd }),
      );
      expect(overlap.code).toBe('BAD_REQUEST');
      expect(overlap.message).toBe(
        `periodStart: overlaps turnover ${handed.documentNo} (${periodStart} to ${periodEnd})`,
      );
      const future = dayAt(Date.now() + 2 * DAY, 480);
      const ahead = await failure(
        staff1.turnovers.handIn({ cashAmount: 1, mobileAmount: 0, periodStart: future, periodEnd: future }),
      );
      expect(ahead.message).toBe('periodEnd: is in the future');
      const nothing = await failure(
        staff1.turnovers.handIn({ cashAmount: 0, mobileAmount: 0, periodStart: today, periodEnd: today }),
      );
      expect(nothing.message).toBe('cashAmount: nothing is handed in (cash and mobile are both 0)');

      const own = (await api.db.forTenant(tenantId).turnovers.find()).filter((t) => t.staffId === staffId);
      const mine = await staff1.turnovers.mine({});
      expect(mine.items.map((t) => t.id).sort()).toEqual(own.map((t) => t.id).sort());
      expect(mine.totals.cash).toBe(own.reduce((s, t) => s + t.cashAmount, 0));
      const staff2 = await api.signIn(DEMO_CODE, 'staff2');
      expect((await staff2.turnovers.mine({})).items.every((t) => t.staffId !== staffId)).toBe(true);
      expect(
        (
          await failure(
            finance.turnovers.handIn({ cashAmount: 1, mobileAmount: 0, periodStart: today, periodEnd: today }),
          )
        ).code,
      ).toBe('FORBIDDEN');
    });

    it('lets finance list, confirm and reject turnover', async () => {
      const scope = api.db.forTenant(tenantId);
      const all = await scope.turnovers.find();
      const listed = await finance.finance.turnovers({});
      expect(listed.items).toHaveLength(all.length);
      expect(listed.totals.total).toBe(all.reduce((s, t) => s + t.cashAmount + t.mobileAmount, 0));
      const staff2 = users.find((u) => u.username === 'staff2') as Row<Tables['users']>;
      const ofStaff2 = await finance.finance.turnovers({ staffId: staff2.id, status: 'confirmed' });
      expect(ofStaff2.items.map((t) => t.id).sort()).toEqual(
        all
          .filter((t) => t.staffId === staff2.id && t.status === 'confirmed')
          .map((t) => t.id)
          .sort(),
      );
      expect(ofStaff2.items.every((t) => t.staffName === '刘洋')).toBe(true);

      const submitted = all.filter((t) => t.status === 'submitted');
      expect(submitted.length).toBeGreaterThanOrEqual(2);
      const [first, second] = submitted as [Row<Tables['turnovers']>, Row<Tables['turnovers']>];
      const confirmed = await finance.finance.confirmTurnover({ id: first.id });
      const financeId = (users.find((u) => u.username === 'finance') as Row<Tables['users']>).id;
      expect(confirmed).toMatchObject({ status: 'confirmed', confirmedBy: financeId });
      expect((await scope.turnovers.get(first.id))?.status).toBe('confirmed');
      const audit = await scope.auditLog.findOne((a) => eq(a.action, 'finance.confirmTurnover'));
      expect(audit?.entityId).toBe(first.id);
      expect((audit?.before as { status: string }).status).toBe('submitted');
      expect((audit?.after as { status: string }).status).toBe('confirmed');
      const again = await failure(finance.finance.confirmTurnover({ id: first.id }));
      expect(again.code).toBe('BAD_REQUEST');
      expect(again.message).toBe(`id: turnover ${first.documentNo} is already confirmed`);

      const rejected = await finance.finance.rejectTurnover({ id: second.id, note: '现金少 5 元' });
      expect(rejected).toMatchObject({ status: 'rejected', note: '现金少 5 元', confirmedBy: null });

      await api.createOperator({ code: '200201', name: 'Other_Finance' });
      const other = await api.signIn('200201', 'finance_admin');
      const foreign = await failure(other.finance.rejectTurnover({ id: second.id }));
      expect(foreign.code).toBe('NOT_FOUND');
      expect(foreign.message).toBe('Turnover not found');
      expect((await other.finance.turnovers({})).items).toEqual([]);
      expect((await failure(other.finance.turnovers({ staffId: staff2.id }))).code).toBe('NOT_FOUND');
    });

    it('gives statistics to those with turnover statistics, monthly totals only to finance', async () => {
      const leader = await api.signIn(DEMO_CODE, 'leader');
      const today = dayAt(Date.now(), 480);
      expect((await leader.finance.statistics({ from: today, to: today, by: 'machine' })).by).toBe('machine');
      expect((await failure(leader.finance.monthlyTotals({ year: 2026 }))).code).toBe('FORBIDDEN');
      expect((await failure(leader.finance.turnovers({}))).code).toBe('FORBIDDEN');
      expect((await failure(staff1.finance.statistics({ from: today, to: today, by: 'day' }))).code).toBe('FORBIDDEN');
    });
  });
}
