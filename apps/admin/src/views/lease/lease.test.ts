import { P } from '@vmcloud/api/catalog';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { refuse, type Handlers } from '../../api/fake-client.test-helpers';
import type { Me } from '../../api/auth';
import { i18n } from '../../locales';
import { useSessionStore } from '../../stores/session';
import { settle } from '../settle.test-helpers';
import Lease from './lease.vue';

const fake = vi.hoisted(() => ({ handlers: {} as Handlers, calls: [] as { path: string; input: unknown }[] }));
vi.mock('../../api/client', async (real) => {
  const { fakeClient } = await import('../../api/fake-client.test-helpers');
  const client = fakeClient(fake.handlers);
  fake.calls = client.calls;
  return { ...(await real<typeof import('../../api/client')>()), api: client.client };
});

const DAY = 86_400_000;

function status(fields: Record<string, unknown>) {
  return {
    leaseStartsAt: new Date(Date.now() - 400 * DAY).toISOString(),
    leaseEndsAt: new Date(Date.now() - 35 * DAY).toISOString(),
    status: 'active',
    machineQuota: 5,
    machinesHeld: 3,
    modules: [{ code: 'machine', name: '售货机管理', monthlyRent: 8000 }],
    orders: [
      {
        id: 'o1',
        orderNo: 'L202512010001',
        kind: 'lease',
        months: 12,
        machines: 5,
        moduleCodes: ['machine'],
        fee: 123_456,
        status: 'pending',
        trial: false,
        periodStart: '2025-12-01T00:00:00.000Z',
        periodEnd: '2026-12-01T00:00:00.000Z',
        paidAt: null,
        createdAt: '2025-12-01T00:00:00.000Z',
      },
    ],
    restricted: 'expired',
    ...fields,
  };
}

const ME = {
  user: { id: 'u1', username: 'admin', displayName: 'Admin', groupId: null, groupAdmin: false },
  tenant: { id: 't1', code: '100001', name: 'Demo', kind: 'operator', timeZone: 'Asia/Shanghai' },
  permissions: [P.renewLease],
  modules: ['machine'],
  restricted: 'expired',
  mustChangePassword: false,
  sessionExpiresAt: '2026-12-31T00:00:00.000Z',
} as Me;

