/**
 * Finance: the turnover field staff hand in (listed, confirmed or rejected by the finance
 * admin, finance/turnovers.ts), sales statistics by day, machine, staff and product over a
 * period, and the totals of each month of a year (finance/statistics.ts).
 */
import { operatorProcedure, router } from '../trpc/init.js';
import { calendarOf } from '../shared/business-day.js';
import { monthlyTotals, MonthlyTotalsInput, salesStatistics, StatisticsInput } from './statistics.js';
import { DecisionInput, decideTurnover, listTurnovers, TurnoversInput } from './turnovers.js';
import { P } from '../access/catalog.js';

export const financeRouter = router({
  /**
   * Turnover handed in by field staff, latest period first, by staff member, status and
   * period (turnovers whose period starts within `from`..`to`), with the sums of cash and
   * mobile amounts of the rows returned.
   */
  turnovers: operatorProcedure(P.finance)
    .input(TurnoversInput)
    .query(({ ctx, input }) => listTurnovers(ctx.scope, input)),

  /** Confirms a submitted turnover: the money was received. */
  confirmTurnover: operatorProcedure(P.finance)
    .input(DecisionInput)
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => decideTurnover(w, ctx.principal, input, 'confirmed', now));
    }),

  /** Rejects a submitted turnover (the amounts do not match); the worker may hand in that period again. */
  rejectTurnover: operatorProcedure(P.finance)
    .input(DecisionInput)
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => decideTurnover(w, ctx.principal, input, 'rejected', now));
    }),

  /**
   * Sales over a period of business days (`from` and `to` included, at most 366 days), by
   * day, machine, staff (the field worker the machine is assigned to now) or product:
   * paid orders, units sold, gross amount, refunds, revenue (gross less refunds), split
   * into cash and mobile, all in fen. Days with no sales are listed with zeros.
   */
  statistics: operatorProcedure(P.turnoverStatistics)
    .input(StatisticsInput)
    .query(({ ctx, input }) => salesStatistics(ctx.scope, input, calendarOf(ctx.principal.timeZone))),

  /**
   * The twelve months of a year (the tenant's months): paid orders, gross, refunds,
   * revenue (cash and mobile), and the turnover handed in for periods ending that month
   * (not rejected), all in fen.
   */
  monthlyTotals: operatorProcedure(P.finance)
    .input(MonthlyTotalsInput)
    .query(({ ctx, input }) => monthlyTotals(ctx.scope, input, calendarOf(ctx.principal.timeZone))),
});
