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

/** The platform's quote as the API answers it: a fee that is not simply derivable here (a discount applies). */
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

describe('the lease store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    for (const key of Object.keys(fake.handlers)) delete fake.handlers[key];
    fake.calls.length = 0;
    fake.handlers['lease.status'] = () => status;
    fake.handlers['platform.quote'] = (input) => quote(input as Parameters<typeof quote>[0]);
  });

  it('prices the current terms and the change with the API and shows the difference', async () => {
    const store = useLeaseStore();
    await store.load();
    await store.compare({ modules: ['user', 'machine', 'order'], machines: 12, months: 12 });
    const quotes = fake.calls.filter((c) => c.path === 'platform.quote').map((c) => c.input);
    expect(quotes).toEqual([
      { modules: ['user', 'machine'], machines: 10, months: 12 },
      { modules: ['user', 'machine', 'order'], machines: 12, months: 12 },
    ]);
    expect(store.current?.fee).toBe(2 * 10_000 + 10 * 1_001 + 12);
    expect(store.changed?.fee).toBe(3 * 10_000 + 12 * 1_001 + 12);
    expect(store.difference).toBe(10_000 + 2 * 1_001);
  });

  it("keeps the API's refusal of a quote and shows no difference", async () => {
    fake.handlers['platform.quote'] = () => {
      throw refuse('BAD_REQUEST', 'modules: profit_settlement is not offered');
    };
    const store = useLeaseStore();
    await store.load();
    await store.compare({ modules: ['profit_settlement'], machines: 1, months: 1 });
    expect(store.difference).toBeNull();
    expect((store.compareError as Error).message).toBe('modules: profit_settlement is not offered');
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
