/** The lease orders of every operator (`factory.leaseOrders`), for the manufacturer. */
import { LEASE_ORDER_STATUSES } from '@vmcloud/db/schema';
import { z } from 'zod';
import { manufacturerProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { id, Timestamp } from '../shared/input.js';
import { offsetPage } from '../shared/paging.js';
import { P } from '../access/catalog.js';
import { listLeaseOrders } from './lease-orders.js';
import { confirmLeaseOrder } from './lease.js';
import { loadOperator } from './operators.js';

export const leaseOrdersRouter = router({
  /** Lease orders of every operator (or one), newest first, with the tenant each belongs to. */
  list: manufacturerProcedure(P.viewLeaseOrders)
    .input(
      z.object({
        tenantId: id('tenants').optional(),
        status: z.enum(LEASE_ORDER_STATUSES).optional(),
        trial: z.boolean().optional(),
        from: Timestamp.optional(),
        to: Timestamp.optional(),
        ...offsetPage(100, 20),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { total, items } = await listLeaseOrders(ctx.tenants, ctx.platform, input, input);
      return { total, items: plain(items) };
    }),

  /**
   * Confirms that an operator's pending lease order was paid (outside the platform's payment
   * interface): the order is paid and the operator's lease runs its months; audited.
   */
  confirm: manufacturerProcedure(P.manageTenants)
    .input(z.object({ tenantId: id('tenants'), id: id('leaseOrders') }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const order = await ctx.write(async (w) => {
        await loadOperator(w.platform, input.tenantId);
        return confirmLeaseOrder(w, w.tx.forTenant(input.tenantId), ctx.principal.userId, input.id, now);
      });
      ctx.principals.invalidate({ tenantId: input.tenantId });
      return plain(order);
    }),
});
