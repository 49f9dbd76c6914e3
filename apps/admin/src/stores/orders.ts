/**
 * The orders list over millions of rows: the API pages by keyset (each page names the
 * cursor of the next), so the store keeps the cursors of the pages seen to page back, and
 * the filter the pages were read with so that an export downloads the same rows.
 */
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { api, failureCode, type ApiClient } from '../api/client';
import {
  downloadExport,
  exportUrl,
  type Order,
  type OrderFilter,
  type OrderListInput,
  type OrderStatus,
  type PaymentMethod,
} from '../api/orders';

export interface OrderFilterForm {
  machineId: string;
  status: OrderStatus | '';
  paymentMethod: PaymentMethod | '';
  /** [from, to) as the date picker gives them; to is the end of the range (exclusive). */
  range: [Date, Date] | null;
}

export type LoadState = 'loading' | 'error' | 'refused' | 'empty' | 'ready';

/** The API's filter from the form's. */
export function toFilter(form: OrderFilterForm): OrderFilter {
  return {
    machineId: form.machineId || undefined,
    status: form.status || undefined,
    paymentMethod: form.paymentMethod || undefined,
    from: form.range?.[0],
    to: form.range?.[1],
  };
}

export const useOrdersStore = defineStore('orders', () => {
  let client: ApiClient = api;
  const form = reactive<OrderFilterForm>({ machineId: '', status: '', paymentMethod: '', range: null });
  /** The filter of the pages shown (the form's as of the last search). */
  const applied = ref<OrderFilter>({});
  const pageSize = ref(20);
  /** cursors[i] starts page i + 1; the first page starts at null. */
  const cursors = ref<(string | null)[]>([null]);
  const nextCursor = ref<string | null>(null);
  const rows = ref<Order[]>([]);
  const state = ref<LoadState>('loading');
  const error = ref<unknown>(null);
  /** How long the last page took to arrive, in ms. */
  const lastMs = ref(0);
  let request = 0;

  function useClient(other: ApiClient) {
    client = other;
  }

  function input(cursor: string | null): OrderListInput {
    return { ...applied.value, limit: pageSize.value, cursor };
  }

  /** Reads the page that `cursors`' last entry starts. */
  async function load() {
    const mine = ++request;
    const started = performance.now();
    state.value = 'loading';
    error.value = null;
    try {
      const page = await client.orders.list.query(input(cursors.value[cursors.value.length - 1] ?? null));
      if (mine !== request) return;
      rows.value = page.items;
      nextCursor.value = page.nextCursor;
      lastMs.value = performance.now() - started;
      state.value = page.items.length === 0 ? 'empty' : 'ready';
    } catch (e) {
      if (mine !== request) return;
      error.value = e;
      state.value = failureCode(e) === 'FORBIDDEN' ? 'refused' : 'error';
    }
  }

  /** The first page of the form's filter. */
  function search() {
    applied.value = toFilter(form);
    cursors.value = [null];
    return load();
  }

  function reset() {
    form.machineId = '';
    form.status = '';
    form.paymentMethod = '';
    form.range = null;
    return search();
  }

  function next() {
    if (!nextCursor.value) return Promise.resolve();
    cursors.value = [...cursors.value, nextCursor.value];
    return load();
  }

  function previous() {
    if (cursors.value.length <= 1) return Promise.resolve();
    cursors.value = cursors.value.slice(0, -1);
    return load();
  }

  function setPageSize(size: number) {
    pageSize.value = size;
    cursors.value = [null];
    return load();
  }

  /** Machines whose name, board id or device number holds `search`, for the machine filter. */
  async function findMachines(search: string) {
    const page = await client.machines.list.query({ search: search.trim() || undefined, limit: 50 });
    return page.items.map((m) => ({ id: m.id, label: m.name ? `${m.name} (${m.boardId})` : m.boardId }));
  }

  /** Downloads the orders of the filter shown as a CSV file (amounts in yuan). */
  function exportCsv() {
    return downloadExport(exportUrl({ ...applied.value, amountUnit: 'yuan' }));
  }

  return {
    form,
    applied,
    pageSize,
    cursors,
    nextCursor,
    rows,
    state,
    error,
    lastMs,
    useClient,
    load,
    search,
    reset,
    next,
    previous,
    setPageSize,
    findMachines,
    exportCsv,
  };
});
