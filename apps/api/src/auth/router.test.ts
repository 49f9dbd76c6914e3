import { eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_LOCK_MS, FREE_FAILURES } from './login.js';
import { hashToken } from './principal.js';
import { createContext } from '../trpc/context.js';
import { DEMO_PASSWORD } from '../seed/index.js';
import { createTestApi, DEMO_CODE, MANUFACTURER_CODE, tenantIdOf, type TestApi, failure } from '../testing.js';
import { P } from '../access/catalog.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] auth`, () => {
    let api: TestApi;
    let clock = Date.UTC(2026, 10, 22, 12);

    beforeAll(async () => {
      api = await createTestApi(dialect, { now: () => new Date(clock) });
    });
    afterAll(async () => {
      await api?.close();
    });

    it('signs in with tenant code, username and password and reports who is signed in', async () => {
      const ctx = api.services;
      const ctx0 = createContext(api.services, { ip: '10.0.0.7' });
      const result = await api
        .caller(ctx0)
        .auth.login({ tenantCode: DEMO_CODE, username: 'admin', password: DEMO_PASSWORD });
      expect(result).not.toHaveProperty('token');
      const [cookie] = ctx0.cookies;
      expect(cookie?.name).toBe('vmcloud_session');
      expect(cookie?.value).toMatch(/^[0-9a-f-]{36}\./);
      expect(result.tenant.code).toBe(DEMO_CODE);
      expect(result.permissions).toContain(P.user);
      const session = await ctx.db.forTenant(result.tenant.id).sessions.findOne((s) => eq(s.userId, result.user.id));
      expect(session?.ip).toBe('10.0.0.7');
      expect(session?.tokenHash).toBe(hashToken(cookie?.value ?? ''));

      const caller = await api.signIn(DEMO_CODE, 'staff1');
      const me = await caller.auth.me();
      expect(me.user.username).toBe('staff1');
      expect(me.permissions).toEqual([P.myTurnover, P.myMachines, P.myInventory, P.transfer].sort());
    });

    it('refuses a wrong password, an unknown user and an unknown tenant alike', async () => {
      for (const input of [
        { tenantCode: DEMO_CODE, username: 'admin', password: 'Wrong_2026' },
        { tenantCode: DEMO_CODE, username: 'nobody', password: DEMO_PASSWORD },
        { tenantCode: '999999', username: 'admin', password: DEMO_PASSWORD },
      ]) {
        const error = await failure(api.anonymous().auth.login(input));
        expect(error.code).toBe('UNAUTHORIZED');
        expect(error.message).toBe('Wrong tenant code, username or password');
      }
    });

    it('locks a login out after repeated failures, with back-off, and lets it in once the lock ends', async () => {
      const login = (password: string) =>
        api.anonymous().auth.login({ tenantCode: DEMO_CODE, username: 'finance', password });
      for (let i = 0; i < FREE_FAILURES; i++) expect((await failure(login('Wrong_pass1'))).code).toBe('UNAUTHORIZED');
      const locked = await failure(login(DEMO_PASSWORD));
      expect(locked.code).toBe('TOO_MANY_REQUESTS');
      expect(locked.message).toBe(`Too many failed sign-ins; try again in ${FIRST_LOCK_MS / 1000} s`);

      clock += FIRST_LOCK_MS + 1;
      expect((await failure(login('Wrong_pass1'))).code).toBe('UNAUTHORIZED');
      const longer = await failure(login(DEMO_PASSWORD));
      expect(longer.message).toBe(`Too many failed sign-ins; try again in ${(2 * FIRST_LOCK_MS) / 1000} s`);

      clock += 2 * FIRST_LOCK_MS + 1;
      const ok = await login(DEMO_PASSWORD);
      expect(ok.user.username).toBe('finance');
      expect(await api.db.platform.loginThrottles.count((t) => eq(t.key, `${DEMO_CODE}:finance`))).toBe(0);
    });

    it('names the field of a malformed sign-in', async () => {
      const error = await failure(
        // eslint-disable-next-line no-restricted-syntax -- a five-digit tenant code, not a permission code
        api.anonymous().auth.login({ tenantCode: '12345', username: 'admin', password: DEMO_PASSWORD }),
      );
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toBe('tenantCode: must be exactly 6 digits');
    });

    it('signs out: the session no longer works and the cookie is cleared', async () => {
      const caller = await api.signIn(DEMO_CODE, 'stock');
      await caller.auth.me();
      await caller.auth.logout();
      expect((await failure(caller.auth.me())).code).toBe('UNAUTHORIZED');
    });

    it('changes a password: the old one stops working and other sessions end', async () => {
      const first = await api.signIn(MANUFACTURER_CODE, 'maker');
      const second = await api.signIn(MANUFACTURER_CODE, 'maker');
      const wrong = await failure(first.auth.changePassword({ currentPassword: 'nope', newPassword: 'New_pass_2026' }));
      expect(wrong.message).toBe('currentPassword: is wrong');
      const weak = await failure(first.auth.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: 'short' }));
      expect(weak.message).toBe('newPassword: must be 8-25 letters, digits or underscores');

      await first.auth.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: 'New_pass_2026' });
      await first.auth.me();
      expect((await failure(second.auth.me())).code).toBe('UNAUTHORIZED');
      expect((await failure(api.signIn(MANUFACTURER_CODE, 'maker'))).code).toBe('UNAUTHORIZED');
      await api.signIn(MANUFACTURER_CODE, 'maker', 'New_pass_2026');
      const audit = await api.db
        .forTenant(await tenantIdOf(api.db, MANUFACTURER_CODE))
        .auditLog.find({ where: (a) => eq(a.action, 'auth.changePassword') });
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit[0])).not.toContain('scrypt');
    });

    it('lets the users of an expired or suspended tenant only sign in, see who they are and sign out', async () => {
      const { tenantId } = await api.createOperator({ code: '200002', name: 'Expired_Vending' });
      await api.db.platform.tenants.update(tenantId, { leaseEndsAt: new Date(clock - 1000) });
      const caller = await api.signIn('200002', 'operator_admin');
      const me = await caller.auth.me();
      expect(me.restricted).toBe('expired');
      const refused = await failure(
        caller.auth.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: 'New_pass_2026' }),
      );
      expect(refused.code).toBe('FORBIDDEN');
      expect(refused.message).toBe('The lease of this tenant has ended; renew it to continue');
      await api.db.platform.tenants.update(tenantId, {
        leaseEndsAt: new Date(clock + 86_400_000),
        status: 'suspended',
      });
      expect((await caller.auth.me()).restricted).toBe('suspended');
      await caller.auth.logout();
    });
  });
}
