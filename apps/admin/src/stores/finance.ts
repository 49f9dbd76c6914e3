/**
 * The turnover hand-ins the finance admin works through: the list with its filter and sums,
 * and the decisions (confirm, reject with a reason) that move a submitted hand-in on. A
 * decision updates the row in place and the sums, without reloading the list.
 */
import { defineStore } from 'pinia';
import { computed, reactive, ref } from 'vue';
import { api, type ApiClient } from '../api/client';
import type { Turnover, TurnoverList, TurnoverStatus } from '../api/finance';

export interface TurnoverFilter {
  staffId: string;
  status: TurnoverStatus | '';
  /** Periods starting within these days (both included). */
  days: [string, string] | null;
  limit: number;
}

const initialFilter = (): TurnoverFilter => ({ staffId: '', status: 'submitted', days: null, limit: 100 });

/** Sums of cash and mobile of the hand-ins listed that are not rejected. */
export function sumsOf(items: readonly Pick<Turnover, 'cashAmount' | 'mobileAmount' | 'status'>[]) {
  const counted = items.filter((t) => t.status !== 'rejected');
  const cash = counted.reduce((s, t) => s + t.cashAmount, 0);
  const mobile = counted.reduce((s, t) => s + t.mobileAmount, 0);
  return { cash, mobile, total: cash + mobile };
}

export const useFinanceStore = defineStore('finance', () => {
  const filter = reactive<TurnoverFilter>(initialFilter());
  const items = ref<Turnover[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = ref<unknown>(null);
  /** Whether the list reached its limit (older hand-ins may be left out). */
  const truncated = ref(false);
  let request = 0;

  const sums = computed(() => sumsOf(items.value));
  const pending = computed(() => items.value.filter((t) => t.status === 'submitted').length);

  async function load(client: ApiClient = api): Promise<void> {
    const mine = ++request;
    loading.value = true;
    try {
      const list: TurnoverList = await client.finance.turnovers.query({
        staffId: filter.staffId || undefined,
        status: filter.status || undefined,
        from: filter.days?.[0],
        to: filter.days?.[1],
        limit: filter.limit,
      });
      if (mine !== request) return;
      items.value = list.items;
      truncated.value = list.items.length >= filter.limit;
      error.value = null;
      loaded.value = true;
    } catch (e) {
      if (mine === request) error.value = e;
    } finally {
      if (mine === request) loading.value = false;
    }
  }

  function resetFilter(client: ApiClient = api): Promise<void> {
    Object.assign(filter, initialFilter());
    return load(client);
  }

  /** Puts the API's answer in place of the row (keeping the staff name the list added). */
  function replace(updated: Omit<Turnover, 'staffName' | 'staffUsername'>): void {
    items.value = items.value.map((t) => (t.id === updated.id ? { ...t, ...updated } : t));
  }

  async function confirm(id: string, note?: string, client: ApiClient = api): Promise<void> {
    replace(await client.finance.confirmTurnover.mutate({ id, note: note || undefined }));
  }

  /** Rejects with the reason, kept as the hand-in's note. */
  async function reject(id: string, reason: string, client: ApiClient = api): Promise<void> {
    replace(await client.finance.rejectTurnover.mutate({ id, note: reason }));
  }

  return { filter, items, loaded, loading, error, truncated, sums, pending, load, resetFilter, confirm, reject };
});
