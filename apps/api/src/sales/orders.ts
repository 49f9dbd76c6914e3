/** Finding orders: the filters of the orders list and export, and the names shown beside them. */
import { and, desc, eq, type Row, type SQL, type Tables, type TenantScope } from '@vmcloud/db';
import { ORDER_STATUSES, PAYMENT_METHODS } from '@vmcloud/db/schema';
import { z } from 'zod';
import { notFound } from '../shared/errors.js';
import { id, Timestamp } from '../shared/input.js';
import { createdWindow, type Position } from '../shared/paging.js';

export type OrderRow = Row<Tables['orders']>;
type OrdersTable = Tables['orders']['sqlite'];

/** Filters of the orders list and export; `from` is included, `to` is not. */
export const orderFilterShape = {
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  machineId: id('machines').optional(),
  productId: id('products').optional(),
  status: z.enum(ORDER_STATUSES).optional(),
  paymentMethod: z.enum(PAYMENT_METHODS).optional(),
};

export interface OrderFilter {
  from?: Date;
  to?: Date;
  machineId?: string;
  productId?: string;
  status?: OrderRow['status'];
  paymentMethod?: OrderRow['paymentMethod'];
}

/** Loads the machine and product a filter names through the caller's scope; NOT_FOUND if either is not the tenant's. */
export async function checkFilterIds(
  scope: TenantScope,
  filter: { machineId?: string; productId?: string },
): Promise<void> {
  if (filter.machineId && !(await scope.machines.get(filter.machineId))) throw notFound('Machine');
  if (filter.productId && !(await scope.products.get(filter.productId))) throw notFound('Product');
}

/** The WHERE of a filter, optionally after a page position (newest first). */
export function orderWhere(t: OrdersTable, filter: OrderFilter, position?: Position): SQL | undefined {
  return and(
    filter.machineId ? eq(t.machineId, filter.machineId) : undefined,
    filter.productId ? eq(t.productId, filter.productId) : undefined,
    filter.status ? eq(t.status, filter.status) : undefined,
    filter.paymentMethod ? eq(t.paymentMethod, filter.paymentMethod) : undefined,
    createdWindow(t.createdAt, t.id, filter, position, true),
  );
}

/** How far back, in days, a page is first looked for before the whole range is searched. */
export const PAGE_WINDOWS_DAYS = [1, 8, 64, 512] as const;

/**
 * One page of orders matching `filter`, newest first, and one row more to tell whether
 * another page follows.
 *
 * The page is first looked for in a short window of time below where it starts (the
 * cursor, `to`, or `now`), widened until it holds the page, and only then in the whole
 * range. A narrow time range lets MySQL/MariaDB see that the (tenantId, machineId,
 * createdAt, id) index is the selective one; over a wide range it estimates every index
 * alike and may walk (tenantId, createdAt, id) from the newest order down to the cursor,
 * which makes deep pages slow. The rows found are the same either way: a window that
 * holds limit + 1 rows holds the newest ones of the range.
 */
export async function findOrderPage(
  scope: TenantScope,
  filter: OrderFilter,
  limit: number,
  position: Position | undefined,
  now: Date,
): Promise<OrderRow[]> {
  const find = (range: OrderFilter) =>
    scope.orders.find({
      where: (t) => orderWhere(t, range, position),
      orderBy: (t) => [desc(t.createdAt), desc(t.id)],
      limit: limit + 1,
    });
  const top = position && (!filter.to || position.at < filter.to) ? position.at : (filter.to ?? now);
  for (const days of PAGE_WINDOWS_DAYS) {
    const from = new Date(top.getTime() - days * 86_400_000);
    if (filter.from && from.getTime() <= filter.from.getTime()) break;
    const rows = await find({ ...filter, from });
    if (rows.length > limit) return rows;
  }
  return find(filter);
}

export interface OrderLabels {
  machines: Map<string, { name: string | null; boardId: string }>;
  products: Map<string, { code: string; name: string }>;
}

/** The machines and products the orders name, for showing names beside them. */
export async function labelsOf(scope: TenantScope, orders: OrderRow[]): Promise<OrderLabels> {
  const machineIds = [...new Set(orders.map((o) => o.machineId))];
  const productIds = [...new Set(orders.map((o) => o.productId))];
  const [machines, products] = await Promise.all([
    scope.machines.getMany(machineIds),
    scope.products.getMany(productIds),
  ]);
  return {
    machines: new Map(machines.map((m) => [m.id, { name: m.name, boardId: m.boardId }])),
    products: new Map(products.map((p) => [p.id, { code: p.code, name: p.name }])),
  };
}
