/**
 * Orders: the sales of the operator's machines, found by time, machine, product, status
 * and payment method, newest first, page by page; one order with its payments and
 * refunds; and the same list as a CSV file.
 */
import { and, asc, eq, inArray, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { plain } from '../shared/plain.js';
import { notFound } from '../shared/errors.js';
import { decodeCursor, keysetPage, pageOf, type Position } from '../shared/paging.js';
import { csvRecord, userText, yuan } from './csv.js';
import {
  checkFilterIds,
  findOrderPage,
  labelsOf,
  orderFilterShape,
  type OrderFilter,
  type OrderLabels,
  type OrderRow,
} from './orders.js';

/** Orders read per query while an export streams; one batch is written before the next is read. */
const EXPORT_BATCH = 1_000;

function withLabels(order: OrderRow, labels: OrderLabels) {
  const machine = labels.machines.get(order.machineId);
  const product = labels.products.get(order.productId);
  return {
    ...plain(order),
    machineName: machine?.name ?? null,
    boardId: machine?.boardId ?? null,
    productCode: product?.code ?? null,
    productName: product?.name ?? null,
  };
}

/** Succeeded refunds, in fen, by order id. */
async function refundedBy(scope: TenantScope, orderIds: string[]): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  if (orderIds.length === 0) return sums;
  const refunds = await scope.refunds.find({
    where: (r) => and(inArray(r.orderId, orderIds), eq(r.status, 'succeeded')),
  });
  for (const r of refunds) sums.set(r.orderId, (sums.get(r.orderId) ?? 0) + r.amount);
  return sums;
}

export const EXPORT_COLUMNS = [
  'orderNo',
  'createdAt',
  'machine',
  'boardId',
  'channel',
  'productCode',
  'product',
  'quantity',
  'price',
  'amount',
  'refunded',
  'paymentMethod',
  'status',
  'paidAt',
  'completedAt',
  'refundedAt',
  'offline',
] as const;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const OrderListInput = z.object({ ...orderFilterShape, ...keysetPage() });

/** One page of orders matching a filter, newest first, with the next page's cursor (null on the last). */
export async function listOrders(scope: TenantScope, input: z.infer<typeof OrderListInput>, now: Date) {
  const position = input.cursor ? decodeCursor(input.cursor) : undefined;
  // The filter's ids are checked while the page is read: another tenant's id finds no rows either way.
  const [, rows] = await Promise.all([
    checkFilterIds(scope, input),
    findOrderPage(scope, input, input.limit, position, now),
  ]);
  const page = pageOf(rows, input.limit);
  const labels = await labelsOf(scope, page.rows);
  return { items: page.rows.map((o) => withLabels(o, labels)), nextCursor: page.nextCursor };
}

/** One order with its machine and product names, its payment attempts and its refunds. */
export async function orderDetail(scope: TenantScope, orderId: string) {
  const order = await scope.orders.get(orderId);
  if (!order) throw notFound('Order');
  const [labels, payments, refunds] = await Promise.all([
    labelsOf(scope, [order]),
    scope.payments.find({ where: (p) => eq(p.orderId, order.id), orderBy: (p) => [asc(p.createdAt)] }),
    scope.refunds.find({ where: (r) => eq(r.orderId, order.id), orderBy: (r) => [asc(r.createdAt)] }),
  ]);
  return { ...withLabels(order, labels), payments: plain(payments), refunds: plain(refunds) };
}

export const OrderExportInput = z.object({ ...orderFilterShape, amountUnit: z.enum(['yuan', 'fen']).default('yuan') });

/** The name of an export's file made at `now`: `orders-20261207T231500.csv`. */
export function exportFilename(now: Date): string {
  return `orders-${now.toISOString().replace(/[-:]/g, '').slice(0, 15)}.csv`;
}

/**
 * The orders of a filter as CSV (RFC 4180: header row, comma-separated, CRLF, quoted where
 * needed), newest first, every order that matches: the header, then one chunk of records
 * per batch of EXPORT_BATCH orders, each read when the previous one has been taken, so an
 * export holds one batch in memory however many orders it writes. Amounts (`price`,
 * `amount`, `refunded`) are in yuan with two decimals, or in fen with `amountUnit: 'fen'`;
 * times are ISO 8601 UTC. The filter's ids are checked first (another tenant's machine is
 * refused before anything is written).
 */
export async function exportOrders(
  scope: TenantScope,
  input: z.infer<typeof OrderExportInput>,
  now: Date,
): Promise<AsyncGenerator<string, void>> {
  await checkFilterIds(scope, input);
  return orderRecords(scope, input, now);
}

async function* orderRecords(
  scope: TenantScope,
  input: z.infer<typeof OrderExportInput>,
  now: Date,
): AsyncGenerator<string, void> {
  const filter: OrderFilter = input;
  const money = (fen: number) => (input.amountUnit === 'yuan' ? yuan(fen) : fen);
  yield csvRecord(EXPORT_COLUMNS);
  let position: Position | undefined;
  for (;;) {
    const batch = await findOrderPage(scope, filter, EXPORT_BATCH, position, now);
    const page = batch.slice(0, EXPORT_BATCH);
    if (page.length === 0) return;
    const [labels, refunded] = await Promise.all([
      labelsOf(scope, page),
      refundedBy(
        scope,
        page.map((o) => o.id),
      ),
    ]);
    let chunk = '';
    for (const o of page) {
      const machine = labels.machines.get(o.machineId);
      const product = labels.products.get(o.productId);
      chunk += csvRecord([
        o.orderNo,
        iso(o.createdAt),
        userText(machine?.name),
        machine?.boardId,
        o.channelNumber,
        userText(product?.code),
        userText(product?.name),
        o.quantity,
        money(o.price),
        money(o.amount),
        money(refunded.get(o.id) ?? 0),
        o.paymentMethod,
        o.status,
        iso(o.paidAt),
        iso(o.completedAt),
        iso(o.refundedAt),
        o.offline ? 'yes' : 'no',
      ]);
    }
    yield chunk;
    const last = page[page.length - 1];
    if (batch.length <= EXPORT_BATCH || !last) return;
    position = { at: last.createdAt, id: last.id };
  }
}
