/**
 * The operator tenants as the manufacturer manages them: finding one, what it looks like
 * (platform data only: the tenant, its lease, its modules, how many machines it holds),
 * suspending and resuming it, deleting one never used, extending its lease, and changing
 * its modules, machine quota and contact. Never the operator's users, sales or stock.
 */
import {
  and,
  eq,
  gt,
  inArray,
  isNull,
  lte,
  ne,
  or,
  sealedAt,
  sql,
  tables,
  tenantTableNames,
  type Keyring,
  type PlatformScope,
  type Row,
  type SQL,
  type Tables,
  type TenantScope,
  type TenantTableName,
} from '@vmcloud/db';
import { openOrNull } from '../shared/sealed.js';
import { notFound, refused } from '../shared/errors.js';
import type { ManufacturerWriter } from '../shared/writer.js';
import { chosenModules } from './terms.js';
import { openTenant, type OpenedTenant, type RegistrationInput } from './register.js';
import type { PasswordCost } from '../auth/password.js';
import { renewLease, rentedModules } from './lease.js';

export type Tenant = Row<Tables['tenants']>;

/** Any tenant's rows: the manufacturer's cross-tenant handle or its transaction. */
export interface Tenants {
  forTenant(tenantId: string): TenantScope;
}

const DAY = 86_400_000;

/** How many days before its end a lease counts as ending soon. */
export const ENDING_SOON_DAYS = 30;

/** An operator tenant by id; the manufacturer itself and unknown ids are not found. */
export async function loadOperator(platform: PlatformScope, tenantId: string): Promise<Tenant> {
  const tenant = await platform.tenants.get(tenantId);
  if (!tenant || tenant.kind !== 'operator') throw notFound('Tenant');
  return tenant;
}

/** The tenant as the manufacturer sees it: no secrets, the contact phone decrypted. */
export async function describeTenant(
  deps: { tenants: Tenants; platform: PlatformScope; keyring: Keyring; now: Date },
  tenant: Tenant,
) {
  const scope = deps.tenants.forTenant(tenant.id);
  const machinesHeld = await scope.machines.count();
  const modules = await rentedModules(scope, deps.platform);
  return {
    id: tenant.id,
    code: tenant.code,
    name: tenant.name,
    status: tenant.status,
    contactName: tenant.contactName,
    contactPhone: await openOrNull(deps.keyring, tenant.contactPhone, sealedAt('tenants', 'contactPhone', tenant)),
    leaseStartsAt: tenant.leaseStartsAt,
    leaseEndsAt: tenant.leaseEndsAt,
    leaseEnded: !tenant.leaseEndsAt || tenant.leaseEndsAt.getTime() <= deps.now.getTime(),
    machineQuota: tenant.machineQuota,
    machinesHeld,
    trialUsed: tenant.trialUsed,
    timeZone: tenant.timeZone,
    modules: modules.map((m) => m.code),
    createdAt: tenant.createdAt,
    updatedAt: tenant.updatedAt,
  };
}

export interface TenantFilter {
  search?: string | null;
  status?: 'active' | 'suspended';
  lease?: 'running' | 'ending_soon' | 'ended';
}

