/**
 * The lease page: the lease's state and orders, the renewal quote for the chosen months,
 * and the API's quote of a change of modules and machine count for the rest of the lease.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import {
  changeLease,
  leaseOffer,
  leaseStatus,
  quoteChange as quoteChangeOf,
  renewalQuote,
  renewLease,
  type ChangeQuote,
  type LeaseMonths,
  type LeaseStatus,
  type Offer,
  type RenewalQuote,
  type TermsChange,
} from '../api/lease';

export type { TermsChange };

export const useLeaseStore = defineStore('lease', () => {
  const status = ref<LeaseStatus | null>(null);
  const loading = ref(false);
  const error = ref<unknown>(null);

  const quote = ref<RenewalQuote | null>(null);
  const quoting = ref(false);
  const quoteError = ref<unknown>(null);

  const offer = ref<Offer | null>(null);
  const changeQuote = ref<ChangeQuote | null>(null);
  const quotingChange = ref(false);
  const changeQuoteError = ref<unknown>(null);

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      status.value = await leaseStatus();
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
    }
  }

  let quoteCall = 0;
  async function quoteRenewal(months: LeaseMonths): Promise<void> {
    const call = ++quoteCall;
    quoting.value = true;
    quoteError.value = null;
    try {
      const q = await renewalQuote(months);
      if (call === quoteCall) quote.value = q;
    } catch (e) {
      if (call === quoteCall) {
        quote.value = null;
        quoteError.value = e;
      }
    } finally {
      if (call === quoteCall) quoting.value = false;
    }
  }

  async function renew(months: LeaseMonths) {
    const order = await renewLease(months);
    await load();
    return order;
  }

  async function loadOffer(): Promise<void> {
    if (!offer.value) offer.value = await leaseOffer();
  }

  let changeCall = 0;
  /** Asks the API what changing to `terms` costs for the rest of the lease; the last call asked wins. */
  async function quoteChange(terms: TermsChange): Promise<void> {
    const call = ++changeCall;
    quotingChange.value = true;
    changeQuoteError.value = null;
    try {
      const q = await quoteChangeOf(terms);
      if (call === changeCall) changeQuote.value = q;
    } catch (e) {
      if (call === changeCall) {
        changeQuote.value = null;
        changeQuoteError.value = e;
      }
    } finally {
      if (call === changeCall) quotingChange.value = false;
    }
  }

  /** Forgets the change quote (the terms are the current ones again). */
  function clearChangeQuote(): void {
    changeCall++;
    changeQuote.value = null;
    changeQuoteError.value = null;
    quotingChange.value = false;
  }

  /** Orders the change to `terms` (pending until paid) and reloads the lease. */
  async function change(terms: TermsChange) {
    const order = await changeLease(terms);
    await load();
    return order;
  }

  return {
    status,
    loading,
    error,
    quote,
    quoting,
    quoteError,
    offer,
    changeQuote,
    quotingChange,
    changeQuoteError,
    load,
    quoteRenewal,
    renew,
    loadOffer,
    quoteChange,
    clearChangeQuote,
    change,
  };
});
