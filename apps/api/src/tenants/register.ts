/**
 * Opening an operator tenant: the tenant with its lease, the modules it rents, its roles
 * copied from the manufacturer's operator role templates, its admin user and the lease
 * order that records what it paid. Used by the public registration and by the
 * manufacturer adding a tenant; the caller runs it inside its transaction.
 */
import { DEFAULT_TIME_ZONE, TimeZone } from '../shared/business-day.js';
import {
  and,
  eq,
  inArray,
  newId,
  sealedAt,
  sql,
  type DbHandle,
  type Keyring,
  type Row,
  type Tables,
} from '@vmcloud/db';
import { z } from 'zod';
import { hashPassword, type PasswordCost } from '../auth/password.js';
import { OptionalText, Password, Phone, TenantCode, TenantName, Username } from '../shared/input.js';
import type { LeaseQuote } from './fee.js';
import { refused } from '../shared/errors.js';
import {
  addMonths,
  chosenModules,
  LeaseMonths,
  leaseOrderNo,
  MachineCount,
  ModuleCodes,
  quoteFor,
  TRIAL_MONTHS,
} from './terms.js';

/** What renting the platform asks for. */
export const Registration = z
  .object({
    /** The tenant's name: 1-25 Chinese characters, Latin letters or underscores. */
    name: TenantName,
    /** The 6-digit code its users type at sign-in. */
    code: TenantCode,
    /** The admin's username; 'admin' when not given. */
    adminUsername: Username.optional(),
    /** The admin's initial password. */
    password: Password,
    modules: ModuleCodes,
    machines: MachineCount,
    /** The lease period; not needed for the free trial, whose length is fixed. */
    months: LeaseMonths.optional(),
    /** The one-time free trial of TRIAL_MONTHS month(s). */
    trial: z.boolean().default(false),
    contactName: OptionalText(64),
    contactPhone: Phone.nullish(),
    /** Where the tenant's business days are cut (an IANA time zone). */
    timeZone: TimeZone.default(DEFAULT_TIME_ZONE),
  })
  .superRefine((input, ctx) => {
    if (!input.trial && input.months === undefined) {
      ctx.addIssue({ code: 'custom', path: ['months'], message: 'choose a lease period' });
    }
  });

export type RegistrationInput = z.output<typeof Registration>;

export interface OpenedTenant {
  tenant: Row<Tables['tenants']>;
  admin: Row<Tables['users']>;
  order: Row<Tables['leaseOrders']>;
  quote: LeaseQuote;
}

/** Refuses a tenant name or code another tenant has (names compared without case). */
export async function assertNameAndCodeFree(
  tx: DbHandle,
  input: { name?: string; code?: string },
  exceptTenantId?: string,
): Promise<void> {
  if (input.name !== undefined) {
    const lower = input.name.toLowerCase();
    const taken = await tx.platform.tenants.findOne((t) => sql`lower(${t.name}) = ${lower}`);
    if (taken && taken.id !== exceptTenantId) throw refused('name', 'is taken');
  }
  if (input.code !== undefined) {
    const code = input.code;
    const taken = await tx.platform.tenants.findOne((t) => eq(t.code, code));
    if (taken && taken.id !== exceptTenantId) throw refused('code', 'is taken');
  }
}

/** The manufacturer tenant (there is exactly one). */
export async function manufacturerTenant(tx: DbHandle): Promise<Row<Tables['tenants']>> {
  const manufacturer = await tx.platform.tenants.findOne((t) => eq(t.kind, 'manufacturer'));
  if (!manufacturer) throw new Error('the platform has no manufacturer tenant');
  return manufacturer;
}

/**
 * Copies the manufacturer's operator role templates into the tenant `tenantId`; returns
 * the new role ids by template key.
 */
export async function copyOperatorTemplates(tx: DbHandle, tenantId: string): Promise<Map<string, string>> {
  const factory = tx.forTenant((await manufacturerTenant(tx)).id);
  const templates = await factory.roles.find({
    where: (r) => and(eq(r.kind, 'operator'), eq(r.template, true)),
  });
  const grants =
    templates.length === 0
      ? []
      : await factory.rolePermissions.find({
          where: (rp) =>
            inArray(
              rp.roleId,
              templates.map((r) => r.id),
            ),
        });
  const scope = tx.forTenant(tenantId);
  const byKey = new Map<string, string>();
  for (const template of templates) {
    const role = await scope.roles.insert({
      name: template.name,
      key: template.key,
      kind: 'operator',
      template: false,
      description: template.description,
    });
    const permissionIds = grants.filter((g) => g.roleId === template.id).map((g) => g.permissionId);
    if (permissionIds.length > 0) {
      await scope.rolePermissions.insertMany(permissionIds.map((permissionId) => ({ roleId: role.id, permissionId })));
    }
    if (template.key) byKey.set(template.key, role.id);
  }
  return byKey;
}

