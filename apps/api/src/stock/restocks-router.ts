/** My inventory (我的库存): a field worker's own stock and restocking (stock/restock.ts). */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { id } from '../shared/input.js';
import { myInventory, restock, RestockHistoryInput, restockHistory, RestockInput, restockPlan } from './restock.js';
import { P } from '../access/catalog.js';

export const restocksRouter = router({
  /** What the caller holds, per product. */
  myInventory: operatorProcedure(P.myInventory).query(({ ctx }) => myInventory(ctx.scope, ctx.principal.userId)),

  /**
   * Adds `quantity` of the channel's product to a channel, from the caller's inventory.
   * Refused, with nothing changed: a machine not assigned to the caller (FORBIDDEN), a
   * machine, channel or product that does not exist (NOT_FOUND), a channel of another
   * machine, a product that is not the channel's, more than the caller holds, or more
   * than the channel's free capacity (BAD_REQUEST naming the field).
   */
  create: operatorProcedure(P.myInventory)
    .input(RestockInput)
    .mutation(({ ctx, input }) => {
      return ctx.write((w) => restock(w, ctx.principal, input, ctx.now()));
    }),

  /** The restock list of a machine assigned to the caller: what each channel needs to be full. */
  plan: operatorProcedure(P.myInventory)
    .input(z.object({ machineId: id('machines') }))
    .query(({ ctx, input }) => restockPlan(ctx.scope, ctx.principal.userId, input.machineId, ctx.now())),

  /** The caller's own restocks, newest first, in [from, to), optionally of one machine. */
  history: operatorProcedure(P.myInventory)
    .input(RestockHistoryInput)
    .query(({ ctx, input }) => restockHistory(ctx.scope, ctx.principal.userId, input)),
});
