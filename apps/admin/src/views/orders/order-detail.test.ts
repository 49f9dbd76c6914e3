import { P } from '@vmcloud/api/catalog';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { Me } from '../../api/auth';
import type { Handlers } from '../../api/fake-client.test-helpers';
import { i18n } from '../../locales';
import { useSessionStore } from '../../stores/session';
import OrderDetail from './order-detail.vue';
import { settle } from '../settle.test-helpers';

const fake = vi.hoisted(() => ({ handlers: {} as Handlers, calls: [] as { path: string; input: unknown }[] }));
vi.mock('../../api/client', async (real) => {
  const { fakeClient: make } = await import('../../api/fake-client.test-helpers');
  const client = make(fake.handlers);
  fake.calls = client.calls;
  return { ...(await real<typeof import('../../api/client')>()), api: client.client };
});

const at = (minutes: number) => new Date(Date.UTC(2026, 11, 1, 8, minutes)).toISOString();

const order = {
  id: 'o1',
  orderNo: 'N0001',
  status: 'refunded',
  machineId: 'm1',
  machineName: 'Library',
  boardId: 'B1',
  channelNumber: 3,
  productId: 'p1',
  productCode: 'D001',
  productName: 'Cola',
  price: 300,
  quantity: 1,
  amount: 300,
  cost: 180,
  listPrice: null,
  paymentMethod: 'qr',
  provider: 'sandbox',
  providerTradeNo: 'T1',
  vendId: null,
  offline: false,
  priceMismatch: false,
  timeCorrected: false,
  afterSettlement: false,
  createdAt: at(0),
  paidAt: at(1),
  vendedAt: null,
  completedAt: null,
  refundedAt: at(5),
  updatedAt: at(5),
  payments: [],
  refunds: [],
};

const change = {
  id: 'a1',
  tenantId: 't1',
  userId: 'u1',
  username: 'admin',
  displayName: '王经理',
  action: 'orders.refund',
  entity: 'orders',
  entityId: 'o1',
  before: { status: 'completed' },
  after: { status: 'refunded' },
  requestId: null,
  ip: null,
  createdAt: at(5),
  updatedAt: at(5),
};

async function mountPage(permissions: string[]) {
  const pinia = createPinia();
  setActivePinia(pinia);
  useSessionStore().signedIn({
    user: { id: 'u1', username: 'admin', displayName: '王经理', groupId: null, groupAdmin: false },
    tenant: { id: 't1', code: '100001', name: 'Demo', kind: 'operator', timeZone: 'Asia/Shanghai' },
    permissions,
    modules: ['order'],
    restricted: null,
    mustChangePassword: false,
    sessionExpiresAt: '2026-12-31T00:00:00.000Z',
  } as Me);
  const router = createRouter({
    history: createMemoryHistory(),
    routes: ['/orders', '/machines/:id', '/audit'].map((path) => ({
      path,
      name: path.slice(1).split('/')[0],
      component: { template: '<div />' },
    })),
  });
  const wrapper = mount(OrderDetail, {
    props: { id: 'o1' },
    global: { plugins: [pinia, i18n, router] },
    attachTo: document.body,
  });
  await settle();
  return wrapper;
}

const inputsOf = (path: string) => fake.calls.filter((c) => c.path === path).map((c) => c.input);

describe('the order page', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
    fake.calls.length = 0;
    fake.handlers['orders.get'] = () => order;
    fake.handlers['audit.list'] = () => ({ items: [change], nextCursor: null });
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('keeps the order’s history and shows its audit trail from the audit log', async () => {
    const wrapper = await mountPage([P.order, P.auditLog]);
    expect(wrapper.find('[data-test="order-history"]').text()).toContain('Created');
    expect(inputsOf('audit.list')).toEqual([{ entity: 'orders', entityId: 'o1', limit: 50 }]);
    const trail = wrapper.find('[data-test="order-audit"]');
    expect(trail.text()).toContain('Audit trail');
    expect(trail.text()).toContain('王经理 (admin)');
    expect(trail.text()).toContain('orders.refund');
    expect(trail.text()).toContain('1 fields changed');
    await trail.find('.el-table__expand-icon').trigger('click');
    await settle();
    const diff = wrapper.find('.audit-trail__diff').text();
    expect(diff).toContain('status');
    expect(diff).toContain('completed');
    expect(diff).toContain('refunded');
    wrapper.unmount();
  });

  it('says so when the log holds no change of the order, and reads no log without the permission', async () => {
    fake.handlers['audit.list'] = () => ({ items: [], nextCursor: null });
    const empty = await mountPage([P.order, P.auditLog]);
    expect(empty.find('[data-test="order-audit"] [data-state="empty"]').text()).toContain(
      'No change of this order is in the audit log',
    );
    empty.unmount();
    fake.calls.length = 0;
    const without = await mountPage([P.order]);
    expect(without.find('[data-test="order-history"]').exists()).toBe(true);
    expect(without.find('[data-test="order-audit"]').exists()).toBe(false);
    expect(inputsOf('audit.list')).toEqual([]);
    without.unmount();
  });
});
