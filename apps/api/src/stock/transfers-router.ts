/**
 * Transfers (调拨): stock moved from one field worker's inventory to another's, or back to
 * the warehouse. A field worker moves only what they hold themselves; the inventory admin
 * (who holds warehouse shipping, 00113) may move stock between any staff.
 */
import { TRPCError } from '@trpc/server';
import { and, desc, eq, gte, inArray, isNull, lt, or, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, OptionalText, Timestamp } from '../shared/input.js';
import {
  giveToStaff,
  giveToWarehouse,
  Items,
  loadProducts,
  loadStaff,
  nextDocumentNo,
  notFound,
  productsById,
  productSummary,
  refused,
  staffSummary,
  takeFromStaff,
  transferNoPattern,
  usersById,
} from './common.js';
import { P } from '../access/catalog.js';

/** Transfer (调拨管理). */
/** Warehouse shipping: who holds it may move any worker's stock and see every transfer. */

type Transfer = Row<Tables['transfers']>;

async function describe(scope: TenantScope, transfers: Transfer[]) {
  const ids = transfers.map((t) => t.id);
  const items = ids.length === 0 ? [] : await scope.transferItems.find({ where: (i) => inArray(i.transferId, ids) });
  const [users, products] = await Promise.all([
    usersById(
      scope,
      transfers.flatMap((t) => [t.fromStaffId, t.toStaffId, t.createdBy]),
    ),
    productsById(
      scope,
      items.map((i) => i.productId),
    ),
  ]);
  const person = (userId: string | null) => {
    const u = userId ? users.get(userId) : undefined;
    return u ? staffSummary(u) : null;
  };
  return transfers.map((t) => ({
    ...plain(t),
    from: person(t.fromStaffId),
    /** null: back to the warehouse. */
    to: person(t.toStaffId),
    by: person(t.createdBy),
    items: items
      .filter((i) => i.transferId === t.id)
      .map((i) => {
        const p = products.get(i.productId);
        return { product: p ? productSummary(p) : null, quantity: i.quantity };
      })
      .sort((a, b) => (a.product?.code ?? '').localeCompare(b.product?.code ?? '')),
  }));
}

export const transfersRouter = router({
  /**
   * Moves stock out of a field worker's inventory (the caller's own unless `fromStaffId`
   * names another, which needs the inventory admin's warehouse permission) to another
   * worker (`toStaffId`) or back to the warehouse (`toStaffId` null). Refused, with nothing
   * moved, if any item is more than the giver holds.
   */
  create: operatorProcedure(P.transfer)
    .input(
      z.object({
        fromStaffId: id('users').optional(),
        toStaffId: id('users').nullable(),
        items: Items,
        note: OptionalText(255),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const by = ctx.principal.userId;
      const fromStaffId = input.fromStaffId ?? by;
      const transferId = await ctx.write(async (w) => {
        const from = await loadStaff(w.scope, fromStaffId, 'fromStaffId');
        if (from.id !== by && !ctx.principal.permissions.has(P.warehouseShipping)) {
          throw new TRPCError({ code: 'FORBIDDEN', message: 'You can only transfer stock you hold yourself' });
        }
        const to = input.toStaffId === null ? null : await loadStaff(w.scope, input.toStaffId, 'toStaffId');
        if (to && to.id === from.id) throw refused('toStaffId', 'must not be the one the stock comes from');
        const products = await loadProducts(
          w.scope,
          input.items.map((i) => i.productId),
        );
        const documentNo = await nextDocumentNo('DB', now, transferNoPattern(w.scope));
        const transfer = await w.scope.transfers.insert({
          documentNo,
          fromStaffId: from.id,
          toStaffId: to?.id ?? null,
          status: 'completed',
          note: input.note,
          createdAt: now,
          updatedAt: now,
          createdBy: by,
        });
        const holder = from.id === by ? 'you hold' : `${from.displayName} holds`;
        const moved = [];
        for (const [n, item] of input.items.entries()) {
          const product = products.get(item.productId);
          if (!product) throw notFound('Product');
          const giver = await takeFromStaff(w.scope, from.id, product, item.quantity, `items.${n}.quantity`, holder);
          const receiver = to
            ? await giveToStaff(w.scope, to.id, product.id, item.quantity, now, by)
            : await giveToWarehouse(w.scope, product.id, item.quantity, now, by);
          moved.push({ productId: product.id, quantity: item.quantity, from: giver, to: receiver });
        }
        await w.scope.transferItems.insertMany(
          input.items.map((i) => ({
            transferId: transfer.id,
            productId: i.productId,
            quantity: i.quantity,
            createdAt: now,
            updatedAt: now,
            createdBy: by,
          })),
        );
        await w.audit({ entity: 'transfers', entityId: transfer.id, after: { ...transfer, items: moved } });
        return transfer.id;
      });
      const transfer = await ctx.scope.transfers.get(transferId);
      if (!transfer) throw notFound('Transfer');
      const [described] = await describe(ctx.scope, [transfer]);
      if (!described) throw notFound('Transfer');
      return described;
    }),

  /**
   * Transfers, newest first, in [from, to). A field worker sees only those they gave or
   * received; the inventory admin sees all, or one worker's with `staffId`.
   */
  list: operatorProcedure(P.transfer)
    .input(
      z
        .object({
          staffId: id('users').optional(),
          from: Timestamp.optional(),
          to: Timestamp.optional(),
          limit: z.number().int().min(1).max(500).default(50),
          offset: z.number().int().min(0).max(1_000_000).default(0),
        })
        .default({ limit: 50, offset: 0 }),
    )
    .query(async ({ ctx, input }) => {
      const seesAll = ctx.principal.permissions.has(P.warehouseShipping);
      if (input.staffId && !(await ctx.scope.users.get(input.staffId))) throw notFound('User');
      const own = seesAll ? undefined : ctx.principal.userId;
      const involving = (t: Tables['transfers']['sqlite'], staffId: string | undefined) =>
        staffId ? or(eq(t.fromStaffId, staffId), eq(t.toStaffId, staffId)) : undefined;
      const where = (t: Tables['transfers']['sqlite']) =>
        and(
          involving(t, own),
          involving(t, input.staffId),
          input.from ? gte(t.createdAt, input.from) : undefined,
          input.to ? lt(t.createdAt, input.to) : undefined,
        );
      const { rows, total } = await ctx.scope.transfers.page({
        where,
        orderBy: (t) => [desc(t.createdAt), desc(t.id)],
        limit: input.limit,
        offset: input.offset,
      });
      return { rows: await describe(ctx.scope, rows), total };
    }),

  /** Transfers back to the warehouse only (returns), newest first. */
  returns: operatorProcedure(P.warehouseShipping)
    .input(
      z
        .object({
          limit: z.number().int().min(1).max(500).default(50),
          offset: z.number().int().min(0).max(1_000_000).default(0),
        })
        .default({ limit: 50, offset: 0 }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await ctx.scope.transfers.find({
        where: (t) => isNull(t.toStaffId),
        orderBy: (t) => [desc(t.createdAt), desc(t.id)],
        limit: input.limit,
        offset: input.offset,
      });
      return describe(ctx.scope, rows);
    }),
});
