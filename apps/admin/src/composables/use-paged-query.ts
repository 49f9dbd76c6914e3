/**
 * Server-side paging for a table with a filter form above it. Works with both of the
 * API's list shapes:
 *
 * - offset lists (`{ limit, offset }` -> `{ items, total }`): any page can be opened;
 * - keyset lists (`{ limit, cursor }` -> `{ items, nextCursor }`, orders, audit log): pages
 *   go forward and back (the cursors of pages seen are kept); `total` is unknown, so use
 *   `hasNext` with an ElPagination of `layout="prev, pager, next"` and `:total="knownTotal"`.
 *
 *     const filter = reactive({ search: '', status: undefined as string | undefined });
 *     const list = usePagedQuery(
 *       ({ limit, offset }) => api.products.list.query({ ...filter, limit, offset }),
 *       { pageSize: 20, filter },
 *     );
 *     // <ElForm :model="filter" inline> ... <ElButton @click="list.search()"> <ElButton @click="list.reset()">
 *     // <PageState :state="list.state.value" :error="list.error.value" @retry="list.reload()">
 *     //   <ElTable :data="list.rows.value" v-loading="list.loading.value"> ...
 *     // <ElPagination v-model:current-page="list.page.value" v-model:page-size="list.pageSize.value" :total="list.total.value" />
 *
 * Changing `page` or `pageSize` loads that page; a response that arrives after a newer
 * request is dropped.
 */
import { computed, getCurrentInstance, onMounted, ref, shallowRef, toRaw, watch, type Ref } from 'vue';
import { failureCode } from '../api/client';
import type { PageStateName } from '../components/page-state';

export interface PageRequest {
  limit: number;
  /** Rows to skip, for offset lists. */
  offset: number;
  /** The previous page's `nextCursor`, for keyset lists (null on the first page). */
  cursor: string | null;
}

export interface PageResponse<Row> {
  items: Row[];
  /** Offset lists: every matching row. */
  total?: number;
  /** Keyset lists: where the next page starts; null on the last. */
  nextCursor?: string | null;
}

export interface PagedQueryOptions<Filter extends object> {
  /** Rows per page (default 20). */
  pageSize?: number;
  /** The filter form's reactive model: `reset()` puts back its first values. */
  filter?: Filter;
  /** Load the first page when the component mounts (default true; outside a component, at once). */
  immediate?: boolean;
}

export interface PagedQuery<Row> {
  /** The current page, from 1. */
  page: Ref<number>;
  pageSize: Ref<number>;
  /** Offset lists: the number of matching rows; keyset lists: the rows known so far, plus one page when there is a next. */
  total: Ref<number>;
  rows: Ref<Row[]>;
  loading: Ref<boolean>;
  /** The last load's failure, or null. */
  error: Ref<unknown>;
  /** Whether a later page exists. */
  hasNext: Ref<boolean>;
  /** True when the list pages by cursor (known after the first response). */
  keyset: Ref<boolean>;
  /** `loading` (first load), `error`, `refused` (FORBIDDEN), `empty` or `ready`, for PageState. */
  state: Ref<PageStateName>;
  /** Loads the first page with the filter as it is now. */
  search(): Promise<void>;
  /** Puts the filter back as it was and searches. */
  reset(): Promise<void>;
  /** Loads the current page again. */
  reload(): Promise<void>;
}

export function usePagedQuery<Row, Filter extends object = Record<string, never>>(
  fetchPage: (request: PageRequest) => Promise<PageResponse<Row>>,
  options: PagedQueryOptions<Filter> = {},
): PagedQuery<Row> {
  const page = ref(1);
  const pageSize = ref(options.pageSize ?? 20);
  const total = ref(0);
  const rows = shallowRef<Row[]>([]) as Ref<Row[]>;
  const loading = ref(false);
  const error = shallowRef<unknown>(null);
  const hasNext = ref(false);
  const keyset = ref(false);
  const loaded = ref(false);
  const initialFilter = options.filter ? structuredClone(toRawDeep(options.filter)) : undefined;
  /** Keyset lists: the cursor each page starts at (index 0 = page 1). */
  let cursors: (string | null)[] = [null];
  let request = 0;
  /** The page the last load asked for: the watcher loads `page` only when it moves elsewhere. */
  let requested = 0;

  async function load(): Promise<void> {
    const mine = ++request;
    const target = page.value;
    requested = target;
    loading.value = true;
    try {
      const cursor = keyset.value ? (cursors[target - 1] ?? null) : null;
      const response = await fetchPage({
        limit: pageSize.value,
        offset: (target - 1) * pageSize.value,
        cursor,
      });
      if (mine !== request) return;
      rows.value = response.items;
      error.value = null;
      if (response.nextCursor !== undefined) {
        keyset.value = true;
        cursors = cursors.slice(0, target);
        cursors[target] = response.nextCursor;
        hasNext.value = response.nextCursor !== null;
        total.value = (target - 1) * pageSize.value + response.items.length + (hasNext.value ? pageSize.value : 0);
      } else {
        total.value = response.total ?? response.items.length;
        hasNext.value = target * pageSize.value < total.value;
      }
    } catch (cause) {
      if (mine !== request) return;
      error.value = cause;
    } finally {
      if (mine === request) {
        loading.value = false;
        loaded.value = true;
      }
    }
  }

  async function search(): Promise<void> {
    cursors = [null];
    page.value = 1;
    await load();
  }

  async function reset(): Promise<void> {
    if (options.filter && initialFilter) {
      const filter = options.filter as Record<string, unknown>;
      for (const key of Object.keys(filter)) if (!(key in initialFilter)) delete filter[key];
      Object.assign(filter, structuredClone(initialFilter));
    }
    await search();
  }

  watch(page, (next, previous) => {
    if (next === requested) return;
    // A keyset list can only step to a page whose cursor is known.
    if (keyset.value && next > cursors.length) {
      page.value = previous;
      return;
    }
    void load();
  });
  watch(pageSize, () => void search());

  const state = computed<PageStateName>(() => {
    if (!loaded.value) return 'loading';
    if (error.value) return failureCode(error.value) === 'FORBIDDEN' ? 'refused' : 'error';
    return rows.value.length === 0 && page.value === 1 ? 'empty' : 'ready';
  });

  if (options.immediate ?? true) {
    if (getCurrentInstance()) onMounted(() => void load());
    else void load();
  }

  return { page, pageSize, total, rows, loading, error, hasNext, keyset, state, search, reset, reload: load };
}

/** A plain copy of a reactive object, for structuredClone (which refuses proxies). */
function toRawDeep<T>(value: T): T {
  const raw = toRaw(value);
  if (Array.isArray(raw)) return raw.map((v: unknown) => toRawDeep(v)) as T;
  if (raw && typeof raw === 'object' && !(raw instanceof Date)) {
    return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, toRawDeep(v)])) as T;
  }
  return raw;
}
