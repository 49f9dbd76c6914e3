/**
 * An operator's own lease: what it rents until when, what renewing costs, and renewing.
 * Open to the operator admin (permission P.renewLease, which no module gates) even while the lease has ended or the
 * tenant is suspended, so that an expired tenant can renew.
 */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { LeaseMonths } from './terms.js';
import { leaseStatus, leaseTerms, renewalQuote, renewLease } from './lease.js';
import { P } from '../access/catalog.js';

const leaseProcedure = operatorProcedure(P.renewLease).meta({ allowRestricted: true });

export const leaseRouter = router({
  /** The tenant's lease: period, machine quota, machines held, modules and its lease orders. */
  status: leaseProcedure.query(async ({ ctx }) => ({
    ...plain(await leaseStatus(ctx.scope, ctx.platform)),
    restricted: ctx.principal.restricted,
  })),

  /** What renewing the current modules and machine quota for `months` costs, and the period it buys. */
  quote: leaseProcedure.input(z.object({ months: LeaseMonths })).query(async ({ ctx, input }) => {
    const terms = await leaseTerms(ctx.scope, ctx.platform, 'modules');
    return plain(await renewalQuote(ctx.platform, terms, input.months, ctx.now()));
  }),

  /**
   * Renews the lease for `months` more: the lease end moves on from the later of now and
   * its current end, and a lease order records the fee (paid: no payment provider yet).
   */
  renew: leaseProcedure.input(z.object({ months: LeaseMonths })).mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const order = await ctx.write((w) =>
      renewLease(w, w.scope, ctx.principal.userId, { months: input.months, field: 'modules' }, now),
    );
    ctx.principals.invalidate({ tenantId: ctx.tenantId });
    return plain(order);
  }),
});
