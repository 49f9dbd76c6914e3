import { P } from '@vmcloud/api/catalog';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { refuse, type Handlers } from '../../api/fake-client.test-helpers';
import type { Me } from '../../api/auth';
import { i18n } from '../../locales';
import { useSessionStore } from '../../stores/session';
import Roles from './roles.vue';

const fake = vi.hoisted(() => ({ handlers: {} as Handlers }));
vi.mock('../../api/client', async (real) => {
  const { fakeClient: make } = await import('../../api/fake-client.test-helpers');
  return { ...(await real<typeof import('../../api/client')>()), api: make(fake.handlers).client };
});

const role = (fields: Record<string, unknown>) => ({
  id: 'r1',
  name: 'Operator admin',
  key: 'operator_admin',
  builtIn: true,
  description: 'Everything the operator rents',
  permissions: [P.user, P.role, P.machine],
  userCount: 1,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  ...fields,
});

const grantable = [
  { code: P.user, name: '用户管理', moduleCode: 'user' },
  { code: P.role, name: '角色管理', moduleCode: 'role' },
  { code: P.machine, name: '售货机管理', moduleCode: 'machine' },
  { code: P.alarms, name: 'View and acknowledge alarms', moduleCode: 'machine' },
  { code: P.renewLease, name: 'Renew the lease', moduleCode: null },
];

async function mountRoles() {
  const pinia = createPinia();
  setActivePinia(pinia);
  useSessionStore().signedIn({
    user: { id: 'u1', username: 'admin', displayName: 'Admin', groupId: null, groupAdmin: false },
    tenant: { id: 't1', code: '100001', name: 'Demo', kind: 'operator', timeZone: 'Asia/Shanghai' },
    permissions: [P.user, P.role, P.machine, P.alarms, P.renewLease],
    modules: ['user', 'role', 'machine'],
    restricted: null,
    mustChangePassword: false,
    sessionExpiresAt: '2026-12-31T00:00:00.000Z',
  } as Me);
  const wrapper = mount(Roles, {
    global: { plugins: [pinia, i18n] },
    attachTo: document.body,
  });
  await flushPromises();
  return wrapper;
}

const body = () => document.body;
const click = async (selector: string) => {
  body().querySelector<HTMLElement>(selector)?.click();
  await flushPromises();
};

describe('the roles page', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
    for (const key of Object.keys(fake.handlers)) delete fake.handlers[key];
    fake.handlers['roles.list'] = () => [
      role({}),
      role({ id: 'r2', name: 'Stock keeper', key: null, builtIn: false, userCount: 0, permissions: [P.machine] }),
    ];
    fake.handlers['roles.permissions'] = () => grantable;
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('lists the roles with their permission and user counts', async () => {
    const wrapper = await mountRoles();
    const rows = wrapper.findAll('.el-table__body tr');
    expect(rows).toHaveLength(2);
    expect(rows[0]?.text()).toContain('Operator admin');
    expect(rows[0]?.text()).toContain('Built-in');
    expect(rows[1]?.text()).toContain('Stock keeper');
    expect(rows[1]?.text()).toContain('Delete');
  });

  it('creates a role with the permissions picked by module', async () => {
    const created: unknown[] = [];
    fake.handlers['roles.create'] = (input) => {
      created.push(input);
      return { id: 'r3' };
    };
    await mountRoles();
    await click('[data-test="new-role"]');
    const name = body().querySelector<HTMLInputElement>('input[data-test="role-name"]');
    if (!name) throw new Error('no name input');
    name.value = 'Alarm desk';
    name.dispatchEvent(new Event('input'));
    // The machine module's checkbox takes the module's two permissions.
    await click('[data-module="machine"] .permission-picker__module input');
    await click(`[data-code="${P.renewLease}"] input`);
    await click('[data-test="save-role"]');
    expect(created).toEqual([
      { name: 'Alarm desk', description: null, permissions: [P.machine, P.alarms, P.renewLease] },
    ]);
  });

  it('shows a refused save at the field and keeps what was typed', async () => {
    fake.handlers['roles.update'] = () => {
      throw refuse('CONFLICT', 'name: is taken');
    };
    const wrapper = await mountRoles();
    await wrapper.findAll('.el-table__body tr')[1]?.find('button').trigger('click');
    await flushPromises();
    const name = body().querySelector<HTMLInputElement>('input[data-test="role-name"]');
    if (!name) throw new Error('no name input');
    expect(name.value).toBe('Stock keeper');
    name.value = 'Operator admin';
    name.dispatchEvent(new Event('input'));
    await click('[data-test="save-role"]');
    const nameItem = body().querySelector('input[data-test="role-name"]')?.closest('.el-form-item');
    await vi.waitFor(() =>
      expect(nameItem?.querySelector('.el-form-item__error')?.textContent?.trim()).toBe('is taken'),
    );
    expect(body().querySelector<HTMLInputElement>('input[data-test="role-name"]')?.value).toBe('Operator admin');
    // The picker still shows the role's permission.
    expect(body().querySelector(`[data-code="${P.machine}"] .is-checked`)).not.toBeNull();
  });
});
