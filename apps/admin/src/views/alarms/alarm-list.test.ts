import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { ElSelect } from 'element-plus';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { fakeApi, Refusal } from '../../api/fake-api.test-helpers';
import { i18n } from '../../locales';
import { useAlarmsStore } from '../../stores/alarms';
import { alarmRow, FIELD_STAFF, signInWithAlarms } from './alarm.test-helpers';
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

const alarm = alarmRow;

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

  it('filters by assignee (me included) and repair, and shows whom an alarm is assigned to and its repair', async () => {
    const fake = fakeApi({
      'alarms.list': () => ({
        items: [
          alarm({
            state: 'resolved',
            resolvedAt: '2026-12-07T03:00:00.000Z',
            assignedTo: 'u1',
            assignedAt: '2026-12-07T01:30:00.000Z',
            assignedToName: '张伟',
            repairedBy: 'u1',
            repairedAt: '2026-12-07T03:00:00.000Z',
            repairedByName: '张伟',
            repairNote: '更换了 4 号货道电机',
          }),
          alarm({ id: 'a2', assignedTo: 'u2', assignedAt: '2026-12-07T01:40:00.000Z', assignedToName: '刘洋' }),
        ],
        total: 2,
      }),
      'alarms.fieldStaff': () => FIELD_STAFF,
    });
    const pinia = createPinia();
    setActivePinia(pinia);
    signInWithAlarms();
    useAlarmsStore().useClient(fake.client);
    const wrapper = mount(AlarmList, {
      global: { plugins: [pinia, i18n, router], stubs: { transition: false } },
      attachTo: document.body,
    });
    await settle();
    const table = wrapper.find('[data-test="alarms-table"]');
    expect(table.findAll('[data-test="alarm-assignee"]').map((x) => x.text())).toEqual(['张伟', '刘洋']);
    const repair = table.find('[data-test="alarm-repair"]');
    expect(repair.text()).toContain('Repaired');
    expect(repair.text()).toContain('更换了 4 号货道电机');
    // A repaired alarm offers neither assignment nor another repair; the other one offers both.
    expect(table.findAll('[data-test="alarm-assign"]')).toHaveLength(1);
    expect(table.findAll('[data-test="alarm-record-repair"]')).toHaveLength(1);

    const select = (test: string) => {
      const found = wrapper.findAllComponents(ElSelect).find((s) => s.attributes('data-test') === test);
      if (!found) throw new Error(`no ${test}`);
      return found;
    };
    const assigneeOptions = document.body.querySelectorAll('.el-select-dropdown__item');
    expect([...assigneeOptions].map((o) => o.textContent?.trim())).toEqual(
      expect.arrayContaining(['Assigned to me', '张伟', '刘洋', 'Repaired', 'Not repaired']),
    );
    select('filter-assignee').vm.$emit('update:modelValue', 'me');
    select('filter-repair').vm.$emit('update:modelValue', 'unrepaired');
    await settle();
    await wrapper.find('form').trigger('submit');
    await settle();
    const last = fake.inputsOf('alarms.list').at(-1) as Record<string, unknown>;
    expect(last).toMatchObject({ assignedTo: 'me', repaired: false, offset: 0 });

    select('filter-assignee').vm.$emit('update:modelValue', 'u2');
    select('filter-repair').vm.$emit('update:modelValue', 'repaired');
    await settle();
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(fake.inputsOf('alarms.list').at(-1)).toMatchObject({ assignedTo: 'u2', repaired: true });
    wrapper.unmount();
  });
});
