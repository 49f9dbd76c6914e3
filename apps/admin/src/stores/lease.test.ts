import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { refuse, type Handlers } from '../api/fake-client.test-helpers';
import { useLeaseStore } from './lease';

const fake = vi.hoisted(() => ({ handlers: {} as Handlers, calls: [] as { path: string; input: unknown }[] }));
vi.mock('../api/client', async (real) => {
  const { fakeClient } = await import('../api/fake-client.test-helpers');
  const client = fakeClient(fake.handlers);
  fake.calls = client.calls;
  return { ...(await real<typeof import('./../api/client')>()), api: client.client };
});

const status = {
  leaseStartsAt: '2026-10-08T00:00:00.000Z',
  leaseEndsAt: '2027-10-08T00:00:00.000Z',
  status: 'active',
  machineQuota: 10,
  machinesHeld: 3,
  modules: [
    { code: 'user', name: '用户管理', monthlyRent: 3000 },
    { code: 'machine', name: '售货机管理', monthlyRent: 8000 },
  ],
  orders: [],
  restricted: null,
};

/** A quote as the API answers it: a fee that is not simply derivable here (a discount applies). */
function quote(input: { modules: string[]; machines: number; months: number }) {
  const fee = input.modules.length * 10_000 + input.machines * 1_001 + input.months;
  return {
    months: input.months,
    machines: input.machines,
    moduleMonthlyRent: 0,
    machineMonthlyRent: 5000,
    discountBasisPoints: 0,
    fee,
    modules: [],
    gross: fee,
  };
}

/** The API's quote of a change for the rest of the lease (11 months). */
function changeQuote(input: { modules: string[]; machines: number }) {
  const current = quote({ modules: ['user', 'machine'], machines: 10, months: 11 });
  const changed = quote({ ...input, months: 11 });
  const difference = changed.fee - current.fee;
  return {
    months: 11,
    periodStart: '2026-11-22T00:00:00.000Z',
    periodEnd: '2027-10-08T00:00:00.000Z',
    machinesHeld: 3,
    current,
    changed,
    difference,
    fee: Math.max(0, difference),
    moduleCodes: input.modules,
  };
}

describe('the lease store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    for (const key of Object.keys(fake.handlers)) delete fake.handlers[key];
    fake.calls.length = 0;
    fake.handlers['lease.status'] = () => status;
    fake.handlers['lease.quoteChange'] = (input) => changeQuote(input as Parameters<typeof changeQuote>[0]);
  });

  it('asks the API what a change costs for the rest of the lease and keeps its quote', async () => {
    const store = useLeaseStore();
    await store.load();
    await store.quoteChange({ modules: ['user', 'machine', 'order'], machines: 12 });
    expect(fake.calls.filter((c) => c.path === 'lease.quoteChange').map((c) => c.input)).toEqual([
      { modules: ['user', 'machine', 'order'], machines: 12 },
    ]);
    expect(store.changeQuote?.difference).toBe(10_000 + 2 * 1_001);
    expect(store.changeQuote?.fee).toBe(10_000 + 2 * 1_001);
    store.clearChangeQuote();
    expect(store.changeQuote).toBeNull();
  });

  it("keeps the API's refusal of a change quote and shows no quote", async () => {
    fake.handlers['lease.quoteChange'] = () => {
      throw refuse('BAD_REQUEST', 'machines: must not be below the 3 machines the tenant holds');
    };
    const store = useLeaseStore();
    await store.load();
    await store.quoteChange({ modules: ['user'], machines: 2 });
    expect(store.changeQuote).toBeNull();
    expect((store.changeQuoteError as Error).message).toBe(
      'machines: must not be below the 3 machines the tenant holds',
    );
  });

  it('keeps the change quote asked for last when answers cross', async () => {
    const answers: (() => void)[] = [];
    fake.handlers['lease.quoteChange'] = (input) =>
      new Promise((resolve) => answers.push(() => resolve(changeQuote(input as Parameters<typeof changeQuote>[0]))));
    const store = useLeaseStore();
    const first = store.quoteChange({ modules: ['user'], machines: 10 });
    const second = store.quoteChange({ modules: ['user'], machines: 20 });
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    answers[1]?.();
    await second;
    answers[0]?.();
    await first;
    expect(store.changeQuote?.changed.machines).toBe(20);
    expect(store.quotingChange).toBe(false);
  });

  it('orders a change and reloads the lease', async () => {
    fake.handlers['lease.change'] = () => ({ orderNo: 'L20261207002', kind: 'change', status: 'pending' });
    const store = useLeaseStore();
    const order = await store.change({ modules: ['user'], machines: 10 });
    expect(order.orderNo).toBe('L20261207002');
    expect(fake.calls.map((c) => c.path)).toEqual(['lease.change', 'lease.status']);
  });

  it('keeps the quote of the months chosen last when answers cross', async () => {
    const answers: ((value: unknown) => void)[] = [];
    fake.handlers['lease.quote'] = (input) =>
      new Promise((resolve) =>
        answers.push(() =>
          resolve({
            ...quote({ modules: [], machines: 10, ...(input as { months: number }) }),
            periodStart: '',
            periodEnd: '',
          }),
        ),
      );
    const store = useLeaseStore();
    const first = store.quoteRenewal(1);
    const second = store.quoteRenewal(12);
    await vi.waitFor(() => expect(answers).toHaveLength(2));
    answers[1]?.(undefined);
    await second;
    answers[0]?.(undefined);
    await first;
    expect(store.quote?.months).toBe(12);
    expect(store.quoting).toBe(false);
  });

  it('renews and reloads the lease', async () => {
    fake.handlers['lease.renew'] = () => ({ orderNo: 'L20261207001' });
    const store = useLeaseStore();
    const order = await store.renew(6);
    expect(order.orderNo).toBe('L20261207001');
    expect(fake.calls.map((c) => c.path)).toEqual(['lease.renew', 'lease.status']);
    expect(store.status?.machineQuota).toBe(10);
  });
});
