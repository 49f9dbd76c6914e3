/**
 * The operator's lease: its state and orders, what renewing costs (the API's quote),
 * renewing, what changing the modules or machine count costs for the rest of the lease
 * (the API's quote of the fee difference), and ordering that change. Fees are the API's.
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';
import { api, type ApiClient } from './client';

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type LeaseStatus = Outputs['lease']['status'];
export type LeaseOrder = LeaseStatus['orders'][number];
export type RenewalQuote = Outputs['lease']['quote'];
export type LeaseMonths = Inputs['lease']['quote']['months'];
export type Offer = Outputs['platform']['offer'];
export type ChangeQuote = Outputs['lease']['quoteChange'];
export type TermsChange = Inputs['lease']['quoteChange'];

/** The periods a lease is renewed for, in months (the API's LEASE_MONTHS). */
export const LEASE_MONTHS: readonly LeaseMonths[] = [1, 3, 6, 12, 24, 36];

export function leaseStatus(client: ApiClient = api): Promise<LeaseStatus> {
  return client.lease.status.query();
}

export function renewalQuote(months: LeaseMonths, client: ApiClient = api): Promise<RenewalQuote> {
  return client.lease.quote.query({ months });
}

export function renewLease(months: LeaseMonths, client: ApiClient = api) {
  return client.lease.renew.mutate({ months });
}

/** Cancels one of the tenant's own pending lease orders. */
export function cancelLeaseOrder(id: string, client: ApiClient = api) {
  return client.lease.cancel.mutate({ id });
}

export type LeasePaymentOffer = Outputs['lease']['pay'];

/** A QR to pay a pending lease order online (the one made before while it can be paid, else a new one). */
export function payLeaseOrder(id: string, client: ApiClient = api): Promise<LeasePaymentOffer> {
  return client.lease.pay.mutate({ id });
}

export function leaseOffer(client: ApiClient = api): Promise<Offer> {
  return client.platform.offer.query();
}

/** What changing to `terms` costs for the rest of the lease. */
export function quoteChange(terms: TermsChange, client: ApiClient = api): Promise<ChangeQuote> {
  return client.lease.quoteChange.query(terms);
}

/** Orders the change to `terms`: a pending lease order of kind `change`. */
export function changeLease(terms: TermsChange, client: ApiClient = api) {
  return client.lease.change.mutate(terms);
}
