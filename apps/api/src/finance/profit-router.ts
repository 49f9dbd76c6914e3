/** Profit query and profit settlement (finance/profit.ts). */
import { operatorProcedure, router } from '../trpc/init.js';
import { calendarOf } from '../shared/business-day.js';
import {
  profitQuery,
  ProfitQueryInput,
  profitSettlements,
  SettleInput,
  SettlementsInput,
  settleProfit,
} from './profit.js';
import { P } from '../access/catalog.js';

export const profitRouter = router({
  /**
   * Revenue, cost and profit (fen) over a period of business days (at most 366), by
   * machine, product, day or month, optionally for one machine or product, with the total.
   */
  query: operatorProcedure(P.profitQuery)
    .input(ProfitQueryInput)
    .query(({ ctx, input }) => profitQuery(ctx.scope, input, calendarOf(ctx.principal.timeZone))),

  /**
   * Closes a period with a profit settlement: the figures of the whole period (paid
   * orders, units, gross, refunds, revenue, cost, profit, in fen) as computed now, kept
   * as they are. Refused for a period that has not ended or overlaps a settled one.
   */
  settle: operatorProcedure(P.profitSettlement)
    .input(SettleInput)
    .mutation(({ ctx, input }) =>
      settleProfit(ctx.write, ctx.principal, input, ctx.now(), calendarOf(ctx.principal.timeZone)),
    ),

  /** The profit settlements recorded, latest period first. */
  settlements: operatorProcedure(P.profitQuery)
    .input(SettlementsInput)
    .query(({ ctx, input }) => profitSettlements(ctx.scope, input)),
});
