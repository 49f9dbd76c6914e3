/**
 * Restocking (上货): a field worker moves stock from their own inventory into a channel of
 * a machine assigned to them. The channel's stock, the worker's inventory and a history
 * row change together in one transaction, or not at all.
 */
import { TRPCError } from '@trpc/server';
import { and, desc, eq, gt, gte, lt, lte, sql } from '@vmcloud/db';
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, Quantity, Timestamp } from '../shared/input.js';
import { restockList } from './lists-router.js';
import { notFound, productLabel, productsById, productSummary, refused, takeFromStaff, touch } from './common.js';
import { P } from '../access/catalog.js';

/** My inventory (我的库存): a field worker's own stock and restocking. */

const STOCK = sql.identifier('stock');

export const restocksRouter = router({
  /** What the caller holds, per product. */
  myInventory: operatorProcedure(P.myInventory).query(async ({ ctx }) => {
    const rows = await ctx.scope.staffInventory.find({
      where: (t) => and(eq(t.staffId, ctx.principal.userId), gt(t.quantity, 0)),
    });
    const products = await productsById(
      ctx.scope,
      rows.map((r) => r.productId),
    );
    const lines = rows
      .map((r) => {
        const p = products.get(r.productId);
        return { product: p ? productSummary(p) : null, quantity: r.quantity };
      })
      .sort((a, b) => (a.product?.code ?? '').localeCompare(b.product?.code ?? ''));
    return { lines, total: lines.reduce((a, l) => a + l.quantity, 0) };
  }),

  /**
   * Adds `quantity` of the channel's product to a channel, from the caller's inventory.
   * Refused, with nothing changed: a machine not assigned to the caller (FORBIDDEN), a
   * machine, channel or product that does not exist (NOT_FOUND), a channel of another
   * machine, a product that is not the channel's, more than the caller holds, or more
   * than the channel's free capacity (BAD_REQUEST naming the field).
   */
  create: operatorProcedure(P.myInventory)
    .input(
      z.object({
        machineId: id('machines'),
        channelId: id('channels'),
        productId: id('products'),
        quantity: Quantity,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const staffId = ctx.principal.userId;
      return ctx.write(async (w) => {
        const machine = await w.scope.machines.get(input.machineId);
        if (!machine) throw notFound('Machine');
        if (machine.staffId !== staffId) {
          throw new TRPCError({ code: 'FORBIDDEN', message: 'machineId: this machine is not assigned to you' });
        }
        const channel = await w.scope.channels.get(input.channelId);
        if (!channel) throw notFound('Channel');
        if (channel.machineId !== machine.id) throw refused('channelId', 'is not a channel of this machine');
        const product = await w.scope.products.get(input.productId);
        if (!product) throw notFound('Product');
        if (channel.productId !== product.id) {
          throw refused('productId', `${productLabel(product)} is not the product of channel ${channel.number}`);
        }
        const free = channel.capacity - channel.stock;
        if (input.quantity > free) {
          throw refused('quantity', `more than the channel's free capacity of ${free}`);
        }
        const held = await takeFromStaff(w.scope, staffId, product, input.quantity, 'quantity');
        // Guarded: only if the channel still has room, whatever another writer did meanwhile.
        const filled = await w.scope.channels.updateWhere(
          (c) => and(eq(c.id, channel.id), lte(sql`${c.stock} + ${input.quantity}`, c.capacity)),
          { stock: sql`${STOCK} + ${input.quantity}`, updatedBy: staffId },
        );
        if (filled !== 1) await touch(w.scope.channels, (c) => eq(c.id, channel.id));
        const after = await w.scope.channels.get(channel.id);
        if (filled !== 1 || !after) {
          const room = after ? after.capacity - after.stock : 0;
          throw refused('quantity', `more than the channel's free capacity of ${room}`);
        }
        const restock = await w.scope.restocks.insert({
          staffId,
          machineId: machine.id,
          channelId: channel.id,
          productId: product.id,
          quantity: input.quantity,
          stockBefore: after.stock - input.quantity,
          stockAfter: after.stock,
          createdAt: now,
          updatedAt: now,
          createdBy: staffId,
        });
        await w.audit({ entity: 'restocks', entityId: restock.id, after: { ...restock, held } });
        return {
          restock: plain(restock),
          channel: { id: channel.id, number: channel.number, capacity: after.capacity, stock: after.stock },
          held: held.after,
        };
      });
    }),

  /** The restock list of a machine assigned to the caller: what each channel needs to be full. */
  plan: operatorProcedure(P.myInventory)
    .input(z.object({ machineId: id('machines') }))
    .query(async ({ ctx, input }) => {
      const machine = await ctx.scope.machines.get(input.machineId);
      if (!machine) throw notFound('Machine');
      if (machine.staffId !== ctx.principal.userId) {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'machineId: this machine is not assigned to you' });
      }
      return restockList(ctx.scope, machine, ctx.now());
    }),

  /** The caller's own restocks, newest first, in [from, to), optionally of one machine. */
  history: operatorProcedure(P.myInventory)
    .input(
      z
        .object({
          machineId: id('machines').optional(),
          from: Timestamp.optional(),
          to: Timestamp.optional(),
          limit: z.number().int().min(1).max(500).default(50),
          offset: z.number().int().min(0).max(1_000_000).default(0),
        })
        .default({ limit: 50, offset: 0 }),
    )
    .query(async ({ ctx, input }) => {
      if (input.machineId && !(await ctx.scope.machines.get(input.machineId))) throw notFound('Machine');
      const rows = await ctx.scope.restocks.find({
        where: (r) =>
          and(
            eq(r.staffId, ctx.principal.userId),
            input.machineId ? eq(r.machineId, input.machineId) : undefined,
            input.from ? gte(r.createdAt, input.from) : undefined,
            input.to ? lt(r.createdAt, input.to) : undefined,
          ),
        orderBy: (r) => [desc(r.createdAt), desc(r.id)],
        limit: input.limit,
        offset: input.offset,
      });
      const products = await productsById(
        ctx.scope,
        rows.map((r) => r.productId),
      );
      return rows.map((r) => {
        const p = products.get(r.productId);
        return { ...plain(r), product: p ? productSummary(p) : null };
      });
    }),
});
