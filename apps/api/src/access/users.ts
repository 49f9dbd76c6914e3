/**
 * The people of a tenant as rules: loading a user or a staff group, what a user looks
 * like to the console, the list filters, and changing an account (enabling, disabling,
 * resetting its password), which operator and manufacturer users share.
 */
import {
  and,
  containsText,
  eq,
  gt,
  inArray,
  newId,
  or,
  sealedAt,
  type Keyring,
  type Row,
  type Tables,
  type TenantScope,
} from '@vmcloud/db';
import { openOrNull } from '../shared/sealed.js';
import type { Principal } from '../auth/principal.js';
import { P } from './catalog.js';
import { plain } from '../shared/plain.js';
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { assertCanManage, assertKeepsPermission, loadGrantableRoles, roleIdsOf } from './permissions.js';
import type { Writer } from '../shared/writer.js';

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

/** A user `principal` may see: a group admin sees only the staff of its own group. */
export async function viewableUser(scope: TenantScope, principal: Principal, userId: string): Promise<UserRow> {
  const user = await loadUser(scope, userId);
  if (principal.groupAdmin && user.groupId !== principal.groupId) {
    throw forbidden('A group admin manages only the staff of its own group');
  }
  return user;
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
  const groups = await scope.groups.getMany(groupIds);
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  return Promise.all(
    rows.map(async (u) => {
      const held = new Set(links.filter((l) => l.userId === u.id).map((l) => l.roleId));
      return plain({
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        phone: await openOrNull(keyring, u.phone, sealedAt('users', 'phone', u)),
        email: await openOrNull(keyring, u.email, sealedAt('users', 'email', u)),
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

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  roleIds: readonly string[];
  groupId?: string | null;
  groupAdmin: boolean;
  phone?: string | null;
  email?: string | null;
  mustChangePassword: boolean;
}

export interface UserChange {
  id: string;
  displayName?: string;
  phone?: string | null;
  email?: string | null;
  groupId?: string | null;
  groupAdmin?: boolean;
  roleIds?: readonly string[];
}

/**
 * The guard of an account change by `principal` (`changeAccount`): it must be allowed to
 * manage the user, and may neither disable nor reset its own account.
 */
export function managedBy(
  principal: Principal,
  w: Pick<Writer, 'scope' | 'platform'>,
  refuseSelf?: 'disable' | 'reset',
) {
  return async (user: UserRow) => {
    await assertCanManage(principal, w.scope, w.platform, user);
    if (user.id !== principal.userId) return;
    if (refuseSelf === 'disable') throw invalid('id: you cannot disable your own account');
    if (refuseSelf === 'reset') throw invalid('id: change your own password with your current one instead');
  };
}

/** Adds a user with a first password (hashed by the caller), roles and a group, within what `principal` may grant. */
export async function createUser(
  w: Pick<Writer, 'scope' | 'platform' | 'audit'>,
  principal: Principal,
  deps: { keyring: Keyring },
  input: NewUser,
): Promise<UserRow> {
  const groupId = input.groupId ?? (principal.groupAdmin ? principal.groupId : null);
  if (groupId) await loadStaffGroup(w.scope, groupId);
  if (principal.groupAdmin) {
    if (groupId === null || groupId !== principal.groupId) {
      throw forbidden('A group admin adds staff to its own group only');
    }
    if (input.groupAdmin) throw forbidden('groupAdmin: only an operator admin makes group admins');
  }
  const roles = await loadGrantableRoles(principal, w.scope, w.platform, input.roleIds);
  if (await w.scope.users.findOne((u) => eq(u.username, input.username))) {
    throw conflict('username: is taken');
  }
  const place = { id: newId(), tenantId: w.scope.tenantId };
  const user = await w.scope.users.insert({
    id: place.id,
    username: input.username,
    displayName: input.displayName,
    passwordHash: input.passwordHash,
    phone: input.phone ? deps.keyring.encrypt(input.phone, sealedAt('users', 'phone', place)) : null,
    email: input.email ? deps.keyring.encrypt(input.email, sealedAt('users', 'email', place)) : null,
    groupId,
    groupAdmin: input.groupAdmin,
    mustChangePassword: input.mustChangePassword,
    createdBy: principal.userId,
    updatedBy: principal.userId,
  });
  const roleIds = roles.map((r) => r.id);
  await replaceRoles(w.scope, user.id, roleIds, principal.userId);
  await w.audit({ entity: 'users', entityId: user.id, after: auditView(user, roleIds) });
  return user;
}

/** Changes a user's name, contact details, group, group-admin flag or roles, as `principal` may. */
export async function updateUser(
  w: Pick<Writer, 'scope' | 'platform' | 'audit'>,
  principal: Principal,
  deps: { keyring: Keyring },
  input: UserChange,
): Promise<UserRow> {
  const before = await loadUser(w.scope, input.id);
  if (input.groupId) await loadStaffGroup(w.scope, input.groupId);
  const rolesBefore = await roleIdsOf(w.scope, before.id);
  const roles = input.roleIds ? await loadGrantableRoles(principal, w.scope, w.platform, input.roleIds) : undefined;
  await assertCanManage(principal, w.scope, w.platform, before);
  if (principal.groupAdmin) {
    if (input.groupId !== undefined && input.groupId !== principal.groupId) {
      throw forbidden('A group admin cannot move staff out of its own group');
    }
    if (input.groupAdmin !== undefined && input.groupAdmin !== before.groupAdmin) {
      throw forbidden('groupAdmin: only an operator admin makes group admins');
    }
  }
  await w.scope.users.update(before.id, {
    displayName: input.displayName,
    phone:
      input.phone === undefined
        ? undefined
        : input.phone
          ? deps.keyring.encrypt(input.phone, sealedAt('users', 'phone', before))
          : null,
    email:
      input.email === undefined
        ? undefined
        : input.email
          ? deps.keyring.encrypt(input.email, sealedAt('users', 'email', before))
          : null,
    groupId: input.groupId,
    groupAdmin: input.groupAdmin,
    updatedBy: principal.userId,
  });
  const roleIds = roles?.map((r) => r.id);
  if (roleIds) {
    await replaceRoles(w.scope, before.id, roleIds, principal.userId);
    if (before.id === principal.userId) await assertKeepsPermission(principal, w, P.user, 'roleIds');
  }
  const after = await loadUser(w.scope, before.id);
  await w.audit({
    entity: 'users',
    entityId: before.id,
    before: auditView(before, rolesBefore),
    after: auditView(after, roleIds ?? rolesBefore),
  });
  return after;
}

/** Replaces the roles a user holds, as `principal` may; returns the role ids. */
export async function setUserRoles(
  w: Pick<Writer, 'scope' | 'platform' | 'audit'>,
  principal: Principal,
  input: { id: string; roleIds: readonly string[] },
): Promise<string[]> {
  const user = await loadUser(w.scope, input.id);
  const roles = await loadGrantableRoles(principal, w.scope, w.platform, input.roleIds);
  await assertCanManage(principal, w.scope, w.platform, user);
  const before = await roleIdsOf(w.scope, user.id);
  const after = roles.map((r) => r.id);
  await replaceRoles(w.scope, user.id, after, principal.userId);
  if (user.id === principal.userId) await assertKeepsPermission(principal, w, P.user, 'roleIds');
  await w.audit({
    entity: 'users',
    entityId: user.id,
    before: auditView(user, before),
    after: auditView(user, after),
  });
  return after;
}

/**
 * Removes a user. Refused while the user holds stock. A user with history (shipments,
 * transfers, restocks, turnover, settlements) is kept for that history and disabled
 * instead; one without any is deleted with its roles, sessions and custom field values.
 */
export async function removeUser(
  w: Pick<Writer, 'scope' | 'platform' | 'audit'>,
  principal: Principal,
  input: { id: string },
) {
  const user = await loadUser(w.scope, input.id);
  await assertCanManage(principal, w.scope, w.platform, user);
  if (user.id === principal.userId) throw invalid('id: you cannot delete your own account');
  const held = await w.scope.staffInventory.find({
    where: (s) => and(eq(s.staffId, user.id), gt(s.quantity, 0)),
  });
  const items = held.reduce((sum, s) => sum + s.quantity, 0);
  if (items > 0) {
    throw invalid(`id: the user still holds ${items} items of stock; transfer them back first`);
  }
  const history = (
    await Promise.all([
      w.scope.staffInventory.count((s) => eq(s.staffId, user.id)),
      w.scope.shipments.count((s) => eq(s.staffId, user.id)),
      w.scope.transfers.count((t) => or(eq(t.fromStaffId, user.id), eq(t.toStaffId, user.id))),
      w.scope.restocks.count((r) => eq(r.staffId, user.id)),
      w.scope.turnovers.count((t) => eq(t.staffId, user.id)),
      w.scope.settlements.count((s) => eq(s.staffId, user.id)),
    ])
  ).reduce((a, b) => a + b, 0);
  const sessions = await w.scope.sessions.deleteWhere((s) => eq(s.userId, user.id));
  if (history > 0) {
    await w.scope.users.update(user.id, { status: 'disabled', updatedBy: principal.userId });
    await w.audit({
      entity: 'users',
      entityId: user.id,
      before: auditView(user),
      after: { status: 'disabled', keptForHistory: history, sessionsEnded: sessions },
    });
    return { id: user.id, deleted: false, status: 'disabled' as const };
  }
  const roleIds = await roleIdsOf(w.scope, user.id);
  const fields = await w.scope.customFieldDefinitions.find({ where: (d) => eq(d.entity, 'user') });
  if (fields.length > 0) {
    await w.scope.customFieldValues.deleteWhere((v) =>
      and(
        eq(v.entityId, user.id),
        inArray(
          v.definitionId,
          fields.map((f) => f.id),
        ),
      ),
    );
  }
  await w.scope.users.delete(user.id);
  await w.audit({ entity: 'users', entityId: user.id, before: auditView(user, roleIds), after: null });
  return { id: user.id, deleted: true, status: null };
}
