/**
 * Changing the terms of a running lease: the operator chooses other modules and another
 * machine quota for the rest of its lease and pays the fee difference.
 *
 * How the difference is counted:
 *   - The rest of the lease is counted in whole months from now, a started month counted
 *     in full: the fewest months `n` (at least 1) with now + n months at or after the
 *     lease's end (`remainingMonths`).
 *   - Both terms are priced for those months with the same fee function as registration
 *     and renewal (`quoteFor`: the rent in effect now, each side with its own volume
 *     discount); the difference is the new terms' fee minus the current terms' fee.
 *   - A change that costs less (fewer modules or machines) costs 0: nothing is refunded.
 *     It still makes a lease order, which the manufacturer confirms like any other.
 *
 * Who may change what:
 *   - Only a running lease changes: an ended one (or one whose first period is not paid
 *     yet) is renewed first.
 *   - One pending lease order at a time, as for a renewal.
 *   - The machine count is a whole number not below the machines the tenant holds now
 *     (and within the bounds registration takes, `MachineCount`); the modules are offered
 *     module codes, at least one, each once (`ModuleCodes`). Terms equal to the current
 *     ones are refused.
 *
 * The order is `pending`, of kind `change`, carrying the new modules and machine count,
 * the rest of the lease as its period and the difference as its fee. Nothing changes
 * until it is paid or the manufacturer confirms it (`confirmLeaseOrder`, which applies
 * it: the rented modules and the machine quota are replaced, the lease's end stays).
 * What a user may do follows the modules rented at the next call (the session's
 * permissions are filtered by them), so a module given up takes its permissions with it.
 */
import { type PlatformScope, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { conflict, notFound, preconditionFailed, refused } from '../shared/errors.js';
import type { LeaseQuote } from './fee.js';
import { leaseTerms, rentedModules, type LeaseWriter } from './lease.js';
import { addMonths, chosenModules, leaseOrderNo, quoteFor } from './terms.js';

type Tenant = Row<Tables['tenants']>;
type LeaseOrder = Row<Tables['leaseOrders']>;

/** The terms asked for: the modules to rent and the machine quota. */
export interface TermsChangeInput {
  modules: readonly string[];
  machines: number;
}

/** The whole months from `now` to `leaseEndsAt`, a started month counted in full (at least 1). */
export function remainingMonths(now: Date, leaseEndsAt: Date): number {
  let months = 1;
  while (addMonths(now, months).getTime() < leaseEndsAt.getTime()) months++;
  return months;
}

export interface ChangeQuote {
  /** The rest of the lease, in whole months (rounded up). */
  months: number;
  periodStart: Date;
  periodEnd: Date;
  machinesHeld: number;
  /** The current terms priced for `months`. */
  current: LeaseQuote;
  /** The new terms priced for `months`. */
  changed: LeaseQuote;
  /** changed.fee - current.fee: negative when the change costs less. */
  difference: number;
  /** What the change costs: the difference, or 0 when it costs less (no refund). */
  fee: number;
  moduleCodes: string[];
}

/** The running lease of `tenant`, or a refusal: ended, or not started. */
function runningLeaseEnd(tenant: Tenant, now: Date): Date {
  const end = tenant.leaseEndsAt;
  if (!end || end.getTime() <= now.getTime()) {
    throw preconditionFailed('The lease has ended: renew it first, then change its terms');
  }
  return end;
}

/**
 * What changing the lease of the tenant `scope` belongs to to `input` costs at `now`;
 * see the file comment. Refuses an ended lease, unknown modules, and a machine count
 * below the machines the tenant holds (naming `machines`).
 */
export async function quoteLeaseChange(
  scope: TenantScope,
  platform: PlatformScope,
  input: TermsChangeInput,
  now: Date,
): Promise<ChangeQuote> {
  const terms = await leaseTerms(scope, platform, 'modules');
  const periodEnd = runningLeaseEnd(terms.tenant, now);
  if (!Number.isInteger(input.machines) || input.machines < 1) {
    throw refused('machines', 'must be a whole number of machines, at least 1');
  }
  if (input.modules.length === 0) throw refused('modules', 'choose at least one module');
  if (new Set(input.modules).size !== input.modules.length) throw refused('modules', 'lists a module twice');
  const machinesHeld = await scope.machines.count();
  if (input.machines < machinesHeld) {
    throw refused('machines', `must not be below the ${machinesHeld} machines the tenant holds`);
  }
  const modules = await chosenModules(platform, input.modules, 'modules');
  const months = remainingMonths(now, periodEnd);
  const [current, changed] = await Promise.all([
    quoteFor(platform, { modules: terms.modules, machines: terms.machines, months }, now),
    quoteFor(platform, { modules, machines: input.machines, months }, now),
  ]);
  const difference = changed.fee - current.fee;
  return {
    months,
    periodStart: now,
    periodEnd,
    machinesHeld,
    current,
    changed,
    difference,
    fee: Math.max(0, difference),
    moduleCodes: modules.map((m) => m.code),
  };
}

/**
 * Orders the change of the lease of the tenant `scope` belongs to: a pending lease order
 * of kind `change` for the fee difference, audited. One pending order at a time; terms
 * equal to the current ones are refused.
 */
export async function changeLease(
  w: LeaseWriter,
  scope: TenantScope,
  by: string,
  input: TermsChangeInput,
  now: Date,
): Promise<LeaseOrder> {
  if (await scope.leaseOrders.findOneBy({ status: 'pending' })) {
    throw conflict('A lease order is already waiting for payment; pay or cancel it first');
  }
  const quote = await quoteLeaseChange(scope, w.platform, input, now);
  const tenant = await w.platform.tenants.get(scope.tenantId);
  if (!tenant) throw notFound('Tenant');
  const rented = new Set((await rentedModules(scope, w.platform)).map((m) => m.code));
  const sameModules = quote.moduleCodes.length === rented.size && quote.moduleCodes.every((c) => rented.has(c));
  if (sameModules && input.machines === tenant.machineQuota) {
    throw refused('modules', 'the terms are the ones rented now: choose other modules or another machine count');
  }
  const order = await scope.leaseOrders.insert({
    orderNo: leaseOrderNo(now),
    kind: 'change',
    months: quote.months,
    machines: input.machines,
    moduleCodes: quote.moduleCodes,
    moduleMonthlyRent: quote.changed.moduleMonthlyRent,
    machineMonthlyRent: quote.changed.machineMonthlyRent,
    discountBasisPoints: quote.changed.discountBasisPoints,
    fee: quote.fee,
    status: 'pending',
    periodStart: quote.periodStart,
    periodEnd: quote.periodEnd,
    paidAt: null,
    createdBy: by,
  });
  await w.audit({
    entity: 'lease_orders',
    entityId: order.id,
    before: { modules: [...rented], machineQuota: tenant.machineQuota },
    after: {
      orderNo: order.orderNo,
      kind: 'change',
      modules: order.moduleCodes,
      machines: order.machines,
      months: order.months,
      difference: quote.difference,
      fee: order.fee,
      status: order.status,
    },
  });
  return order;
}
