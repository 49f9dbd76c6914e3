import { P } from '@vmcloud/api/catalog';
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../api/auth';
import { refuse, type Handlers } from '../../api/fake-client.test-helpers';
import { i18n } from '../../locales';
import { useSessionStore } from '../../stores/session';
import AuditLog from './audit-log.vue';
import { settle } from '../settle.test-helpers';

const fake = vi.hoisted(() => ({ handlers: {} as Handlers, calls: [] as { path: string; input: unknown }[] }));
vi.mock('../../api/client', async (real) => {
  const { fakeClient: make } = await import('../../api/fake-client.test-helpers');
  const client = make(fake.handlers);
  fake.calls = client.calls;
  return { ...(await real<typeof import('../../api/client')>()), api: client.client };
});

const entry = (n: number, overrides: Record<string, unknown> = {}) => ({
  id: `a${n}`,
  tenantId: 't1',
  userId: 'u1',
  username: 'admin',
  displayName: '王经理',
  action: 'orders.refund',
  entity: 'orders',
  entityId: `order-${n}`,
  before: { status: 'completed' },
  after: { status: 'refunded' },
  requestId: null,
  ip: '10.0.0.8',
  createdAt: new Date(Date.UTC(2026, 11, 1, 8, 0, 0) - n * 60_000).toISOString(),
  updatedAt: new Date(Date.UTC(2026, 11, 1, 8, 0, 0) - n * 60_000).toISOString(),
  ...overrides,
});

function signIn(kind: 'operator' | 'manufacturer', permissions: string[]) {
  useSessionStore().signedIn({
    user: { id: 'u1', username: 'admin', displayName: '王经理', groupId: null, groupAdmin: false },
    tenant: { id: 't1', code: '100001', name: 'Demo', kind, timeZone: 'Asia/Shanghai' },
    permissions,
    modules: ['user'],
    restricted: null,
    mustChangePassword: false,
    sessionExpiresAt: '2026-12-31T00:00:00.000Z',
  } as Me);
}

async function mountPage(kind: 'operator' | 'manufacturer', permissions: string[]) {
  const pinia = createPinia();
  setActivePinia(pinia);
  signIn(kind, permissions);
  const wrapper = mount(AuditLog, { global: { plugins: [pinia, i18n] }, attachTo: document.body });
  await settle();
  return wrapper;
}

const inputsOf = (path: string) => fake.calls.filter((c) => c.path === path).map((c) => c.input);
const rows = (wrapper: ReturnType<typeof mount>) =>
  wrapper.findAll('[data-test="audit"] > .el-table__inner-wrapper > .el-table__body-wrapper tbody > tr.el-table__row');

describe('the audit log', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
    fake.calls.length = 0;
    for (const key of Object.keys(fake.handlers)) delete fake.handlers[key];
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it('shows an operator its own log with who made each change, and filters by the row changed on the server', async () => {
    fake.handlers['audit.list'] = (input) =>
      (input as { entityId?: string }).entityId
        ? { items: [entry(1)], nextCursor: null }
        : { items: [entry(1), entry(2, { userId: null, username: null, displayName: null })], nextCursor: 'c2' };
    fake.handlers['users.list'] = () => ({
      items: [{ id: 'u1', username: 'admin', displayName: '王经理' }],
      total: 1,
    });
    const wrapper = await mountPage('operator', [P.auditLog, P.user]);
    expect(inputsOf('audit.list')[0]).toMatchObject({ limit: 20, cursor: null });
    expect(inputsOf('factory.auditLog.list')).toEqual([]);
    expect(inputsOf('users.list')).toHaveLength(1);
    const shown = rows(wrapper);
    expect(shown).toHaveLength(2);
    expect(shown[0]?.text()).toContain('王经理 (admin)');
    expect(shown[0]?.text()).toContain('orders.refund');
    expect(shown[0]?.text()).toContain('Orders');
    expect(shown[0]?.text()).toContain('order-1');
    expect(shown[0]?.text()).toContain('1 fields changed');
    expect(shown[1]?.text()).toContain('System');

    const id = wrapper.find('input[data-test="audit-entity-id"], [data-test="audit-entity-id"] input');
    await id.setValue(' order-1 ');
    await wrapper.find('[data-test="audit-filters"]').trigger('submit');
    await settle();
    expect(inputsOf('audit.list').at(-1)).toMatchObject({ entityId: 'order-1', limit: 20, cursor: null });
    expect(rows(wrapper)).toHaveLength(1);
    wrapper.unmount();
  });

  it('says so when nothing matches, and shows the API’s message with a retry when the read fails', async () => {
    fake.handlers['audit.list'] = () => ({ items: [], nextCursor: null });
    const empty = await mountPage('operator', [P.auditLog]);
    expect(empty.find('[data-state="empty"]').text()).toContain('No changes match these filters');
    // Without the user permission, a user is given by id and no user list is read.
    expect(inputsOf('users.list')).toEqual([]);
    empty.unmount();

    let fail = true;
    fake.handlers['audit.list'] = () => {
      if (fail) throw refuse('BAD_REQUEST', 'to: must be after from');
      return { items: [entry(1)], nextCursor: null };
    };
    const failed = await mountPage('operator', [P.auditLog]);
    expect(failed.find('[data-state="error"]').text()).toContain('to: must be after from');
    fail = false;
    await failed.find('[data-state="error"] button').trigger('click');
    await settle();
    expect(rows(failed)).toHaveLength(1);
    failed.unmount();
  });

  it('shows the manufacturer its own log', async () => {
    fake.handlers['factory.auditLog.list'] = () => ({
      items: [entry(1, { action: 'catalog.modules.update', entity: 'modules' })],
      nextCursor: null,
    });
    const wrapper = await mountPage('manufacturer', [P.viewAuditLog]);
    expect(inputsOf('factory.auditLog.list')).toHaveLength(1);
    expect(inputsOf('audit.list')).toEqual([]);
    expect(rows(wrapper)[0]?.text()).toContain('catalog.modules.update');
    wrapper.unmount();
  });
});
