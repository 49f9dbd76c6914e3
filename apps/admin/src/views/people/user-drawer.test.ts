import { P } from '@vmcloud/api/catalog';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { refuse, type Handlers } from '../../api/fake-client.test-helpers';
import type { Me } from '../../api/auth';
import { i18n } from '../../locales';
import { useSessionStore } from '../../stores/session';
import UserDrawer from './user-drawer.vue';

const fake = vi.hoisted(() => ({ handlers: {} as Handlers, calls: [] as { path: string; input: unknown }[] }));
vi.mock('../../api/client', async (real) => {
  const { fakeClient } = await import('../../api/fake-client.test-helpers');
  const client = fakeClient(fake.handlers);
  fake.calls = client.calls;
  return { ...(await real<typeof import('../../api/client')>()), api: client.client };
});

const roles = [
  {
    id: 'r1',
    name: 'Field staff',
    key: 'field_staff',
    builtIn: true,
    description: null,
    permissions: [],
    userCount: 2,
    createdAt: '',
    updatedAt: '',
  },
];
const groups = [
  {
    id: 'g1',
    name: 'East team',
    type: 'staff' as const,
    description: null,
    memberCount: 2,
    createdAt: '',
    updatedAt: '',
  },
];

async function openDrawer() {
  const pinia = createPinia();
  setActivePinia(pinia);
  useSessionStore().signedIn({
    user: { id: 'u1', username: 'admin', displayName: 'Admin', groupId: null, groupAdmin: false },
    tenant: { id: 't1', code: '100001', name: 'Demo', kind: 'operator', timeZone: 'Asia/Shanghai' },
    permissions: [P.user, P.customFields],
    modules: ['user'],
    restricted: null,
    mustChangePassword: false,
    sessionExpiresAt: '2026-12-31T00:00:00.000Z',
  } as Me);
  const wrapper = mount(UserDrawer, {
    props: { modelValue: false, user: null, roles, groups },
    global: { plugins: [pinia, i18n] },
    attachTo: document.body,
  });
  await wrapper.setProps({ modelValue: true });
  await flushPromises();
  return wrapper;
}

const input = (test: string) => document.body.querySelector<HTMLInputElement>(`input[data-test="${test}"]`);
async function type(test: string, value: string) {
  const el = input(test);
  if (!el) throw new Error(`no input ${test}`);
  el.value = value;
  el.dispatchEvent(new Event('input'));
  await flushPromises();
}
async function save() {
  document.body.querySelector<HTMLElement>('[data-test="save-user"]')?.click();
  await flushPromises();
}

describe('the user drawer', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
    for (const key of Object.keys(fake.handlers)) delete fake.handlers[key];
    fake.calls.length = 0;
    fake.handlers['customFields.list'] = () => [
      {
        id: 'f1',
        entity: 'user',
        key: 'badge_no',
        label: 'Badge no.',
        type: 'text',
        options: null,
        required: false,
        sortOrder: 0,
      },
    ];
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows a taken username at its field and keeps what was typed', async () => {
    fake.handlers['users.create'] = () => {
      throw refuse('CONFLICT', 'username: is taken');
    };
    const wrapper = await openDrawer();
    await type('username', 'staff1');
    await type('display-name', 'Li Na');
    await type('password', 'Start_2026');
    await save();
    expect(fake.calls.find((c) => c.path === 'users.create')?.input).toMatchObject({
      username: 'staff1',
      displayName: 'Li Na',
      password: 'Start_2026',
      mustChangePassword: true,
      groupId: null,
      groupAdmin: false,
    });
    const item = input('username')?.closest('.el-form-item');
    await vi.waitFor(() => expect(item?.querySelector('.el-form-item__error')?.textContent?.trim()).toBe('is taken'));
    expect(input('username')?.value).toBe('staff1');
    expect(input('display-name')?.value).toBe('Li Na');
    expect(wrapper.emitted('saved')).toBeUndefined();
  });

  it('creates the user, then sets the custom field values given', async () => {
    fake.handlers['users.create'] = (given) => ({ id: 'u9', ...(given as object), roles: [] });
    fake.handlers['customFields.setUserValues'] = () => [];
    const wrapper = await openDrawer();
    expect(document.body.textContent).toContain('Badge no.');
    await type('username', 'lina');
    await type('display-name', 'Li Na');
    await type('password', 'Start_2026');
    const badge = [...document.body.querySelectorAll('.el-form-item')]
      .find((item) => item.querySelector('label')?.textContent === 'Badge no.')
      ?.querySelector('input');
    if (!badge) throw new Error('no badge input');
    badge.value = 'B-7';
    badge.dispatchEvent(new Event('input'));
    await save();
    expect(fake.calls.find((c) => c.path === 'customFields.setUserValues')?.input).toEqual({
      id: 'u9',
      values: { badge_no: 'B-7' },
    });
    expect(wrapper.emitted('saved')).toHaveLength(1);
  });
});
