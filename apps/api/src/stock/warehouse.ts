/** The operator's warehouse: stock per product, goods received, stocktake adjustments, and what field staff hold. */
import { and, eq, gt, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import type { Writer } from '../shared/writer.js';
import { notFound } from '../shared/errors.js';
import { id, OptionalText, Text } from '../shared/input.js';
import {
  giveToWarehouse,
  Items,
  loadProducts,
  productsById,
  productSummary,
  staffSummary,
  usersById,
  type Actor,
} from './common.js';

export const WarehouseListInput = z
  .object({ includeDiscontinued: z.boolean().default(false) })
  .default({ includeDiscontinued: false });

/** Stock in the warehouse, one line per product (products never received show 0). */
export async function warehouseStock(scope: TenantScope, input: z.infer<typeof WarehouseListInput>) {
  const [products, stock] = await Promise.all([
    scope.products.find({
      where: (p) => (input.includeDiscontinued ? undefined : eq(p.status, 'active')),
      orderBy: (p) => [p.code],
    }),
    scope.warehouseStock.find(),
  ]);
  const held = new Map(stock.map((s) => [s.productId, s]));
  const lines = products.map((p) => ({
    product: productSummary(p),
    cost: p.cost,
    quantity: held.get(p.id)?.quantity ?? 0,
    updatedAt: held.get(p.id)?.updatedAt.toISOString() ?? null,
  }));
  return {
    lines,
    totals: {
      quantity: lines.reduce((a, l) => a + l.quantity, 0),
      /** The stock valued at purchase cost, in fen. */
      value: lines.reduce((a, l) => a + l.quantity * l.cost, 0),
    },
  };
}

export const ReceiveInput = z.object({ items: Items, note: OptionalText(255) });

/** Goods received into the warehouse (a purchase arriving): each line's quantity is added. */
export async function receiveGoods(w: Writer, by: Actor, input: z.infer<typeof ReceiveInput>, now: Date) {
  const products = await loadProducts(
    w.scope,
    input.items.map((i) => i.productId),
  );
  const lines = [];
  for (const item of input.items) {
    const moved = await giveToWarehouse(w.scope, item.productId, item.quantity, now, by.userId);
    const row = await w.scope.warehouseStock.findOne((t) => eq(t.productId, item.productId));
    await w.audit({
      entity: 'warehouseStock',
      entityId: row?.id ?? null,
      before: { productId: item.productId, quantity: moved.before },
      after: { productId: item.productId, quantity: moved.after, received: item.quantity, note: input.note },
    });
    const product = products.get(item.productId);
    lines.push({ product: product ? productSummary(product) : null, received: item.quantity, ...moved });
  }
  return { lines };
}

export const AdjustInput = z.object({
  productId: id('products'),
  quantity: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(1_000_000, 'is too large'),
  reason: Text(200),
});

/**
 * Sets a product's warehouse stock to the counted quantity (stocktake, damage, loss),
 * with the reason recorded in the audit log.
 */
export async function adjustWarehouse(w: Writer, by: Actor, input: z.infer<typeof AdjustInput>) {
  const product = await w.scope.products.get(input.productId);
  if (!product) throw notFound('Product');
  const existing = await w.scope.warehouseStock.findOne((t) => eq(t.productId, product.id));
  let rowId: string;
  if (existing) {
    await w.scope.warehouseStock.update(existing.id, { quantity: input.quantity, updatedBy: by.userId });
    rowId = existing.id;
  } else {
    const row = await w.scope.warehouseStock.insert({
      productId: product.id,
      quantity: input.quantity,
      createdBy: by.userId,
    });
    rowId = row.id;
  }
  const before = existing?.quantity ?? 0;
  await w.audit({
    entity: 'warehouseStock',
    entityId: rowId,
    before: { productId: product.id, quantity: before },
    after: { productId: product.id, quantity: input.quantity, reason: input.reason },
  });
  return {
    product: productSummary(product),
    before,
    after: input.quantity,
    change: input.quantity - before,
    reason: input.reason,
  };
}

/** What each field worker holds (or one worker, by `staffId`), per product. */
export async function staffHoldings(scope: TenantScope, staffId: string | undefined) {
  if (staffId && !(await scope.users.get(staffId))) throw notFound('User');
  const rows = await scope.staffInventory.find({
    where: (t) => and(gt(t.quantity, 0), staffId ? eq(t.staffId, staffId) : undefined),
  });
  const [users, products] = await Promise.all([
    usersById(
      scope,
      rows.map((r) => r.staffId),
    ),
    productsById(
      scope,
      rows.map((r) => r.productId),
    ),
  ]);
  const byStaff = new Map<string, typeof rows>();
  for (const row of rows) byStaff.set(row.staffId, [...(byStaff.get(row.staffId) ?? []), row]);
  return [...byStaff]
    .map(([staffId, held]) => {
      const user = users.get(staffId);
      const lines = held
        .map((r) => {
          const p = products.get(r.productId);
          return { product: p ? productSummary(p) : null, quantity: r.quantity };
        })
        .sort((a, b) => (a.product?.code ?? '').localeCompare(b.product?.code ?? ''));
      return {
        staff: user ? staffSummary(user) : null,
        lines,
        total: lines.reduce((a, l) => a + l.quantity, 0),
      };
    })
    .sort((a, b) => (a.staff?.username ?? '').localeCompare(b.staff?.username ?? ''));
}
