import { mount } from '@vue/test-utils';
import { ElSelect } from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import { fakeApi } from '../../api/fake-api.test-helpers';
import { i18n } from '../../locales';
import { useMachinesStore } from '../../stores/machines';
import MachineList from './machine-list.vue';
import { fleetMachine } from './machine.test-helpers';
import { settle } from '../settle.test-helpers';

const router = createRouter({
  history: createMemoryHistory(),
  routes: ['/machines', '/machines/:id', '/alarms'].map((path) => ({
    path,
    name: path === '/machines/:id' ? 'machine' : path.slice(1),
    component: { template: '<div />' },
  })),
});

describe('the machines list', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows each machine with its live status and filters on the server', async () => {
    const fake = fakeApi({
      'dashboard.fleet': (input) => {
        const filter = input as { needingStock?: boolean };
        const items = [
          fleetMachine(),
          fleetMachine({
            id: 'm2',
            boardId: 'VMC2026B0001',
            name: null,
            online: false,
            temperature: null,
            doorOpen: true,
            openAlarms: 0,
            lowChannels: 0,
            stock: 30,
            capacity: 30,
          }),
        ];
        const shown = filter.needingStock ? items.filter((m) => m.lowChannels > 0) : items;
        return { items: shown, total: shown.length };
      },
      'groups.machine.list': () => [{ id: 'g1', name: '海淀片区' }],
      'machines.types': () => [],
      'users.list': () => ({ items: [], total: 0 }),
    });
    const pinia = createPinia();
    setActivePinia(pinia);
    useMachinesStore().useClient(fake.client);
    const wrapper = mount(MachineList, {
      global: { plugins: [pinia, i18n, router], stubs: { transition: false } },
      attachTo: document.body,
    });
    await settle();
    const rows = wrapper.findAll('[data-test="machines-table"] .el-table__body-wrapper tbody tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.text()).toContain('图书馆一楼');
    expect(rows[0]?.text()).toContain('VMC2026A0001 · HD-001');
    expect(rows[0]?.text()).toContain('Online');
    expect(rows[0]?.text()).toContain('4.5 °C');
    expect(rows[0]?.text()).toContain('110/190');
    expect(rows[0]?.text()).toContain('3 channels low');
    expect(rows[1]?.text()).toContain('VMC2026B0001');
    expect(rows[1]?.text()).toContain('Offline');
    expect(rows[1]?.text()).toContain('Open');

    const board = wrapper.find('input[data-test="filter-board"], [data-test="filter-board"] input');
    await board.setValue('  b0001 ');
    await wrapper.find('[data-test="filter-needing-stock"]').trigger('click');
    await wrapper.find('form').trigger('submit');
    await settle();
    const last = fake.inputsOf('dashboard.fleet').at(-1);
    expect(last).toMatchObject({ boardId: 'b0001', needingStock: true, offset: 0, limit: 20 });
    expect(wrapper.findAll('[data-test="machines-table"] .el-table__body-wrapper tbody tr')).toHaveLength(1);
    wrapper.unmount();
  });

  it('offers the types of the operator’s machines and filters the fleet by one', async () => {
    const fake = fakeApi({
      'dashboard.fleet': (input) => {
        const { typeId } = input as { typeId?: string };
        const items = [fleetMachine(), fleetMachine({ id: 'm2', boardId: 'VMC2026B0001' })];
        const shown = typeId === 't-s12' ? items.slice(1) : items;
        return { items: shown, total: shown.length };
      },
      'machines.types': () => [
        {
          id: 't-c20',
          model: 'VMC-C20',
          name: '冷饮综合机',
          trays: 4,
          slotsPerTray: 5,
          defaultCapacity: 10,
          refrigerated: true,
          machines: 1,
        },
        {
          id: 't-s12',
          model: 'VMC-S12',
          name: '零食机',
          trays: 3,
          slotsPerTray: 4,
          defaultCapacity: 8,
          refrigerated: false,
          machines: 1,
        },
      ],
      'groups.machine.list': () => [],
      'users.list': () => ({ items: [], total: 0 }),
    });
    const pinia = createPinia();
    setActivePinia(pinia);
    useMachinesStore().useClient(fake.client);
    const wrapper = mount(MachineList, {
      global: { plugins: [pinia, i18n, router], stubs: { transition: false } },
      attachTo: document.body,
    });
    await settle();
    const options = [...document.body.querySelectorAll('.el-select-dropdown__item')].map((o) => o.textContent?.trim());
    expect(options).toEqual(
      expect.arrayContaining(['VMC-C20 冷饮综合机4 × 5 · 1 machines', 'VMC-S12 零食机3 × 4 · 1 machines']),
    );
    const type = wrapper.findAllComponents(ElSelect).find((x) => x.attributes('data-test') === 'filter-type');
    if (!type) throw new Error('no machine type filter');
    type.vm.$emit('update:modelValue', 't-s12');
    await settle();
    await wrapper.find('form').trigger('submit');
    await settle();
    expect(fake.inputsOf('dashboard.fleet').at(-1)).toMatchObject({ typeId: 't-s12', offset: 0 });
    expect(wrapper.findAll('[data-test="machines-table"] .el-table__body-wrapper tbody tr')).toHaveLength(1);
    wrapper.unmount();
  });
});
