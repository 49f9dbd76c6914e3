/** The lease orders of every operator, as the manufacturer reads them. */
import { and, desc, eq, gte, lt, type PlatformScope, type Row, type Tables } from '@vmcloud/db';
import { loadOperator, type Tenant, type Tenants } from './operators.js';

type LeaseOrder = Row<Tables['leaseOrders']>;

export interface LeaseOrderFilter {
  tenantId?: string;
  status?: LeaseOrder['status'];
  trial?: boolean;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
}

/** A page of the lease orders of every operator (or one), newest first, each with its tenant. */
export async function listLeaseOrders(
  tenants: Tenants,
  platform: PlatformScope,
  filter: LeaseOrderFilter,
  page: { limit: number; offset: number },
) {
  const operators = filter.tenantId
    ? [await loadOperator(platform, filter.tenantId)]
    : await platform.tenants.find({ where: (t) => eq(t.kind, 'operator') });
  const where = (o: Tables['leaseOrders']['sqlite']) =>
    and(
      filter.status ? eq(o.status, filter.status) : undefined,
      filter.trial !== undefined ? eq(o.trial, filter.trial) : undefined,
      filter.from ? gte(o.createdAt, filter.from) : undefined,
      filter.to ? lt(o.createdAt, filter.to) : undefined,
    );
  const wanted = page.offset + page.limit;
  let total = 0;
  const rows: { order: LeaseOrder; tenant: Tenant }[] = [];
  for (const tenant of operators) {
    const scope = tenants.forTenant(tenant.id);
    const n = await scope.leaseOrders.count(where);
    total += n;
    if (n === 0) continue;
    const found = await scope.leaseOrders.find({
      where,
      orderBy: (o) => [desc(o.createdAt), desc(o.orderNo)],
      limit: wanted,
    });
    rows.push(...found.map((order) => ({ order, tenant })));
  }
  rows.sort(
    (a, b) =>
      b.order.createdAt.getTime() - a.order.createdAt.getTime() || b.order.orderNo.localeCompare(a.order.orderNo),
  );
  return {
    total,
    items: rows
      .slice(page.offset, wanted)
      .map(({ order, tenant }) => ({ ...order, tenant: { id: tenant.id, code: tenant.code, name: tenant.name } })),
  };
}