/** The operator tenants matching `filter` at `now`, as one condition. */
export function operatorFilter(filter: TenantFilter, now: Date) {
  const soon = new Date(now.getTime() + ENDING_SOON_DAYS * DAY);
  return (t: Tables['tenants']['sqlite']): SQL | undefined => {
    const parts: (SQL | undefined)[] = [eq(t.kind, 'operator')];
    if (filter.search) {
      const needle = filter.search.toLowerCase();
      parts.push(sql`(instr(lower(${t.name}), ${needle}) > 0 or instr(${t.code}, ${needle}) > 0)`);
    }
    if (filter.status) parts.push(eq(t.status, filter.status));
    if (filter.lease === 'running') parts.push(gt(t.leaseEndsAt, now));
    if (filter.lease === 'ending_soon') parts.push(and(gt(t.leaseEndsAt, now), lte(t.leaseEndsAt, soon)));
    if (filter.lease === 'ended') parts.push(or(isNull(t.leaseEndsAt), lte(t.leaseEndsAt, now)));
    return and(...parts);
  };
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

/** Adds an operator tenant as registration does (its lease order recorded paid), in the manufacturer's audit log. */
export async function addTenant(
  w: ManufacturerWriter,
  deps: { keyring: Keyring; passwordCost?: PasswordCost; now: Date; by: string },
  input: RegistrationInput,
): Promise<OpenedTenant> {
  const result = await openTenant(w.tx, { ...deps, createdBy: deps.by }, input);
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
}

/**
 * Deletes a tenant that was never used: refused while it holds or bought machines, has
 * sales orders, or has users other than its admin.
 */
export async function deleteUnusedTenant(w: ManufacturerWriter, tenantId: string): Promise<void> {
  const tenant = await loadOperator(w.platform, tenantId);
  const scope = w.tx.forTenant(tenant.id);
  const machines = await scope.machines.count();
  const bought = await w.scope.machineSales.count((s) => eq(s.operatorId, tenant.id));
  if (machines > 0 || bought > 0) throw refused('tenantId', 'the tenant holds machines');
  if ((await scope.orders.count()) > 0) throw refused('tenantId', 'the tenant has sales orders');
  if ((await scope.users.count()) > 1) throw refused('tenantId', 'the tenant has users other than its admin');
  const leaseOrders = await scope.leaseOrders.count();
  deletionOrderCache ??= deletionOrder();
  for (const name of deletionOrderCache) await scope[name].deleteWhere(() => undefined);
  await w.platform.tenants.delete(tenant.id);
  await w.audit({
    entity: 'tenants',
    entityId: tenant.id,
    before: { ...tenant, contactPhone: tenant.contactPhone ? '[encrypted]' : null, leaseOrders },
  });
}

/** Suspends or resumes a tenant; refused when it already is so. */
export async function setTenantStatus(
  w: ManufacturerWriter,
  by: string,
  tenantId: string,
  status: 'active' | 'suspended',
): Promise<Tenant> {
  const tenant = await loadOperator(w.platform, tenantId);
  if (tenant.status === status) {
    throw refused('tenantId', `the tenant is already ${status === 'active' ? 'active' : 'suspended'}`);
  }
  await w.platform.tenants.updateWhere((t) => and(eq(t.id, tenant.id), ne(t.status, status)), {
    status,
    updatedBy: by,
  });
  await w.audit({ entity: 'tenants', entityId: tenant.id, before: { status: tenant.status }, after: { status } });
  return { ...tenant, status };
}

/**
 * Extends a tenant's lease by `months` from the later of now and its end, recording a
 * lease order for the current modules and quota (paid, as settled with the manufacturer).
 */
export async function extendLease(
  w: ManufacturerWriter,
  by: string,
  input: { tenantId: string; months: number },
  now: Date,
): Promise<Tenant> {
  const tenant = await loadOperator(w.platform, input.tenantId);
  const order = await renewLease(
    w,
    w.tx.forTenant(tenant.id),
    by,
    { months: input.months, field: 'tenantId', tenant, paid: true },
    now,
  );
  return { ...tenant, leaseEndsAt: order.periodEnd };
}

/** Replaces the modules a tenant rents (at least one). */
export async function setTenantModules(
  w: ManufacturerWriter,
  by: string,
  input: { tenantId: string; modules: readonly string[] },
): Promise<Tenant> {
  const tenant = await loadOperator(w.platform, input.tenantId);
  const scope = w.tx.forTenant(tenant.id);
  const before = (await rentedModules(scope, w.platform)).map((m) => m.code);
  const modules = await chosenModules(w.platform, input.modules);
  const wanted = new Set(modules.map((m) => m.id));
  const current = await scope.tenantModules.find();
  const gone = current.filter((m) => !wanted.has(m.moduleId)).map((m) => m.id);
  if (gone.length > 0) await scope.tenantModules.deleteWhere((m) => inArray(m.id, gone));
  const have = new Set(current.map((m) => m.moduleId));
  const added = modules.filter((m) => !have.has(m.id));
  if (added.length > 0) {
    await scope.tenantModules.insertMany(added.map((m) => ({ moduleId: m.id, createdBy: by })));
  }
  await w.audit({
    entity: 'tenant_modules',
    entityId: tenant.id,
    before: { modules: before },
    after: { modules: modules.map((m) => m.code) },
  });
  return tenant;
}

/** Sets how many machines a tenant may hold; not below the machines it holds now. */
export async function setMachineQuota(
  w: ManufacturerWriter,
  by: string,
  input: { tenantId: string; machineQuota: number },
): Promise<Tenant> {
  const tenant = await loadOperator(w.platform, input.tenantId);
  const held = await w.tx.forTenant(tenant.id).machines.count();
  if (input.machineQuota < held) {
    throw refused('machineQuota', `must not be below the ${held} machines the tenant holds`);
  }
  await w.platform.tenants.update(tenant.id, { machineQuota: input.machineQuota, updatedBy: by });
  await w.audit({
    entity: 'tenants',
    entityId: tenant.id,
    before: { machineQuota: tenant.machineQuota },
    after: { machineQuota: input.machineQuota },
  });
  return { ...tenant, machineQuota: input.machineQuota };
}

/** Updates a tenant's contact details; the phone is stored sealed. */
export async function setTenantContact(
  w: ManufacturerWriter,
  deps: { keyring: Keyring; by: string },
  input: { tenantId: string; contactName: string | null; contactPhone?: string | null },
): Promise<Tenant> {
  const tenant = await loadOperator(w.platform, input.tenantId);
  const patch = {
    contactName: input.contactName,
    contactPhone: input.contactPhone
      ? deps.keyring.encrypt(input.contactPhone, sealedAt('tenants', 'contactPhone', tenant))
      : null,
  };
  await w.platform.tenants.update(tenant.id, { ...patch, updatedBy: deps.by });
  await w.audit({
    entity: 'tenants',
    entityId: tenant.id,
    before: { contactName: tenant.contactName, contactPhoneSet: tenant.contactPhone !== null },
    after: { contactName: patch.contactName, contactPhoneSet: patch.contactPhone !== null },
  });
  return { ...tenant, ...patch };
}
