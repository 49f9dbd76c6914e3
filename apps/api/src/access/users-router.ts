/**
 * The operator's people: its users (staff), their roles and groups, passwords set by an
 * admin, and the staff directory.
 *
 * Who may manage whom:
 * - a group admin (`groupAdmin`) manages only the staff of its own group (not the other
 *   users there who manage users), may grant only roles it holds itself (and none that
 *   manages users), and cannot make group admins;
 * - nobody grants a role carrying a permission they do not hold, nor manages a user who
 *   holds an access permission (users, roles, user groups, custom fields) they do not;
 * - nobody locks themselves out: one cannot disable, delete or reset one's own account,
 *   nor take the user permission from oneself.
 */
import { TRPCError } from '@trpc/server';
import {
  containsText,
  and,
  eq,
  gt,
  inArray,
  or,
  type DbHandle,
  type Keyring,
  type PlatformScope,
  type Row,
  type Tables,
  type TenantScope,
} from '@vmcloud/db';
import { z } from 'zod';
import { P, ROLE_TEMPLATES } from './catalog.js';
import { hashPassword } from '../auth/password.js';
import type { Principal } from '../auth/principal.js';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, Password, Text, Username } from '../shared/input.js';
import { invalid, forbidden, notFound } from '../shared/errors.js';

/** The permission of the user module: managing users. */

const USER_STATUSES = ['active', 'disabled'] as const;

type UserRow = Row<Tables['users']>;

export const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{4,19}$/, 'must be a phone number')
  .meta({ examples: ['13800138000'] });

export const Email = z
  .string()
  .trim()
  .max(128, 'must be at most 128 characters')
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address')
  .meta({ examples: ['staff@example.com'] });

const RoleIds = z.array(id('roles')).max(20, 'must be at most 20 roles');

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

/** Loads a staff group through the scope. */
async function loadStaffGroup(scope: TenantScope, groupId: string, field = 'groupId') {
  const group = await scope.groups.get(groupId);
  if (!group) throw notFound('Group');
  if (group.type !== 'staff') throw invalid(`${field}: is not a staff group`);
  return group;
}

async function loadUser(scope: TenantScope, userId: string): Promise<UserRow> {
  const user = await scope.users.get(userId);
  if (!user) throw notFound('User');
  return user;
}

async function decrypt(keyring: Keyring, value: string | null, via?: DbHandle): Promise<string | null> {
  return value === null ? null : keyring.decrypt(value, via);
}

