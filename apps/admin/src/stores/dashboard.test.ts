import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeApi, Refusal } from '../api/fake-api.test-helpers';
import { summaryWith } from '../views/dashboard/summary.test-helpers';
import { useDashboardStore } from './dashboard';

describe('the dashboard store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('loads the summary, then swaps in the next one on refresh', async () => {
    let sold = 1;
    const fake = fakeApi({ 'dashboard.summary': () => summaryWith(sold) });
    const store = useDashboardStore();
    store.useClient(fake.client);
    expect(store.state).toBe('loading');
    await store.refresh();
    expect(store.state).toBe('ready');
    expect(store.summary?.sales.today.orders).toBe(1);
    expect(store.byHour.orders[9]).toBe(1);
    expect(store.byHour.revenue[9]).toBe(2.5);
    expect(store.byDay.labels).toHaveLength(30);
    sold = 2;
    await store.refresh();
    expect(store.summary?.sales.today).toMatchObject({ orders: 2, revenue: 500 });
    expect(store.loadedAt).toBeInstanceOf(Date);
  });

  it('keeps what it shows when a refresh fails, and says so', async () => {
    let down = false;
    const fake = fakeApi({
      'dashboard.summary': () => {
        if (down) throw new Refusal('INTERNAL_SERVER_ERROR', 'database is locked');
        return summaryWith(3);
      },
    });
    const store = useDashboardStore();
    store.useClient(fake.client);
    await store.refresh();
    down = true;
    await store.refresh();
    expect(store.state).toBe('ready');
    expect(store.summary?.sales.today.orders).toBe(3);
    expect(store.error).not.toBeNull();
    down = false;
    await store.refresh();
    expect(store.error).toBeNull();
  });

  it('is refused with the reason when the user may not see it', async () => {
    const fake = fakeApi({
      'dashboard.summary': () => {
        throw new Refusal('FORBIDDEN', 'This needs permission 00104 (售货机管理)');
      },
    });
    const store = useDashboardStore();
    store.useClient(fake.client);
    await store.refresh();
    expect(store.state).toBe('refused');
  });
});
