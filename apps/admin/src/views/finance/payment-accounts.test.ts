import { P } from '@vmcloud/api/catalog';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../api/auth';
import { refuse, type Handlers } from '../../api/fake-client.test-helpers';
import { i18n } from '../../locales';
import { useSessionStore } from '../../stores/session';
import PaymentAccounts from './payment-accounts.vue';
import { settle } from '../settle.test-helpers';

const fake = vi.hoisted(() => ({ handlers: {} as Handlers, calls: [] as { path: string; input: unknown }[] }));
vi.mock('../../api/client', async (real) => {
  const { fakeClient: make } = await import('../../api/fake-client.test-helpers');
  const client = make(fake.handlers);
  fake.calls = client.calls;
  return { ...(await real<typeof import('../../api/client')>()), api: client.client };
});

const account = {
  id: 'a1',
  provider: 'wechat_pay',
  name: 'Main WeChat',
  merchantId: '1900000109',
  appId: 'wx123',
  enabled: true,
  apiKey: '••••9c2e',
  credentials: { apiKey: true, apiSecret: true, privateKey: false, certificate: false },
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
};

async function mountPage() {
  const pinia = createPinia();
  setActivePinia(pinia);
  useSessionStore().signedIn({
    user: { id: 'f1', username: 'finance', displayName: 'Finance', groupId: null, groupAdmin: false },
    tenant: { id: 't1', code: '100001', name: 'Demo', kind: 'operator', timeZone: 'Asia/Shanghai' },
    permissions: [P.paymentAccounts],
    modules: ['finance'],
    restricted: null,
    mustChangePassword: false,
    sessionExpiresAt: '2026-12-31T00:00:00.000Z',
  } as Me);
  const wrapper = mount(PaymentAccounts, { global: { plugins: [pinia, i18n] }, attachTo: document.body });
  await settle();
  return wrapper;
}

const body = () => document.body;
const input = (test: string) => body().querySelector<HTMLInputElement>(`input[data-test="${test}"]`);
async function type(test: string, value: string) {
  const el = input(test);
  if (!el) throw new Error(`no input ${test}`);
  el.value = value;
  el.dispatchEvent(new Event('input'));
  await settle();
}
async function clickText(selector: string, text: string) {
  const el = [...body().querySelectorAll<HTMLElement>(selector)].find((e) => e.textContent?.trim() === text);
  if (!el) throw new Error(`no ${selector} saying ${text}`);
  el.click();
  await settle();
}

describe('the payment accounts page', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
    for (const key of Object.keys(fake.handlers)) delete fake.handlers[key];
    fake.calls.length = 0;
    fake.handlers['paymentAccounts.list'] = () => [account];
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows the key masked and which credentials are entered', async () => {
    await mountPage();
    expect(body().querySelector('[data-test="masked-key"]')?.textContent).toBe('••••9c2e');
    const row = body().querySelector('[data-test="accounts-table"] .el-table__body tr')?.textContent ?? '';
    expect(row).toContain('Main WeChat');
    expect(row).toContain('WeChat Pay');
  });

  it('edits without showing a key back, and sends no credentials when none are typed', async () => {
    fake.handlers['paymentAccounts.update'] = () => ({ ...account, name: 'WeChat (shop 2)' });
    await mountPage();
    await clickText('[data-test="accounts-table"] button', 'Edit');
    expect(input('account-name')?.value).toBe('Main WeChat');
    // The key field starts empty: the stored key is never read back.
    expect(input('account-api-key')?.value).toBe('');
    await type('account-name', 'WeChat (shop 2)');
    body().querySelector<HTMLElement>('[data-test="account-save"]')?.click();
    await settle();
    expect(fake.calls.filter((c) => c.path === 'paymentAccounts.update').map((c) => c.input)).toEqual([
      { accountId: 'a1', name: 'WeChat (shop 2)', merchantId: '1900000109', appId: 'wx123' },
    ]);
  });

  it('keeps what was typed and shows the refusal at its field when a new account is refused', async () => {
    fake.handlers['paymentAccounts.create'] = () => {
      throw refuse('CONFLICT', 'merchantId: this merchant account of the provider is already entered');
    };
    await mountPage();
    body().querySelector<HTMLElement>('[data-test="account-create"]')?.click();
    await settle();
    await type('account-name', 'Second WeChat');
    await type('account-merchant', '1900000109');
    await type('account-api-key', 'sk_live_abcdefgh');
    body().querySelector<HTMLElement>('[data-test="account-save"]')?.click();
    await settle();

    const [sent] = fake.calls.filter((c) => c.path === 'paymentAccounts.create').map((c) => c.input);
    expect(sent).toMatchObject({
      provider: 'wechat_pay',
      name: 'Second WeChat',
      merchantId: '1900000109',
      credentials: { apiKey: 'sk_live_abcdefgh', apiSecret: null, privateKey: null, certificate: null },
    });
    const item = input('account-merchant')?.closest('.el-form-item');
    await vi.waitFor(() =>
      expect(item?.querySelector('.el-form-item__error')?.textContent?.trim()).toBe(
        'this merchant account of the provider is already entered',
      ),
    );
    expect(input('account-name')?.value).toBe('Second WeChat');
    expect(input('account-api-key')?.value).toBe('sk_live_abcdefgh');
  });
});
