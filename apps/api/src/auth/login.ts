/**
 * Signing in: tenant code + username + password, under the throttles of auth/throttle.ts
 * (per account, per account and source address, per source address; counted in the
 * database, atomically, so every API instance and every parallel attempt counts).
 */
import { and, eq, type DbHandle, type TenantScope } from '@vmcloud/db';
import { hashToken, newSessionToken, SESSION_COOKIE } from './principal.js';
import { verifyPassword } from './password.js';
import { throttledPasswordCheck } from './throttle.js';
import { forbidden, unauthorized } from '../shared/errors.js';

// A hash of a random password, verified when the user does not exist so that a wrong
// username costs as much time as a wrong password.
const DUMMY_HASH = '$scrypt$ln=15,r=8,p=1$QUJDREVGR0hJSktMTU5PUA$tFGlAq8oBJ8b0wVHWD7zR8sVtR3Bv4ff8yq3HhY5jzQ';

const WRONG = () => unauthorized('Wrong tenant code, username or password');

/** True if the user has signed in from `ip` before (its sign-ins are in the audit log). */
export async function signedInFrom(scope: TenantScope, userId: string, ip: string | null): Promise<boolean> {
  if (!ip) return false;
  const seen = await scope.auditLog.findOne((a) => and(eq(a.userId, userId), eq(a.action, 'auth.login'), eq(a.ip, ip)));
  return seen !== undefined;
}

/** What signing in needs of the request: the database, the clock, the session lifetime, who asks, and where the cookie goes. */
export interface SignInContext {
  db: DbHandle;
  now: () => Date;
  /** Session lifetime in milliseconds. */
  sessionTtlMs: number;
  request: { requestId: string; ip: string | null; userAgent: string | null };
  /** Cookies to set on the response. */
  cookies: { name: string; value: string; maxAge: number }[];
}

export interface SignIn {
  tenantCode: string;
  username: string;
  password: string;
}

/** Checks the credentials and opens a session; returns its token (also queued as the session cookie). */
export async function signIn(
  ctx: SignInContext,
  input: SignIn,
): Promise<{ token: string; userId: string; tenantId: string }> {
  const tenant = await ctx.db.platform.tenants.findOne((t) => eq(t.code, input.tenantCode));
  const user = tenant
    ? await ctx.db.forTenant(tenant.id).users.findOne((u) => eq(u.username, input.username))
    : undefined;
  const ok = await throttledPasswordCheck(
    ctx.db.platform,
    ctx.now,
    {
      tenantCode: input.tenantCode,
      username: input.username,
      ip: ctx.request.ip,
      knownAddress: async () =>
        tenant && user ? signedInFrom(ctx.db.forTenant(tenant.id), user.id, ctx.request.ip) : false,
    },
    'sign-ins',
    () => verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH),
  );
  if (!tenant || !user || !ok) throw WRONG();
  if (user.status !== 'active') {
    throw forbidden('This account is disabled; ask your administrator');
  }

  const now = ctx.now();
  const { token, tokenHash } = newSessionToken(tenant.id);
  await ctx.db.transaction(async (tx) => {
    const scope = tx.forTenant(tenant.id);
    // The user's row first: on MySQL, a session's insert takes a shared lock on it (the
    // foreign key), and two sign-ins of one user each holding one would deadlock here.
    await scope.users.update(user.id, { lastLoginAt: now, updatedAt: now });
    const session = await scope.sessions.insert({
      userId: user.id,
      tokenHash,
      expiresAt: new Date(now.getTime() + ctx.sessionTtlMs),
      lastSeenAt: now,
      ip: ctx.request.ip,
      userAgent: ctx.request.userAgent?.slice(0, 255) ?? null,
      createdBy: user.id,
    });
    await scope.auditLog.insert({
      userId: user.id,
      action: 'auth.login',
      entity: 'sessions',
      entityId: session.id,
      after: { userId: user.id, ip: ctx.request.ip, expiresAt: session.expiresAt.toISOString() },
      requestId: ctx.request.requestId,
      ip: ctx.request.ip,
      createdBy: user.id,
    });
  });
  ctx.cookies.push({ name: SESSION_COOKIE, value: token, maxAge: Math.floor(ctx.sessionTtlMs / 1000) });
  return { token, userId: user.id, tenantId: tenant.id };
}

/** Ends the session `token` opens, recorded in the audit log. The caller clears the cookie. */
export async function signOut(
  db: DbHandle,
  principal: { tenantId: string; userId: string; sessionId: string },
  request: { token: string; requestId: string; ip: string | null },
): Promise<void> {
  await db.transaction(async (tx) => {
    const scope = tx.forTenant(principal.tenantId);
    await scope.sessions.deleteWhere((s) => eq(s.tokenHash, hashToken(request.token)));
    await scope.auditLog.insert({
      userId: principal.userId,
      action: 'auth.logout',
      entity: 'sessions',
      entityId: principal.sessionId,
      requestId: request.requestId,
      ip: request.ip,
      createdBy: principal.userId,
    });
  });
}
