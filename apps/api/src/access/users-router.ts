/**
 * The operator's people: its users (staff), their roles and groups, passwords set by an
 * admin, and the staff directory. Who may manage whom is the permission engine's
 * (`permissions.ts`); the rules on users are in `users.ts`.
 */
import { z } from 'zod';
import { P } from './catalog.js';
import { hashPassword } from '../auth/password.js';
import { operatorProcedure, router } from '../trpc/init.js';
import { Email, id, Password, Phone, Text, Username } from '../shared/input.js';
import { offsetPage } from '../shared/paging.js';
import {
  changeAccount,
  createUser,
  describeUser,
  describeUsers,
  viewableUser,
  managedBy,
  removeUser,
  setUserRoles,
  updateUser,
  USER_STATUSES,
  userFilter,
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
      return describeUser(ctx.scope, ctx.keyring, await viewableUser(ctx.scope, ctx.principal, input.id));
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
      const created = await ctx.write((w) => createUser(w, principal, ctx, { ...input, passwordHash }));
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
      const updated = await ctx.write((w) => updateUser(w, principal, ctx, input));
      ctx.principals.invalidate({ userId: updated.id });
      return describeUser(ctx.scope, ctx.keyring, updated);
    }),

  /** Replaces the roles a user holds. */
  setRoles: operatorProcedure(P.user)
    .input(z.object({ id: id('users'), roleIds: RoleIds }))
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const roleIds = await ctx.write((w) => setUserRoles(w, principal, input));
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
      const result = await ctx.write((w) => removeUser(w, principal, input));
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
