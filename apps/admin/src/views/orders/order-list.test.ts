import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { fakeApi } from '../../api/fake-api.test-helpers';
import { i18n } from '../../locales';
import { useOrdersStore } from '../../stores/orders';
import OrderList from './order-list.vue';
import { settle } from '../settle.test-helpers';

const order = (n: number, status = 'completed') => ({
  id: `o${n}`,
  orderNo: `N${n}`,
  createdAt: new Date(Date.UTC(2026, 11, 1, 0, 0, 0) - n * 60_000).toISOString(),
  machineId: 'm1',
  machineName: 'Library',
  boardId: 'B1',
  channelNumber: 3,
  productId: 'p1',
  productCode: 'D001',
  productName: 'Cola',
  quantity: 1,
  price: 350,
  amount: 350,
  paymentMethod: 'qr',
  status,
});

describe('the orders list', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows a page of orders with money in yuan and status tags, and pages forward and back by cursor', async () => {
    const pages: Record<string, { items: ReturnType<typeof order>[]; nextCursor: string | null }> = {
      first: { items: [order(1), order(2, 'refunded')], nextCursor: 'c2' },
      c2: { items: [order(3, 'failed')], nextCursor: null },
    };
    const fake = fakeApi({
      'orders.list': (input) => pages[(input as { cursor: string | null }).cursor ?? 'first'],
      'machines.list': () => ({ items: [], total: 0 }),
    });
    const pinia = createPinia();
    setActivePinia(pinia);
    useOrdersStore().useClient(fake.client);
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/orders', name: 'orders', component: OrderList },
        { path: '/orders/:id', name: 'order', component: { template: '<div />' } },
      ],
    });
    await router.push('/orders?machineId=m1');
    const wrapper = mount(OrderList, {
      global: { plugins: [pinia, i18n, router], stubs: { transition: false, 'transition-group': false } },
      attachTo: document.body,
    });
    await settle();
    // The machine of the link is the filter of the first page.
    expect(fake.inputsOf('orders.list')[0]).toEqual({ machineId: 'm1', limit: 20, cursor: null });
    const rows = () =>
      wrapper
        .findAll('[data-test="orders-table"] .el-table__body tr')
        .map((tr) => tr.findAll('td').map((td) => td.text()));
    expect(rows()[0]).toEqual(expect.arrayContaining(['N1', 'Library', 'D001 Cola', '3.50', 'QR code', 'Completed']));
    expect(rows()[1]).toContain('Refunded');
    expect(wrapper.find('[data-test="order-no"]').attributes('href')).toBe('/orders/o1');
    expect(wrapper.find('[data-test="orders-previous"]').attributes('disabled')).toBeDefined();

    await wrapper.find('[data-test="orders-next"]').trigger('click');
    await settle();
    expect(rows().map((r) => r[0])).toEqual(['N3']);
    expect(wrapper.find('[data-test="orders-page-number"]').text()).toBe('Page 2');
    expect(wrapper.find('[data-test="orders-next"]').attributes('disabled')).toBeDefined();

    await wrapper.find('[data-test="orders-previous"]').trigger('click');
    await settle();
    expect(rows().map((r) => r[0])).toEqual(['N1', 'N2']);
    expect(fake.inputsOf('orders.list').map((i) => (i as { cursor: string | null }).cursor)).toEqual([
      null,
      'c2',
      null,
    ]);
    wrapper.unmount();
  });

  it('downloads the CSV of the filter shown', async () => {
    const fake = fakeApi({
      'orders.list': () => ({ items: [order(1)], nextCursor: null }),
      'machines.list': () => ({ items: [], total: 0 }),
    });
    const pinia = createPinia();
    setActivePinia(pinia);
    useOrdersStore().useClient(fake.client);
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/orders', name: 'orders', component: OrderList },
        { path: '/orders/:id', name: 'order', component: { template: '<div />' } },
      ],
    });
    await router.push('/orders');
    const saved: { name: string; text: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ name: this.download, text: this.href });
    });
    const asked: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      asked.push(url);
      return new Response('\uFEFForderNo\r\nN1\r\n', {
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="orders-20261201T000000.csv"',
        },
      });
    });
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return 'blob:orders';
    });
    const wrapper = mount(OrderList, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
    await settle();
    await wrapper.find('[data-test="orders-export"]').trigger('click');
    await settle();
    expect(asked).toEqual([`/export/orders.csv?input=${encodeURIComponent('{"amountUnit":"yuan"}')}`]);
    expect(saved).toEqual([{ name: 'orders-20261201T000000.csv', text: 'blob:orders' }]);
    expect(await blobs[0]?.text()).toBe('\uFEFForderNo\r\nN1\r\n');
    expect(document.body.textContent).toContain('1 order exported');
    click.mockRestore();
    vi.unstubAllGlobals();
    wrapper.unmount();
  });
});
