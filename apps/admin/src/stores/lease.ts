/**
 * The lease page: the lease's state and orders, the renewal quote for the chosen months,
 * and the quote of changed terms next to the current ones (both the API's).
 */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import {
  leaseOffer,
  leaseStatus,
  quoteTerms,
  renewalQuote,
  renewLease,
  type LeaseMonths,
  type LeaseStatus,
  type Offer,
  type RenewalQuote,
  type TermsQuote,
} from '../api/lease';

export interface TermsChange {
  modules: string[];
  machines: number;
  months: LeaseMonths;
}

export const useLeaseStore = defineStore('lease', () => {
  const status = ref<LeaseStatus | null>(null);
  const loading = ref(false);
  const error = ref<unknown>(null);

  const quote = ref<RenewalQuote | null>(null);
  const quoting = ref(false);
  const quoteError = ref<unknown>(null);

  const offer = ref<Offer | null>(null);
  const current = ref<TermsQuote | null>(null);
  const changed = ref<TermsQuote | null>(null);
  const comparing = ref(false);
  const compareError = ref<unknown>(null);

  /** What the change costs more (positive) or less (negative) than the current terms, for the same months. */
  const difference = computed(() => (current.value && changed.value ? changed.value.fee - current.value.fee : null));

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

  let compareCall = 0;
  /** Quotes the current terms and `change` for the same months. */
  async function compare(change: TermsChange): Promise<void> {
    const lease = status.value;
    if (!lease) return;
    const call = ++compareCall;
    comparing.value = true;
    compareError.value = null;
    try {
      const [now, next] = await Promise.all([
        quoteTerms({
          modules: lease.modules.map((m) => m.code),
          machines: Math.max(1, lease.machineQuota),
          months: change.months,
        }),
        quoteTerms(change),
      ]);
      if (call !== compareCall) return;
      current.value = now;
      changed.value = next;
    } catch (e) {
      if (call === compareCall) {
        changed.value = null;
        compareError.value = e;
      }
    } finally {
      if (call === compareCall) comparing.value = false;
    }
  }

  return {
    status,
    loading,
    error,
    quote,
    quoting,
    quoteError,
    offer,
    current,
    changed,
    comparing,
    compareError,
    difference,
    load,
    quoteRenewal,
    renew,
    loadOffer,
    compare,
  };
});
