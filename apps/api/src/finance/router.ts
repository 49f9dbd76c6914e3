/**
 * Finance: the turnover field staff hand in (listed, confirmed or rejected by the finance
 * admin), sales statistics by day, machine, staff and product over a period, and the
 * totals of each month of a year.
 */
import { TRPCError } from '@trpc/server';
import { and, desc, eq, gte, lte, ne } from '@vmcloud/db';
import { TURNOVER_STATUSES } from '@vmcloud/db/schema';
import { z } from 'zod';
import { operatorProcedure, router, type Writer } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, OptionalText } from '../shared/input.js';
import { salesBy, emptyTotals, type SalesTotals } from '../sales/aggregate.js';
import { checkFilterIds } from '../sales/orders.js';
import { Day, daysOf, instantsOf, localDay, periodInput, UtcOffset } from '../sales/period.js';
import { turnoverTotals } from './turnovers-router.js';
import { P } from '../access/catalog.js';


const byKeys = ['day', 'machine', 'staff', 'product'] as const;

/** Loads a turnover through the caller's scope and moves it on from `submitted`. */
async function decide(
  w: Writer,
  turnoverId: string,
  decision: 'confirmed' | 'rejected',
  by: string,
  now: Date,
  note: string | null,
) {
  const before = await w.scope.turnovers.get(turnoverId);
  if (!before) throw new TRPCError({ code: 'NOT_FOUND', message: 'Turnover not found' });
  if (before.status !== 'submitted') {
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: `id: turnover ${before.documentNo} is already ${before.status}`,
    });
  }
  const patch = {
    status: decision,
    confirmedBy: decision === 'confirmed' ? by : null,
    confirmedAt: decision === 'confirmed' ? now : null,
    note: note ?? before.note,
    updatedAt: now,
    updatedBy: by,
  };
  await w.scope.turnovers.update(before.id, patch);
  const after = { ...before, ...patch };
  await w.audit({ entity: 'turnovers', entityId: before.id, before, after });
  return plain(after);
}

