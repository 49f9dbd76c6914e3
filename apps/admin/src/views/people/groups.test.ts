import { P } from '@vmcloud/api/catalog';
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Handlers } from '../../api/fake-client.test-helpers';
import type { Me } from '../../api/auth';
import { i18n } from '../../locales';
import { useSessionStore } from '../../stores/session';
import Groups from './groups.vue';

const fake = vi.hoisted(() => ({ handlers: {} as Handlers, calls: [] as { path: string; input: unknown }[] }));
vi.mock('../../api/client', async (real) => {
  const { fakeClient } = await import('../../api/fake-client.test-helpers');
  const client = fakeClient(fake.handlers);
  fake.calls = client.calls;
  return { ...(await real<typeof import('../../api/client')>()), api: client.client };
});

const group = (id: string, name: string, type: 'staff' | 'machine', memberCount: number) => ({
  id,
  name,
  type,
  description: null,
  memberCount,
  createdAt: '',
  updatedAt: '',
});

async function mountAs(permissions: string[], groupAdmin: boolean) {
  const pinia = createPinia();
  setActivePinia(pinia);
  useSessionStore().signedIn({
    user: { id: 'u1', username: 'x', displayName: 'X', groupId: groupAdmin ? 'g1' : null, groupAdmin },
    tenant: { id: 't1', code: '100001', name: 'Demo', kind: 'operator', timeZone: 'Asia/Shanghai' },
    permissions,
    modules: ['user_group', 'machine_group'],
    restricted: null,
    mustChangePassword: false,
    sessionExpiresAt: '2026-12-31T00:00:00.000Z',
  } as Me);
  const wrapper = mount(Groups, { global: { plugins: [pinia, i18n] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

describe('the groups page', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
    for (const key of Object.keys(fake.handlers)) delete fake.handlers[key];
    fake.calls.length = 0;
    fake.handlers['groups.staff.list'] = () => [group('g1', 'East team', 'staff', 3), group('g2', 'Spare', 'staff', 0)];
    fake.handlers['groups.machine.list'] = () => [group('m1', 'Campus', 'machine', 2)];
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows staff and machine groups in their tabs, with members and deleting an empty group', async () => {
    const wrapper = await mountAs([P.userGroup, P.machineGroup], false);
    expect(wrapper.findAll('.el-tabs__item').map((t) => t.text())).toEqual(['Staff groups', 'Machine groups']);
    const rows = wrapper.findAll('.el-table__body tr');
    expect(rows.map((r) => r.find('td').text())).toEqual(['East team', 'Spare']);
    expect(rows[0]?.text()).toContain('Members');
    expect(rows[0]?.findAll('button').at(-1)?.attributes('disabled')).toBeDefined();
    expect(rows[1]?.findAll('button').at(-1)?.attributes('disabled')).toBeUndefined();

    await wrapper.findAll('.el-tabs__item')[1]?.trigger('click');
    await flushPromises();
    expect(fake.calls.map((c) => c.path)).toEqual(['groups.staff.list', 'groups.machine.list']);
    expect(wrapper.find('.el-table__body tr td').text()).toBe('Campus');
  });

  it('lets a group admin rename its own group only', async () => {
    fake.handlers['groups.staff.list'] = () => [group('g1', 'East team', 'staff', 3)];
    const wrapper = await mountAs([P.userGroup], true);
    expect(wrapper.find('.el-tabs').exists()).toBe(false);
    expect(wrapper.text()).not.toContain('New group');
    const buttons = wrapper.findAll('.el-table__body tr button').map((b) => b.text());
    expect(buttons).toEqual(['Edit']);
  });
});
