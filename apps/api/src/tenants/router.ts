/**
 * The manufacturer's view of the operator tenants: list, detail, add, suspend, resume,
 * delete an unused one, extend a lease, change the modules and the machine quota.
 * It shows platform data only (the tenant, its lease, its lease orders, how many
 * machines it holds), never the operator's users, sales or stock.
 */
import { TRPCError } from '@trpc/server';
import {
  and,
  asc,
  desc,
  eq,
  gt,
  inArray,
  isNull,
  lte,
  ne,
  or,
  sql,
  tables,
  tenantTableNames,
  type DbHandle,
  type Row,
  type SQL,
  type Tables,
  type TenantTableName,
} from '@vmcloud/db';
import { z } from 'zod';
import type { Context } from '../trpc/context.js';
import { manufacturerProcedure, router, type Writer } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, OptionalText, Quantity } from '../shared/input.js';
import { openTenant, Phone, Registration } from './register.js';
import { addMonths, chosenModules, LeaseMonths, leaseOrderNo, ModuleCodes, quoteFor } from './terms.js';
import { P } from '../access/catalog.js';

type Tenant = Row<Tables['tenants']>;

const DAY = 86_400_000;

/** How many days before its end a lease counts as ending soon. */
export const ENDING_SOON_DAYS = 30;

/** An operator tenant by id; the manufacturer itself and unknown ids are not found. */
export async function loadOperator(platform: PlatformScope, tenantId: string): Promise<Tenant> {
  const tenant = await platform.tenants.get(tenantId);
  if (!tenant || tenant.kind !== 'operator') throw new TRPCError({ code: 'NOT_FOUND', message: 'Tenant not found' });
  return tenant;
}

/** The module codes a tenant rents. */
async function modulesOf(
  tenants: CrossTenant,
  platform: PlatformScope,
  tenantId: string,
): Promise<Row<Tables['modules']>[]> {
  const ids = (await tenants.forTenant(tenantId).tenantModules.find()).map((m) => m.moduleId);
  if (ids.length === 0) return [];
  return platform.modules.find({ where: (m) => inArray(m.id, ids), orderBy: (m) => [asc(m.sortOrder)] });
}

/** The tenant as the manufacturer sees it: no secrets, the contact phone decrypted. */
async function describe(ctx: { tenants: CrossTenant; platform: PlatformScope; keyring: Keyring }, tenant: Tenant) {
  const machinesHeld = await ctx.tenants.forTenant(tenant.id).machines.count();
  const modules = await modulesOf(ctx.tenants, ctx.platform, tenant.id);
  return plain({
    id: tenant.id,
    code: tenant.code,
    name: tenant.name,
    status: tenant.status,
    contactName: tenant.contactName,
    contactPhone: tenant.contactPhone ? await ctx.keyring.decrypt(tenant.contactPhone) : null,
    leaseStartsAt: tenant.leaseStartsAt,
    leaseEndsAt: tenant.leaseEndsAt,
    leaseEnded: !tenant.leaseEndsAt || tenant.leaseEndsAt.getTime() <= ctx.now().getTime(),
    machineQuota: tenant.machineQuota,
    machinesHeld,
    trialUsed: tenant.trialUsed,
    modules: modules.map((m) => m.code),
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
  });
}

/**
 * The tenant tables in an order that deletes rows before the rows they point to: a
 * table comes after every tenant table that references it.
 */
function deletionOrder(): TenantTableName[] {
  const names = new Set<string>(tenantTableNames);
  const keyOf = new Map(Object.entries(tables).map(([key, def]) => [def, key]));
  const refs = new Map<string, Set<string>>();
  for (const name of tenantTableNames) {
    const targets = new Set<string>();
    for (const col of Object.values(tables[name].columns) as { spec: { references?: { table: () => unknown } } }[]) {
      const target = col.spec.references ? keyOf.get(col.spec.references.table() as never) : undefined;
      if (target && target !== name && names.has(target)) targets.add(target);
    }
    refs.set(name, targets);
  }
  // Kahn's algorithm on "is referenced by": a table may go once nothing left references it.
  const order: TenantTableName[] = [];
  const left = new Set<string>(tenantTableNames);
  while (left.size > 0) {
    const free = [...left].filter((t) => ![...left].some((other) => refs.get(other)?.has(t)));
    if (free.length === 0) throw new Error('the tenant tables reference each other in a cycle');
    for (const t of free) {
      left.delete(t);
      order.push(t as TenantTableName);
    }
  }
  return order;
}

let deletionOrderCache: TenantTableName[] | undefined;

const TenantRef = z.object({ tenantId: id('tenants') });

