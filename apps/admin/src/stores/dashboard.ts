/**
 * The dashboard's overview, refreshed in place: `refresh()` asks the API again and swaps
 * the summary in when it answers; a failure after a good answer keeps what is shown (and
 * says so in `error`) rather than blanking the page.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { api, failureCode, type ApiClient } from '../api/client';
import { fetchDashboard, type DashboardSummary } from '../api/dashboard';
import type { PageStateName } from '../components/page-state';

export const useDashboardStore = defineStore('dashboard', () => {
  const summary = shallowRef<DashboardSummary | null>(null);
  const error = shallowRef<unknown>(null);
  const loading = ref(false);
  /** When the shown summary was fetched. */
  const loadedAt = ref<Date | null>(null);
  let request = 0;
  let client: ApiClient = api;

  /** Uses another client (component tests). */
  function useClient(other: ApiClient): void {
    client = other;
  }

  async function refresh(): Promise<void> {
    const mine = ++request;
    loading.value = true;
    try {
      const next = await fetchDashboard(client);
      if (mine !== request) return;
      summary.value = next;
      error.value = null;
      loadedAt.value = new Date();
    } catch (cause) {
      if (mine === request) error.value = cause;
    } finally {
      if (mine === request) loading.value = false;
    }
  }

  const state = computed<PageStateName>(() => {
    if (summary.value) return 'ready';
    if (error.value) return failureCode(error.value) === 'FORBIDDEN' ? 'refused' : 'error';
    return 'loading';
  });

  /** The 30 days' revenue and orders as chart series (yuan). */
  const byDay = computed(() => {
    const rows = summary.value?.byDay ?? [];
    return {
      labels: rows.map((r) => r.day.slice(5)),
      revenue: rows.map((r) => r.revenue / 100),
      orders: rows.map((r) => r.orders),
    };
  });
  const byHour = computed(() => {
    const rows = summary.value?.byHour ?? [];
    return {
      labels: rows.map((r) => String(r.hour).padStart(2, '0')),
      revenue: rows.map((r) => r.revenue / 100),
      orders: rows.map((r) => r.orders),
    };
  });

  return { summary, error, loading, loadedAt, state, byDay, byHour, refresh, useClient };
});
