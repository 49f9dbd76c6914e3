/**
 * Restocking (上货): a field worker moves stock from their own inventory into a channel of
 * a machine assigned to them. The channel's stock, the worker's inventory and a history
 * row change together in one transaction, or not at all. Also what a worker holds, the
 * restock list of one of their machines, and their own restocks.
 */
import { configChanged } from '../devices/events.js';
import { resolve } from '../devices/conditions.js';
import { and, desc, eq, gt, gte, lt, lte, sql, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import type { Writer } from '../shared/writer.js';
import { plain } from '../shared/plain.js';
import { forbidden, notFound, refused } from '../shared/errors.js';
import { id, Quantity, Timestamp } from '../shared/input.js';
import { offsetPage } from '../shared/paging.js';
import { restockList } from './lists.js';
import { productLabel, productsById, productSummary, takeFromStaff, touch, type Actor } from './common.js';

const STOCK = sql.identifier('stock');

export const RestockInput = z.object({
  machineId: id('machines'),
  channelId: id('channels'),
  productId: id('products'),
  quantity: Quantity,
});
export type RestockInput = z.infer<typeof RestockInput>;

/** A machine assigned to `staffId`: NOT_FOUND if it is not the tenant's, FORBIDDEN if it is another worker's. */
async function assignedMachine(
  scope: TenantScope,
  staffId: string,
  machineId: string,
): Promise<Row<Tables['machines']>> {
  const machine = await scope.machines.get(machineId);
  if (!machine) throw notFound('Machine');
  if (machine.staffId !== staffId) throw forbidden('machineId: this machine is not assigned to you');
  return machine;
}

/** What a field worker holds, per product. */
export async function myInventory(scope: TenantScope, staffId: string) {
  const rows = await scope.staffInventory.find({
    where: (t) => and(eq(t.staffId, staffId), gt(t.quantity, 0)),
  });
  const products = await productsById(
    scope,
    rows.map((r) => r.productId),
  );
  const lines = rows
    .map((r) => {
      const p = products.get(r.productId);
      return { product: p ? productSummary(p) : null, quantity: r.quantity };
    })
    .sort((a, b) => (a.product?.code ?? '').localeCompare(b.product?.code ?? ''));
  return { lines, total: lines.reduce((a, l) => a + l.quantity, 0) };
}

/**
 * Adds `quantity` of the channel's product to a channel, from the worker's inventory.
 * Refused, with nothing changed: a machine not assigned to them (forbidden), a machine,
 * channel or product that does not exist (not found), a channel of another machine, a
 * product that is not the channel's, more than they hold, or more than the channel's free
 * capacity (naming the field). The channel is filled by a guarded UPDATE (only while it
 * has room), so that two restocks at once never fill it past its capacity.
 */
export async function restock(w: Writer, by: Actor, input: RestockInput, now: Date) {
  const staffId = by.userId;
  const machine = await assignedMachine(w.scope, staffId, input.machineId);
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
    // The count as of now: a sale the machine made before now and reports later does not count against it.
    { stock: sql`${STOCK} + ${input.quantity}`, restockedAt: now, updatedBy: staffId },
  );
  if (filled !== 1) await touch(w.scope.channels, (c) => eq(c.id, channel.id));
  const after = await w.scope.channels.get(channel.id);
  if (filled !== 1 || !after) {
    const room = after ? after.capacity - after.stock : 0;
    throw refused('quantity', `more than the channel's free capacity of ${room}`);
  }
  const row = await w.scope.restocks.insert({
    staffId,
    machineId: machine.id,
    channelId: channel.id,
    productId: product.id,
    quantity: input.quantity,
    stockBefore: after.stock - input.quantity,
    stockAfter: after.stock,
    createdBy: staffId,
  });
  await w.audit({ entity: 'restocks', entityId: row.id, after: { ...row, held } });
  await configChanged(w, [machine.id], now);
  // Restocked: the channel is not empty any more.
  await resolve(w.scope, machine.id, 'channel_empty', now, channel.number);
  return {
    restock: plain(row),
    channel: { id: channel.id, number: channel.number, capacity: after.capacity, stock: after.stock },
    held: held.after,
  };
}

/** The restock list of a machine assigned to the worker: what each channel needs to be full. */
export async function restockPlan(scope: TenantScope, staffId: string, machineId: string, now: Date) {
  return restockList(scope, await assignedMachine(scope, staffId, machineId), now);
}

export const RestockHistoryInput = z
  .object({
    machineId: id('machines').optional(),
    from: Timestamp.optional(),
    to: Timestamp.optional(),
    ...offsetPage(500, 50),
  })
  .default({ limit: 50, offset: 0 });
export type RestockHistoryInput = z.infer<typeof RestockHistoryInput>;

/** A worker's own restocks, newest first, in [from, to), optionally of one machine. */
export async function restockHistory(scope: TenantScope, staffId: string, input: RestockHistoryInput) {
  if (input.machineId && !(await scope.machines.get(input.machineId))) throw notFound('Machine');
  const rows = await scope.restocks.find({
    where: (r) =>
      and(
        eq(r.staffId, staffId),
        input.machineId ? eq(r.machineId, input.machineId) : undefined,
        input.from ? gte(r.createdAt, input.from) : undefined,
        input.to ? lt(r.createdAt, input.to) : undefined,
      ),
    orderBy: (r) => [desc(r.createdAt), desc(r.id)],
    limit: input.limit,
    offset: input.offset,
  });
  const products = await productsById(
    scope,
    rows.map((r) => r.productId),
  );
  return rows.map((r) => {
    const p = products.get(r.productId);
    return { ...plain(r), product: p ? productSummary(p) : null };
  });
}
