import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeApi, Refusal } from '../api/fake-api.test-helpers';
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
      'orders.exportCsv': () => ({
        filename: 'orders.csv',
        contentType: 'text/csv',
        rows: 0,
        truncated: false,
        csv: '',
      }),
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
    await store.exportCsv();
    expect(fake.inputsOf('orders.exportCsv')).toEqual([
      {
        machineId: 'machine-1',
        status: 'refunded',
        paymentMethod: 'qr',
        from: from.toISOString(),
        to: to.toISOString(),
        amountUnit: 'yuan',
      },
    ]);
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
