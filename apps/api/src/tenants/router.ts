/**
 * The manufacturer's view of the operator tenants: list, detail, add, suspend, resume,
 * delete an unused one, extend a lease, change the modules and the machine quota.
 * It shows platform data only (the tenant, its lease, its lease orders, how many
 * machines it holds), never the operator's users, sales or stock. The rules are in
 * `operators.ts` and `lease.ts`.
 */
import { TENANT_STATUSES } from '@vmcloud/db/schema';
import { asc, desc, type Keyring, type PlatformScope } from '@vmcloud/db';
import { z } from 'zod';
import { manufacturerProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { id, OptionalText, Phone, Quantity } from '../shared/input.js';
import { offsetPage } from '../shared/paging.js';
import { Registration } from './register.js';
import { LeaseMonths, ModuleCodes } from './terms.js';
import {
  addTenant,
  deleteUnusedTenant,
  describeTenant,
  extendLease,
  loadOperator,
  operatorFilter,
  setMachineQuota,
  setTenantContact,
  setTenantModules,
  setTenantStatus,
  type Tenant,
  type Tenants,
} from './operators.js';
import { P } from '../access/catalog.js';

const TenantRef = z.object({ tenantId: id('tenants') });

/** A tenant as the manufacturer's procedures return it. */
const describe = async (
  ctx: { tenants: Tenants; platform: PlatformScope; keyring: Keyring; now: () => Date },
  tenant: Tenant,
) => plain(await describeTenant({ ...ctx, now: ctx.now() }, tenant));

export const tenantsRouter = router({
  /** The operator tenants, filtered by name or code, status and lease state, a page at a time. */
  list: manufacturerProcedure(P.viewTenants)
    .input(
      z.object({
        search: OptionalText(25),
        status: z.enum(TENANT_STATUSES).optional(),
        lease: z.enum(['running', 'ending_soon', 'ended']).optional(),
        ...offsetPage(100, 20),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { rows, total } = await ctx.platform.tenants.page({
        where: operatorFilter(input, ctx.now()),
        orderBy: (t) => [asc(t.code)],
        limit: input.limit,
        offset: input.offset,
      });
      return { total, items: await Promise.all(rows.map((t) => describe(ctx, t))) };
    }),

  /** One operator tenant with its lease orders. */
  detail: manufacturerProcedure(P.viewTenants)
    .input(TenantRef)
    .query(async ({ ctx, input }) => {
      const tenant = await loadOperator(ctx.platform, input.tenantId);
      const orders = await ctx.tenants
        .forTenant(tenant.id)
        .leaseOrders.find({ orderBy: (o) => [desc(o.createdAt), desc(o.orderNo)] });
      return { ...(await describe(ctx, tenant)), leaseOrders: plain(orders) };
    }),

  /** Adds an operator tenant as registration does; its lease order is recorded paid. */
  create: manufacturerProcedure(P.manageTenants)
    .input(Registration)
    .mutation(async ({ ctx, input }) => {
      const opened = await ctx.write((w) =>
        addTenant(
          w,
          { keyring: ctx.keyring, passwordCost: ctx.passwordCost, now: ctx.now(), by: ctx.principal.userId },
          input,
        ),
      );
      return {
        ...(await describe(ctx, opened.tenant)),
        adminUsername: opened.admin.username,
        order: plain(opened.order),
      };
    }),

  /** Suspends a tenant: its users can then only sign in to renew; its machines keep selling. */
  suspend: manufacturerProcedure(P.manageTenants)
    .input(TenantRef)
    .mutation(async ({ ctx, input }) => {
      const tenant = await ctx.write((w) => setTenantStatus(w, ctx.principal.userId, input.tenantId, 'suspended'));
      ctx.principals.invalidate({ tenantId: tenant.id });
      return describe(ctx, tenant);
    }),

  /** Lifts a suspension. */
  resume: manufacturerProcedure(P.manageTenants)
    .input(TenantRef)
    .mutation(async ({ ctx, input }) => {
      const tenant = await ctx.write((w) => setTenantStatus(w, ctx.principal.userId, input.tenantId, 'active'));
      ctx.principals.invalidate({ tenantId: tenant.id });
      return describe(ctx, tenant);
    }),

  /**
   * Deletes a tenant that was never used: refused while it holds or bought machines, has
   * sales orders, or has users other than its admin.
   */
  delete: manufacturerProcedure(P.manageTenants)
    .input(TenantRef)
    .mutation(async ({ ctx, input }) => {
      await ctx.write((w) => deleteUnusedTenant(w, input.tenantId));
      ctx.principals.invalidate({ tenantId: input.tenantId });
      return { ok: true as const };
    }),

  /**
   * Extends a tenant's lease by `months` from the later of now and its end, recording a
   * lease order for the current modules and quota (paid, as settled with the manufacturer).
   */
  extendLease: manufacturerProcedure(P.manageTenants)
    .input(z.object({ tenantId: id('tenants'), months: LeaseMonths }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const tenant = await ctx.write((w) => extendLease(w, ctx.principal.userId, input, now));
      ctx.principals.invalidate({ tenantId: tenant.id });
      return describe(ctx, tenant);
    }),

  /** Replaces the modules a tenant rents (at least one). */
  setModules: manufacturerProcedure(P.manageTenants)
    .input(z.object({ tenantId: id('tenants'), modules: ModuleCodes }))
    .mutation(async ({ ctx, input }) => {
      const tenant = await ctx.write((w) => setTenantModules(w, ctx.principal.userId, input));
      ctx.principals.invalidate({ tenantId: tenant.id });
      return describe(ctx, tenant);
    }),

  /** Sets how many machines a tenant may hold; not below the machines it holds now. */
  setMachineQuota: manufacturerProcedure(P.manageTenants)
    .input(z.object({ tenantId: id('tenants'), machineQuota: Quantity }))
    .mutation(async ({ ctx, input }) => {
      const tenant = await ctx.write((w) => setMachineQuota(w, ctx.principal.userId, input));
      return describe(ctx, tenant);
    }),

  /** Updates a tenant's contact details. */
  setContact: manufacturerProcedure(P.manageTenants)
    .input(z.object({ tenantId: id('tenants'), contactName: OptionalText(64), contactPhone: Phone.nullish() }))
    .mutation(async ({ ctx, input }) => {
      const tenant = await ctx.write((w) =>
        setTenantContact(w, { keyring: ctx.keyring, by: ctx.principal.userId }, input),
      );
      return describe(ctx, tenant);
    }),
});
