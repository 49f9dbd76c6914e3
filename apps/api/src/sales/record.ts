/**
 * Recording a sale the platform did not see: a machine sold while its terminal was
 * offline (or before it had one), and a field worker or admin enters the sale from the
 * machine's own sales counter; the device channel records the sales a terminal reports
 * through the same rule. The sale happened, so it is never refused for want of stock: the
 * channel's stock goes down to zero at most.
 *
 * A time entered by a person must lie within the machine's life with this operator (not
 * before its machine sale to the operator, not in the future) and outside
 * every period already settled: a sale dated anywhere would reach into closed books.
 * Sales a terminal uploads go through the device channel (sales/lifecycle.ts), which
 * never refuses them and flags such times instead.
 */
import { adjust, newId } from '@vmcloud/db';
import { z } from 'zod';
import type { Writer } from '../shared/writer.js';
import { plain } from '../shared/plain.js';
import type { BusinessCalendar } from '../shared/business-day.js';
import { orderNumber } from '../shared/document-numbers.js';
import { conflict, notFound, refused } from '../shared/errors.js';
import { id, Quantity, Timestamp } from '../shared/input.js';

/** How far ahead of the server's clock a sale may be stamped (the machine's clock may run fast). */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export const RecordSaleInput = z.object({
  machineId: id('machines'),
  channelNumber: z.number().int('must be a whole number').min(1, 'must be at least 1').max(999, 'is too large'),
  quantity: Quantity.max(99, 'must be at most 99').default(1),
  paymentMethod: z.enum(['cash', 'free'], { error: 'must be cash or free' }).default('cash'),
  soldAt: Timestamp,
  /**
   * The vend id the machine logged for the sale, when known: a second entry of the same
   * sale is refused instead of counted twice.
   */
  vendId: z.number().int().min(0).max(0xffffffff).optional(),
});
export type RecordSaleInput = z.infer<typeof RecordSaleInput>;

/** True when `at` falls on a day of a final settlement's period. */
async function inSettledPeriod(w: Writer, at: Date, calendar: BusinessCalendar): Promise<boolean> {
  const finals = await w.scope.settlements.findAllBy({ status: 'final' });
  if (finals.length === 0) return false;
  const day = calendar.dayOf(at);
  return finals.some((s) => s.periodStart <= day && s.periodEnd >= day);
}

/**
 * Records a completed sale of the machine's channel `channelNumber` at `soldAt`, numbered
 * with the sale's local time in the tenant's time zone (`orderNumber`), and takes its
 * quantity off the channel's stock (down to zero at most). Refused: a sale stamped in the
 * future, before the machine came to the tenant or inside a settled period, a machine
 * that is not the tenant's, a channel it does not have or that holds no product, and a vend
 * id already recorded (conflict).
 */
export async function recordSale(
  w: Writer,
  by: { userId: string },
  input: RecordSaleInput,
  now: Date,
  calendar: BusinessCalendar,
) {
  if (input.soldAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) throw refused('soldAt', 'is in the future');
  const machine = await w.scope.machines.get(input.machineId);
  if (!machine) throw notFound('Machine');
  // Since the machine came to this operator (its machine sale); the operator's lease, or its
  // arrival on the platform, for a machine whose sale was not recorded.
  const tenant = machine.heldSince ? undefined : await w.platform.tenants.get(w.scope.tenantId);
  const since = (machine.heldSince ?? tenant?.leaseStartsAt ?? tenant?.createdAt ?? new Date(0)).getTime();
  if (input.soldAt.getTime() < since) {
    throw refused('soldAt', `is before the machine came to this operator (${new Date(since).toISOString()})`);
  }
  if (await inSettledPeriod(w, input.soldAt, calendar)) {
    throw refused('soldAt', 'falls in a period already settled');
  }
  const channel = await w.scope.channels.findOneBy({ machineId: machine.id, number: input.channelNumber });
  if (!channel) throw refused('channelNumber', 'the machine has no such channel');
  const product = channel.productId ? await w.scope.products.get(channel.productId) : undefined;
  if (!product) throw refused('channelNumber', 'the channel holds no product');
  if (input.vendId !== undefined) {
    const existing = await w.scope.orders.findOneBy({ machineId: machine.id, vendId: input.vendId });
    if (existing) throw conflict(`vendId: already recorded as order ${existing.orderNo}`);
  }
  const price = input.paymentMethod === 'free' ? 0 : (channel.price ?? product.price);
  const orderId = newId();
  const order = await w.scope.orders.insert({
    id: orderId,
    orderNo: orderNumber(calendar, input.soldAt, orderId),
    machineId: machine.id,
    channelId: channel.id,
    channelNumber: channel.number,
    productId: product.id,
    price,
    quantity: input.quantity,
    amount: price * input.quantity,
    cost: product.cost * input.quantity,
    paymentMethod: input.paymentMethod,
    vendId: input.vendId ?? null,
    status: 'completed',
    paidAt: input.soldAt,
    vendedAt: input.soldAt,
    completedAt: input.soldAt,
    offline: true,
    createdBy: by.userId,
  });
  await w.scope.channels.update(channel.id, {
    stock: adjust(-input.quantity, { min: 0 }),
    updatedBy: by.userId,
  });
  await w.audit({ entity: 'orders', entityId: order.id, after: order });
  return plain(order);
}
