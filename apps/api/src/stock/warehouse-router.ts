/** The operator's warehouse: stock per product, goods received, stocktake adjustments, and what field staff hold. */
import { and, eq, gt } from '@vmcloud/db';
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { id, OptionalText, Text } from '../shared/input.js';
import {
  giveToWarehouse,
  Items,
  loadProducts,
  notFound,
  productsById,
  productSummary,
  staffSummary,
  usersById,
} from './common.js';
import { P } from '../access/catalog.js';

/** Warehouse shipping (仓库发货). */

export const warehouseRouter = router({
  /** Stock in the warehouse, one line per product (products never received show 0). */
  list: operatorProcedure(P.warehouseShipping)
    .input(z.object({ includeDiscontinued: z.boolean().default(false) }).default({ includeDiscontinued: false }))
    .query(async ({ ctx, input }) => {
      const [products, stock] = await Promise.all([
        ctx.scope.products.find({
          where: (p) => (input.includeDiscontinued ? undefined : eq(p.status, 'active')),
          orderBy: (p) => [p.code],
        }),
        ctx.scope.warehouseStock.find(),
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
    }),

  /** Goods received into the warehouse (a purchase arriving): each line's quantity is added. */
  receive: operatorProcedure(P.warehouseShipping)
    .input(z.object({ items: Items, note: OptionalText(255) }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const by = ctx.principal.userId;
      return ctx.write(async (w) => {
        const products = await loadProducts(
          w.scope,
          input.items.map((i) => i.productId),
        );
        const lines = [];
        for (const item of input.items) {
          const moved = await giveToWarehouse(w.scope, item.productId, item.quantity, now, by);
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
      });
    }),

  /**
   * Sets a product's warehouse stock to the counted quantity (stocktake, damage, loss),
   * with the reason recorded in the audit log.
   */
  adjust: operatorProcedure(P.warehouseShipping)
    .input(
      z.object({
        productId: id('products'),
        quantity: z
          .number({ error: 'must be a number' })
          .int('must be a whole number')
          .min(0, 'must not be negative')
          .max(1_000_000, 'is too large'),
        reason: Text(200),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const by = ctx.principal.userId;
      return ctx.write(async (w) => {
        const product = await w.scope.products.get(input.productId);
        if (!product) throw notFound('Product');
        const existing = await w.scope.warehouseStock.findOne((t) => eq(t.productId, product.id));
        let rowId: string;
        if (existing) {
          await w.scope.warehouseStock.update(existing.id, { quantity: input.quantity, updatedBy: by });
          rowId = existing.id;
        } else {
          const row = await w.scope.warehouseStock.insert({
            productId: product.id,
            quantity: input.quantity,
            createdAt: now,
            updatedAt: now,
            createdBy: by,
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
      });
    }),

  /** What each field worker holds (or one worker, by `staffId`), per product. */
  staffInventory: operatorProcedure(P.warehouseShipping)
    .input(z.object({ staffId: id('users').optional() }).default({}))
    .query(async ({ ctx, input }) => {
      if (input.staffId && !(await ctx.scope.users.get(input.staffId))) throw notFound('User');
      const rows = await ctx.scope.staffInventory.find({
        where: (t) => and(gt(t.quantity, 0), input.staffId ? eq(t.staffId, input.staffId) : undefined),
      });
      const [users, products] = await Promise.all([
        usersById(
          ctx.scope,
          rows.map((r) => r.staffId),
        ),
        productsById(
          ctx.scope,
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
    }),
});
