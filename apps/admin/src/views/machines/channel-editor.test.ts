import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, Refusal } from '../../api/fake-api.test-helpers';
import { i18n } from '../../locales';
import { useMachinesStore } from '../../stores/machines';
import ChannelEditor from './channel-editor.vue';
import { channel } from './machine.test-helpers';
import { settle } from '../settle.test-helpers';

const input = (test: string) => document.body.querySelector<HTMLInputElement>(`[data-test="${test}"] input`);

async function type(test: string, value: string) {
  const el = input(test);
  if (!el) throw new Error(`no input ${test}`);
  el.value = value;
  el.dispatchEvent(new Event('input'));
  el.dispatchEvent(new Event('change'));
  await flushPromises();
}

/** The error shown at the form item holding `test`. */
const errorAt = (test: string) =>
  document.body
    .querySelector(`[data-test="${test}"]`)
    ?.closest('.el-form-item')
    ?.querySelector('.el-form-item__error')
    ?.textContent?.trim() ?? null;

describe('the channel editor', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows a refused capacity at its field, keeps what was typed, and saves the rest', async () => {
    const fake = fakeApi({
      'channels.setPrice': () => ({}),
      'channels.setCapacity': () => {
        throw new Refusal('BAD_REQUEST', 'capacity: less than the 5 in stock');
      },
    });
    const pinia = createPinia();
    setActivePinia(pinia);
    useMachinesStore().useClient(fake.client);
    const wrapper = mount(ChannelEditor, {
      props: { channel: channel() },
      global: { plugins: [pinia, i18n], stubs: { transition: false, 'transition-group': false } },
      attachTo: document.body,
    });
    await settle();
    expect(input('channel-capacity')?.value).toBe('10');
    expect(input('channel-price')?.value).toBe('3.00');

    await type('channel-price', '2.5');
    await type('channel-capacity', '3');
    document.body.querySelector<HTMLButtonElement>('[data-test="channel-save"]')?.click();
    await settle();

    expect(fake.inputsOf('channels.setPrice')).toEqual([{ channelId: 'c1', price: 250 }]);
    expect(fake.inputsOf('channels.setCapacity')).toEqual([{ channelId: 'c1', capacity: 3 }]);
    // Element Plus shows a form item's error after a short debounce.
    await vi.waitFor(() => expect(errorAt('channel-capacity')).toBe('less than the 5 in stock'));
    expect(errorAt('channel-price')).toBeNull();
    expect(input('channel-capacity')?.value).toBe('3');
    expect(wrapper.emitted('saved')).toBeUndefined();
    expect(wrapper.emitted('changed')).toHaveLength(1);
    wrapper.unmount();
  });

  it('closes with saved when every change was accepted', async () => {
    const fake = fakeApi({ 'channels.deactivate': () => ({}) });
    const pinia = createPinia();
    setActivePinia(pinia);
    useMachinesStore().useClient(fake.client);
    const wrapper = mount(ChannelEditor, {
      props: { channel: channel({ enabled: true }) },
      global: { plugins: [pinia, i18n], stubs: { transition: false, 'transition-group': false } },
      attachTo: document.body,
    });
    await settle();
    // Out of service, with the reason.
    const radios = document.body.querySelectorAll<HTMLInputElement>('.el-radio-button input');
    radios[1]?.click();
    await settle();
    const reason = document.body.querySelector<HTMLInputElement>('input[maxlength="200"]');
    if (!reason) throw new Error('no reason input');
    reason.value = 'motor jammed';
    reason.dispatchEvent(new Event('input'));
    document.body.querySelector<HTMLButtonElement>('[data-test="channel-save"]')?.click();
    await settle();
    expect(fake.inputsOf('channels.deactivate')).toEqual([{ channelId: 'c1', reason: 'motor jammed' }]);
    expect(wrapper.emitted('saved')).toHaveLength(1);
    wrapper.unmount();
  });
});