export const tenantsRouter = router({
  /** The operator tenants, filtered by name or code, status and lease state, a page at a time. */
  list: manufacturerProcedure(P.viewTenants)
    .input(
      z.object({
        search: OptionalText(25),
        status: z.enum(['active', 'suspended']).optional(),
        lease: z.enum(['running', 'ending_soon', 'ended']).optional(),
        limit: z.number().int().min(1).max(100).default(20),
        offset: z.number().int().min(0).max(1_000_000).default(0),
      }),
    )
    .query(async ({ ctx, input }) => {
      const now = ctx.now();
      const soon = new Date(now.getTime() + ENDING_SOON_DAYS * DAY);
      const filter = (t: (typeof tables)['tenants']['sqlite']): SQL | undefined => {
        const parts: (SQL | undefined)[] = [eq(t.kind, 'operator')];
        if (input.search) {
          const needle = input.search.toLowerCase();
          parts.push(sql`(instr(lower(${t.name}), ${needle}) > 0 or instr(${t.code}, ${needle}) > 0)`);
        }
        if (input.status) parts.push(eq(t.status, input.status));
        if (input.lease === 'running') parts.push(gt(t.leaseEndsAt, now));
        if (input.lease === 'ending_soon') parts.push(and(gt(t.leaseEndsAt, now), lte(t.leaseEndsAt, soon)));
        if (input.lease === 'ended') parts.push(or(isNull(t.leaseEndsAt), lte(t.leaseEndsAt, now)));
        return and(...parts);
      };
      const { rows, total } = await ctx.platform.tenants.page({
        where: filter,
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
      const opened = await ctx.write(async (w) => {
        const result = await openTenant(
          w.tx,
          { keyring: ctx.keyring, passwordCost: ctx.passwordCost, now: ctx.now(), createdBy: ctx.principal.userId },
          input,
        );
        await w.audit({
          entity: 'tenants',
          entityId: result.tenant.id,
          after: {
            code: result.tenant.code,
            name: result.tenant.name,
            adminUsername: result.admin.username,
            orderNo: result.order.orderNo,
            fee: result.order.fee,
          },
        });
        return result;
      });
      return {
        ...(await describe(ctx, opened.tenant)),
        adminUsername: opened.admin.username,
        order: plain(opened.order),
      };
    }),

  /** Suspends a tenant: its users can then only sign in to renew; its machines keep selling. */
  suspend: manufacturerProcedure(P.manageTenants)
    .input(TenantRef)
    .mutation(async ({ ctx, input }) => setStatus(ctx, input.tenantId, 'suspended')),

  /** Lifts a suspension. */
  resume: manufacturerProcedure(P.manageTenants)
    .input(TenantRef)
    .mutation(async ({ ctx, input }) => setStatus(ctx, input.tenantId, 'active')),

  /**
   * Deletes a tenant that was never used: refused while it holds or bought machines, has
   * sales orders, or has users other than its admin.
   */
  delete: manufacturerProcedure(P.manageTenants)
    .input(TenantRef)
    .mutation(async ({ ctx, input }) => {
      await ctx.write(async (w) => {
        const tenant = await loadOperator(w.platform, input.tenantId);
        const scope = w.tx.forTenant(tenant.id);
        const machines = await scope.machines.count();
        const bought = await w.scope.machineSales.count((s) => eq(s.operatorId, tenant.id));
        if (machines > 0 || bought > 0) {
          throw new TRPCError({ code: 'BAD_REQUEST', message: 'tenantId: the tenant holds machines' });
        }
        if ((await scope.orders.count()) > 0) {
          throw new TRPCError({ code: 'BAD_REQUEST', message: 'tenantId: the tenant has sales orders' });
        }
        if ((await scope.users.count()) > 1) {
          throw new TRPCError({ code: 'BAD_REQUEST', message: 'tenantId: the tenant has users other than its admin' });
        }
        const leaseOrders = await scope.leaseOrders.count();
        deletionOrderCache ??= deletionOrder();
        for (const name of deletionOrderCache) await scope[name].deleteWhere(() => undefined);
        await w.platform.tenants.delete(tenant.id);
        await w.audit({
          entity: 'tenants',
          entityId: tenant.id,
          before: { ...tenant, contactPhone: tenant.contactPhone ? '[encrypted]' : null, leaseOrders },
        });
      });
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
      const tenant = await ctx.write(async (w) => {
        const tenant = await loadOperator(w.platform, input.tenantId);
        const modules = await modulesOf(w.tx, tenant.id);
        if (modules.length === 0) throw new TRPCError({ code: 'BAD_REQUEST', message: 'tenantId: rents no module' });
        const machines = Math.max(1, tenant.machineQuota);
        const quote = await quoteFor(w.platform, { modules, machines, months: input.months }, now);
        const start = tenant.leaseEndsAt && tenant.leaseEndsAt.getTime() > now.getTime() ? tenant.leaseEndsAt : now;
        const end = addMonths(start, input.months);
        const order = await w.tx.forTenant(tenant.id).leaseOrders.insert({
          orderNo: leaseOrderNo(now),
          months: input.months,
          machines,
          moduleCodes: modules.map((m) => m.code),
          moduleMonthlyRent: quote.moduleMonthlyRent,
          machineMonthlyRent: quote.machineMonthlyRent,
          discountBasisPoints: quote.discountBasisPoints,
          fee: quote.fee,
          status: 'paid',
          periodStart: start,
          periodEnd: end,
          paidAt: now,
          createdBy: ctx.principal.userId,
        });
        await w.platform.tenants.update(tenant.id, { leaseEndsAt: end, updatedBy: ctx.principal.userId });
        await w.audit({
          entity: 'tenants',
          entityId: tenant.id,
          before: { leaseEndsAt: tenant.leaseEndsAt },
          after: { leaseEndsAt: end, orderNo: order.orderNo, fee: order.fee },
        });
        return { ...tenant, leaseEndsAt: end };
      });
      ctx.principals.invalidate({ tenantId: tenant.id });
      return describe(ctx, tenant);
    }),

  /** Replaces the modules a tenant rents (at least one). */
  setModules: manufacturerProcedure(P.manageTenants)
    .input(z.object({ tenantId: id('tenants'), modules: ModuleCodes }))
    .mutation(async ({ ctx, input }) => {
      const tenant = await ctx.write(async (w) => {
        const tenant = await loadOperator(w.platform, input.tenantId);
        const before = (await modulesOf(w.tx, tenant.id)).map((m) => m.code);
        const modules = await chosenModules(w.platform, input.modules);
        const scope = w.tx.forTenant(tenant.id);
        const wanted = new Set(modules.map((m) => m.id));
        const current = await scope.tenantModules.find();
        const gone = current.filter((m) => !wanted.has(m.moduleId)).map((m) => m.id);
        if (gone.length > 0) await scope.tenantModules.deleteWhere((m) => inArray(m.id, gone));
        const have = new Set(current.map((m) => m.moduleId));
        const added = modules.filter((m) => !have.has(m.id));
        if (added.length > 0) {
          await scope.tenantModules.insertMany(added.map((m) => ({ moduleId: m.id, createdBy: ctx.principal.userId })));
        }
        await w.audit({
          entity: 'tenant_modules',
          entityId: tenant.id,
          before: { modules: before },
          after: { modules: modules.map((m) => m.code) },
        });
        return tenant;
      });
      ctx.principals.invalidate({ tenantId: tenant.id });
      return describe(ctx, tenant);
    }),

  /** Sets how many machines a tenant may hold; not below the machines it holds now. */
  setMachineQuota: manufacturerProcedure(P.manageTenants)
    .input(z.object({ tenantId: id('tenants'), machineQuota: Quantity }))
    .mutation(async ({ ctx, input }) => {
      const tenant = await ctx.write(async (w) => {
        const tenant = await loadOperator(w.platform, input.tenantId);
        const held = await w.tx.forTenant(tenant.id).machines.count();
        if (input.machineQuota < held) {
          throw new TRPCError({
            code: 'BAD_REQUEST',
            message: `machineQuota: must not be below the ${held} machines the tenant holds`,
          });
        }
        await w.platform.tenants.update(tenant.id, {
          machineQuota: input.machineQuota,
          updatedBy: ctx.principal.userId,
        });
        await w.audit({
          entity: 'tenants',
          entityId: tenant.id,
          before: { machineQuota: tenant.machineQuota },
          after: { machineQuota: input.machineQuota },
        });
        return { ...tenant, machineQuota: input.machineQuota };
      });
      return describe(ctx, tenant);
    }),

  /** Updates a tenant's contact details. */
  setContact: manufacturerProcedure(P.manageTenants)
    .input(z.object({ tenantId: id('tenants'), contactName: OptionalText(64), contactPhone: Phone.nullish() }))
    .mutation(async ({ ctx, input }) => {
      const tenant = await ctx.write(async (w) => {
        const tenant = await loadOperator(w.platform, input.tenantId);
        const patch = {
          contactName: input.contactName,
          contactPhone: input.contactPhone ? ctx.keyring.encrypt(input.contactPhone) : null,
        };
        await w.platform.tenants.update(tenant.id, { ...patch, updatedBy: ctx.principal.userId });
        await w.audit({
          entity: 'tenants',
          entityId: tenant.id,
          before: { contactName: tenant.contactName, contactPhoneSet: tenant.contactPhone !== null },
          after: { contactName: patch.contactName, contactPhoneSet: patch.contactPhone !== null },
        });
        return { ...tenant, ...patch };
      });
      return describe(ctx, tenant);
    }),
});

type ManufacturerContext = Context & {
  principal: { userId: string };
  write: <T>(fn: (w: Writer) => Promise<T>) => Promise<T>;
};

async function setStatus(ctx: ManufacturerContext, tenantId: string, status: 'active' | 'suspended') {
  const tenant = await ctx.write(async (w) => {
    const tenant = await loadOperator(w.platform, tenantId);
    if (tenant.status === status) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `tenantId: the tenant is already ${status === 'active' ? 'active' : 'suspended'}`,
      });
    }
    await w.platform.tenants.updateWhere((t) => and(eq(t.id, tenant.id), ne(t.status, status)), {
      status,
      updatedBy: ctx.principal.userId,
    });
    await w.audit({ entity: 'tenants', entityId: tenant.id, before: { status: tenant.status }, after: { status } });
    return { ...tenant, status };
  });
  ctx.principals.invalidate({ tenantId });
  return describe(ctx, tenant);
}
