import { P } from '@vmcloud/api/catalog';
import { mount, type VueWrapper } from '@vue/test-utils';
import { ElInputNumber, ElSelect } from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../api/auth';
import { refuse, type Handlers } from '../../api/fake-client.test-helpers';
import { i18n } from '../../locales';
import { useSessionStore } from '../../stores/session';
import MyInventory from './my-inventory.vue';
import { settle } from '../settle.test-helpers';

const fake = vi.hoisted(() => ({ handlers: {} as Handlers, calls: [] as { path: string; input: unknown }[] }));
vi.mock('../../api/client', async (real) => {
  const { fakeClient: make } = await import('../../api/fake-client.test-helpers');
  const client = make(fake.handlers);
  fake.calls = client.calls;
  return { ...(await real<typeof import('../../api/client')>()), api: client.client };
});

const cola = { id: 'p1', code: 'D001', name: 'Cola 330ml', spec: '330ml', unit: 'can' };
const water = { id: 'p3', code: 'D003', name: 'Spring water', spec: null, unit: 'bottle' };
const request = (fields: Record<string, unknown>) => ({
  id: 's9',
  documentNo: 'CK202612070009',
  staffId: 'u1',
  status: 'requested',
  note: null,
  approvedBy: null,
  approvedAt: null,
  shippedAt: null,
  settled: false,
  createdAt: '2026-12-07T02:00:00.000Z',
  updatedAt: '2026-12-07T02:00:00.000Z',
  staff: { id: 'u1', username: 'staff1', displayName: 'Zhang Wei' },
  approver: null,
  items: [{ id: 'i1', product: water, quantityRequested: 4, quantityShipped: 0 }],
  ...fields,
});

async function mountPage() {
  const pinia = createPinia();
  setActivePinia(pinia);
  useSessionStore().signedIn({
    user: { id: 'u1', username: 'staff1', displayName: 'Zhang Wei', groupId: null, groupAdmin: false },
    tenant: { id: 't1', code: '100001', name: 'Demo', kind: 'operator', timeZone: 'Asia/Shanghai' },
    permissions: [P.myInventory, P.myMachines],
    modules: ['my_inventory', 'my_machines'],
    restricted: null,
    mustChangePassword: false,
    sessionExpiresAt: '2026-12-31T00:00:00.000Z',
  } as Me);
  const wrapper = mount(MyInventory, { global: { plugins: [pinia, i18n] }, attachTo: document.body });
  await settle();
  return wrapper;
}

const body = () => document.body;
const sent = () => fake.calls.filter((c) => c.path === 'shipments.request').map((c) => c.input);

/** Opens the request dialog and enters one line: a product and its quantity. */
async function enterLine(wrapper: VueWrapper, productId: string, quantity: number) {
  body().querySelector<HTMLElement>('[data-test="request-stock"]')?.click();
  await settle();
  const select = wrapper.findAllComponents(ElSelect).find((s) => s.attributes('data-test') === 'item-product-0');
  const number = wrapper.findAllComponents(ElInputNumber).find((n) => n.attributes('data-test') === 'item-quantity-0');
  if (!select || !number) throw new Error('no item line');
  select.vm.$emit('update:modelValue', productId);
  number.vm.$emit('update:modelValue', quantity);
  await settle();
}

describe('my inventory', () => {
  let shipments: ReturnType<typeof request>[];

  beforeEach(() => {
    i18n.global.locale.value = 'en';
    for (const key of Object.keys(fake.handlers)) delete fake.handlers[key];
    fake.calls.length = 0;
    shipments = [];
    fake.handlers['restocks.myInventory'] = () => ({ lines: [{ product: cola, quantity: 23 }], total: 23 });
    fake.handlers['machines.mine'] = () => [
      {
        id: 'm1',
        boardId: 'VMC1',
        name: 'Library',
        channels: [{ id: 'c3', productId: 'p3', productCode: 'D003', productName: 'Spring water' }],
      },
    ];
    fake.handlers['shipments.mine'] = () => shipments;
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows what the worker holds', async () => {
    await mountPage();
    const row = body().querySelector('[data-test="my-inventory-table"] .el-table__body tr')?.textContent ?? '';
    expect(row).toContain('Cola 330ml');
    expect(row).toContain('23');
  });

  it('asks the warehouse for a product of their machines, and lists the request', async () => {
    fake.handlers['shipments.request'] = () => {
      shipments = [request({})];
      return shipments[0];
    };
    const wrapper = await mountPage();
    await enterLine(wrapper, 'p3', 4);
    body().querySelector<HTMLElement>('[data-test="request-submit"]')?.click();
    await settle();
    expect(sent()).toEqual([{ items: [{ productId: 'p3', quantity: 4 }] }]);
    const row = body().querySelector('[data-test="my-shipments-table"] .el-table__body tr')?.textContent ?? '';
    expect(row).toContain('CK202612070009');
    expect(row).toContain('Requested');
    expect(row).toContain('Spring water × 4');
  });

  it("shows a refused line's message at that line and keeps the dialog's contents", async () => {
    fake.handlers['shipments.request'] = () => {
      throw refuse('BAD_REQUEST', 'items.0.quantity: is too large', { 'items.0.quantity': ['is too large'] });
    };
    const wrapper = await mountPage();
    await enterLine(wrapper, 'p3', 900);
    body().querySelector<HTMLElement>('[data-test="request-submit"]')?.click();
    await settle();
    const line = body().querySelector('[data-test="item-product-0"]')?.closest('.el-form-item');
    await vi.waitFor(() =>
      expect(line?.querySelector('.el-form-item__error')?.textContent?.trim()).toBe('is too large'),
    );
    const number = wrapper
      .findAllComponents(ElInputNumber)
      .find((n) => n.attributes('data-test') === 'item-quantity-0');
    expect(number?.props('modelValue')).toBe(900);
    expect(body().querySelector('[data-test="request-submit"]')).not.toBeNull();
  });
});