async function mountLease() {
  const pinia = createPinia();
  setActivePinia(pinia);
  useSessionStore().signedIn(ME);
  const wrapper = mount(Lease, { global: { plugins: [pinia, i18n] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

describe('the lease page', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
    for (const key of Object.keys(fake.handlers)) delete fake.handlers[key];
    fake.calls.length = 0;
    fake.handlers['lease.status'] = () => status({});
    fake.handlers['lease.quote'] = (input) => ({
      months: (input as { months: number }).months,
      machines: 5,
      moduleMonthlyRent: 8000,
      machineMonthlyRent: 5000,
      discountBasisPoints: 0,
      // Not months x rents: the page shows the API's fee, it does not compute one.
      fee: 777_777,
      periodStart: new Date().toISOString(),
      periodEnd: new Date(Date.now() + 365 * DAY).toISOString(),
    });
    fake.handlers['platform.offer'] = () => ({
      modules: [
        { code: 'machine', name: '售货机管理', description: null, monthlyRent: 8000 },
        { code: 'finance', name: '财务管理', description: null, monthlyRent: 5000 },
      ],
      machineMonthlyRent: 5000,
      discountTiers: [],
      months: [1, 3, 6, 12, 24, 36],
      trialMonths: 1,
    });
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows an expired lease as such, with the renewal fee the API quotes and the pending order', async () => {
    const wrapper = await mountLease();
    expect(wrapper.text()).toContain('The lease has ended');
    expect(wrapper.find('[data-test="lease-status"]').text()).toContain('Expired');
    expect(wrapper.find('[data-test="renew-fee"]').text()).toBe('¥7,777.77');
    expect(fake.calls.find((c) => c.path === 'lease.quote')?.input).toEqual({ months: 12 });
    const order = wrapper.find('[data-test="lease-orders"] .el-table__body tr');
    expect(order.text()).toContain('L202512010001');
    expect(order.text()).toContain('Pending');
    expect(order.find('[data-test="order-kind"]').text()).toBe('Lease');
    expect(order.text()).toContain('¥1,234.56');
    expect(wrapper.find('[data-test="renew"]').attributes('disabled')).toBeUndefined();
  });

  it('asks the API again when another period is chosen', async () => {
    const wrapper = await mountLease();
    const three = wrapper.findAll('[data-test="lease-renew"] .el-radio-button input').at(1);
    await three?.setValue(true);
    await flushPromises();
    expect(fake.calls.filter((c) => c.path === 'lease.quote').map((c) => c.input)).toEqual([
      { months: 12 },
      { months: 3 },
    ]);
  });

  it('cancels a pending order after a confirmation and shows the lease again', async () => {
    let cancelled = false;
    fake.handlers['lease.status'] = () =>
      status(cancelled ? { orders: [{ ...status({}).orders[0], status: 'cancelled' }] } : {});
    fake.handlers['lease.cancel'] = () => {
      cancelled = true;
      return { id: 'o1', status: 'cancelled' };
    };
    fake.handlers['auth.me'] = () => ME;
    const wrapper = await mountLease();
    await wrapper.find('[data-test="cancel-order"]').trigger('click');
    await flushPromises();
    const confirm = document.querySelector('.el-message-box__btns .el-button--primary') as HTMLElement | null;
    expect(document.querySelector('.el-message-box')?.textContent).toContain('Cancel lease order L202512010001?');
    confirm?.click();
    await settle();
    expect(fake.calls.filter((c) => c.path === 'lease.cancel').map((c) => c.input)).toEqual([{ id: 'o1' }]);
    const order = wrapper.find('[data-test="lease-orders"] .el-table__body tr');
    expect(order.text()).toContain('Cancelled');
    expect(wrapper.find('[data-test="cancel-order"]').exists()).toBe(false);
  });

  describe('changing modules and machines', () => {
    const RUNNING = { leaseEndsAt: new Date(Date.now() + 100 * DAY).toISOString(), restricted: null, orders: [] };

    function changeQuote(input: { modules: string[]; machines: number }) {
      return {
        months: 4,
        periodStart: new Date().toISOString(),
        periodEnd: RUNNING.leaseEndsAt,
        machinesHeld: 3,
        current: {
          months: 4,
          machines: 5,
          moduleMonthlyRent: 8000,
          machineMonthlyRent: 5000,
          discountBasisPoints: 0,
          fee: 100_000,
        },
        changed: {
          months: 4,
          machines: input.machines,
          moduleMonthlyRent: 13_000,
          machineMonthlyRent: 5000,
          discountBasisPoints: 0,
          fee: input.machines >= 5 ? 150_001 : 90_000,
        },
        // The API's numbers, not computed here.
        difference: input.machines >= 5 ? 50_001 : -10_000,
        fee: input.machines >= 5 ? 50_001 : 0,
        moduleCodes: input.modules,
      };
    }

    beforeEach(() => {
      fake.handlers['lease.status'] = () => status(RUNNING);
      fake.handlers['lease.quoteChange'] = (input) => changeQuote(input as Parameters<typeof changeQuote>[0]);
      fake.handlers['auth.me'] = () => ({ ...ME, restricted: null });
    });

    it('quotes the fee difference with the API as modules and machines change, and orders it after a confirmation', async () => {
      let ordered = false;
      fake.handlers['lease.status'] = () =>
        status({
          ...RUNNING,
          orders: ordered
            ? [{ ...status({}).orders[0], id: 'o2', orderNo: 'L202612070002', kind: 'change', machines: 6 }]
            : [],
        });
      fake.handlers['lease.change'] = () => {
        ordered = true;
        return { id: 'o2', orderNo: 'L202612070002', kind: 'change', status: 'pending' };
      };
      const wrapper = await mountLease();
      const card = () => wrapper.find('[data-test="lease-change"]');
      expect(card().find('[data-test="change-submit"]').attributes('disabled')).toBeDefined();
      expect(fake.calls.some((c) => c.path === 'lease.quoteChange')).toBe(false);

      await card().find('[data-module="finance"] input').setValue(true);
      await settle();
      expect(fake.calls.filter((c) => c.path === 'lease.quoteChange').map((c) => c.input)).toEqual([
        { modules: ['machine', 'finance'], machines: 5 },
      ]);
      expect(card().find('[data-test="fee-difference"]').text()).toBe('+¥500.01');
      expect(card().find('[data-test="change-fee"]').text()).toBe('¥500.01');

      await card().find('[data-test="change-machines"] input').setValue('6');
      await card().find('[data-test="change-machines"] input').trigger('change');
      await settle();
      expect(fake.calls.filter((c) => c.path === 'lease.quoteChange').at(-1)?.input).toEqual({
        modules: ['machine', 'finance'],
        machines: 6,
      });

      await card().find('[data-test="change-submit"]').trigger('click');
      await flushPromises();
      expect(document.querySelector('.el-message-box')?.textContent).toContain('for ¥500.01');
      (document.querySelector('.el-message-box__btns .el-button--primary') as HTMLElement | null)?.click();
      await settle();
      expect(fake.calls.filter((c) => c.path === 'lease.change').map((c) => c.input)).toEqual([
        { modules: ['machine', 'finance'], machines: 6 },
      ]);
      // The pending change order is listed with its kind and can be cancelled; no other change meanwhile.
      const order = wrapper.find('[data-test="lease-orders"] .el-table__body tr');
      expect(order.text()).toContain('L202612070002');
      expect(order.find('[data-test="order-kind"]').text()).toBe('Change');
      expect(order.find('[data-test="cancel-order"]').exists()).toBe(true);
      expect(card().find('[data-test="change-blocked"]').text()).toContain('L202612070002 (Change)');
    });

    it('shows that a cheaper change costs nothing and is not refunded', async () => {
      const wrapper = await mountLease();
      const card = wrapper.find('[data-test="lease-change"]');
      await card.find('[data-test="change-machines"] input').setValue('4');
      await card.find('[data-test="change-machines"] input').trigger('change');
      await settle();
      expect(card.find('[data-test="fee-difference"]').text()).toBe('-¥100.00');
      expect(card.find('[data-test="change-fee"]').text()).toBe('¥0.00');
      expect(card.text()).toContain('not refunded');
    });

    it("keeps the form and shows the API's refusal at its field when the order fails", async () => {
      fake.handlers['lease.change'] = () => {
        throw refuse('BAD_REQUEST', 'machines: must not be below the 4 machines the tenant holds');
      };
      const wrapper = await mountLease();
      const card = () => wrapper.find('[data-test="lease-change"]');
      await card().find('[data-module="finance"] input').setValue(true);
      await settle();
      await card().find('[data-test="change-submit"]').trigger('click');
      await flushPromises();
      (document.querySelector('.el-message-box__btns .el-button--primary') as HTMLElement | null)?.click();
      await settle();
      expect(fake.calls.filter((c) => c.path === 'lease.change')).toHaveLength(1);
      const item = document.querySelector('[data-test="change-machines"]')?.closest('.el-form-item');
      await vi.waitFor(() =>
        expect(item?.querySelector('.el-form-item__error')?.textContent?.trim()).toBe(
          'must not be below the 4 machines the tenant holds',
        ),
      );
      expect((card().find('[data-module="finance"] input').element as HTMLInputElement).checked).toBe(true);
    });

    it('sends an ended lease to renewing first and asks for no change quote', async () => {
      fake.handlers['lease.status'] = () => status({ orders: [] });
      const wrapper = await mountLease();
      const card = wrapper.find('[data-test="lease-change"]');
      expect(card.find('[data-test="change-blocked"]').text()).toContain('renew it first');
      await card.find('[data-module="finance"] input').setValue(true);
      await settle();
      expect(fake.calls.some((c) => c.path === 'lease.quoteChange')).toBe(false);
      expect(card.find('[data-test="change-submit"]').attributes('disabled')).toBeDefined();
    });
  });
});