/** Opens an operator tenant inside the transaction `tx`; see the file comment. */
export async function openTenant(
  tx: DbHandle,
  deps: { keyring: Keyring; passwordCost?: PasswordCost; now: Date; createdBy?: string | null; paid?: boolean },
  input: RegistrationInput,
): Promise<OpenedTenant> {
  const { now } = deps;
  await assertNameAndCodeFree(tx, input);
  const modules = await chosenModules(tx.platform, input.modules);
  const months = input.trial ? TRIAL_MONTHS : (input.months ?? TRIAL_MONTHS);
  const quote = await quoteFor(tx.platform, { modules, machines: input.machines, months }, now);
  const periodEnd = addMonths(now, months);
  const createdBy = deps.createdBy ?? null;
  // The trial is free; an order the manufacturer places for the operator is settled with it;
  // a registration's fee waits for payment or the manufacturer's confirmation.
  const paid = input.trial || deps.paid !== false;

  const tenantId = newId();
  const tenant = await tx.platform.tenants.insert({
    id: tenantId,
    kind: 'operator',
    code: input.code,
    name: input.name,
    status: 'active',
    contactName: input.contactName ?? null,
    contactPhone: input.contactPhone
      ? deps.keyring.encrypt(input.contactPhone, sealedAt('tenants', 'contactPhone', { id: tenantId }))
      : null,
    // A paid lease runs from now; one waiting for payment starts when it is confirmed.
    leaseStartsAt: paid ? now : null,
    leaseEndsAt: paid ? periodEnd : null,
    machineQuota: input.machines,
    trialUsed: input.trial,
    timeZone: input.timeZone,
    createdBy,
  });
  const scope = tx.forTenant(tenant.id);
  await scope.tenantModules.insertMany(modules.map((m) => ({ moduleId: m.id, createdBy })));

  const roles = await copyOperatorTemplates(tx, tenant.id);
  const adminRole = roles.get('operator_admin');
  if (!adminRole) throw new Error('the operator role templates have no operator_admin');
  const admin = await scope.users.insert({
    username: input.adminUsername ?? 'admin',
    displayName: '商家管理员',
    passwordHash: await hashPassword(input.password, deps.passwordCost),
    createdBy,
  });
  await scope.userRoles.insert({ userId: admin.id, roleId: adminRole, createdBy });

  const order = await scope.leaseOrders.insert({
    orderNo: leaseOrderNo(now),
    kind: 'lease',
    months,
    machines: quote.machines,
    moduleCodes: modules.map((m) => m.code),
    moduleMonthlyRent: quote.moduleMonthlyRent,
    machineMonthlyRent: quote.machineMonthlyRent,
    discountBasisPoints: quote.discountBasisPoints,
    fee: input.trial ? 0 : quote.fee,
    trial: input.trial,
    status: paid ? 'paid' : 'pending',
    periodStart: now,
    periodEnd,
    paidAt: paid ? now : null,
    createdBy,
  });
  return { tenant, admin, order, quote: { ...quote, fee: order.fee } };
}

/**
 * Rents the platform (the public registration): opens the operator tenant in one
 * transaction and records it in the new tenant's audit log as its admin's doing.
 */
export async function registerTenant(
  db: DbHandle,
  deps: {
    keyring: Keyring;
    passwordCost?: PasswordCost;
    now: Date;
    request: { requestId: string; ip: string | null };
  },
  input: RegistrationInput,
): Promise<OpenedTenant> {
  return db.transaction(async (tx) => {
    const result = await openTenant(tx, { ...deps, paid: false }, input);
    const { tenant, admin, order } = result;
    await tx.forTenant(tenant.id).auditLog.insert({
      userId: admin.id,
      action: 'platform.register',
      entity: 'tenants',
      entityId: tenant.id,
      after: {
        code: tenant.code,
        name: tenant.name,
        adminUsername: admin.username,
        modules: order.moduleCodes,
        machines: order.machines,
        months: order.months,
        fee: order.fee,
        trial: order.trial,
        orderNo: order.orderNo,
      },
      requestId: deps.request.requestId,
      ip: deps.request.ip,
      createdBy: admin.id,
    });
    return result;
  });
}
