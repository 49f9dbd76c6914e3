/**
 * An operator's own lease: what it rents until when, what renewing costs, and renewing;
 * what changing its modules and machine count costs for the rest of the lease, and
 * ordering that change.
 * Open to the operator admin (permission P.renewLease, which no module gates) even while the lease has ended or the
 * tenant is suspended, so that an expired tenant can renew.
 */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { LeaseMonths, MachineCount, ModuleCodes } from './terms.js';
import { changeLease, quoteLeaseChange } from './lease-change.js';
import { cancelLeaseOrder, leaseStatus, leaseTerms, renewalQuote, renewLease } from './lease.js';
import { id } from '../shared/input.js';
import { P } from '../access/catalog.js';
import { QR_PROVIDER } from '../payments/checkout.js';
import { refused } from '../shared/errors.js';
import { offerLeasePayment } from './lease-payment.js';

const leaseProcedure = operatorProcedure(P.renewLease).meta({ allowRestricted: true });

/** The terms a change asks for: the modules to rent and the machine quota. */
const TermsChange = z.object({ modules: ModuleCodes, machines: MachineCount });

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
   * Orders `months` more of the lease: a pending lease order for the fee. The lease end
   * moves on (from the later of now and its current end) once the order is paid, or the
   * manufacturer confirms it (`factory.leaseOrders.confirm`). One pending order at a time.
   */
  renew: leaseProcedure.input(z.object({ months: LeaseMonths })).mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const order = await ctx.write((w) =>
      renewLease(w, w.scope, ctx.principal.userId, { months: input.months, field: 'modules', paid: false }, now),
    );
    ctx.principals.invalidate({ tenantId: ctx.tenantId });
    return plain(order);
  }),

  /**
   * What changing the rented modules and machine quota to these costs for the rest of the
   * lease (whole months, rounded up): the fee difference, 0 when the change costs less.
   */
  quoteChange: leaseProcedure
    .input(TermsChange)
    .query(async ({ ctx, input }) => plain(await quoteLeaseChange(ctx.scope, ctx.platform, input, ctx.now()))),

  /**
   * Orders a change of the rented modules and machine quota for the rest of the lease: a
   * pending lease order of kind `change` for the fee difference. Applied (the lease's end
   * unmoved) once paid or confirmed by the manufacturer. One pending order at a time.
   */
  change: leaseProcedure.input(TermsChange).mutation(async ({ ctx, input }) => {
    const now = ctx.now();
    const order = await ctx.write((w) => changeLease(w, w.scope, ctx.principal.userId, input, now));
    return plain(order);
  }),

  /**
   * A QR to pay one of the tenant's pending lease orders online (tenants/lease-payment.ts):
   * the one made before while it can be paid, else a new one; the provider's notification
   * then pays the order. Answers `status: 'paid'` when a payment had arrived meanwhile.
   */
  pay: leaseProcedure.input(z.object({ id: id('leaseOrders') })).mutation(async ({ ctx, input }) => {
    const provider = ctx.devices.providers[QR_PROVIDER];
    if (!provider) throw refused('id', `${QR_PROVIDER} payments are not configured on this platform`);
    const offer = await offerLeasePayment(
      { provider, publicUrl: ctx.devices.settings.publicUrl, now: ctx.now },
      ctx.scope,
      ctx.write,
      input.id,
    );
    if (offer.status === 'paid') ctx.principals.invalidate({ tenantId: ctx.tenantId });
    return offer;
  }),

  /** Cancels one of the tenant's own pending lease orders. */
  cancel: leaseProcedure.input(z.object({ id: id('leaseOrders') })).mutation(async ({ ctx, input }) => {
    const order = await ctx.write((w) => cancelLeaseOrder(w, w.scope, ctx.principal.userId, input.id));
    return plain(order);
  }),
});
