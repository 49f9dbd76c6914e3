import { P, PERMISSIONS } from '@vmcloud/api/catalog';
import { mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it } from 'vitest';
import { i18n } from '../../locales';
import PermissionPicker from './permission-picker.vue';

const grantable = PERMISSIONS.filter((p) => p.kind === 'operator').map((p) => ({
  code: p.code,
  name: p.name,
  moduleCode: p.moduleCode,
}));

describe('the permission picker', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
  });

  it('shows one section per rented module, in the catalogue order, with translated names', () => {
    const wrapper = mount(PermissionPicker, {
      props: { modelValue: [], permissions: grantable, rentedModules: ['order', 'machine'] },
      global: { plugins: [i18n] },
    });
    const sections = wrapper.findAll('section');
    expect(sections.map((s) => s.attributes('data-module'))).toEqual(['machine', 'order', 'general']);
    expect(sections[0]?.find('.permission-picker__module').text()).toBe('Vending machines');
    expect(sections[0]?.findAll('[data-code]').map((c) => c.attributes('data-code'))).toEqual([
      P.machine,
      P.ads,
      P.alarms,
    ]);
    expect(sections[1]?.text()).toContain('Gift codes');
    expect(wrapper.text()).not.toContain('Finance');
  });

  it('takes or leaves a whole module with its checkbox, keeping the other modules', async () => {
    let selected: string[] = [P.order, P.renewLease];
    const wrapper = mount(PermissionPicker, {
      props: {
        modelValue: selected,
        'onUpdate:modelValue': async (codes: string[]) => {
          selected = codes;
          await wrapper.setProps({ modelValue: codes });
        },
        permissions: grantable,
        rentedModules: ['order', 'machine'],
      },
      global: { plugins: [i18n] },
    });
    const machine = () => wrapper.find('[data-module="machine"] .permission-picker__module input');
    await machine().setValue(true);
    expect([...selected].sort()).toEqual([P.machine, P.order, P.ads, P.alarms, P.renewLease].sort());

    // Order is partly chosen: its module checkbox is indeterminate.
    expect(wrapper.find('[data-module="order"] .permission-picker__module .is-indeterminate').exists()).toBe(true);
    expect(wrapper.find('[data-module="machine"] .permission-picker__module .is-checked').exists()).toBe(true);

    await machine().setValue(false);
    expect([...selected].sort()).toEqual([P.order, P.renewLease].sort());

    await wrapper.find(`[data-code="${P.giftCodes}"] input`).setValue(true);
    expect([...selected].sort()).toEqual([P.order, P.giftCodes, P.renewLease].sort());
  });

  it('says so when no permission can be granted', () => {
    const wrapper = mount(PermissionPicker, {
      props: { modelValue: [], permissions: [], rentedModules: ['order'] },
      global: { plugins: [i18n] },
    });
    expect(wrapper.text()).toContain('No permission can be granted');
  });
});
