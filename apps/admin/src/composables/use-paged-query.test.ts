import { TRPCClientError } from '@trpc/client';
import { describe, expect, it, vi } from 'vitest';
import { nextTick, reactive } from 'vue';
import { usePagedQuery, type PageRequest } from './use-paged-query';

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
  await nextTick();
};

const ROWS = Array.from({ length: 45 }, (_, i) => ({ id: i + 1, name: i % 2 ? 'cola' : 'chips' }));

describe('usePagedQuery over an offset list', () => {
  function setup() {
    const filter = reactive({ search: '' });
    const requests: (PageRequest & { search: string })[] = [];
    const fetchPage = vi.fn((request: PageRequest) => {
      requests.push({ ...request, search: filter.search });
      const rows = ROWS.filter((r) => !filter.search || r.name === filter.search);
      return Promise.resolve({ items: rows.slice(request.offset, request.offset + request.limit), total: rows.length });
    });
    const list = usePagedQuery(fetchPage, { pageSize: 20, filter });
    return { filter, requests, list };
  }

  it('loads the first page, then the page asked for', async () => {
    const { list, requests } = setup();
    expect(list.state.value).toBe('loading');
    await flush();
    expect(list.state.value).toBe('ready');
    expect(list.rows.value.map((r) => r.id)).toEqual(ROWS.slice(0, 20).map((r) => r.id));
    expect(list.total.value).toBe(45);
    list.page.value = 3;
    await flush();
    expect(requests.at(-1)).toMatchObject({ limit: 20, offset: 40 });
    expect(list.rows.value.map((r) => r.id)).toEqual([41, 42, 43, 44, 45]);
    expect(list.hasNext.value).toBe(false);
  });

  it('searches from the first page with the filter, and reset puts the filter back', async () => {
    const { list, filter, requests } = setup();
    await flush();
    list.page.value = 2;
    await flush();
    filter.search = 'cola';
    await list.search();
    expect(list.page.value).toBe(1);
    expect(requests.at(-1)).toMatchObject({ offset: 0, search: 'cola' });
    expect(list.total.value).toBe(22);
    await list.reset();
    expect(filter.search).toBe('');
    expect(list.total.value).toBe(45);
    // search() and reset() load once each, not once more for moving the page.
    expect(requests).toHaveLength(4);
  });

  it('goes back to page 1 when the page size changes', async () => {
    const { list, requests } = setup();
    await flush();
    list.page.value = 2;
    await flush();
    list.pageSize.value = 50;
    await flush();
    expect(list.page.value).toBe(1);
    expect(requests.at(-1)).toMatchObject({ limit: 50, offset: 0 });
    expect(list.rows.value).toHaveLength(45);
  });
});

describe('usePagedQuery over a keyset list', () => {
  it('pages forward with each nextCursor and back with the cursors it kept', async () => {
    const cursors: (string | null)[] = [];
    const list = usePagedQuery(({ limit, cursor }) => {
      cursors.push(cursor);
      const start = cursor ? Number(cursor) : 0;
      const items = ROWS.slice(start, start + limit);
      return Promise.resolve({ items, nextCursor: start + limit < ROWS.length ? String(start + limit) : null });
    });
    await flush();
    expect(list.keyset.value).toBe(true);
    expect(list.hasNext.value).toBe(true);
    list.page.value = 2;
    await flush();
    list.page.value = 3;
    await flush();
    expect(list.rows.value.map((r) => r.id)).toEqual([41, 42, 43, 44, 45]);
    expect(list.hasNext.value).toBe(false);
    list.page.value = 2;
    await flush();
    expect(list.rows.value[0]?.id).toBe(21);
    expect(cursors).toEqual([null, '20', '40', '20']);
  });

  it('does not jump to a page whose cursor it does not know', async () => {
    const list = usePagedQuery(({ limit, cursor }) => {
      const start = cursor ? Number(cursor) : 0;
      return Promise.resolve({ items: ROWS.slice(start, start + limit), nextCursor: String(start + limit) });
    });
    await flush();
    list.page.value = 5;
    await flush();
    expect(list.page.value).toBe(1);
  });
});

describe('usePagedQuery states', () => {
  it('is empty with no rows, refused on FORBIDDEN, in error otherwise, and keeps the last answer only', async () => {
    let answer: () => Promise<{ items: number[]; total: number }> = () => Promise.resolve({ items: [], total: 0 });
    const list = usePagedQuery(() => answer());
    await flush();
    expect(list.state.value).toBe('empty');

    answer = () =>
      Promise.reject(
        new TRPCClientError('No', { result: { error: { message: 'No', code: -1, data: { code: 'FORBIDDEN' } } } }),
      );
    await list.reload();
    expect(list.state.value).toBe('refused');

    answer = () => Promise.reject(new TypeError('fetch failed'));
    await list.reload();
    expect(list.state.value).toBe('error');

    let release: (v: { items: number[]; total: number }) => void = () => undefined;
    answer = () => new Promise((resolve) => (release = resolve));
    const slow = list.reload();
    const releaseSlow = release;
    answer = () => Promise.resolve({ items: [2], total: 1 });
    await list.reload();
    releaseSlow({ items: [1], total: 1 });
    await slow;
    expect(list.rows.value).toEqual([2]);
    expect(list.state.value).toBe('ready');
  });
});
