import { P } from '@vmcloud/api/catalog';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../api/auth';
import { refuse, type Handlers } from '../../api/fake-client.test-helpers';
import { i18n } from '../../locales';
import { useSessionStore } from '../../stores/session';
import Shipments from './shipments.vue';
import { settle } from '../settle.test-helpers';

const fake = vi.hoisted(() => ({ handlers: {} as Handlers, calls: [] as { path: string; input: unknown }[] }));
vi.mock('../../api/client', async (real) => {
  const { fakeClient: make } = await import('../../api/fake-client.test-helpers');
  const client = make(fake.handlers);
  fake.calls = client.calls;
  return { ...(await real<typeof import('../../api/client')>()), api: client.client };
});
vi.mock('vue-router', () => ({ useRouter: () => ({ resolve: () => ({ href: '/print' }) }) }));

const staff1 = { id: 'u1', username: 'staff1', displayName: 'Zhang Wei' };
const shipment = (fields: Record<string, unknown>) => ({
  id: 's1',
  documentNo: 'CK202612070001',
  staffId: 'u1',
  status: 'requested',
  note: null,
  approvedBy: null,
  approvedAt: null,
  shippedAt: null,
  settled: false,
  createdAt: '2026-12-07T02:00:00.000Z',
  updatedAt: '2026-12-07T02:00:00.000Z',
  staff: staff1,
  approver: null,
  items: [
    {
      id: 'i1',
      product: { id: 'p1', code: 'D001', name: 'Cola 330ml', spec: null, unit: 'can' },
      quantityRequested: 5,
      quantityShipped: 0,
    },
  ],
  ...fields,
});

async function mountPage() {
  const pinia = createPinia();
  setActivePinia(pinia);
  useSessionStore().signedIn({
    user: { id: 'k1', username: 'stock', displayName: 'Keeper', groupId: null, groupAdmin: false },
    tenant: { id: 't1', code: '100001', name: 'Demo', kind: 'operator', timeZone: 'Asia/Shanghai' },
    permissions: [P.warehouseShipping, P.listPrinting],
    modules: ['warehouse_shipping', 'list_printing'],
    restricted: null,
    mustChangePassword: false,
    sessionExpiresAt: '2026-12-31T00:00:00.000Z',
  } as Me);
  const wrapper = mount(Shipments, { global: { plugins: [pinia, i18n] }, attachTo: document.body });
  await settle();
  return wrapper;
}

const body = () => document.body;
const rowText = () => body().querySelector('[data-test="shipments-table"] .el-table__body tr')?.textContent ?? '';
const click = async (selector: string) => {
  const el = body().querySelector<HTMLElement>(selector);
  if (!el) throw new Error(`nothing matches ${selector}`);
  el.click();
  await settle();
};
const confirmBox = () => click('.el-message-box__btns button:last-child');

describe('the shipments page', () => {
  let current: ReturnType<typeof shipment>;

  beforeEach(() => {
    i18n.global.locale.value = 'en';
    for (const key of Object.keys(fake.handlers)) delete fake.handlers[key];
    fake.calls.length = 0;
    current = shipment({});
    fake.handlers['shipments.list'] = () => ({ rows: [current], total: 41 });
    fake.handlers['warehouse.staffInventory'] = () => [];
    fake.handlers['shipments.approve'] = () =>
      (current = shipment({ status: 'approved', approvedAt: '2026-12-07T03:00:00.000Z' }));
    fake.handlers['shipments.ship'] = () =>
      (current = shipment({ status: 'shipped', shippedAt: '2026-12-07T04:00:00.000Z' }));
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('lists a page of shipments with the total for the pager', async () => {
    await mountPage();
    expect(rowText()).toContain('CK202612070001');
    expect(rowText()).toContain('Zhang Wei (staff1)');
    expect(rowText()).toContain('Requested');
    expect(rowText()).toContain('Cola 330ml × 5');
    expect(body().querySelector('.el-pagination__total')?.textContent).toContain('41');
    const [first] = fake.calls.filter((c) => c.path === 'shipments.list').map((c) => c.input);
    expect(first).toEqual({ limit: 20, offset: 0 });
  });

  it('approves after the confirmation, then ships, each row showing its new status', async () => {
    await mountPage();
    await click('[data-test="approve"]');
    // Nothing is sent before the user confirms.
    expect(fake.calls.some((c) => c.path === 'shipments.approve')).toBe(false);
    await confirmBox();
    expect(fake.calls.filter((c) => c.path === 'shipments.approve').map((c) => c.input)).toEqual([
      { shipmentId: 's1' },
    ]);
    expect(rowText()).toContain('Approved');

    await click('[data-test="ship"]');
    await click('[data-test="ship-submit"]');
    // The document number was left as it was: none is sent.
    expect(fake.calls.filter((c) => c.path === 'shipments.ship').map((c) => c.input)).toEqual([{ shipmentId: 's1' }]);
    expect(rowText()).toContain('Shipped');
  });

  it('keeps the dialog and shows the API message at the document number when it is taken', async () => {
    current = shipment({ status: 'approved' });
    fake.handlers['shipments.ship'] = () => {
      throw refuse('CONFLICT', 'documentNo: CK-PAPER-7 is already in use');
    };
    await mountPage();
    await click('[data-test="ship"]');
    const input = body().querySelector<HTMLInputElement>('input[data-test="ship-document-no"]');
    if (!input) throw new Error('no document number input');
    input.value = 'CK-PAPER-7';
    input.dispatchEvent(new Event('input'));
    await settle();
    await click('[data-test="ship-submit"]');

    expect(fake.calls.filter((c) => c.path === 'shipments.ship').map((c) => c.input)).toEqual([
      { shipmentId: 's1', documentNo: 'CK-PAPER-7' },
    ]);
    const item = body().querySelector('input[data-test="ship-document-no"]')?.closest('.el-form-item');
    await vi.waitFor(() =>
      expect(item?.querySelector('.el-form-item__error')?.textContent?.trim()).toBe('CK-PAPER-7 is already in use'),
    );
    expect(body().querySelector<HTMLInputElement>('input[data-test="ship-document-no"]')?.value).toBe('CK-PAPER-7');
    expect(rowText()).toContain('Approved');
  });

  it('pages on the server: the next page asks for the rows after the first twenty', async () => {
    await mountPage();
    fake.calls.length = 0;
    await click('.el-pagination .btn-next');
    const inputs = fake.calls.filter((c) => c.path === 'shipments.list').map((c) => c.input);
    expect(inputs).toEqual([{ limit: 20, offset: 20 }]);
  });
});
