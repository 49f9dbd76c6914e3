/** Warehouse shipping (仓库发货): the operator's warehouse (stock/warehouse.ts). */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { id } from '../shared/input.js';
import {
  AdjustInput,
  adjustWarehouse,
  ReceiveInput,
  receiveGoods,
  staffHoldings,
  WarehouseListInput,
  warehouseStock,
} from './warehouse.js';
import { P } from '../access/catalog.js';

export const warehouseRouter = router({
  /** Stock in the warehouse, one line per product (products never received show 0). */
  list: operatorProcedure(P.warehouseShipping)
    .input(WarehouseListInput)
    .query(({ ctx, input }) => warehouseStock(ctx.scope, input)),

  /** Goods received into the warehouse (a purchase arriving): each line's quantity is added. */
  receive: operatorProcedure(P.warehouseShipping)
    .input(ReceiveInput)
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => receiveGoods(w, ctx.principal, input, now));
    }),

  /**
   * Sets a product's warehouse stock to the counted quantity (stocktake, damage, loss),
   * with the reason recorded in the audit log.
   */
  adjust: operatorProcedure(P.warehouseShipping)
    .input(AdjustInput)
    .mutation(({ ctx, input }) => {
      return ctx.write((w) => adjustWarehouse(w, ctx.principal, input));
    }),

  /** What each field worker holds (or one worker, by `staffId`), per product. */
  staffInventory: operatorProcedure(P.warehouseShipping)
    .input(z.object({ staffId: id('users').optional() }).default({}))
    .query(({ ctx, input }) => staffHoldings(ctx.scope, input.staffId)),
});
