import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { settle } from '../settle.test-helpers';
import { createMemoryHistory, createRouter } from 'vue-router';
import { fakeApi, Refusal } from '../../api/fake-api.test-helpers';
import { i18n } from '../../locales';
import { useDashboardStore } from '../../stores/dashboard';
import Dashboard from './dashboard.vue';
import { summaryWith } from './summary.test-helpers';

const router = createRouter({
  history: createMemoryHistory(),
  routes: ['/machines', '/machines/:id', '/alarms', '/'].map((path) => ({
    path,
    name: path === '/machines/:id' ? 'machine' : path.slice(1) || 'home',
    component: { template: '<div />' },
  })),
});

function mountWith(handler: () => unknown) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const fake = fakeApi({ 'dashboard.summary': handler });
  useDashboardStore().useClient(fake.client);
  const wrapper = mount(Dashboard, {
    global: { plugins: [pinia, i18n, router], stubs: { SalesChart: true } },
    attachTo: document.body,
  });
  return { wrapper, fake };
}

const text = (wrapper: ReturnType<typeof mount>, test: string) => wrapper.find(`[data-test="${test}"]`).text();

describe('the dashboard', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows the sales, machines, low channels and newest alarms, and a new sale without a reload', async () => {
    let sold = 1;
    const { wrapper, fake } = mountWith(() => summaryWith(sold));
    await settle();
    expect(text(wrapper, 'sales-today')).toContain('¥2.50');
    expect(text(wrapper, 'sales-today')).toContain('1 orders');
    expect(text(wrapper, 'sales-last30Days')).toContain('¥300.00');
    expect(text(wrapper, 'machines')).toMatch(/Online 2.*Offline 1.*In alarm 1/s);
    expect(text(wrapper, 'top-products')).toContain('可口可乐 330ml');
    expect(text(wrapper, 'by-machine')).toContain('图书馆一楼');
    expect(text(wrapper, 'low-channels')).toContain('0/10');
    expect(text(wrapper, 'newest-alarms')).toContain('Jam');
    expect(text(wrapper, 'newest-alarms')).toContain('channel 4 jammed');

    sold = 2;
    // The page asks again on its own (every 3 s): wait for that, not for a fixed time.
    await vi.waitFor(() => expect(text(wrapper, 'sales-today')).toContain('¥5.00'), { timeout: 6000, interval: 50 });
    expect(fake.inputsOf('dashboard.summary').length).toBeGreaterThanOrEqual(2);
    expect(text(wrapper, 'sales-today')).toContain('2 orders');
    wrapper.unmount();
  }, 10_000);

  it('shows the API message with a retry when the summary cannot be loaded', async () => {
    let fail = true;
    const { wrapper } = mountWith(() => {
      if (fail) throw new Refusal('INTERNAL_SERVER_ERROR', 'database is locked');
      return summaryWith(0);
    });
    await settle();
    expect(wrapper.find('[data-state="error"]').text()).toContain('database is locked');
    fail = false;
    await wrapper.find('[data-state="error"] button').trigger('click');
    await settle();
    expect(text(wrapper, 'sales-today')).toContain('¥0.00');
    wrapper.unmount();
  });
});
