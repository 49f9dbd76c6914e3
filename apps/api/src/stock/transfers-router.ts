/** Transfer (调拨管理): stock moved between field staff or back to the warehouse (stock/transfers.ts). */
import { operatorProcedure, router } from '../trpc/init.js';
import { calendarOf } from '../shared/business-day.js';
import { ListInput, listTransfers, ReturnsInput, returnsToWarehouse, transfer, TransferInput } from './transfers.js';
import { P } from '../access/catalog.js';

export const transfersRouter = router({
  /**
   * Moves stock out of a field worker's inventory (the caller's own unless `fromStaffId`
   * names another, which needs the inventory admin's warehouse permission) to another
   * worker (`toStaffId`) or back to the warehouse (`toStaffId` null). Refused, with nothing
   * moved, if any item is more than the giver holds.
   */
  create: operatorProcedure(P.transfer)
    .input(TransferInput)
    .mutation(({ ctx, input }) =>
      transfer(ctx.write, ctx.principal, input, ctx.now(), calendarOf(ctx.principal.timeZone)),
    ),

  /**
   * Transfers, newest first, in [from, to). A field worker sees only those they gave or
   * received; the inventory admin sees all, or one worker's with `staffId`.
   */
  list: operatorProcedure(P.transfer)
    .input(ListInput)
    .query(({ ctx, input }) => listTransfers(ctx.scope, ctx.principal, input)),

  /** Transfers back to the warehouse only (returns), newest first. */
  returns: operatorProcedure(P.warehouseShipping)
    .input(ReturnsInput)
    .query(({ ctx, input }) => returnsToWarehouse(ctx.scope, input)),
});
