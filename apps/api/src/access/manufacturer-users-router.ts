/**
 * The manufacturer's users (`factory.users`): list, add with roles, change, disable,
 * enable and reset a password. The rules are in `manufacturer-users.ts` and `users.ts`.
 */
import { USER_STATUSES } from '@vmcloud/db/schema';
import { asc, eq } from '@vmcloud/db';
import { z } from 'zod';
import { manufacturerProcedure, router } from '../trpc/init.js';
import { Email, id, Password, Phone, Text, Username } from '../shared/input.js';
import { hashPassword } from '../auth/password.js';
import { P } from './catalog.js';
import { changeAccount, describeUser, describeUsers } from './users.js';
import { createManufacturerUser, notOneself, randomPassword, updateManufacturerUser } from './manufacturer-users.js';

const RoleIds = z
  .array(id('roles'))
  .min(1, 'choose at least one role')
  .max(20, 'lists too many roles')
  .refine((ids) => new Set(ids).size === ids.length, 'lists a role twice');

const UserRef = z.object({ userId: id('users') });

const procedure = manufacturerProcedure(P.manageManufacturerUsers);

export const manufacturerUsersRouter = router({
  /** The manufacturer's users with their roles. */
  list: procedure
    .input(z.object({ status: z.enum(USER_STATUSES).optional() }).optional())
    .query(async ({ ctx, input }) => {
      const status = input?.status;
      const rows = await ctx.scope.users.find({
        where: (u) => (status ? eq(u.status, status) : undefined),
        orderBy: (u) => [asc(u.username)],
      });
      return describeUsers(ctx.scope, ctx.keyring, rows);
    }),

  /**
   * Adds a manufacturer user with roles. Without a password a random one is made and
   * returned once; either way the user must change it at first sign-in.
   */
  create: procedure
    .input(
      z.object({
        username: Username,
        displayName: Text(64),
        password: Password.optional(),
        roleIds: RoleIds,
        phone: Phone.nullish(),
        email: Email.nullish(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const password = input.password ?? randomPassword();
      const passwordHash = await hashPassword(password, ctx.passwordCost);
      const user = await ctx.write((w) =>
        createManufacturerUser(w, { keyring: ctx.keyring, by: ctx.principal.userId }, { ...input, passwordHash }),
      );
      return { user: await describeUser(ctx.scope, ctx.keyring, user), password: input.password ? null : password };
    }),

  /** Changes a user's display name or roles (not one's own roles). */
  update: procedure
    .input(z.object({ userId: id('users'), displayName: Text(64).optional(), roleIds: RoleIds.optional() }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.write((w) =>
        updateManufacturerUser(w, { keyring: ctx.keyring, by: ctx.principal.userId }, input),
      );
      ctx.principals.invalidate({ userId: user.id });
      return describeUser(ctx.scope, ctx.keyring, user);
    }),

  /** Disables a user (not oneself): their sessions end and they can no longer sign in. */
  disable: procedure.input(UserRef).mutation(async ({ ctx, input }) => {
    const { user } = await ctx.write((w) =>
      changeAccount(w, ctx.principal.userId, input.userId, { status: 'disabled' }, notOneself(ctx.principal.userId)),
    );
    ctx.principals.invalidate({ userId: user.id });
    return describeUser(ctx.scope, ctx.keyring, user);
  }),

  /** Enables a disabled user again. */
  enable: procedure.input(UserRef).mutation(async ({ ctx, input }) => {
    const { user } = await ctx.write((w) => changeAccount(w, ctx.principal.userId, input.userId, { status: 'active' }));
    ctx.principals.invalidate({ userId: user.id });
    return describeUser(ctx.scope, ctx.keyring, user);
  }),

  /**
   * Sets a user's password to the one given or to a new random one (returned once); the
   * user's sessions end and they must change it at their next sign-in.
   */
  resetPassword: procedure
    .input(z.object({ userId: id('users'), password: Password.optional() }))
    .mutation(async ({ ctx, input }) => {
      const password = input.password ?? randomPassword();
      const passwordHash = await hashPassword(password, ctx.passwordCost);
      await ctx.write((w) => changeAccount(w, ctx.principal.userId, input.userId, { passwordHash }));
      ctx.principals.invalidate({ userId: input.userId });
      return { password: input.password ? null : password };
    }),
});
