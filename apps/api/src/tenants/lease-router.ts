/**
 * An operator's own lease: what it rents until when, what renewing costs, and renewing.
 * Open to the operator admin (permission 00128, which no module gates) even while the lease has ended or the
 * tenant is suspended, so that an expired tenant can renew.
 */
import { TRPCError } from '@trpc/server';
import { desc, inArray, type PlatformScope, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { addMonths, LeaseMonths, leaseOrderNo, quoteFor } from './terms.js';
import { P } from '../access/catalog.js';

const leaseProcedure = operatorProcedure(P.renewLease).meta({ allowRestricted: true });

/** The tenant's lease terms: its modules (as rented now) and machine quota. */
async function termsOf(scope: TenantScope, platform: PlatformScope, tenantId: string) {
  const tenant = await platform.tenants.get(tenantId);
  if (!tenant) throw new TRPCError({ code: 'NOT_FOUND', message: 'Tenant not found' });
  const moduleIds = (await scope.tenantModules.find()).map((m) => m.moduleId);
  const modules = moduleIds.length === 0 ? [] : await platform.modules.find({ where: (m) => inArray(m.id, moduleIds) });
  if (modules.length === 0) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'modules: the tenant rents no module to renew' });
  }
  return { tenant, modules, machines: Math.max(1, tenant.machineQuota) };
}

/** The renewal period: from the lease's end, or from now when it has already ended. */
function renewalPeriod(leaseEndsAt: Date | null, now: Date, months: number) {
  const start = leaseEndsAt && leaseEndsAt.getTime() > now.getTime() ? leaseEndsAt : now;
  return { periodStart: start, periodEnd: addMonths(start, months) };
}

export const leaseRouter = router({
  /** The tenant's lease: period, machine quota, machines held, modules and its lease orders. */
  status: leaseProcedure.query(async ({ ctx }) => {
    const tenant = await ctx.platform.tenants.get(ctx.tenantId);
    if (!tenant) throw new TRPCError({ code: 'NOT_FOUND', message: 'Tenant not found' });
    const moduleIds = (await ctx.scope.tenantModules.find()).map((m) => m.moduleId);
    const modules =
      moduleIds.length === 0 ? [] : await ctx.platform.modules.find({ where: (m) => inArray(m.id, moduleIds) });
    const orders = await ctx.scope.leaseOrders.find({ orderBy: (o) => [desc(o.createdAt), desc(o.orderNo)] });
    return plain({
      leaseStartsAt: tenant.leaseStartsAt,
      leaseEndsAt: tenant.leaseEndsAt,
      status: tenant.status,
      restricted: ctx.principal.restricted,
      machineQuota: tenant.machineQuota,
      machinesHeld: await ctx.scope.machines.count(),
      modules: modules.map((m) => ({ code: m.code, name: m.name, monthlyRent: m.monthlyRent })),
      orders,
    });
  }),

  /** What renewing the current modules and machine quota for `months` costs, and the period it buys. */
  quote: leaseProcedure.input(z.object({ months: LeaseMonths })).query(async ({ ctx, input }) => {
    const { tenant, modules, machines } = await termsOf(ctx.scope, ctx.platform, ctx.tenantId);
    const now = ctx.now();
    const quote = await quoteFor(ctx.platform, { modules, machines, months: input.months }, now);
    return { ...quote, ...plain(renewalPeriod(tenant.leaseEndsAt, now, input.months)) };
  }),

  /**
   * Renews the lease for `months` more: the lease end moves on from the later of now and
   * its current end, and a lease order records the fee (paid: no payment provider yet).
   */
  renew: leaseProcedure.input(z.object({ months: LeaseMonths })).mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const order = await ctx.write(async (w) => {
      const { tenant, modules, machines } = await termsOf(w.scope, w.platform, ctx.tenantId);
      const quote = await quoteFor(w.platform, { modules, machines, months: input.months }, now);
      const { periodStart, periodEnd } = renewalPeriod(tenant.leaseEndsAt, now, input.months);
      const order = await w.scope.leaseOrders.insert({
        orderNo: leaseOrderNo(now),
        months: input.months,
        machines,
        moduleCodes: modules.map((m) => m.code),
        moduleMonthlyRent: quote.moduleMonthlyRent,
        machineMonthlyRent: quote.machineMonthlyRent,
        discountBasisPoints: quote.discountBasisPoints,
        fee: quote.fee,
        status: 'paid',
        periodStart,
        periodEnd,
        paidAt: now,
        createdBy: ctx.principal.userId,
      });
      await w.platform.tenants.update(tenant.id, { leaseEndsAt: periodEnd, updatedBy: ctx.principal.userId });
      await w.audit({
        entity: 'tenants',
        entityId: tenant.id,
        before: { leaseEndsAt: tenant.leaseEndsAt },
        after: { leaseEndsAt: periodEnd, orderNo: order.orderNo, fee: order.fee, months: order.months },
      });
      return order;
    });
    ctx.principals.invalidate({ tenantId: ctx.tenantId });
    return plain(order);
  }),
});
