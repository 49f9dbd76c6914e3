/**
 * Orders: the sales of the operator's machines, page by page, one order, and the same list
 * as a CSV file (sales/listing.ts).
 */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { id } from '../shared/input.js';
import { exportOrders, listOrders, orderDetail, OrderExportInput, OrderListInput } from './listing.js';
import { P } from '../access/catalog.js';

export const ordersRouter = router({
  /**
   * Orders newest first, filtered by creation time (`from` included, `to` not), machine,
   * product, status and payment method. Pages by keyset: pass the `nextCursor` of a page
   * to get the next one; null means there is none.
   */
  list: operatorProcedure(P.order)
    .input(OrderListInput)
    .query(({ ctx, input }) => listOrders(ctx.scope, input, ctx.now())),

  /** One order with its machine and product names, its payment attempts and its refunds. */
  get: operatorProcedure(P.order)
    .input(z.object({ id: id('orders') }))
    .query(({ ctx, input }) => orderDetail(ctx.scope, input.id)),

  /**
   * The orders of a filter as CSV, streamed: the header, then the records a batch at a
   * time (see `exportOrders`). Downloaded as a file from `GET /export/orders.csv`
   * (http/export.ts), which calls this procedure; over `/trpc` it answers only a
   * streaming request (`httpBatchStreamLink`), as a stream of text chunks.
   */
  exportCsv: operatorProcedure(P.order)
    .input(OrderExportInput)
    .query(({ ctx, input }) => exportOrders(ctx.scope, input, ctx.now())),
});
