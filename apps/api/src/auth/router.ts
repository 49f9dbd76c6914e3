/** Signing in and out, who am I, and changing one's own password. */
import { z } from 'zod';
import { signedInFrom, signIn, signOut } from './login.js';
import { throttledPasswordCheck } from './throttle.js';
import { changeOwnPassword } from './own-password.js';
import { unauthorized } from '../shared/errors.js';
import { SESSION_COOKIE, type Principal } from './principal.js';
import { authedProcedure, publicProcedure, router, selfProcedure } from '../trpc/init.js';
import { Password, TenantCode, Username } from '../shared/input.js';

/** What the console needs to know about the signed-in user. */
export function describePrincipal(p: Principal) {
  return {
    user: {
      id: p.userId,
      username: p.username,
      displayName: p.displayName,
      groupId: p.groupId,
      groupAdmin: p.groupAdmin,
    },
    tenant: { id: p.tenantId, code: p.tenantCode, name: p.tenantName, kind: p.tenantKind, timeZone: p.timeZone },
    permissions: [...p.permissions].sort(),
    modules: [...p.modules].sort(),
    restricted: p.restricted,
    mustChangePassword: p.mustChangePassword,
    sessionExpiresAt: p.sessionExpiresAt.toISOString(),
  };
}

export const authRouter = router({
  /**
   * Signs in with tenant code, username and password; the session token travels only in
   * the httpOnly cookie, out of reach of the page's scripts.
   */
  login: publicProcedure
    .input(
      z.object({
        tenantCode: TenantCode,
        username: Username,
        password: z.string({ error: 'is required' }).min(1, 'is required').max(128, 'is too long'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { token } = await signIn(ctx, input);
      const principal = await ctx.principals.resolve(ctx.db, token, ctx.now());
      if (!principal) throw unauthorized('The session could not be opened');
      return describePrincipal(principal);
    }),

  /** Ends this session and clears the cookie. */
  logout: authedProcedure
    .meta({ allowRestricted: true, allowPasswordChangePending: true })
    .mutation(async ({ ctx }) => {
      const { principal } = ctx;
      await signOut(ctx.db, principal, {
        token: ctx.request.sessionToken ?? '',
        requestId: ctx.request.requestId,
        ip: ctx.request.ip,
      });
      ctx.principals.invalidate({ userId: principal.userId });
      ctx.cookies.push({ name: SESSION_COOKIE, value: '', maxAge: 0 });
      return { ok: true as const };
    }),

  /** The signed-in user, tenant, permissions and rented modules. */
  me: authedProcedure
    .meta({ allowRestricted: true, allowPasswordChangePending: true })
    .query(({ ctx }) => describePrincipal(ctx.principal)),

  /**
   * Changes one's own password; every other session of the user is signed out. Wrong
   * current passwords count towards the same throttles as failed sign-ins.
   */
  changePassword: selfProcedure
    .meta({ allowPasswordChangePending: true })
    .input(z.object({ currentPassword: z.string().min(1, 'is required').max(128), newPassword: Password }))
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const guard = (check: () => Promise<boolean>) =>
        throttledPasswordCheck(
          ctx.platform,
          ctx.now,
          {
            tenantCode: principal.tenantCode,
            username: principal.username,
            ip: ctx.request.ip,
            knownAddress: () => signedInFrom(ctx.scope, principal.userId, ctx.request.ip),
          },
          'password checks',
          check,
        );
      const user = await changeOwnPassword(ctx.scope, ctx.write, principal, input, ctx.passwordCost, guard);
      ctx.principals.invalidate({ userId: user.id });
      return { ok: true as const };
    }),
});
