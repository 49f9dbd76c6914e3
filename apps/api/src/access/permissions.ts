/**
 * The permission engine of an operator tenant: which permissions roles and users carry
 * (of the modules the tenant rents), and who may grant what to whom.
 *
 * Who may manage whom:
 * - a group admin (`groupAdmin`) manages only the staff of its own group (not the other
 *   users there who manage users), may grant only roles it holds itself (and none that
 *   manages users), and cannot make group admins;
 * - nobody grants a role carrying a permission they do not hold, nor manages a user who
 *   holds an access permission (users, roles, user groups, custom fields) they do not;
 * - nobody locks themselves out: one cannot take the user permission from oneself.
 */
import { eq, inArray, type PlatformScope, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { P, ROLE_TEMPLATES, type PermissionCode } from './catalog.js';
import type { Principal } from '../auth/principal.js';
import { forbidden, invalid, notFound } from '../shared/errors.js';

type UserRow = Row<Tables['users']>;

/** The operator permission codes of rented modules that these roles carry. */
export async function permissionsOfRoles(
  scope: TenantScope,
  platform: PlatformScope,
  roleIds: readonly string[],
  rented: ReadonlySet<string>,
): Promise<Set<string>> {
  if (roleIds.length === 0) return new Set();
  const links = await scope.rolePermissions.find({ where: (rp) => inArray(rp.roleId, [...roleIds]) });
  if (links.length === 0) return new Set();
  const held = await platform.permissions.find({
    where: (p) => inArray(p.id, [...new Set(links.map((l) => l.permissionId))]),
  });
  return new Set(
    held.filter((p) => p.kind === 'operator' && (p.moduleCode === null || rented.has(p.moduleCode))).map((p) => p.code),
  );
}

/** The role ids a user holds. */
export async function roleIdsOf(scope: TenantScope, userId: string): Promise<string[]> {
  return (await scope.userRoles.find({ where: (r) => eq(r.userId, userId) })).map((r) => r.roleId);
}

/** The operator permission codes a user holds (of the modules the tenant rents). */
export async function permissionsOfUser(
  scope: TenantScope,
  platform: PlatformScope,
  userId: string,
  rented: ReadonlySet<string>,
): Promise<Set<string>> {
  return permissionsOfRoles(scope, platform, await roleIdsOf(scope, userId), rented);
}

const missingFrom = (wanted: Iterable<string>, held: ReadonlySet<string>) => [...wanted].filter((c) => !held.has(c));

/** The built-in field staff role, and the permissions its template gives: a worker's own stock, machines and turnover. */
const FIELD_STAFF_ROLE = 'field_staff';
const FIELD_STAFF_PERMISSIONS: ReadonlySet<string> = new Set(
  ROLE_TEMPLATES.find((t) => t.key === FIELD_STAFF_ROLE)?.permissions ?? [],
);

/**
 * The permissions that govern people and access: a manager may not act on a user who
 * holds one of these that the manager lacks (that would be a way to gain it).
 */
export const ACCESS_PERMISSIONS: ReadonlySet<string> = new Set([P.user, P.role, P.userGroup, P.customFields]);

/**
 * Refuses a manager acting on `target` when the manager is a group admin and the target
 * is not of its group or manages users itself, or when the target holds an access
 * permission the manager does not.
 */
export async function assertCanManage(
  principal: Principal,
  scope: TenantScope,
  platform: PlatformScope,
  target: UserRow,
): Promise<void> {
  if (principal.groupAdmin && (principal.groupId === null || target.groupId !== principal.groupId)) {
    throw forbidden('A group admin manages only the staff of its own group');
  }
  if (target.id === principal.userId) return;
  const theirs = await permissionsOfUser(scope, platform, target.id, principal.modules);
  if (principal.groupAdmin && theirs.has(P.user)) {
    throw forbidden('A group admin does not manage other users who manage users');
  }
  const beyond = missingFrom(theirs, principal.permissions).filter((c) => ACCESS_PERMISSIONS.has(c));
  if (beyond.length > 0) throw forbidden(`This user holds ${beyond.join(', ')}, which you do not hold`);
}

/**
 * Loads the roles to grant through the caller's scope and refuses any the caller may not
 * grant. Returns the roles.
 */
export async function loadGrantableRoles(
  principal: Principal,
  scope: TenantScope,
  platform: PlatformScope,
  roleIds: readonly string[],
): Promise<Row<Tables['roles']>[]> {
  const unique = [...new Set(roleIds)];
  const roles: Row<Tables['roles']>[] = [];
  for (const roleId of unique) {
    const role = await scope.roles.get(roleId);
    if (!role || role.kind !== 'operator' || role.template) throw notFound('Role');
    roles.push(role);
  }
  const held = principal.groupAdmin ? new Set(await roleIdsOf(scope, principal.userId)) : undefined;
  for (const role of roles) {
    const fieldStaff = role.key === FIELD_STAFF_ROLE;
    if (held && !held.has(role.id) && !fieldStaff) {
      throw forbidden(`roleIds: a group admin can grant only roles it holds itself, not ${role.name}`);
    }
    const carried = await permissionsOfRoles(scope, platform, [role.id], principal.modules);
    if (held && carried.has(P.user)) {
      throw forbidden(`roleIds: only an operator admin can grant ${role.name}, which manages users`);
    }
    // A group admin runs a team of field workers: it may make its staff field workers, whose
    // permissions reach only their own stock, machines and turnover, as long as the role
    // carries nothing beyond those.
    const missing = missingFrom(carried, principal.permissions).filter(
      (code) => !(held && fieldStaff && FIELD_STAFF_PERMISSIONS.has(code)),
    );
    if (missing.length > 0) {
      throw forbidden(`roleIds: ${role.name} carries ${missing.join(', ')}, which you do not hold`);
    }
  }
  return roles;
}

/**
 * Refuses a change (of one's own roles, or of a role one holds) after which the acting
 * user would no longer hold `code`; the refusal names `field`.
 */
export async function assertKeepsPermission(
  principal: Principal,
  w: { scope: TenantScope; platform: PlatformScope },
  code: PermissionCode,
  field: string,
) {
  const after = await permissionsOfUser(w.scope, w.platform, principal.userId, principal.modules);
  if (!after.has(code)) throw invalid(`${field}: you would lose permission ${code} yourself`);
}