export const financeRouter = router({
  /**
   * Turnover handed in by field staff, latest period first, by staff member, status and
   * period (turnovers whose period starts within `from`..`to`), with the sums of cash and
   * mobile amounts of the rows returned.
   */
  turnovers: operatorProcedure(P.finance)
    .input(
      z.object({
        staffId: id('users').optional(),
        status: z.enum(TURNOVER_STATUSES).optional(),
        from: Day.optional(),
        to: Day.optional(),
        limit: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(500, 'must be at most 500')
          .default(100),
      }),
    )
    .query(async ({ ctx, input }) => {
      if (input.staffId && !(await ctx.scope.users.get(input.staffId))) {
        throw new TRPCError({ code: 'NOT_FOUND', message: 'User not found' });
      }
      const rows = await ctx.scope.turnovers.find({
        where: (t) =>
          and(
            input.staffId ? eq(t.staffId, input.staffId) : undefined,
            input.status ? eq(t.status, input.status) : undefined,
            input.from ? gte(t.periodStart, input.from) : undefined,
            input.to ? lte(t.periodStart, input.to) : undefined,
          ),
        orderBy: (t) => [desc(t.periodStart), desc(t.documentNo)],
        limit: input.limit,
      });
      const users = new Map((await ctx.scope.users.find()).map((u) => [u.id, u]));
      return {
        items: rows.map((r) => ({
          ...plain(r),
          staffName: users.get(r.staffId)?.displayName ?? null,
          staffUsername: users.get(r.staffId)?.username ?? null,
        })),
        totals: turnoverTotals(rows),
      };
    }),

  /** Confirms a submitted turnover: the money was received. */
  confirmTurnover: operatorProcedure(P.finance)
    .input(z.object({ id: id('turnovers'), note: OptionalText(255) }))
    .mutation(({ ctx, input }) =>
      ctx.write((w) => decide(w, input.id, 'confirmed', ctx.principal.userId, ctx.now(), input.note)),
    ),

  /** Rejects a submitted turnover (the amounts do not match); the worker may hand in that period again. */
  rejectTurnover: operatorProcedure(P.finance)
    .input(z.object({ id: id('turnovers'), note: OptionalText(255) }))
    .mutation(({ ctx, input }) =>
      ctx.write((w) => decide(w, input.id, 'rejected', ctx.principal.userId, ctx.now(), input.note)),
    ),

  /**
   * Sales over a period of local days (`from` and `to` included, at most 366 days), by
   * day, machine, staff (the field worker the machine is assigned to now) or product:
   * paid orders, units sold, gross amount, refunds, revenue (gross less refunds), split
   * into cash and mobile, all in fen. Days with no sales are listed with zeros.
   */
  statistics: operatorProcedure(P.turnoverStatistics)
    .input(
      periodInput({
        by: z.enum(byKeys),
        machineId: id('machines').optional(),
        productId: id('products').optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      await checkFilterIds(ctx.scope, input);
      const { start, end } = instantsOf(input);
      const [machines, users, products] = await Promise.all([
        ctx.scope.machines.find(),
        input.by === 'staff' ? ctx.scope.users.find() : [],
        input.by === 'product' ? ctx.scope.products.find() : [],
      ]);
      const machineById = new Map(machines.map((m) => [m.id, m]));
      const keyOf = {
        day: (o: { createdAt: Date }) => localDay(o.createdAt, input.utcOffsetMinutes),
        machine: (o: { machineId: string }) => o.machineId,
        staff: (o: { machineId: string }) => machineById.get(o.machineId)?.staffId ?? '',
        product: (o: { productId: string }) => o.productId,
      }[input.by];
      const { groups, total } = await salesBy(
        ctx.scope,
        { start, end, machineId: input.machineId, productId: input.productId },
        keyOf,
      );
      const labelOf = (key: string): string | null => {
        if (input.by === 'day') return key;
        if (input.by === 'machine') {
          const m = machineById.get(key);
          return m ? (m.name ?? m.boardId) : null;
        }
        if (input.by === 'staff') return users.find((u) => u.id === key)?.displayName ?? null;
        return products.find((p) => p.id === key)?.name ?? null;
      };
      const keys =
        input.by === 'day'
          ? daysOf(input.from, input.to)
          : [...groups.keys()].sort((a, b) => (groups.get(b)?.revenue ?? 0) - (groups.get(a)?.revenue ?? 0));
      const pick = ({ orders, quantity, gross, refunded, revenue, cash, mobile }: SalesTotals) => ({
        orders,
        quantity,
        gross,
        refunded,
        revenue,
        cash,
        mobile,
      });
      return {
        by: input.by,
        from: input.from,
        to: input.to,
        utcOffsetMinutes: input.utcOffsetMinutes,
        rows: keys.map((key) => ({
          key: key === '' ? null : key,
          label: labelOf(key),
          ...pick(groups.get(key) ?? emptyTotals()),
        })),
        total: pick(total),
      };
    }),

  /**
   * The twelve months of a year (local time): paid orders, gross, refunds, revenue (cash
   * and mobile), and the turnover handed in for periods ending that month (not rejected),
   * all in fen.
   */
  monthlyTotals: operatorProcedure(P.finance)
    .input(
      z.object({
        year: z
          .number({ error: 'must be a year' })
          .int('must be a whole year')
          .min(2000, 'must be 2000 or later')
          .max(2100, 'must be 2100 or earlier'),
        utcOffsetMinutes: UtcOffset,
      }),
    )
    .query(async ({ ctx, input }) => {
      const from = `${input.year}-01-01`;
      const to = `${input.year}-12-31`;
      const { start, end } = instantsOf({ from, to, utcOffsetMinutes: input.utcOffsetMinutes });
      const { groups, total } = await salesBy(ctx.scope, { start, end }, (o) =>
        localDay(o.createdAt, input.utcOffsetMinutes).slice(0, 7),
      );
      const turnovers = await ctx.scope.turnovers.find({
        where: (t) => and(gte(t.periodEnd, from), lte(t.periodEnd, to), ne(t.status, 'rejected')),
      });
      const months = Array.from({ length: 12 }, (_, i) => `${input.year}-${String(i + 1).padStart(2, '0')}`);
      const handedIn = (month: string) =>
        turnoverTotals(turnovers.filter((t) => String(t.periodEnd).slice(0, 7) === month));
      const row = (month: string, sums: SalesTotals, handed: { cash: number; mobile: number }) => ({
        month,
        orders: sums.orders,
        gross: sums.gross,
        refunded: sums.refunded,
        revenue: sums.revenue,
        cash: sums.cash,
        mobile: sums.mobile,
        handedInCash: handed.cash,
        handedInMobile: handed.mobile,
      });
      return {
        year: input.year,
        utcOffsetMinutes: input.utcOffsetMinutes,
        months: months.map((m) => row(m, groups.get(m) ?? emptyTotals(), handedIn(m))),
        total: row(String(input.year), total, turnoverTotals(turnovers)),
      };
    }),
});
