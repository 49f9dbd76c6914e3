import { TRPCClientError } from '@trpc/client';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Me } from '../api/auth';
import { useSessionStore } from './session';

const api = vi.hoisted(() => ({ fetchMe: vi.fn(), logout: vi.fn() }));
vi.mock('../api/auth', () => api);

function me(overrides: Partial<Me> = {}): Me {
  return {
    user: { id: 'u1', username: 'stock', displayName: '库存管理员', groupId: null, groupAdmin: false },
    tenant: { id: 't1', code: '100001', name: 'Demo_Vending', kind: 'operator', timeZone: 'Asia/Shanghai' },
    permissions: ['00108', '00110', '00113'],
    modules: ['product', 'transfer', 'warehouse_shipping'],
    restricted: null,
    mustChangePassword: false,
    sessionExpiresAt: '2026-12-08T00:00:00.000Z',
    ...overrides,
  };
}

function refusal(code: string) {
  return new TRPCClientError('refused', { result: { error: { message: 'refused', code: -1, data: { code } } } });
}

describe('useSessionStore', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    api.fetchMe.mockReset();
    api.logout.mockReset();
  });

  it('answers can() and rents() from auth.me', async () => {
    api.fetchMe.mockResolvedValue(me());
    const session = useSessionStore();
    expect(session.can('00108')).toBe(false);
    await session.load();
    expect(session.status).toBe('signed-in');
    expect(session.can('00108')).toBe(true);
    expect(session.can('00109')).toBe(false);
    expect(session.rents('warehouse_shipping')).toBe(true);
    expect(session.rents('finance')).toBe(false);
    expect(session.restricted).toBeNull();
    expect(session.tenant?.code).toBe('100001');
  });

  it('asks the API once, however many navigations wait for it', async () => {
    api.fetchMe.mockResolvedValue(me());
    const session = useSessionStore();
    await Promise.all([session.load(), session.load(), session.load()]);
    await session.load();
    expect(api.fetchMe).toHaveBeenCalledTimes(1);
    await session.load(true);
    expect(api.fetchMe).toHaveBeenCalledTimes(2);
  });

  it('says when the tenant may only renew', async () => {
    api.fetchMe.mockResolvedValue(me({ restricted: 'expired' }));
    const session = useSessionStore();
    await session.load();
    expect(session.restricted).toBe('expired');
  });

  it('is signed out on UNAUTHORIZED and unreachable on any other failure', async () => {
    api.fetchMe.mockRejectedValueOnce(refusal('UNAUTHORIZED'));
    const session = useSessionStore();
    await session.load();
    expect(session.status).toBe('signed-out');
    expect(session.me).toBeNull();

    api.fetchMe.mockRejectedValueOnce(new TypeError('fetch failed'));
    await session.load(true);
    expect(session.status).toBe('unreachable');
    expect(session.error).toBeInstanceOf(TypeError);
  });

  it('forgets the user on sign-out even when the API cannot be told', async () => {
    api.fetchMe.mockResolvedValue(me());
    api.logout.mockRejectedValue(new TypeError('fetch failed'));
    const session = useSessionStore();
    await session.load();
    await session.signOut();
    expect(api.logout).toHaveBeenCalledOnce();
    expect(session.status).toBe('signed-out');
    expect(session.can('00108')).toBe(false);
  });

  it('drops the forced password change once it is done', () => {
    const session = useSessionStore();
    session.signedIn(me({ mustChangePassword: true }));
    expect(session.mustChangePassword).toBe(true);
    session.passwordChanged();
    expect(session.mustChangePassword).toBe(false);
  });
});
