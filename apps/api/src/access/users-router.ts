/**
 * The operator's people: its users (staff), their roles and groups, passwords set by an
 * admin, and the staff directory. Who may manage whom is the permission engine's
 * (`permissions.ts`); the rules on users are in `users.ts`.
 */
import { and, eq, gt, inArray, or, type PlatformScope, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { P } from './catalog.js';
import { hashPassword } from '../auth/password.js';
import type { Principal } from '../auth/principal.js';
import { operatorProcedure, router } from '../trpc/init.js';
import { Email, id, Password, Phone, Text, Username } from '../shared/input.js';
import { offsetPage } from '../shared/paging.js';
import { conflict, invalid, forbidden } from '../shared/errors.js';
import { assertCanManage, assertKeepsUserPermission, loadGrantableRoles, roleIdsOf } from './permissions.js';
import {
  auditView,
  changeAccount,
  describeUser,
  describeUsers,
  loadStaffGroup,
  loadUser,
  replaceRoles,
  USER_STATUSES,
  userFilter,
  type UserRow,
} from './users.js';

const RoleIds = z.array(id('roles')).max(20, 'must be at most 20 roles');

const ListUsers = z.object({
  groupId: id('groups').optional(),
  roleId: id('roles').optional(),
  status: z.enum(USER_STATUSES).optional(),
  /** Part of the username or display name. */
  search: z.string().trim().max(64, 'must be at most 64 characters').optional(),
  ...offsetPage(200, 50),
});

/**
 * The guard of an account change by `principal`: it must be allowed to manage the user,
 * and may neither disable nor reset its own account.
 */
function managedBy(
  principal: Principal,
  w: { scope: TenantScope; platform: PlatformScope },
  refuseSelf?: 'disable' | 'reset',
) {
  return async (user: UserRow) => {
    await assertCanManage(principal, w.scope, w.platform, user);
    if (user.id !== principal.userId) return;
    if (refuseSelf === 'disable') throw invalid('id: you cannot disable your own account');
    if (refuseSelf === 'reset') throw invalid('id: change your own password with your current one instead');
  };
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
          throw conflict('username: is taken');
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
      const { sessionsEnded } = await ctx.write((w) =>
        changeAccount(
          w,
          ctx.principal.userId,
          input.id,
          { status: 'disabled' },
          managedBy(ctx.principal, w, 'disable'),
        ),
      );
      ctx.principals.invalidate({ userId: input.id });
      return { id: input.id, status: 'disabled' as const, sessionsEnded };
    }),

  /** Lets a disabled user sign in again. */
  enable: operatorProcedure(P.user)
    .input(z.object({ id: id('users') }))
    .mutation(async ({ ctx, input }) => {
      await ctx.write((w) =>
        changeAccount(w, ctx.principal.userId, input.id, { status: 'active' }, managedBy(ctx.principal, w)),
      );
      ctx.principals.invalidate({ userId: input.id });
      return { id: input.id, status: 'active' as const };
    }),

  /**
   * Sets a new password for a user (an admin's reset): the user must change it at the
   * next sign-in, and every session they have ends.
   */
  resetPassword: operatorProcedure(P.user)
    .input(z.object({ id: id('users'), password: Password }))
    .mutation(async ({ ctx, input }) => {
      const passwordHash = await hashPassword(input.password, ctx.passwordCost);
      const { sessionsEnded } = await ctx.write((w) =>
        changeAccount(w, ctx.principal.userId, input.id, { passwordHash }, managedBy(ctx.principal, w, 'reset')),
      );
      ctx.principals.invalidate({ userId: input.id });
      return { id: input.id, mustChangePassword: true as const, sessionsEnded };
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
