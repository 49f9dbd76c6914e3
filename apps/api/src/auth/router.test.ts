import { eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT, ADDRESS, PAIR, throttleKey } from './throttle.js';
import { hashToken } from './principal.js';
import { createContext } from '../trpc/context.js';
import { DEMO_PASSWORD } from '../seed/index.js';
import { createTestApi, DEMO_CODE, MANUFACTURER_CODE, tenantIdOf, type TestApi, failure } from '../testing.js';
import { P } from '../access/catalog.js';
import { PASSWORD_CHANGE_REQUIRED } from '../trpc/init.js';

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
      const from = { ip: '10.1.0.1' };
      const login = (password: string) =>
        api.anonymous(from).auth.login({ tenantCode: DEMO_CODE, username: 'finance', password });
      for (let i = 0; i < PAIR.free; i++) expect((await failure(login('Wrong_pass1'))).code).toBe('UNAUTHORIZED');
      const locked = await failure(login(DEMO_PASSWORD));
      expect(locked.code).toBe('TOO_MANY_REQUESTS');
      expect(locked.message).toBe(`Too many failed sign-ins; try again in ${PAIR.firstLockMs / 1000} s`);

      clock += PAIR.firstLockMs + 1;
      expect((await failure(login('Wrong_pass1'))).code).toBe('UNAUTHORIZED');
      const longer = await failure(login(DEMO_PASSWORD));
      expect(longer.message).toBe(`Too many failed sign-ins; try again in ${(2 * PAIR.firstLockMs) / 1000} s`);

      clock += 2 * PAIR.firstLockMs + 1;
      const ok = await login(DEMO_PASSWORD);
      expect(ok.user.username).toBe('finance');
      const pair = await api.db.platform.loginThrottles.findOneBy({
        key: throttleKey('pair', `${DEMO_CODE}:finance`, '10.1.0.1'),
      });
      expect(pair).toMatchObject({ failures: 0, inFlight: 0, lockedUntil: null });
    });

    it('counts every attempt of a parallel burst: 100 wrong sign-ins and then the right one, which is refused', async () => {
      const from = { ip: '10.2.0.1' };
      const login = (password: string) =>
        api.anonymous(from).auth.login({ tenantCode: DEMO_CODE, username: 'stock', password });
      const wrong = Array.from({ length: 100 }, (_, i) => failure(login(`Wrong_pass_${i}`)));
      const right = failure(login(DEMO_PASSWORD));
      const answers = await Promise.all(wrong);
      const refusedRight = await right;
      expect(refusedRight.code).toBe('TOO_MANY_REQUESTS');
      const codes = answers.map((e) => e.code);
      expect(codes.filter((c) => c === 'UNAUTHORIZED')).toHaveLength(PAIR.free);
      expect(codes.filter((c) => c === 'TOO_MANY_REQUESTS')).toHaveLength(100 - PAIR.free);
      // No session was opened.
      const tenantId = await tenantIdOf(api.db, DEMO_CODE);
      const stock = await api.db.forTenant(tenantId).users.findOneBy({ username: 'stock' });
      expect(await api.db.forTenant(tenantId).sessions.count((x) => eq(x.userId, stock?.id ?? ''))).toBe(0);
      clock += PAIR.firstLockMs + 1;
    });

    it('never refuses repeated successful sign-ins, even many at once from one address', async () => {
      const from = { ip: '10.3.0.1' };
      const login = () =>
        api.anonymous(from).auth.login({ tenantCode: DEMO_CODE, username: 'admin', password: DEMO_PASSWORD });
      const burst = await Promise.all(Array.from({ length: 3 * PAIR.free }, login));
      expect(burst.every((r) => r.user.username === 'admin')).toBe(true);
      for (let i = 0; i < 2 * PAIR.free; i++) await login();
    });

    it('keeps the owner in while an attacker elsewhere fails on the account; one address trying many accounts is throttled', async () => {
      const owner = { ip: '10.4.0.1' };
      const signIn = (ip: string, username: string, password: string) =>
        api.anonymous({ ip }).auth.login({ tenantCode: DEMO_CODE, username, password });
      await signIn(owner.ip, 'staff2', DEMO_PASSWORD); // the owner's usual address
      // The attacker's failures from one address lock only that address's attempts on the account.
      for (let i = 0; i < PAIR.free; i++) await failure(signIn('10.66.0.1', 'staff2', 'Wrong_pass1'));
      expect((await failure(signIn('10.66.0.1', 'staff2', DEMO_PASSWORD))).code).toBe('TOO_MANY_REQUESTS');
      expect((await signIn(owner.ip, 'staff2', DEMO_PASSWORD)).user.username).toBe('staff2');
      // Guessing from many addresses locks the account-wide throttle, except where the owner signed in before.
      for (let i = 0; i < ACCOUNT.free; i++) await failure(signIn(`10.67.0.${i + 1}`, 'staff2', 'Wrong_pass1'));
      const elsewhere = await failure(signIn('10.68.0.1', 'staff2', DEMO_PASSWORD));
      expect(elsewhere.code).toBe('TOO_MANY_REQUESTS');
      expect(elsewhere.message).toBe(`Too many failed sign-ins; try again in ${ACCOUNT.firstLockMs / 1000} s`);
      expect((await signIn(owner.ip, 'staff2', DEMO_PASSWORD)).user.username).toBe('staff2');
      clock += ACCOUNT.firstLockMs + 1;
      expect((await signIn('10.68.0.1', 'staff2', DEMO_PASSWORD)).user.username).toBe('staff2');

      // One address trying many usernames: refused once the address has failed ADDRESS.free times.
      // (15 users of the tenant, with a cheap hash: an unknown user costs a full-strength scrypt run.)
      const scope = api.db.forTenant(await tenantIdOf(api.db, DEMO_CODE));
      const hash = (await scope.users.findOneBy({ username: 'staff2' }))?.passwordHash ?? '';
      const usernames = Array.from({ length: 15 }, (_, i) => `probe${i}`);
      await scope.users.insertMany(
        usernames.map((username) => ({ username, displayName: username, passwordHash: hash })),
      );
      const answers: string[] = [];
      for (let round = 0; round < 4; round++) {
        for (const username of usernames)
          answers.push((await failure(signIn('10.69.0.1', username, 'Wrong_pass1'))).code);
      }
      expect(answers.slice(0, ADDRESS.free).every((c) => c === 'UNAUTHORIZED')).toBe(true);
      expect(answers.slice(ADDRESS.free).every((c) => c === 'TOO_MANY_REQUESTS')).toBe(true);
      expect((await failure(signIn('10.69.0.1', 'admin', DEMO_PASSWORD))).code).toBe('TOO_MANY_REQUESTS');
      expect((await signIn('10.70.0.1', 'admin', DEMO_PASSWORD)).user.username).toBe('admin');
      clock += ADDRESS.firstLockMs + 1;
    });

    it('throttles guesses of the current password from a signed-in session, in parallel too', async () => {
      const sessionToken = await api.sessionToken(DEMO_CODE, 'leader');
      const caller = api.anonymous({ sessionToken, ip: '10.5.0.1' });
      const guesses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          failure(caller.auth.changePassword({ currentPassword: `Guess_${i}`, newPassword: 'New_pass_2026' })),
        ),
      );
      expect(guesses.filter((e) => e.code === 'BAD_REQUEST')).toHaveLength(PAIR.free);
      const refused = await failure(
        caller.auth.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: 'New_pass_2026' }),
      );
      expect(refused.code).toBe('TOO_MANY_REQUESTS');
      expect(refused.message).toBe(`Too many wrong passwords; try again in ${PAIR.firstLockMs / 1000} s`);
      // Nothing changed: the old password still signs in (from another address).
      expect(
        (
          await api
            .anonymous({ ip: '10.5.0.2' })
            .auth.login({ tenantCode: DEMO_CODE, username: 'leader', password: DEMO_PASSWORD })
        ).user.username,
      ).toBe('leader');
      clock += PAIR.firstLockMs + 1;
      await caller.auth.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: 'New_pass_2026' });
    });

    it('answers only me, changePassword and logout until a reset password is changed', async () => {
      const admin = await api.signIn(DEMO_CODE, 'admin');
      const tenantId = await tenantIdOf(api.db, DEMO_CODE);
      const staff1 = await api.db.forTenant(tenantId).users.findOneBy({ username: 'staff1' });
      await admin.users.resetPassword({ id: staff1?.id ?? '', password: 'Reset_2026' });
      const user = await api.signIn(DEMO_CODE, 'staff1', 'Reset_2026');
      expect((await user.auth.me()).mustChangePassword).toBe(true);
      for (const call of [() => user.restocks.myInventory()]) {
        const refused = await failure(call());
        expect(refused.code).toBe('FORBIDDEN');
        expect(refused.message).toBe(PASSWORD_CHANGE_REQUIRED);
      }
      await user.auth.changePassword({ currentPassword: 'Reset_2026', newPassword: DEMO_PASSWORD });
      expect((await user.auth.me()).mustChangePassword).toBe(false);
      await user.restocks.myInventory();
      const again = await api.signIn(DEMO_CODE, 'staff1');
      await again.auth.logout();
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
