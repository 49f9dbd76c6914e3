import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { refuse, type Handlers } from '../../api/fake-client.test-helpers';
import { i18n } from '../../locales';
import RuleDialog from './rule-dialog.vue';

const fake = vi.hoisted(() => ({ handlers: {} as Handlers, calls: [] as { path: string; input: unknown }[] }));
vi.mock('../../api/client', async (real) => {
  const { fakeClient } = await import('../../api/fake-client.test-helpers');
  const client = fakeClient(fake.handlers);
  fake.calls = client.calls;
  return { ...(await real<typeof import('../../api/client')>()), api: client.client };
});

const rule = {
  id: 'r1',
  tenantId: 't1',
  name: 'Lucky 100th',
  trigger: 'every_nth_order' as const,
  threshold: 100,
  channelGroupName: null,
  counter: 42,
  value: 500,
  validDays: 7,
  enabled: true,
  activeCodes: 0,
  createdAt: '',
  updatedAt: '',
  createdBy: null,
  updatedBy: null,
};

async function openDialog(given: typeof rule | null) {
  const pinia = createPinia();
  setActivePinia(pinia);
  const wrapper = mount(RuleDialog, {
    props: { modelValue: false, rule: given },
    global: { plugins: [pinia, i18n] },
    attachTo: document.body,
  });
  await wrapper.setProps({ modelValue: true });
  await flushPromises();
  return wrapper;
}

const item = (label: string) =>
  [...document.body.querySelectorAll('.el-dialog .el-form-item')].find(
    (el) => el.querySelector('label')?.textContent === label,
  );

async function type(label: string, value: string) {
  const input = item(label)?.querySelector('input');
  if (!input) throw new Error(`no input ${label}`);
  input.value = value;
  input.dispatchEvent(new Event('input'));
  input.dispatchEvent(new Event('change'));
  await flushPromises();
}

describe('the gift-code rule dialog', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
    for (const key of Object.keys(fake.handlers)) delete fake.handlers[key];
    fake.calls.length = 0;
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it("shows the API's refusal of the threshold at its field and keeps the form", async () => {
    fake.handlers['giftCodes.updateRule'] = () => {
      throw refuse('BAD_REQUEST', 'threshold: must be at least 2 for every n-th order');
    };
    const wrapper = await openDialog(rule);
    expect(item('Every n-th order')?.querySelector('input')?.value).toBe('100');
    await type('Every n-th order', '1');
    document.body.querySelector<HTMLElement>('[data-test="save-rule"]')?.click();
    await flushPromises();
    expect(fake.calls.find((c) => c.path === 'giftCodes.updateRule')?.input).toEqual({
      id: 'r1',
      name: 'Lucky 100th',
      trigger: 'every_nth_order',
      threshold: 1,
      channelGroupName: null,
      value: 500,
      validDays: 7,
      enabled: true,
    });
    await vi.waitFor(() =>
      expect(item('Every n-th order')?.querySelector('.el-form-item__error')?.textContent?.trim()).toBe(
        'must be at least 2 for every n-th order',
      ),
    );
    expect(item('Every n-th order')?.querySelector('input')?.value).toBe('1');
    expect(wrapper.emitted('saved')).toBeUndefined();
  });

  it('sends a new rule with its amounts in fen', async () => {
    fake.handlers['giftCodes.createRule'] = (input) => input;
    const wrapper = await openDialog(null);
    await type('Name', 'Weekend');
    await type('Buys a product priced up to (yuan)', '4.5');
    document.body.querySelector<HTMLElement>('[data-test="save-rule"]')?.click();
    await flushPromises();
    expect(fake.calls.find((c) => c.path === 'giftCodes.createRule')?.input).toMatchObject({
      name: 'Weekend',
      trigger: 'manual',
      threshold: 0,
      value: 450,
      validDays: 30,
    });
    expect(wrapper.emitted('saved')).toHaveLength(1);
  });
});
