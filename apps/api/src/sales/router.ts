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
   * The orders of a filter as CSV text (RFC 4180: header row, comma-separated, CRLF,
   * quoted where needed), newest first, at most MAX_EXPORT_ROWS rows (`truncated` says
   * when more matched). Amounts (`price`, `amount`, `refunded`) are in yuan with two
   * decimals, or in fen with `amountUnit: 'fen'`; times are ISO 8601 UTC.
   */
  exportCsv: operatorProcedure(P.order)
    .input(OrderExportInput)
    .query(({ ctx, input }) => exportOrders(ctx.scope, input, ctx.now())),
});
