import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { fakeApi, Refusal } from '../../api/fake-api.test-helpers';
import { i18n } from '../../locales';
import { useAlarmsStore } from '../../stores/alarms';
import AlarmList from './alarm-list.vue';
import { settle } from '../settle.test-helpers';

const router = createRouter({
  history: createMemoryHistory(),
  routes: ['/alarms', '/machines/:id'].map((path) => ({
    path,
    name: path === '/alarms' ? 'alarms' : 'machine',
    component: { template: '<div />' },
  })),
});

function alarm(fields: Record<string, unknown> = {}) {
  return {
    id: 'a1',
    machineId: 'm1',
    kind: 'jam',
    channelNumber: 4,
    severity: 'critical',
    message: 'channel 4 jammed',
    raisedAt: '2026-12-07T01:00:00.000Z',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    state: 'open',
    machineName: '图书馆一楼',
    boardId: 'VMC2026A0001',
    acknowledgedByName: null,
    ...fields,
  };
}

describe('the alarms list', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('acknowledges an open alarm and shows who did', async () => {
    let acknowledged = false;
    const fake = fakeApi({
      'alarms.list': () => ({
        items: [
          acknowledged
            ? alarm({ state: 'acknowledged', acknowledgedAt: '2026-12-07T02:00:00.000Z', acknowledgedByName: '张伟' })
            : alarm(),
        ],
        total: 1,
      }),
      'alarms.acknowledge': () => {
        acknowledged = true;
        return {};
      },
      'dashboard.fleet': () => {
        throw new Refusal('FORBIDDEN', 'This needs permission 00104');
      },
    });
    const pinia = createPinia();
    setActivePinia(pinia);
    useAlarmsStore().useClient(fake.client);
    const wrapper = mount(AlarmList, {
      global: { plugins: [pinia, i18n, router], stubs: { transition: false } },
      attachTo: document.body,
    });
    await settle();
    const table = () => wrapper.find('[data-test="alarms-table"]');
    expect(table().text()).toContain('图书馆一楼');
    expect(table().text()).toContain('Jam');
    expect(table().text()).toContain('Critical');
    expect(table().text()).toContain('Open');

    await wrapper.find('[data-test="alarm-acknowledge"]').trigger('click');
    await settle();
    expect(fake.inputsOf('alarms.acknowledge')).toEqual([{ alarmId: 'a1' }]);
    expect(table().text()).toContain('Acknowledged');
    expect(table().text()).toContain('张伟');
    expect(wrapper.find('[data-test="alarm-acknowledge"]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('says so when no alarm matches', async () => {
    const fake = fakeApi({ 'alarms.list': () => ({ items: [], total: 0 }) });
    const pinia = createPinia();
    setActivePinia(pinia);
    useAlarmsStore().useClient(fake.client);
    const wrapper = mount(AlarmList, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body });
    await settle();
    expect(wrapper.find('[data-state="empty"]').text()).toContain('No alarm matches the filter');
    wrapper.unmount();
  });
});
