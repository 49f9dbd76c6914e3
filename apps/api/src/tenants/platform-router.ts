/**
 * Renting the platform: what is on offer, what a lease costs, and registering a new
 * operator tenant. Anyone may call these.
 *
 * A registration's lease order (the fee shown in the quote) is `pending`, and the tenant
 * may only renew, pay or cancel until the order is paid or the manufacturer confirms it
 * (`factory.leaseOrders.confirm`); the one-time free trial records an order of fee 0 marked
 * `trial`, running at once for TRIAL_MONTHS month(s) with the modules and machines chosen.
 */
import { z } from 'zod';
import { plain } from '../shared/plain.js';
import { publicProcedure, router } from '../trpc/init.js';
import { rateLimit, REGISTRATIONS } from '../auth/throttle.js';
import { Registration, registerTenant } from './register.js';
import {
  chosenModules,
  LEASE_MONTHS,
  LeaseMonths,
  MachineCount,
  ModuleCodes,
  offeredModules,
  pricingAt,
  quoteFor,
  TRIAL_MONTHS,
} from './terms.js';

export const platformRouter = router({
  /** The modules on offer with their monthly rents, the machine rent, the volume discounts and the periods. */
  offer: publicProcedure.query(async ({ ctx }) => {
    const [modules, pricing, tiers] = await Promise.all([
      offeredModules(ctx.db.platform),
      pricingAt(ctx.db.platform, ctx.now()),
      ctx.db.platform.discountTiers.find({ orderBy: (t) => [t.minMachines] }),
    ]);
    return {
      modules: modules.map((m) => ({
        code: m.code,
        name: m.name,
        description: m.description,
        monthlyRent: m.monthlyRent,
      })),
      machineMonthlyRent: pricing.machineMonthlyRent,
      discountTiers: tiers.map((t) => ({ minMachines: t.minMachines, discountBasisPoints: t.discountBasisPoints })),
      months: [...LEASE_MONTHS],
      trialMonths: TRIAL_MONTHS,
    };
  }),

  /** What renting these modules for this many machines and months costs, in fen, before confirming. */
  quote: publicProcedure
    .input(z.object({ modules: ModuleCodes, machines: MachineCount, months: LeaseMonths }))
    .query(async ({ ctx, input }) => {
      const modules = await chosenModules(ctx.db.platform, input.modules);
      const quote = await quoteFor(
        ctx.db.platform,
        { modules, machines: input.machines, months: input.months },
        ctx.now(),
      );
      return {
        ...quote,
        modules: modules.map((m) => ({ code: m.code, name: m.name, monthlyRent: m.monthlyRent })),
        /** The fee before the volume discount. */
        gross: quote.months * (quote.moduleMonthlyRent + quote.machines * quote.machineMonthlyRent),
      };
    }),

  /**
   * Rents the platform: creates the operator tenant, its admin user, its roles from the
   * manufacturer's templates and its modules, and records the lease order; all at once.
   * Each attempt counts towards the limit of its source address (REGISTRATIONS), whatever
   * its answer: a refusal tells whether a code or name is taken, one of the three
   * sign-in factors.
   */
  register: publicProcedure.input(Registration).mutation(async ({ ctx, input }) => {
    await rateLimit(
      ctx.db.platform,
      ctx.now(),
      'register',
      ctx.request.ip,
      REGISTRATIONS,
      'Too many registrations from this address',
    );
    const opened = await registerTenant(
      ctx.db,
      { keyring: ctx.keyring, passwordCost: ctx.passwordCost, now: ctx.now(), request: ctx.request },
      input,
    );
    const { tenant, admin, order } = opened;
    return {
      tenant: plain({
        id: tenant.id,
        code: tenant.code,
        name: tenant.name,
        leaseStartsAt: tenant.leaseStartsAt,
        leaseEndsAt: tenant.leaseEndsAt,
        machineQuota: tenant.machineQuota,
        timeZone: tenant.timeZone,
      }),
      adminUsername: admin.username,
      order: plain(order),
    };
  }),
});
