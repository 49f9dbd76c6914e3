/** Goods settlement (货物结算): what passed through each field worker's hands (stock/settlement.ts). */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { calendarOf } from '../shared/business-day.js';
import { id } from '../shared/input.js';
import { ConfirmInput, confirmSettlement, listSettlements, ReportInput, settlementReport } from './settlement.js';
import { P } from '../access/catalog.js';

export const goodsSettlementRouter = router({
  /**
   * The goods settlement of every field worker with machines or movements (or of one, by
   * `staffId`) over a period of business days:
   * goods issued, moved, restocked, sold and held, and cash due against cash handed in.
   */
  report: operatorProcedure(P.goodsSettlement)
    .input(ReportInput)
    .query(({ ctx, input }) => settlementReport(ctx.scope, ctx.platform, input, calendarOf(ctx.principal.timeZone))),

  /**
   * Closes a field worker's goods settlement for a period that has ended: records the
   * figures as a final settlement and marks the shipments it counted as settled. Refused
   * if another final goods settlement of theirs overlaps the period (CONFLICT).
   */
  confirm: operatorProcedure(P.goodsSettlement)
    .input(ConfirmInput)
    .mutation(({ ctx, input }) =>
      confirmSettlement(ctx.write, ctx.principal, input, ctx.now(), calendarOf(ctx.principal.timeZone)),
    ),

  /** Goods settlements recorded, newest period first, of every worker or one. */
  list: operatorProcedure(P.goodsSettlement)
    .input(z.object({ staffId: id('users').optional() }).default({}))
    .query(({ ctx, input }) => listSettlements(ctx.scope, input.staffId)),
});
