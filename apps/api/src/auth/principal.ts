/**
 * Who is calling: the signed-in user behind a session token, with the tenant, the
 * permission codes the user holds and the modules the tenant rents.
 *
 * Sessions live in the database, so every API instance agrees on them. Each instance
 * keeps a resolved principal for a few seconds (`PrincipalCache`), so that a burst of
 * requests does not read the same five tables each time; sign-out, password changes and
 * role edits drop the entries they affect at once on the instance that made them, and
 * other instances see them when their entry expires.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, inArray, isId, type DbHandle } from '@vmcloud/db';
import { ExpiringCache } from '../shared/expiring-cache.js';

export type TenantKind = 'manufacturer' | 'operator';

/** Why a tenant's users may only renew: its lease has ended, or the manufacturer suspended it. */
export type Restriction = 'expired' | 'suspended';

export interface Principal {
  sessionId: string;
  userId: string;
  username: string;
  displayName: string;
  tenantId: string;
  tenantCode: string;
  tenantName: string;
  tenantKind: TenantKind;
  /** The tenant's time zone: where its business days are cut (shared/business-day.ts). */
  timeZone: string;
  groupId: string | null;
  groupAdmin: boolean;
  mustChangePassword: boolean;
  /** The permission codes the user holds and may use (operator codes only for rented modules). */
  permissions: ReadonlySet<string>;
  /** The module codes the tenant rents (every module for the manufacturer). */
  modules: ReadonlySet<string>;
  /** Set when the tenant's users may only sign in to renew. */
  restricted: Restriction | null;
  sessionExpiresAt: Date;
}

export const SESSION_COOKIE = 'vmcloud_session';

/**
 * A new session token (sent to the client once) and the hash that is stored. The token
 * starts with its tenant's id, so that the session is looked up through that tenant's
 * scope like every other tenant-owned row.
 */
export function newSessionToken(tenantId: string): { token: string; tokenHash: string } {
  const token = `${tenantId}.${randomBytes(32).toString('base64url')}`;
  return { token, tokenHash: hashToken(token) };
}

/** The tenant id a session token names, or undefined for a token of the wrong shape. */
export function tenantOfToken(token: string): string | undefined {
  const dot = token.indexOf('.');
  if (dot !== 36 || token.length > 100) return undefined;
  const tenantId = token.slice(0, dot);
  return isId(tenantId) ? tenantId : undefined;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The restriction that applies to a tenant at `now`, if any. */
export function restrictionOf(
  tenant: { kind: TenantKind; status: string; leaseEndsAt: Date | null },
  now: Date,
): Restriction | null {
  if (tenant.kind === 'manufacturer') return null;
  if (tenant.status === 'suspended') return 'suspended';
  if (!tenant.leaseEndsAt || tenant.leaseEndsAt.getTime() <= now.getTime()) return 'expired';
  return null;
}

/** Reads the principal behind a session token from the database; undefined if the session is not valid. */
export async function loadPrincipal(db: DbHandle, token: string, now: Date): Promise<Principal | undefined> {
  const tenantId = tenantOfToken(token);
  if (!tenantId) return undefined;
  const tokenHash = hashToken(token);
  const session = await db
    .forTenant(tenantId)
    .sessions.findOne((s) => and(eq(s.tokenHash, tokenHash), gt(s.expiresAt, now)));
  if (!session) return undefined;
  const [tenant, user] = await Promise.all([
    db.platform.tenants.get(tenantId),
    db.forTenant(tenantId).users.get(session.userId),
  ]);
  if (!tenant || !user || user.status !== 'active') return undefined;
  const scope = db.forTenant(tenant.id);
  const roleIds = (await scope.userRoles.find({ where: (r) => eq(r.userId, user.id) })).map((r) => r.roleId);
  const permissionIds =
    roleIds.length === 0
      ? []
      : (await scope.rolePermissions.find({ where: (rp) => inArray(rp.roleId, roleIds) })).map((rp) => rp.permissionId);
  const held =
    permissionIds.length === 0
      ? []
      : await db.platform.permissions.find({ where: (p) => inArray(p.id, [...new Set(permissionIds)]) });
  const allModules = await db.platform.modules.find();
  const rented =
    tenant.kind === 'manufacturer'
      ? new Set(allModules.map((m) => m.code))
      : new Set(
          (await scope.tenantModules.find()).flatMap((tm) => {
            const module = allModules.find((m) => m.id === tm.moduleId);
            return module ? [module.code] : [];
          }),
        );
  const permissions = new Set(
    held
      .filter(
        (p) =>
          p.kind === tenant.kind && (p.kind === 'manufacturer' || p.moduleCode === null || rented.has(p.moduleCode)),
      )
      .map((p) => p.code),
  );
  return {
    sessionId: session.id,
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    tenantId: tenant.id,
    tenantCode: tenant.code,
    tenantName: tenant.name,
    tenantKind: tenant.kind,
    timeZone: tenant.timeZone,
    groupId: user.groupId,
    groupAdmin: user.groupAdmin,
    mustChangePassword: user.mustChangePassword,
    permissions,
    modules: rented,
    restricted: restrictionOf(tenant, now),
    sessionExpiresAt: session.expiresAt,
  };
}

/** Resolved principals by session token, each kept for `ttlMs`. */
export class PrincipalCache {
  private readonly entries: ExpiringCache<string, Principal>;

  constructor(ttlMs = 5_000) {
    this.entries = new ExpiringCache(ttlMs, 10_000);
  }

  async resolve(db: DbHandle, token: string, now: Date): Promise<Principal | undefined> {
    const hit = this.entries.get(token, now.getTime());
    if (hit && hit.sessionExpiresAt.getTime() > now.getTime()) return hit;
    const principal = await loadPrincipal(db, token, now);
    if (principal) this.entries.set(token, principal, now.getTime());
    else this.entries.delete(token);
    return principal;
  }

  /** Drops the cached principals of a user, of a whole tenant, or every entry. */
  invalidate(filter: { userId?: string; tenantId?: string } = {}): void {
    this.entries.deleteWhere(
      (principal) =>
        (filter.userId === undefined || principal.userId === filter.userId) &&
        (filter.tenantId === undefined || principal.tenantId === filter.tenantId),
    );
  }
}
