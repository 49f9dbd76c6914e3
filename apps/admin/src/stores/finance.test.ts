import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeApi, Refusal } from '../api/fake-api.test-helpers';
import { sumsOf, useFinanceStore } from './finance';

const turnover = (fields: Record<string, unknown>) => ({
  id: 't1',
  documentNo: 'YY202611300001',
  staffId: 's1',
  staffName: '张伟',
  staffUsername: 'staff1',
  cashAmount: 18600,
  mobileAmount: 80050,
  periodStart: '2026-11-24',
  periodEnd: '2026-11-30',
  status: 'submitted',
  note: null,
  confirmedBy: null,
  confirmedAt: null,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  createdBy: 's1',
  updatedBy: 's1',
  tenantId: 'tn',
  ...fields,
});

describe('the finance store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('lists the hand-ins of the filter, with the sums of those not rejected', async () => {
    const fake = fakeApi({
      'finance.turnovers': () => ({
        items: [
          turnover({}),
          turnover({ id: 't2', staffName: '刘洋', cashAmount: 23450, mobileAmount: 64300 }),
          turnover({ id: 't3', status: 'rejected', cashAmount: 100000, mobileAmount: 0 }),
        ],
        totals: { cash: 0, mobile: 0, total: 0 },
      }),
    });
    const store = useFinanceStore();
    store.filter.staffId = 's1';
    store.filter.days = ['2026-11-01', '2026-11-30'];
    await store.load(fake.client);

    expect(fake.inputsOf('finance.turnovers')).toEqual([
      { staffId: 's1', status: 'submitted', from: '2026-11-01', to: '2026-11-30', limit: 100 },
    ]);
    expect(store.items.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
    expect(store.sums).toEqual({ cash: 42050, mobile: 144350, total: 186400 });
    expect(store.pending).toBe(2);
    expect(store.truncated).toBe(false);
  });

  it('confirms and rejects in place, the rejection keeping its reason as the note', async () => {
    const fake = fakeApi({
      'finance.turnovers': () => ({ items: [turnover({}), turnover({ id: 't2' })], totals: {} }),
      'finance.confirmTurnover': (input) => {
        const { id } = input as { id: string };
        const { staffName: _n, staffUsername: _u, ...row } = turnover({ id });
        return { ...row, status: 'confirmed', confirmedAt: '2026-12-02T00:00:00.000Z' };
      },
      'finance.rejectTurnover': (input) => {
        const { id, note } = input as { id: string; note: string };
        const { staffName: _n, staffUsername: _u, ...row } = turnover({ id });
        return { ...row, status: 'rejected', note };
      },
    });
    const store = useFinanceStore();
    await store.load(fake.client);
    await store.confirm('t1', undefined, fake.client);
    await store.reject('t2', '现金少了 10 元', fake.client);

    expect(fake.inputsOf('finance.rejectTurnover')).toEqual([{ id: 't2', note: '现金少了 10 元' }]);
    expect(store.items.map((t) => [t.status, t.note, t.staffName])).toEqual([
      ['confirmed', null, '张伟'],
      ['rejected', '现金少了 10 元', '张伟'],
    ]);
    expect(store.pending).toBe(0);
    // A rejected hand-in no longer counts in the sums.
    expect(store.sums.total).toBe(18600 + 80050);
    // The list was not asked again.
    expect(fake.inputsOf('finance.turnovers')).toHaveLength(1);
  });

  it('keeps the rows it had and reports the failure when a reload is refused', async () => {
    let refuse = false;
    const fake = fakeApi({
      'finance.turnovers': () => {
        if (refuse) throw new Refusal('FORBIDDEN', 'You do not have the permission 00115');
        return { items: [turnover({})], totals: {} };
      },
    });
    const store = useFinanceStore();
    await store.load(fake.client);
    refuse = true;
    await store.load(fake.client);
    expect(store.items).toHaveLength(1);
    expect(store.error).toBeInstanceOf(Error);
    expect(store.loading).toBe(false);
  });

  it('says the list may be cut when it reaches its limit, and resets the filter', async () => {
    const fake = fakeApi({
      'finance.turnovers': (input) => ({
        items: Array.from({ length: Math.min(3, (input as { limit: number }).limit) }, (_, i) =>
          turnover({ id: `t${i}` }),
        ),
        totals: {},
      }),
    });
    const store = useFinanceStore();
    store.filter.limit = 3;
    store.filter.status = '';
    await store.load(fake.client);
    expect(store.truncated).toBe(true);
    await store.resetFilter(fake.client);
    expect(store.filter).toEqual({ staffId: '', status: 'submitted', days: null, limit: 100 });
    expect(store.truncated).toBe(false);
  });
});

describe('sumsOf', () => {
  it('adds cash and mobile of what is not rejected', () => {
    expect(
      sumsOf([
        { cashAmount: 100, mobileAmount: 5, status: 'submitted' },
        { cashAmount: 7, mobileAmount: 0, status: 'confirmed' },
        { cashAmount: 1000, mobileAmount: 1000, status: 'rejected' },
      ]),
    ).toEqual({ cash: 107, mobile: 5, total: 112 });
  });
});
