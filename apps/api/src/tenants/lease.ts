/**
 * A tenant's lease moving on: the operator renewing its own and the manufacturer extending
 * one both buy `months` more of the modules the tenant rents now, for its machine quota,
 * from the later of now and the lease's end, recorded as a lease order.
 *
 * An order the operator places (registration, renewal) is `pending`: it buys nothing until
 * the manufacturer confirms it was paid (`confirmLeaseOrder`, with an audit row) or the
 * payment interface records the payment; until then the operator can only cancel it. The
 * manufacturer's own extension is paid at once, as settled with it.
 *
 * Lease orders are of two kinds: `lease` buys months of the order's terms (registration,
 * renewal, extension); `change` replaces the rented modules and machine quota for the
 * rest of the lease, for the fee difference (ordered in `lease-change.ts`, applied here
 * when confirmed, the lease's end unmoved).
 */
import { asc, desc, inArray, type PlatformScope, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { conflict, notFound, refused } from '../shared/errors.js';
import { addMonths, leaseOrderNo, quoteFor } from './terms.js';
import type { LeaseQuote } from './fee.js';
import type { Writer } from '../shared/writer.js';

type Tenant = Row<Tables['tenants']>;
type Module = Row<Tables['modules']>;
type LeaseOrder = Row<Tables['leaseOrders']>;

/** The modules a tenant rents (`scope` is the tenant's), in the order the console lists them. */
export async function rentedModules(scope: TenantScope, platform: PlatformScope): Promise<Module[]> {
  const ids = (await scope.tenantModules.find()).map((m) => m.moduleId);
  if (ids.length === 0) return [];
  return platform.modules.find({ where: (m) => inArray(m.id, ids), orderBy: (m) => [asc(m.sortOrder), asc(m.code)] });
}

/** The lease of the tenant `scope` belongs to: period, machine quota, machines held, modules and its lease orders. */
export async function leaseStatus(scope: TenantScope, platform: PlatformScope) {
  const tenant = await platform.tenants.get(scope.tenantId);
  if (!tenant) throw notFound('Tenant');
  const modules = await rentedModules(scope, platform);
  const orders = await scope.leaseOrders.find({ orderBy: (o) => [desc(o.createdAt), desc(o.orderNo)] });
  return {
    leaseStartsAt: tenant.leaseStartsAt,
    leaseEndsAt: tenant.leaseEndsAt,
    status: tenant.status,
    machineQuota: tenant.machineQuota,
    machinesHeld: await scope.machines.count(),
    modules: modules.map((m) => ({ code: m.code, name: m.name, monthlyRent: m.monthlyRent })),
    orders,
  };
}

/** The period renewing for `months` buys: from the lease's end, or from now when it has already ended. */
export function renewalPeriod(leaseEndsAt: Date | null, now: Date, months: number) {
  const periodStart = leaseEndsAt && leaseEndsAt.getTime() > now.getTime() ? leaseEndsAt : now;
  return { periodStart, periodEnd: addMonths(periodStart, months) };
}

export interface LeaseTerms {
  tenant: Tenant;
  modules: Module[];
  /** The machines a renewal pays for: the quota, at least one. */
  machines: number;
}

/**
 * What a renewal of the tenant `scope` belongs to is on: its modules as rented now and its
 * machine quota. A tenant renting no module is refused, naming `field`.
 */
export async function leaseTerms(
  scope: TenantScope,
  platform: PlatformScope,
  field: string,
  tenant?: Tenant,
): Promise<LeaseTerms> {
  const row = tenant ?? (await platform.tenants.get(scope.tenantId));
  if (!row) throw notFound('Tenant');
  const modules = await rentedModules(scope, platform);
  if (modules.length === 0) throw refused(field, 'the tenant rents no module to renew');
  return { tenant: row, modules, machines: Math.max(1, row.machineQuota) };
}

/** What renewing `terms` for `months` costs at `now`, and the period it buys. */
export async function renewalQuote(platform: PlatformScope, terms: LeaseTerms, months: number, now: Date) {
  const quote: LeaseQuote = await quoteFor(platform, { modules: terms.modules, machines: terms.machines, months }, now);
  return { ...quote, ...renewalPeriod(terms.tenant.leaseEndsAt, now, months) };
}

/** What a lease renewal writes through. */
export type LeaseWriter = Pick<Writer, 'platform' | 'audit'>;

/**
 * Renews the lease of the tenant `scope` belongs to for `months`: a paid lease order for
 * its current terms, the lease's end moved on, and an audit entry. Returns the order.
 */
export async function renewLease(
  w: LeaseWriter,
  scope: TenantScope,
  by: string,
  input: { months: number; field: string; tenant?: Tenant; paid: boolean },
  now: Date,
): Promise<LeaseOrder> {
  if (!input.paid && (await scope.leaseOrders.findOneBy({ status: 'pending' }))) {
    throw conflict('A lease order is already waiting for payment; pay or cancel it first');
  }
  const terms = await leaseTerms(scope, w.platform, input.field, input.tenant);
  const { tenant, modules, machines } = terms;
  const quote = await renewalQuote(w.platform, terms, input.months, now);
  const order = await scope.leaseOrders.insert({
    orderNo: leaseOrderNo(now),
    kind: 'lease',
    months: input.months,
    machines,
    moduleCodes: modules.map((m) => m.code),
    moduleMonthlyRent: quote.moduleMonthlyRent,
    machineMonthlyRent: quote.machineMonthlyRent,
    discountBasisPoints: quote.discountBasisPoints,
    fee: quote.fee,
    status: input.paid ? 'paid' : 'pending',
    periodStart: quote.periodStart,
    periodEnd: quote.periodEnd,
    paidAt: input.paid ? now : null,
    createdBy: by,
  });
  if (!input.paid) {
    await w.audit({
      entity: 'lease_orders',
      entityId: order.id,
      after: { orderNo: order.orderNo, kind: order.kind, fee: order.fee, months: order.months, status: order.status },
    });
    return order;
  }
  await w.platform.tenants.update(tenant.id, { leaseEndsAt: quote.periodEnd, updatedBy: by });
  await w.audit({
    entity: 'tenants',
    entityId: tenant.id,
    before: { leaseEndsAt: tenant.leaseEndsAt },
    after: { leaseEndsAt: quote.periodEnd, orderNo: order.orderNo, fee: order.fee, months: order.months },
  });
  return order;
}

/**
 * The manufacturer confirms that a pending lease order of `scope`'s tenant was paid (the
 * payment interface does the same once a payment is recorded). A `lease` order: the
 * order is paid now and the lease runs `months` from the later of now and its current
 * end (a registration's first period starts now). A `change` order: the rented modules
 * and the machine quota become the order's, its period runs from now to the lease's end,
 * which does not move. Recorded in the audit log by `w`.
 */
export async function confirmLeaseOrder(
  w: LeaseWriter,
  scope: TenantScope,
  by: string | null,
  orderId: string,
  now: Date,
  /** Paid online: the provider's trade, kept on the order (`by` is then null). */
  paidWith?: { tradeNo: string | null },
): Promise<LeaseOrder> {
  const order = await scope.leaseOrders.get(orderId);
  if (!order) throw notFound('Lease order');
  if (order.status !== 'pending') throw conflict(`The lease order is ${order.status}, not pending`);
  const tenant = await w.platform.tenants.get(scope.tenantId);
  if (!tenant) throw notFound('Tenant');
  if (order.kind === 'change') {
    const periodEnd = tenant.leaseEndsAt ?? order.periodEnd;
    const periodStart = now.getTime() < periodEnd.getTime() ? now : periodEnd;
    const terms = await applyLeaseChange(w, scope, by, tenant, order);
    await scope.leaseOrders.update(order.id, {
      status: 'paid',
      paidAt: now,
      periodStart,
      periodEnd,
      tradeNo: paidWith?.tradeNo ?? order.tradeNo,
      updatedBy: by,
    });
    await w.audit({
      entity: 'lease_orders',
      entityId: order.id,
      before: { status: order.status, ...terms.before },
      after: {
        status: 'paid',
        kind: order.kind,
        ...(paidWith ? { paidOnline: paidWith } : { confirmedBy: by }),
        orderNo: order.orderNo,
        fee: order.fee,
        ...terms.after,
        leaseEndsAt: tenant.leaseEndsAt,
      },
    });
    return { ...order, status: 'paid', paidAt: now, periodStart, periodEnd };
  }
  const { periodStart, periodEnd } = renewalPeriod(tenant.leaseEndsAt, now, order.months);
  await scope.leaseOrders.update(order.id, {
    status: 'paid',
    paidAt: now,
    periodStart,
    periodEnd,
    tradeNo: paidWith?.tradeNo ?? order.tradeNo,
    updatedBy: by,
  });
  await w.platform.tenants.update(tenant.id, {
    leaseEndsAt: periodEnd,
    leaseStartsAt: tenant.leaseStartsAt ?? periodStart,
    updatedBy: by,
  });
  await w.audit({
    entity: 'lease_orders',
    entityId: order.id,
    before: { status: order.status, leaseEndsAt: tenant.leaseEndsAt },
    after: {
      status: 'paid',
      kind: order.kind,
      ...(paidWith ? { paidOnline: paidWith } : { confirmedBy: by }),
      orderNo: order.orderNo,
      fee: order.fee,
      periodStart,
      periodEnd,
    },
  });
  return { ...order, status: 'paid', paidAt: now, periodStart, periodEnd };
}

/**
 * Applies a paid change order to `tenant`: its rented modules become the order's and its
 * machine quota the order's machine count; the lease's end stays. Refused when the
 * tenant has come to hold more machines than the order's count since it was placed.
 * Returns the terms before and after, for the audit entry.
 */
async function applyLeaseChange(
  w: LeaseWriter,
  scope: TenantScope,
  by: string | null,
  tenant: Tenant,
  order: LeaseOrder,
) {
  const held = await scope.machines.count();
  if (order.machines < held) {
    throw conflict(
      `The tenant now holds ${held} machines, more than the ${order.machines} of this change; cancel it and order again`,
    );
  }
  const before = (await rentedModules(scope, w.platform)).map((m) => m.code);
  // By code, whether or not still offered: the order was placed and paid for them.
  const modules = await w.platform.modules.find({
    where: (m) => inArray(m.code, order.moduleCodes),
    orderBy: (m) => [asc(m.sortOrder), asc(m.code)],
  });
  if (modules.length === 0) throw conflict('The lease order names no known module');
  const wanted = new Set(modules.map((m) => m.id));
  const current = await scope.tenantModules.find();
  const gone = current.filter((m) => !wanted.has(m.moduleId)).map((m) => m.id);
  if (gone.length > 0) await scope.tenantModules.deleteWhere((m) => inArray(m.id, gone));
  const have = new Set(current.map((m) => m.moduleId));
  const added = modules.filter((m) => !have.has(m.id));
  if (added.length > 0) {
    await scope.tenantModules.insertMany(added.map((m) => ({ moduleId: m.id, createdBy: by })));
  }
  await w.platform.tenants.update(tenant.id, { machineQuota: order.machines, updatedBy: by });
  return {
    before: { modules: before, machineQuota: tenant.machineQuota },
    after: { modules: modules.map((m) => m.code), machineQuota: order.machines },
  };
}

/** The operator cancels its own pending lease order. */
export async function cancelLeaseOrder(
  w: LeaseWriter,
  scope: TenantScope,
  by: string,
  orderId: string,
): Promise<LeaseOrder> {
  const order = await scope.leaseOrders.get(orderId);
  if (!order) throw notFound('Lease order');
  if (order.status !== 'pending') throw conflict(`The lease order is ${order.status}, not pending`);
  await scope.leaseOrders.update(order.id, { status: 'cancelled', updatedBy: by });
  await w.audit({
    entity: 'lease_orders',
    entityId: order.id,
    before: { status: 'pending' },
    after: { status: 'cancelled', kind: order.kind, orderNo: order.orderNo },
  });
  return { ...order, status: 'cancelled' };
}
