/**
 * The people of a tenant as rules: loading a user or a staff group, what a user looks
 * like to the console, the list filters, and changing an account (enabling, disabling,
 * resetting its password), which operator and manufacturer users share.
 */
import {
  and,
  containsText,
  eq,
  inArray,
  or,
  type DbHandle,
  type Keyring,
  type Row,
  type Tables,
  type TenantScope,
} from '@vmcloud/db';
import type { Principal } from '../auth/principal.js';
import { plain } from '../trpc/output.js';
import { forbidden, invalid, notFound } from '../shared/errors.js';
import type { Writer } from '../trpc/init.js';

export type UserRow = Row<Tables['users']>;

export const USER_STATUSES = ['active', 'disabled'] as const;

/** Loads a staff group through the scope. */
export async function loadStaffGroup(scope: TenantScope, groupId: string, field = 'groupId') {
  const group = await scope.groups.get(groupId);
  if (!group) throw notFound('Group');
  if (group.type !== 'staff') throw invalid(`${field}: is not a staff group`);
  return group;
}

export async function loadUser(scope: TenantScope, userId: string): Promise<UserRow> {
  const user = await scope.users.get(userId);
  if (!user) throw notFound('User');
  return user;
}

async function decrypt(keyring: Keyring, value: string | null, via?: DbHandle): Promise<string | null> {
  return value === null ? null : keyring.decrypt(value, via);
}

/** What a user looks like to the console: never the password hash; phone and email opened. */
export async function describeUsers(scope: TenantScope, keyring: Keyring, rows: UserRow[]) {
  if (rows.length === 0) return [];
  const ids = rows.map((u) => u.id);
  const links = await scope.userRoles.find({ where: (r) => inArray(r.userId, ids) });
  const roleIds = [...new Set(links.map((l) => l.roleId))];
  const roles =
    roleIds.length === 0
      ? []
      : await scope.roles.find({ where: (r) => inArray(r.id, roleIds), orderBy: (r) => [r.name] });
  const groupIds = [...new Set(rows.flatMap((u) => (u.groupId ? [u.groupId] : [])))];
  const groups = groupIds.length === 0 ? [] : await scope.groups.find({ where: (g) => inArray(g.id, groupIds) });
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  return Promise.all(
    rows.map(async (u) => {
      const held = new Set(links.filter((l) => l.userId === u.id).map((l) => l.roleId));
      return plain({
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        phone: await decrypt(keyring, u.phone),
        email: await decrypt(keyring, u.email),
        groupId: u.groupId,
        groupName: u.groupId ? (groupName.get(u.groupId) ?? null) : null,
        groupAdmin: u.groupAdmin,
        status: u.status,
        mustChangePassword: u.mustChangePassword,
        lastLoginAt: u.lastLoginAt,
        roles: roles.filter((r) => held.has(r.id)).map((r) => ({ id: r.id, name: r.name, key: r.key })),
        createdAt: u.createdAt,
        updatedAt: u.updatedAt,
      });
    }),
  );
}

/** One user as the console sees it. */
export async function describeUser(scope: TenantScope, keyring: Keyring, row: UserRow) {
  const [described] = await describeUsers(scope, keyring, [row]);
  if (!described) throw new Error('a described user went missing');
  return described;
}

/** The columns of a user kept in the audit log (no password hash, no sealed values). */
export const auditView = (u: UserRow, roleIds?: string[]) => ({
  username: u.username,
  displayName: u.displayName,
  groupId: u.groupId,
  groupAdmin: u.groupAdmin,
  status: u.status,
  mustChangePassword: u.mustChangePassword,
  ...(roleIds ? { roleIds: [...roleIds].sort() } : {}),
});

/** Replaces the roles a user holds. */
export async function replaceRoles(scope: TenantScope, userId: string, roleIds: string[], by: string) {
  await scope.userRoles.deleteWhere((r) => eq(r.userId, userId));
  if (roleIds.length > 0) {
    await scope.userRoles.insertMany(roleIds.map((roleId) => ({ userId, roleId, createdBy: by, updatedBy: by })));
  }
}

/** The list filters as one condition, after loading the ids they name through the scope. */
export async function userFilter(
  principal: Principal,
  scope: TenantScope,
  input: { groupId?: string; roleId?: string; status?: (typeof USER_STATUSES)[number]; search?: string },
) {
  if (input.groupId) await loadStaffGroup(scope, input.groupId);
  if (input.roleId && !(await scope.roles.get(input.roleId))) throw notFound('Role');
  if (principal.groupAdmin && input.groupId && input.groupId !== principal.groupId) {
    throw forbidden('A group admin manages only the staff of its own group');
  }
  const groupId = principal.groupAdmin ? principal.groupId : (input.groupId ?? undefined);
  if (principal.groupAdmin && groupId === null) return undefined;
  const userIds = input.roleId
    ? (await scope.userRoles.find({ where: (r) => eq(r.roleId, input.roleId as string) })).map((r) => r.userId)
    : undefined;
  if (userIds && userIds.length === 0) return undefined;
  const search = input.search;
  return (u: Tables['users']['sqlite']) =>
    and(
      groupId ? eq(u.groupId, groupId) : undefined,
      userIds ? inArray(u.id, userIds) : undefined,
      input.status ? eq(u.status, input.status) : undefined,
      search ? or(containsText(u.username, search), containsText(u.displayName, search)) : undefined,
    );
}

/** What changing an account does: let the user sign in or not, or set a password they must change. */
export type AccountChange = { status: 'active' | 'disabled' } | { passwordHash: string };

/** What an account change writes through. */
export type AccountWriter = Pick<Writer, 'scope' | 'audit'>;

/**
 * Enables or disables a user, or resets their password (they must change it at the next
 * sign-in). Disabling and resetting end every session the user has. `guard` refuses the
 * change for the acting user's reasons (whom they may manage, not themselves); it runs
 * once the user is loaded. The caller forgets the user's cached principal.
 */
export async function changeAccount(
  w: AccountWriter,
  by: string,
  userId: string,
  change: AccountChange,
  guard?: (user: UserRow) => Promise<void> | void,
): Promise<{ user: UserRow; sessionsEnded: number }> {
  const user = await loadUser(w.scope, userId);
  await guard?.(user);
  const endsSessions = 'passwordHash' in change || change.status === 'disabled';
  if ('passwordHash' in change) {
    await w.scope.users.update(user.id, { passwordHash: change.passwordHash, mustChangePassword: true, updatedBy: by });
  } else {
    await w.scope.users.update(user.id, { status: change.status, updatedBy: by });
  }
  const sessionsEnded = endsSessions ? await w.scope.sessions.deleteWhere((s) => eq(s.userId, user.id)) : 0;
  if ('passwordHash' in change) {
    await w.audit({
      entity: 'users',
      entityId: user.id,
      before: { mustChangePassword: user.mustChangePassword },
      after: { passwordReset: true, mustChangePassword: true, sessionsEnded },
    });
    return { user: { ...user, mustChangePassword: true }, sessionsEnded };
  }
  await w.audit({
    entity: 'users',
    entityId: user.id,
    before: { status: user.status },
    after: endsSessions ? { status: change.status, sessionsEnded } : { status: change.status },
  });
  return { user: { ...user, status: change.status }, sessionsEnded };
}
