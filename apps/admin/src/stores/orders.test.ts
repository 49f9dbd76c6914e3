import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, Refusal } from '../api/fake-api.test-helpers';
import { ExportError } from '../api/orders';
import { useOrdersStore } from './orders';

/** 45 orders, newest first, served 20 at a time by cursor as the API does. */
const ORDERS = Array.from({ length: 45 }, (_, i) => ({
  id: `order-${String(45 - i).padStart(2, '0')}`,
  orderNo: `N${45 - i}`,
  createdAt: new Date(Date.UTC(2026, 11, 1) - i * 60_000).toISOString(),
}));

function serve(input: unknown) {
  const { limit, cursor } = input as { limit: number; cursor: string | null };
  const start = cursor ? ORDERS.findIndex((o) => o.id === cursor) + 1 : 0;
  const items = ORDERS.slice(start, start + limit);
  const last = items.at(-1);
  return { items, nextCursor: start + limit < ORDERS.length && last ? last.id : null };
}

describe('the orders store', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.restoreAllMocks();
  });

  it('pages forward by the cursor each page names and back to the pages it has seen', async () => {
    const fake = fakeApi({ 'orders.list': serve });
    const store = useOrdersStore();
    store.useClient(fake.client);
    await store.search();
    expect(store.rows.map((o) => o.orderNo).slice(0, 2)).toEqual(['N45', 'N44']);
    expect(store.cursors).toHaveLength(1);

    await store.next();
    expect(store.rows[0]?.orderNo).toBe('N25');
    await store.next();
    expect(store.rows.map((o) => o.orderNo)).toEqual(['N5', 'N4', 'N3', 'N2', 'N1']);
    expect(store.nextCursor).toBeNull();
    await store.next(); // nothing after the last page
    expect(fake.inputsOf('orders.list')).toHaveLength(3);

    await store.previous();
    expect(store.rows[0]?.orderNo).toBe('N25');
    await store.previous();
    expect(store.rows[0]?.orderNo).toBe('N45');
    expect(fake.inputsOf('orders.list').map((i) => (i as { cursor: string | null }).cursor)).toEqual([
      null,
      'order-26',
      'order-06',
      'order-26',
      null,
    ]);
  });

  it('searches with the form as it is, from the first page, and exports the filter of the rows shown', async () => {
    const fake = fakeApi({
      'orders.list': serve,
    });
    const store = useOrdersStore();
    store.useClient(fake.client);
    await store.search();
    await store.next();
    const from = new Date('2026-11-01T00:00:00Z');
    const to = new Date('2026-12-01T00:00:00Z');
    Object.assign(store.form, { machineId: 'machine-1', status: 'refunded', paymentMethod: 'qr', range: [from, to] });
    await store.search();
    expect(store.cursors).toEqual([null]);
    expect(fake.inputsOf('orders.list').at(-1)).toEqual({
      machineId: 'machine-1',
      status: 'refunded',
      paymentMethod: 'qr',
      from: from.toISOString(),
      to: to.toISOString(),
      limit: 20,
      cursor: null,
    });
    // Changed but not searched: the export still names the rows on screen.
    store.form.status = 'completed';
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(url);
      return new Response('\uFEFForderNo,machine\r\nN1,"A\r\nB"\r\nN2,C\r\n', {
        headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="o.csv"' },
      });
    });
    vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:o');
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    // A line break inside a quoted field is not a record's end.
    expect(await store.exportCsv()).toEqual({ filename: 'o.csv', rows: 2 });
    expect(click).toHaveBeenCalledTimes(1);
    const url = new URL(asked[0] ?? '', 'http://console');
    expect(url.pathname).toBe('/export/orders.csv');
    expect(JSON.parse(url.searchParams.get('input') ?? '')).toEqual({
      machineId: 'machine-1',
      status: 'refunded',
      paymentMethod: 'qr',
      from: from.toISOString(),
      to: to.toISOString(),
      amountUnit: 'yuan',
    });
  });

  it("throws the refusal of an export with the API's message, and saves nothing", async () => {
    const store = useOrdersStore();
    store.useClient(fakeApi({ 'orders.list': serve }).client);
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response(
          JSON.stringify({ error: { code: 'FORBIDDEN', message: 'This needs permission 00109 (订单管理)' } }),
          {
            status: 403,
            headers: { 'content-type': 'application/json; charset=utf-8' },
          },
        ),
    );
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => undefined);
    const refusal = await store.exportCsv().catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ExportError);
    expect(refusal).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
      message: 'This needs permission 00109 (订单管理)',
    });
    expect(click).not.toHaveBeenCalled();
  });

  it('says refused for a FORBIDDEN answer and error for another failure', async () => {
    const store = useOrdersStore();
    store.useClient(
      fakeApi({
        'orders.list': () => {
          throw new Refusal('FORBIDDEN', 'You may not view orders');
        },
      }).client,
    );
    await store.search();
    expect(store.state).toBe('refused');
    store.useClient(
      fakeApi({
        'orders.list': () => {
          throw new Refusal('INTERNAL_SERVER_ERROR', 'boom');
        },
      }).client,
    );
    await store.search();
    expect(store.state).toBe('error');
  });
});
