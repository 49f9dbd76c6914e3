/**
 * Sales figures over a period: how many orders were paid, what they brought in less what
 * was refunded, and what the goods cost, grouped by any key.
 *
 * The tenant-scoped layer has no GROUP BY, so the paid orders of the period are read in
 * keyset batches (oldest first, by the (tenantId, createdAt, id) index) and summed here;
 * memory stays bounded by one batch and the number of groups, and the period by
 * MAX_PERIOD_DAYS. The refunds of each batch are read by order id, for the orders the
 * refund flow has touched (status failed or refunded, or refundedAt set).
 *
 * What counts:
 * - an order counts when it was paid (`paidAt` set), in the period by its `createdAt`;
 * - `gross` is the sum of `amount`; `refunded` the sum of its succeeded refunds (counted on
 *   the order's day, not the refund's); `revenue` = gross - refunded;
 * - `cash` and `mobile` split revenue by payment method (cash; QR code and card);
 * - goods count (`quantity`, `cost`) only when they left the machine (`vendedAt` set): a
 *   failed vend that was refunded cost nothing. The cost is the order's own `cost` (the
 *   cost of the goods sold, recorded at sale time); an order that recorded none (0) is
 *   costed at the product's current unit cost x quantity;
 * - `profit` = revenue - cost.
 */
import { and, asc, eq, inArray, isNotNull, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { createdWindow, type Position } from '../shared/paging.js';
import type { OrderRow } from './orders.js';

export const BATCH_SIZE = 5_000;

export interface SalesTotals {
  /** Paid orders. */
  orders: number;
  /** Units that left the machines. */
  quantity: number;
  /** Sum of the paid orders' amounts, in fen. */
  gross: number;
  /** Refunded to customers, in fen. */
  refunded: number;
  /** gross - refunded, in fen. */
  revenue: number;
  /** Revenue paid in cash, in fen. */
  cash: number;
  /** Revenue paid by QR code or card, in fen. */
  mobile: number;
  /** Cost of the goods that left the machines, in fen. */
  cost: number;
  /** revenue - cost, in fen. */
  profit: number;
}

export const emptyTotals = (): SalesTotals => ({
  orders: 0,
  quantity: 0,
  gross: 0,
  refunded: 0,
  revenue: 0,
  cash: 0,
  mobile: 0,
  cost: 0,
  profit: 0,
});

/** What one paid order adds to its group's totals. */
export interface Sale {
  order: OrderRow;
  refunded: number;
  cost: number;
}

function add(into: SalesTotals, sale: Sale): void {
  const { order, refunded, cost } = sale;
  const revenue = order.amount - refunded;
  into.orders += 1;
  into.gross += order.amount;
  into.refunded += refunded;
  into.revenue += revenue;
  if (order.paymentMethod === 'cash') into.cash += revenue;
  if (order.paymentMethod === 'qr' || order.paymentMethod === 'card') into.mobile += revenue;
  if (order.vendedAt) {
    into.quantity += order.quantity;
    into.cost += cost;
  }
  into.profit = into.revenue - into.cost;
}

/** Orders that a refund may have been paid for: those the refund flow has touched. */
const REFUND_STATUSES = new Set<OrderRow['status']>(['failed', 'refunded']);
const mayHaveRefunds = (o: OrderRow) => REFUND_STATUSES.has(o.status) || o.refundedAt !== null;

export interface SalesQuery {
  start: Date;
  end: Date;
  machineId?: string;
  productId?: string;
}

/** The paid orders created in [start, end), oldest first, in batches, each with its refunds and cost. */
export async function* paidSales(scope: TenantScope, query: SalesQuery): AsyncGenerator<Sale[]> {
  const products = new Map<string, Row<Tables['products']>>(
    (await scope.products.find()).map((p) => [p.id, p] as const),
  );
  let position: Position | undefined;
  for (;;) {
    const batch = await scope.orders.find({
      where: (t) =>
        and(
          createdWindow(t.createdAt, t.id, { from: query.start, to: query.end }, position, false),
          isNotNull(t.paidAt),
          query.machineId ? eq(t.machineId, query.machineId) : undefined,
          query.productId ? eq(t.productId, query.productId) : undefined,
        ),
      orderBy: (t) => [asc(t.createdAt), asc(t.id)],
      limit: BATCH_SIZE,
    });
    if (batch.length === 0) return;
    const ids = batch.filter(mayHaveRefunds).map((o) => o.id);
    const refunds = ids.length
      ? await scope.refunds.find({ where: (r) => and(inArray(r.orderId, ids), eq(r.status, 'succeeded')) })
      : [];
    const refundedBy = new Map<string, number>();
    for (const r of refunds) refundedBy.set(r.orderId, (refundedBy.get(r.orderId) ?? 0) + r.amount);
    yield batch.map((order) => ({
      order,
      refunded: refundedBy.get(order.id) ?? 0,
      cost: order.cost > 0 ? order.cost : (products.get(order.productId)?.cost ?? 0) * order.quantity,
    }));
    if (batch.length < BATCH_SIZE) return;
    const last = batch[batch.length - 1] as OrderRow;
    position = { at: last.createdAt, id: last.id };
  }
}

/** Sales totals over a period, grouped by `keyOf` (one order may count in one group), and overall. */
export async function salesBy(
  scope: TenantScope,
  query: SalesQuery,
  keyOf: (order: OrderRow) => string,
): Promise<{ groups: Map<string, SalesTotals>; total: SalesTotals }> {
  const groups = new Map<string, SalesTotals>();
  const total = emptyTotals();
  for await (const batch of paidSales(scope, query)) {
    for (const sale of batch) {
      const key = keyOf(sale.order);
      let group = groups.get(key);
      if (!group) groups.set(key, (group = emptyTotals()));
      add(group, sale);
      add(total, sale);
    }
  }
  return { groups, total };
}