/** What a user looks like to the console: never the password hash; phone and email opened. */
async function describeUsers(scope: TenantScope, keyring: Keyring, rows: UserRow[]) {
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
async function describeUser(scope: TenantScope, keyring: Keyring, row: UserRow) {
  const [described] = await describeUsers(scope, keyring, [row]);
  if (!described) throw new Error('a described user went missing');
  return described;
}

/** The columns of a user kept in the audit log (no password hash, no sealed values). */
const auditView = (u: UserRow, roleIds?: string[]) => ({
  username: u.username,
  displayName: u.displayName,
  groupId: u.groupId,
  groupAdmin: u.groupAdmin,
  status: u.status,
  mustChangePassword: u.mustChangePassword,
  ...(roleIds ? { roleIds: [...roleIds].sort() } : {}),
});

/** Replaces the roles a user holds. */
async function replaceRoles(scope: TenantScope, userId: string, roleIds: string[], by: string) {
  await scope.userRoles.deleteWhere((r) => eq(r.userId, userId));
  if (roleIds.length > 0) {
    await scope.userRoles.insertMany(roleIds.map((roleId) => ({ userId, roleId, createdBy: by, updatedBy: by })));
  }
}

/** Refuses a change of one's own roles that would take the user permission away. */
async function assertKeepsUserPermission(principal: Principal, w: { scope: TenantScope; platform: PlatformScope }) {
  const after = await permissionsOfUser(w.scope, w.platform, principal.userId, principal.modules);
  if (!after.has(P.user)) {
    throw invalid(`roleIds: you would lose permission ${P.user} yourself`);
  }
}

const ListUsers = z.object({
  groupId: id('groups').optional(),
  roleId: id('roles').optional(),
  status: z.enum(USER_STATUSES).optional(),
  /** Part of the username or display name. */
  search: z.string().trim().max(64, 'must be at most 64 characters').optional(),
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});

/** The list filters as one condition, after loading the ids they name through the scope. */
async function userFilter(
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

export const usersRouter = router({
  /** The tenant's users, filtered by group, role, status and a search text; a group admin sees its group only. */
  list: operatorProcedure(P.user)
    .input(ListUsers)
    .query(async ({ ctx, input }) => {
      const where = await userFilter(ctx.principal, ctx.scope, input);
      if (!where) return { items: [], total: 0 };
      const { rows, total } = await ctx.scope.users.page({
        where,
        orderBy: (u) => [u.username],
        limit: input.limit,
        offset: input.offset,
      });
      return { items: await describeUsers(ctx.scope, ctx.keyring, rows), total };
    }),

  /** One user with roles, group, phone and email. */
  get: operatorProcedure(P.user)
    .input(z.object({ id: id('users') }))
    .query(async ({ ctx, input }) => {
      const user = await loadUser(ctx.scope, input.id);
      if (ctx.principal.groupAdmin && user.groupId !== ctx.principal.groupId) {
        throw forbidden('A group admin manages only the staff of its own group');
      }
      return describeUser(ctx.scope, ctx.keyring, user);
    }),

  /** Adds a user to the tenant with a first password, roles and a group. */
  create: operatorProcedure(P.user)
    .input(
      z.object({
        username: Username,
        displayName: Text(64),
        password: Password,
        roleIds: RoleIds.default([]),
        groupId: id('groups').nullish(),
        groupAdmin: z.boolean().default(false),
        phone: Phone.nullish(),
        email: Email.nullish(),
        mustChangePassword: z.boolean().default(true),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const passwordHash = await hashPassword(input.password, ctx.passwordCost);
      const created = await ctx.write(async (w) => {
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
          throw new TRPCError({ code: 'CONFLICT', message: 'username: is taken' });
        }
        const user = await w.scope.users.insert({
          username: input.username,
          displayName: input.displayName,
          passwordHash,
          phone: input.phone ? ctx.keyring.encrypt(input.phone) : null,
          email: input.email ? ctx.keyring.encrypt(input.email) : null,
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
      });
      return describeUser(ctx.scope, ctx.keyring, created);
    }),

  /** Changes a user's name, contact details, group, group-admin flag or roles. */
  update: operatorProcedure(P.user)
    .input(
      z.object({
        id: id('users'),
        displayName: Text(64).optional(),
        phone: Phone.nullish(),
        email: Email.nullish(),
        groupId: id('groups').nullish(),
        groupAdmin: z.boolean().optional(),
        roleIds: RoleIds.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const updated = await ctx.write(async (w) => {
        const before = await loadUser(w.scope, input.id);
        if (input.groupId) await loadStaffGroup(w.scope, input.groupId);
        const rolesBefore = await roleIdsOf(w.scope, before.id);
        const roles = input.roleIds
          ? await loadGrantableRoles(principal, w.scope, w.platform, input.roleIds)
          : undefined;
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
          phone: input.phone === undefined ? undefined : input.phone ? ctx.keyring.encrypt(input.phone) : null,
          email: input.email === undefined ? undefined : input.email ? ctx.keyring.encrypt(input.email) : null,
          groupId: input.groupId,
          groupAdmin: input.groupAdmin,
          updatedBy: principal.userId,
        });
        const roleIds = roles?.map((r) => r.id);
        if (roleIds) {
          await replaceRoles(w.scope, before.id, roleIds, principal.userId);
          if (before.id === principal.userId) await assertKeepsUserPermission(principal, w);
        }
        const after = await loadUser(w.scope, before.id);
        await w.audit({
          entity: 'users',
          entityId: before.id,
          before: auditView(before, rolesBefore),
          after: auditView(after, roleIds ?? rolesBefore),
        });
        return after;
      });
      ctx.principals.invalidate({ userId: updated.id });
      return describeUser(ctx.scope, ctx.keyring, updated);
    }),

  /** Replaces the roles a user holds. */
  setRoles: operatorProcedure(P.user)
    .input(z.object({ id: id('users'), roleIds: RoleIds }))
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const roleIds = await ctx.write(async (w) => {
        const user = await loadUser(w.scope, input.id);
        const roles = await loadGrantableRoles(principal, w.scope, w.platform, input.roleIds);
        await assertCanManage(principal, w.scope, w.platform, user);
        const before = await roleIdsOf(w.scope, user.id);
        const after = roles.map((r) => r.id);
        await replaceRoles(w.scope, user.id, after, principal.userId);
        if (user.id === principal.userId) await assertKeepsUserPermission(principal, w);
        await w.audit({
          entity: 'users',
          entityId: user.id,
          before: auditView(user, before),
          after: auditView(user, after),
        });
        return after;
      });
      ctx.principals.invalidate({ userId: input.id });
      return { id: input.id, roleIds };
    }),

  /** Stops a user from signing in and ends every session they have. */
  disable: operatorProcedure(P.user)
    .input(z.object({ id: id('users') }))
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const result = await ctx.write(async (w) => {
        const user = await loadUser(w.scope, input.id);
        await assertCanManage(principal, w.scope, w.platform, user);
        if (user.id === principal.userId) throw invalid('id: you cannot disable your own account');
        await w.scope.users.update(user.id, { status: 'disabled', updatedBy: principal.userId });
        const sessions = await w.scope.sessions.deleteWhere((s) => eq(s.userId, user.id));
        await w.audit({
          entity: 'users',
          entityId: user.id,
          before: { status: user.status },
          after: { status: 'disabled', sessionsEnded: sessions },
        });
        return { id: user.id, status: 'disabled' as const, sessionsEnded: sessions };
      });
      ctx.principals.invalidate({ userId: input.id });
      return result;
    }),

  /** Lets a disabled user sign in again. */
  enable: operatorProcedure(P.user)
    .input(z.object({ id: id('users') }))
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const result = await ctx.write(async (w) => {
        const user = await loadUser(w.scope, input.id);
        await assertCanManage(principal, w.scope, w.platform, user);
        await w.scope.users.update(user.id, { status: 'active', updatedBy: principal.userId });
        await w.audit({
          entity: 'users',
          entityId: user.id,
          before: { status: user.status },
          after: { status: 'active' },
        });
        return { id: user.id, status: 'active' as const };
      });
      ctx.principals.invalidate({ userId: input.id });
      return result;
    }),

  /**
   * Sets a new password for a user (an admin's reset): the user must change it at the
   * next sign-in, and every session they have ends.
   */
  resetPassword: operatorProcedure(P.user)
    .input(z.object({ id: id('users'), password: Password }))
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const passwordHash = await hashPassword(input.password, ctx.passwordCost);
      const result = await ctx.write(async (w) => {
        const user = await loadUser(w.scope, input.id);
        await assertCanManage(principal, w.scope, w.platform, user);
        if (user.id === principal.userId) {
          throw invalid('id: change your own password with your current one instead');
        }
        await w.scope.users.update(user.id, { passwordHash, mustChangePassword: true, updatedBy: principal.userId });
        const sessions = await w.scope.sessions.deleteWhere((s) => eq(s.userId, user.id));
        await w.audit({
          entity: 'users',
          entityId: user.id,
          before: { mustChangePassword: user.mustChangePassword },
          after: { passwordReset: true, mustChangePassword: true, sessionsEnded: sessions },
        });
        return { id: user.id, mustChangePassword: true as const, sessionsEnded: sessions };
      });
      ctx.principals.invalidate({ userId: input.id });
      return result;
    }),

  /**
   * Removes a user. Refused while the user holds stock. A user with history (shipments,
   * transfers, restocks, turnover, settlements) is kept for that history and disabled
   * instead; one without any is deleted with its roles, sessions and custom field values.
   */
  delete: operatorProcedure(P.user)
    .input(z.object({ id: id('users') }))
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const result = await ctx.write(async (w) => {
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
      });
      ctx.principals.invalidate({ userId: input.id });
      return result;
    }),

  /**
   * The staff directory: active staff with their group and phone. A group admin sees the
   * staff of its own group.
   */
  directory: operatorProcedure(P.staffInfo)
    .input(
      z.object({
        groupId: id('groups').optional(),
        search: z.string().trim().max(64, 'must be at most 64 characters').optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const where = await userFilter(ctx.principal, ctx.scope, { ...input, status: 'active' });
      if (!where) return [];
      const rows = await ctx.scope.users.find({ where, orderBy: (u) => [u.displayName, u.username], limit: 1000 });
      const described = await describeUsers(ctx.scope, ctx.keyring, rows);
      return described.map((u) => ({
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        groupId: u.groupId,
        groupName: u.groupName,
        groupAdmin: u.groupAdmin,
        phone: u.phone,
        roles: u.roles.map((r) => r.name),
      }));
    }),
});
