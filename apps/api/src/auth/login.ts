/**
 * Signing in: tenant code + username + password, with lockout and back-off after repeated
 * failures. Failures are counted in the database per tenant code and username (whether
 * or not they exist), so every API instance applies the same lockout.
 */
import { eq, type DbHandle } from '@vmcloud/db';
import { hashToken, newSessionToken, SESSION_COOKIE } from './principal.js';
import { verifyPassword } from './password.js';
import { forbidden, tooMany, unauthorized } from '../shared/errors.js';

/** Failures allowed before the first lockout. */
export const FREE_FAILURES = 5;
/** The first lockout; each further failure doubles it, up to `MAX_LOCK_MS`. */
export const FIRST_LOCK_MS = 30_000;
export const MAX_LOCK_MS = 60 * 60_000;
/** Failures older than this are forgotten. */
export const FAILURE_WINDOW_MS = 15 * 60_000;

// A hash of a random password, verified when the user does not exist so that a wrong
// username costs as much time as a wrong password.
const DUMMY_HASH = '$scrypt$ln=15,r=8,p=1$QUJDREVGR0hJSktMTU5PUA$tFGlAq8oBJ8b0wVHWD7zR8sVtR3Bv4ff8yq3HhY5jzQ';

const WRONG = () => unauthorized('Wrong tenant code, username or password');

export function lockDuration(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(FIRST_LOCK_MS * 2 ** (failures - FREE_FAILURES), MAX_LOCK_MS);
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
  const now = ctx.now();
  const key = `${input.tenantCode}:${input.username.toLowerCase()}`;
  const throttle = await ctx.db.platform.loginThrottles.findOne((t) => eq(t.key, key));
  if (throttle?.lockedUntil && throttle.lockedUntil.getTime() > now.getTime()) {
    const seconds = Math.ceil((throttle.lockedUntil.getTime() - now.getTime()) / 1000);
    throw tooMany(`Too many failed sign-ins; try again in ${seconds} s`);
  }

  const tenant = await ctx.db.platform.tenants.findOne((t) => eq(t.code, input.tenantCode));
  const user = tenant
    ? await ctx.db.forTenant(tenant.id).users.findOne((u) => eq(u.username, input.username))
    : undefined;
  const ok = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_HASH);

  if (!tenant || !user || !ok) {
    await ctx.db.transaction(async (tx) => {
      const current = await tx.platform.loginThrottles.findOne((t) => eq(t.key, key));
      const recent = current && now.getTime() - current.lastFailureAt.getTime() < FAILURE_WINDOW_MS;
      const failures = recent ? current.failures + 1 : 1;
      const lock = lockDuration(failures);
      const patch = { failures, lastFailureAt: now, lockedUntil: lock ? new Date(now.getTime() + lock) : null };
      if (current) await tx.platform.loginThrottles.update(current.id, patch);
      else await tx.platform.loginThrottles.insert({ key, ...patch });
    });
    throw WRONG();
  }
  if (user.status !== 'active') {
    throw forbidden('This account is disabled; ask your administrator');
  }

  const { token, tokenHash } = newSessionToken(tenant.id);
  await ctx.db.transaction(async (tx) => {
    if (throttle) await tx.platform.loginThrottles.delete(throttle.id);
    const scope = tx.forTenant(tenant.id);
    const session = await scope.sessions.insert({
      userId: user.id,
      tokenHash,
      expiresAt: new Date(now.getTime() + ctx.sessionTtlMs),
      lastSeenAt: now,
      ip: ctx.request.ip,
      userAgent: ctx.request.userAgent?.slice(0, 255) ?? null,
      createdBy: user.id,
    });
    await scope.users.update(user.id, { lastLoginAt: now, updatedAt: now });
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
