/**
 * Recording a sale the platform did not see: a machine sold while its terminal was
 * offline (or before it had one), and a field worker or admin enters the sale from the
 * machine's own sales counter. The sale happened, so it is never refused for want of
 * stock: the channel's stock goes down to zero at most.
 */
import { TRPCError } from '@trpc/server';
import { adjust, newId } from '@vmcloud/db';
import { z } from 'zod';
import { operatorProcedure } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, Quantity, Timestamp } from '../shared/input.js';
import { P } from '../access/catalog.js';


/**
 * An order number: O + the sale's UTC date and time to the second + the last 12 characters
 * of its id, which are random. Sales entered with the same time differ in those 48 bits:
 * with 8 characters (32 bits), 30,000 sales entered for one second collide about one time in ten.
 */
export function orderNumber(at: Date, orderId: string): string {
  const stamp = at.toISOString().replace(/\D/g, '').slice(0, 14);
  return `O${stamp}${orderId.replace(/-/g, '').slice(-12).toUpperCase()}`;
}

export const recordOrder = operatorProcedure(P.order)
  .input(
    z.object({
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
    }),
  )
  .mutation(async ({ ctx, input }) => {
    if (input.soldAt.getTime() > ctx.now().getTime() + 5 * 60_000) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'soldAt: is in the future' });
    }
    return ctx.write(async (w) => {
      const machine = await w.scope.machines.get(input.machineId);
      if (!machine) throw new TRPCError({ code: 'NOT_FOUND', message: 'Machine not found' });
      const channel = await w.scope.channels.findOneBy({ machineId: machine.id, number: input.channelNumber });
      if (!channel)
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'channelNumber: the machine has no such channel' });
      if (!channel.productId) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'channelNumber: the channel holds no product' });
      }
      const product = await w.scope.products.get(channel.productId);
      if (!product)
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'channelNumber: the channel holds no product' });
      if (input.vendId !== undefined) {
        const existing = await w.scope.orders.findOneBy({ machineId: machine.id, vendId: input.vendId });
        if (existing) {
          throw new TRPCError({ code: 'CONFLICT', message: `vendId: already recorded as order ${existing.orderNo}` });
        }
      }
      const price = input.paymentMethod === 'free' ? 0 : (channel.price ?? product.price);
      const orderId = newId();
      const order = await w.scope.orders.insert({
        id: orderId,
        orderNo: orderNumber(input.soldAt, orderId),
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
        createdBy: ctx.principal.userId,
      });
      await w.scope.channels.update(channel.id, {
        stock: adjust(-input.quantity, { min: 0 }),
        updatedBy: ctx.principal.userId,
      });
      await w.audit({ entity: 'orders', entityId: order.id, after: order });
      return plain(order);
    });
  });
