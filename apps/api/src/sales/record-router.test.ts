import { TRPCError } from '@trpc/server';
import { and, eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi } from '../testing.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] orders.record`, () => {
    let api: TestApi;
    let admin: Caller;
    let tenantId: string;

    beforeAll(async () => {
      api = await createTestApi(dialect);
      admin = await api.signIn(DEMO_CODE, 'admin');
      tenantId = await tenantIdOf(api.db, DEMO_CODE);
    });
    afterAll(async () => {
      await api?.close();
    });

    const stocked = async () => {
      const scope = api.db.forTenant(tenantId);
      const channels = await scope.channels.find({ where: (c) => eq(c.enabled, true), orderBy: (c) => [c.number] });
      const channel = channels.find((c) => c.stock >= 2 && c.productId);
      if (!channel?.productId) throw new Error('no stocked channel in the demo data');
      const product = await scope.products.get(channel.productId);
      return { scope, channel, product: product as NonNullable<typeof product> };
    };

    it('records an offline cash sale: the order, the channel stock and an audit row, together', async () => {
      const { scope, channel, product } = await stocked();
      const soldAt = new Date(Date.now() - 3_600_000);
      const order = await admin.orders.record({
        machineId: channel.machineId,
        channelNumber: channel.number,
        quantity: 2,
        soldAt,
        vendId: 4_000_000_001,
      });
      const price = channel.price ?? product.price;
      expect(order).toMatchObject({
        status: 'completed',
        offline: true,
        paymentMethod: 'cash',
        price,
        amount: price * 2,
        cost: product.cost * 2,
        productId: product.id,
        channelNumber: channel.number,
        paidAt: soldAt.toISOString(),
      });
      expect(order.orderNo).toMatch(/^O\d{14}[0-9A-F]{12}$/);
      expect((await scope.channels.get(channel.id))?.stock).toBe(channel.stock - 2);
      const audit = await scope.auditLog.find({
        where: (a) => and(eq(a.action, 'orders.record'), eq(a.entityId, order.id)),
      });
      expect(audit).toHaveLength(1);

      const again = await admin.orders
        .record({ machineId: channel.machineId, channelNumber: channel.number, soldAt, vendId: 4_000_000_001 })
        .catch((e: unknown) => e);
      expect(again).toBeInstanceOf(TRPCError);
      expect((again as TRPCError).code).toBe('CONFLICT');
      expect((again as TRPCError).message).toBe(`vendId: already recorded as order ${order.orderNo}`);
      expect(await scope.orders.count((o) => eq(o.vendId, 4_000_000_001))).toBe(1);
    });

    it('never refuses a sale for want of stock: the channel goes down to zero', async () => {
      const { scope, channel } = await stocked();
      await admin.orders.record({
        machineId: channel.machineId,
        channelNumber: channel.number,
        quantity: channel.stock + 5,
        soldAt: new Date(),
      });
      expect((await scope.channels.get(channel.id))?.stock).toBe(0);
    });

    it("refuses a sale dated outside the machine's life here or inside a settled period, and changes nothing", async () => {
      const { scope, channel } = await stocked();
      const before = await scope.orders.count();
      const machine = await scope.machines.get(channel.machineId);
      if (!machine?.heldSince) throw new Error('the demo machine has no machine sale');
      const cases: [Date, RegExp][] = [
        [new Date(-8_640_000_000_000_000), /^soldAt: is before the machine came to this operator/],
        [new Date(0), /^soldAt: is before the machine came to this operator/],
        // After the operator's lease began, but before this machine was sold to it.
        [new Date(machine.heldSince.getTime() - 1000), /^soldAt: is before the machine came to this operator/],
        [new Date(Date.now() - 10 * 86_400_000), /^soldAt: falls in a period already settled$/],
        [new Date(Date.now() + 86_400_000), /^soldAt: is in the future$/],
      ];
      for (const [soldAt, message] of cases) {
        const error = await admin.orders
          .record({ machineId: channel.machineId, channelNumber: channel.number, soldAt })
          .catch((e: unknown) => e as TRPCError);
        expect((error as TRPCError).code, soldAt.toISOString()).toBe('BAD_REQUEST');
        expect((error as TRPCError).message).toMatch(message);
      }
      expect(await scope.orders.count()).toBe(before);
    });

    it('refuses a channel the machine does not have, naming the field, and changes nothing', async () => {
      const { scope, channel } = await stocked();
      const before = await scope.orders.count();
      const error = await admin.orders
        .record({ machineId: channel.machineId, channelNumber: 999, soldAt: new Date() })
        .catch((e: unknown) => e as TRPCError);
      expect((error as TRPCError).code).toBe('BAD_REQUEST');
      expect((error as TRPCError).message).toBe('channelNumber: the machine has no such channel');
      expect(await scope.orders.count()).toBe(before);
    });
  });
}
