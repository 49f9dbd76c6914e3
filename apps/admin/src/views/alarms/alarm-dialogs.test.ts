import { mount } from '@vue/test-utils';
import { ElSelect } from 'element-plus';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alarm } from '../../api/alarms';
import { fakeApi, Refusal, type Handler } from '../../api/fake-api.test-helpers';
import { i18n } from '../../locales';
import { useAlarmsStore } from '../../stores/alarms';
import { alarmRow, FIELD_STAFF } from './alarm.test-helpers';
import AssignDialog from './assign-dialog.vue';
import RepairDialog from './repair-dialog.vue';
import { settle } from '../settle.test-helpers';

const body = () => document.body;
const fieldError = () => body().querySelector('.el-form-item__error')?.textContent?.trim() ?? '';
/** Waits for the form item's error (Element Plus shows it after a transition). */
const expectFieldError = (text: string) => vi.waitFor(() => expect(fieldError()).toContain(text));

function mountDialog(component: typeof AssignDialog | typeof RepairDialog, handlers: Record<string, Handler>) {
  const fake = fakeApi(handlers);
  const pinia = createPinia();
  setActivePinia(pinia);
  const store = useAlarmsStore();
  store.useClient(fake.client);
  let closed = 0;
  const wrapper = mount(component, {
    props: { alarm: null as Alarm | null, onClose: () => (closed += 1) },
    global: { plugins: [pinia, i18n], stubs: { transition: false } },
    attachTo: body(),
  });
  return { fake, store, wrapper, closed: () => closed };
}

describe('the alarm dialogs', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('assigns the alarm (not its machine) to one of the field staff, and keeps the choice on a refusal', async () => {
    let refuse = true;
    const { fake, store, wrapper, closed } = mountDialog(AssignDialog, {
      'alarms.fieldStaff': () => FIELD_STAFF,
      'alarms.assign': () => {
        if (refuse) throw new Refusal('BAD_REQUEST', 'userId: is disabled');
        return {};
      },
    });
    await wrapper.setProps({ alarm: alarmRow({ assignedTo: 'u1', assignedToName: '张伟' }) as unknown as Alarm });
    await settle();
    expect(fake.inputsOf('alarms.fieldStaff')).toHaveLength(1);
    const select = wrapper.findComponent(ElSelect);
    expect(select.props('modelValue')).toBe('u1');
    select.vm.$emit('update:modelValue', 'u2');
    await settle();

    body().querySelector<HTMLElement>('[data-test="assign-save"]')?.click();
    await settle();
    expect(fake.inputsOf('alarms.assign')).toEqual([{ alarmId: 'a1', userId: 'u2' }]);
    expect(fake.calls.some((c) => c.path === 'machines.assignStaff')).toBe(false);
    await expectFieldError('is disabled');
    expect(wrapper.findComponent(ElSelect).props('modelValue')).toBe('u2');
    expect(closed()).toBe(0);

    refuse = false;
    const before = store.changes;
    body().querySelector<HTMLElement>('[data-test="assign-save"]')?.click();
    await settle();
    expect(fake.inputsOf('alarms.assign')).toHaveLength(2);
    expect(closed()).toBe(1);
    expect(store.changes).toBe(before + 1);
    wrapper.unmount();
  });

  it('unassigns when nobody is chosen', async () => {
    const { fake, wrapper, closed } = mountDialog(AssignDialog, {
      'alarms.fieldStaff': () => FIELD_STAFF,
      'alarms.assign': () => ({}),
    });
    await wrapper.setProps({ alarm: alarmRow({ assignedTo: 'u1' }) as unknown as Alarm });
    await settle();
    wrapper.findComponent(ElSelect).vm.$emit('update:modelValue', null);
    await settle();
    body().querySelector<HTMLElement>('[data-test="assign-save"]')?.click();
    await settle();
    expect(fake.inputsOf('alarms.assign')).toEqual([{ alarmId: 'a1', userId: null }]);
    expect(closed()).toBe(1);
    wrapper.unmount();
  });

  it('says so at the field when the field staff cannot be loaded', async () => {
    const { wrapper } = mountDialog(AssignDialog, {
      'alarms.fieldStaff': () => {
        throw new Refusal('FORBIDDEN', 'This needs permission 00126 (alarms)');
      },
    });
    await wrapper.setProps({ alarm: alarmRow() as unknown as Alarm });
    await settle();
    await expectFieldError('This needs permission 00126');
    wrapper.unmount();
  });

  it('records a repair with a counted note, and keeps the note when the API refuses it', async () => {
    let refuse = true;
    const { fake, store, wrapper, closed } = mountDialog(RepairDialog, {
      'alarms.recordRepair': () => {
        if (refuse) throw new Refusal('CONFLICT', 'A repair is already recorded for this alarm');
        return {};
      },
    });
    await wrapper.setProps({ alarm: alarmRow() as unknown as Alarm });
    await settle();
    expect(body().querySelector('[data-test="repair-alarm"]')?.textContent).toContain('图书馆一楼: Jam');
    const save = () => body().querySelector<HTMLButtonElement>('[data-test="repair-save"]');
    expect(save()?.disabled).toBe(true);

    const textarea = wrapper.find('textarea');
    expect(textarea.attributes('maxlength')).toBe('500');
    await textarea.setValue('更换了 4 号货道电机');
    await settle();
    expect(body().querySelector('.el-input__count')?.textContent?.replace(/\s/g, '')).toBe('11/500');
    expect(save()?.disabled).toBe(false);

    save()?.click();
    await settle();
    expect(fake.inputsOf('alarms.recordRepair')).toEqual([{ alarmId: 'a1', note: '更换了 4 号货道电机' }]);
    await expectFieldError('A repair is already recorded for this alarm');
    expect((wrapper.find('textarea').element as HTMLTextAreaElement).value).toBe('更换了 4 号货道电机');
    expect(closed()).toBe(0);

    refuse = false;
    const before = store.changes;
    save()?.click();
    await settle();
    expect(fake.inputsOf('alarms.recordRepair')).toHaveLength(2);
    expect(closed()).toBe(1);
    expect(store.changes).toBe(before + 1);
    wrapper.unmount();
  });

  it('shows the note field error the API names', async () => {
    const { wrapper } = mountDialog(RepairDialog, {
      'alarms.recordRepair': () => {
        throw new Refusal('BAD_REQUEST', 'Input invalid', { note: ['must be at most 500 characters'] });
      },
    });
    await wrapper.setProps({ alarm: alarmRow() as unknown as Alarm });
    await settle();
    await wrapper.find('textarea').setValue('x');
    body().querySelector<HTMLElement>('[data-test="repair-save"]')?.click();
    await settle();
    await expectFieldError('must be at most 500 characters');
    wrapper.unmount();
  });
});
