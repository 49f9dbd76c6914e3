/**
 * The terms a lease is sold on, read from the database: the machine rent in effect, the
 * volume discount tiers and the modules on offer; the periods one may choose; and the
 * lease orders that record each purchase or renewal.
 */
import { randomInt } from 'node:crypto';
import { asc, desc, lte, type PlatformScope, type Row, type Tables } from '@vmcloud/db';
import { z } from 'zod';
import { MODULES } from '../access/catalog.js';
import { quoteLease, type LeaseQuote } from './fee.js';
import { preconditionFailed, refused } from '../shared/errors.js';

/** The lease periods one may choose, in months. */
export const LEASE_MONTHS = [1, 3, 6, 12, 24, 36] as const;

/** How long the one-time free trial lasts, in months. */
export const TRIAL_MONTHS = 1;

/** A lease period: one of LEASE_MONTHS. */
export const LeaseMonths = z.literal(LEASE_MONTHS, { error: `must be one of ${LEASE_MONTHS.join(', ')} months` });

/** A rentable module, by its code. */
export const ModuleCode = z.enum(MODULES.map((m) => m.code) as [string, ...string[]], {
  error: 'must be a module code',
});

/** The modules to rent: at least one, each once. */
export const ModuleCodes = z
  .array(ModuleCode, { error: 'must be a list of module codes' })
  .min(1, 'choose at least one module')
  .max(MODULES.length, 'lists too many modules')
  .refine((codes) => new Set(codes).size === codes.length, 'lists a module twice');

/** A number of machines: a whole number from 1 up. */
export const MachineCount = z
  .number({ error: 'must be a whole number of machines' })
  .int('must be a whole number of machines')
  .min(1, 'must be at least 1')
  .max(100_000, 'is too large');

type Module = Row<Tables['modules']>;
type PricingRule = Row<Tables['pricingRules']>;

/** The machine rent in effect at `now`: the rule with the latest `effectiveFrom` not after it. */
export async function pricingAt(platform: PlatformScope, now: Date): Promise<PricingRule> {
  const [rule] = await platform.pricingRules.find({
    where: (p) => lte(p.effectiveFrom, now),
    orderBy: (p) => [desc(p.effectiveFrom), desc(p.createdAt)],
    limit: 1,
  });
  if (!rule) throw preconditionFailed('No machine rent is in effect yet');
  return rule;
}

/** The modules on offer (enabled), in the order the console lists them. */
export async function offeredModules(platform: PlatformScope): Promise<Module[]> {
  const all = await platform.modules.find({ orderBy: (m) => [asc(m.sortOrder), asc(m.code)] });
  return all.filter((m) => m.enabled);
}

/** The rows of the chosen modules; a module that is not offered is refused, naming `field`. */
export async function chosenModules(
  platform: PlatformScope,
  codes: readonly string[],
  field = 'modules',
): Promise<Module[]> {
  const offered = new Map((await offeredModules(platform)).map((m) => [m.code, m]));
  return codes.map((code) => {
    const module = offered.get(code);
    if (!module) throw refused(field, `${code} is not offered`);
    return module;
  });
}

/** What renting `modules` for `machines` machines and `months` months costs at `now`. */
export async function quoteFor(
  platform: PlatformScope,
  input: { modules: readonly Module[]; machines: number; months: number },
  now: Date,
): Promise<LeaseQuote> {
  const [pricing, tiers] = await Promise.all([pricingAt(platform, now), platform.discountTiers.find()]);
  return quoteLease({
    months: input.months,
    machines: input.machines,
    moduleRents: input.modules.map((m) => m.monthlyRent),
    machineMonthlyRent: pricing.machineMonthlyRent,
    tiers,
  });
}

/** `date` moved `months` calendar months on (UTC), the day clamped to the month's last day. */
export function addMonths(date: Date, months: number): Date {
  const d = new Date(date.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** A new lease order number: `L`, the date, and ten random digits. */
export function leaseOrderNo(now: Date): string {
  const date = now.toISOString().slice(0, 10).replace(/-/g, '');
  const random = String(randomInt(0, 100_000)).padStart(5, '0') + String(randomInt(0, 100_000)).padStart(5, '0');
  return `L${date}${random}`;
}
