import { and, eq, gte, inArray, lt } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, type TestApi } from '../testing.js';
import { demo, refusedWith } from './testkit.test-helpers.js';

const DAY = 86_400_000;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] goods settlement`, () => {
    let api: TestApi;
    let d: Awaited<ReturnType<typeof demo>>;
    let clock = Date.now();
    /** The demo's "today" (00:00 UTC), read from its shipment shipped 14 days before. */
    let today: number;
    let staff1Id: string;
    let staff2Id: string;

    /** What the demo data says a worker's machines took, in [from, to] (days). */
    async function sales(staffId: string, from: string, to: string) {
      const machines = await d.scope.machines.find({ where: (m) => eq(m.staffId, staffId) });
      const orders = await d.scope.orders.find({
        where: (o) =>
          and(
            inArray(
              o.machineId,
              machines.map((m) => m.id),
            ),
            eq(o.status, 'completed'),
            gte(o.createdAt, new Date(`${from}T00:00:00Z`)),
            lt(o.createdAt, new Date(Date.parse(`${to}T00:00:00Z`) + DAY)),
          ),
      });
      return {
        sold: orders.reduce((a, o) => a + o.quantity, 0),
        amount: orders.reduce((a, o) => a + o.amount, 0),
        cash: orders.filter((o) => o.paymentMethod === 'cash').reduce((a, o) => a + o.amount, 0),
      };
    }

    beforeAll(async () => {
      api = await createTestApi(dialect, { now: () => new Date(clock) });
      d = await demo(api);
      // The demo's turnover periods and the days below are UTC days: the tenant cuts its days there.
      await api.db.platform.tenants.update(d.tenantId, { timeZone: 'UTC' });
      staff1Id = (await d.user('staff1')).id;
      staff2Id = (await d.user('staff2')).id;
      const shipped = await d.scope.shipments.findOne((s) => eq(s.status, 'shipped'));
      today = (shipped?.shippedAt?.getTime() ?? 0) + 14 * DAY;
    });
    afterAll(async () => {
      await api?.close();
    });

    it('accounts for every unit a worker was issued, moved, restocked and holds', async () => {
      const finance = await api.signIn(DEMO_CODE, 'finance');
      const report = await finance.goodsSettlement.report({ from: dateOf(today - 14 * DAY), to: dateOf(clock) });
      expect(report.staff.map((s) => s.staff?.username)).toEqual(['staff1', 'staff2']);
      const [one, two] = report.staff;
      const sum = async (table: 'restocks' | 'staffInventory', staffId: string) =>
        (await d.scope[table].find({ where: (r) => eq(r.staffId, staffId) })).reduce((a, r) => a + r.quantity, 0);

      expect(one?.goods).toMatchObject({
        heldAtStart: 0,
        issued: 24 * 8,
        transferredIn: 0,
        transferredOut: 12,
        returned: 0,
        restocked: await sum('restocks', staff1Id),
        held: await sum('staffInventory', staff1Id),
      });
      expect(two?.goods).toMatchObject({
        heldAtStart: 0,
        issued: 0,
        transferredIn: 12,
        transferredOut: 0,
        restocked: await sum('restocks', staff2Id),
        held: await sum('staffInventory', staff2Id),
      });
      for (const s of report.staff) {
        const g = s.goods;
        expect(g.heldAtStart + g.issued + g.transferredIn - g.transferredOut - g.returned - g.restocked).toBe(
          g.heldAtEnd,
        );
        expect(g.heldAtEnd).toBe(g.held);
        for (const line of s.lines) {
          expect(
            line.heldAtStart + line.issued + line.transferredIn - line.transferredOut - line.returned - line.restocked,
          ).toBe(line.heldAtEnd);
          expect(line.heldAtStart, line.product?.code).toBe(0);
        }
      }
      // The demo's closed settlement of staff1 says the same of the goods.
      const closed = await d.scope.settlements.findOne((s) => and(eq(s.kind, 'goods'), eq(s.staffId, staff1Id)));
      expect(closed?.figures).toEqual({
        issued: one?.goods.issued,
        restocked: one?.goods.restocked,
        transferredOut: one?.goods.transferredOut,
        held: one?.goods.held,
      });
      expect(report.totals.goods.issued).toBe(24 * 8);

      // Before anything was issued, nothing moved and what is held now was held then.
      const earlier = await finance.goodsSettlement.report({
        staffId: staff1Id,
        from: dateOf(today - 40 * DAY),
        to: dateOf(today - 30 * DAY),
      });
      expect(earlier.staff[0]?.goods).toMatchObject({ issued: 0, restocked: 0, sold: 0, heldAtStart: 0, heldAtEnd: 0 });
    });

    it('sets the cash due from sales against the turnover handed in, week by week', async () => {
      const finance = await api.signIn(DEMO_CODE, 'finance');
      const turnovers = await d.scope.turnovers.find();
      expect(turnovers.length).toBeGreaterThan(0);
      for (const t of turnovers) {
        const report = await finance.goodsSettlement.report({
          staffId: t.staffId,
          from: t.periodStart,
          to: t.periodEnd,
        });
        const expected = await sales(t.staffId, t.periodStart, t.periodEnd);
        const [s] = report.staff;
        expect(s?.cash, t.documentNo).toEqual({
          salesAmount: expected.amount,
          cashDue: expected.cash,
          cashHandedIn: t.cashAmount,
          mobileHandedIn: t.mobileAmount,
          cashDifference: 0,
        });
        expect(s?.cash.salesAmount).toBe(t.cashAmount + t.mobileAmount);
        expect(s?.goods.sold).toBe(expected.sold);
      }
      // This week's takings are not handed in yet: the whole cash due is outstanding.
      const from = dateOf(today - 6 * DAY);
      const to = dateOf(today - DAY);
      const week = await finance.goodsSettlement.report({ staffId: staff1Id, from, to });
      const expected = await sales(staff1Id, from, to);
      expect(expected.cash).toBeGreaterThan(0);
      expect(week.staff[0]?.cash).toMatchObject({
        cashDue: expected.cash,
        cashHandedIn: 0,
        cashDifference: -expected.cash,
      });
    });

    it('closes a period for a worker once it has ended, marking the shipments it counted', async () => {
      const stock = await api.signIn(DEMO_CODE, 'stock');
      const open = await d.scope.shipments.findOne((s) => and(eq(s.staffId, staff2Id), eq(s.status, 'requested')));
      if (!open) throw new Error('the demo has an open request of staff2');
      await stock.shipments.approve({ shipmentId: open.id });
      await stock.shipments.ship({ shipmentId: open.id });
      const period = { staffId: staff2Id, from: dateOf(today - 6 * DAY), to: dateOf(clock) };
      await refusedWith(stock.goodsSettlement.confirm(period), 'BAD_REQUEST', 'to: the period has not ended yet');

      clock += 2 * DAY;
      const finance = await api.signIn(DEMO_CODE, 'finance');
      const report = await finance.goodsSettlement.report(period);
      const confirmed = await finance.goodsSettlement.confirm({ ...period, note: '月结' });
      expect(confirmed.shipmentsSettled).toBe(1);
      expect(confirmed.report.goods.issued).toBe(6 * 12);
      expect(confirmed.report).toEqual(report.staff[0]);
      expect(confirmed.settlement).toMatchObject({
        kind: 'goods',
        staffId: staff2Id,
        periodStart: period.from,
        periodEnd: period.to,
        status: 'final',
        figures: { ...report.staff[0]?.goods, ...report.staff[0]?.cash },
      });
      expect((await d.scope.shipments.get(open.id))?.settled).toBe(true);
      const [audit] = await d.scope.auditLog.find({
        where: (a) => and(eq(a.action, 'goodsSettlement.confirm'), eq(a.entityId, confirmed.settlement.id)),
      });
      expect(audit?.after).toMatchObject({ kind: 'goods', note: '月结', shipmentsSettled: 1 });

      await refusedWith(
        finance.goodsSettlement.confirm({ ...period, from: period.to }),
        'CONFLICT',
        /^A goods settlement of 刘洋 for .* overlaps this period$/,
      );
      // The demo closed staff1's settlement of the days 14 to 8 before its today.
      await refusedWith(
        finance.goodsSettlement.confirm({
          staffId: staff1Id,
          from: dateOf(today - 20 * DAY),
          to: dateOf(today - 14 * DAY),
        }),
        'CONFLICT',
        /^A goods settlement of 张伟 for .* overlaps this period$/,
      );
      const listed = await finance.goodsSettlement.list();
      expect(listed.map((s) => [s.staff?.username, s.periodStart])).toEqual([
        ['staff2', period.from],
        ['staff1', dateOf(today - 14 * DAY)],
      ]);
      expect(await finance.goodsSettlement.list({ staffId: staff2Id })).toHaveLength(1);

      await refusedWith(
        finance.goodsSettlement.report({ from: '2026-11-02', to: '2026-11-01' }),
        'BAD_REQUEST',
        'to: must not be before from',
      );
      await refusedWith(
        finance.goodsSettlement.report({ from: '2026-02-30', to: '2026-03-01' }),
        'BAD_REQUEST',
        'from: must be a date written YYYY-MM-DD',
      );
      const staff1 = await api.signIn(DEMO_CODE, 'staff1');
      await refusedWith(staff1.goodsSettlement.list(), 'FORBIDDEN', /^This needs permission 00111/);
    });
  });
}
