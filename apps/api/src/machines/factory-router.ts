/**
 * The manufacturer's own work: its users, the machine types it builds, the machines it
 * built (added by controller board id, held by the manufacturer until sold to an
 * operator within the operator's machine quota), the lease orders of every tenant and
 * its own audit log.
 *
 * Machines it sold are shown with the operator that holds them (by name) and nothing of
 * the operator's use of them: no name, address, staff, stock or sales.
 */
import { randomInt } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import {
  and,
  asc,
  desc,
  eq,
  gte,
  inArray,
  lt,
  ne,
  or,
  sql,
  type DbHandle,
  type Row,
  type SQL,
  type Tables,
} from '@vmcloud/db';
import { z } from 'zod';
import { isUniqueViolation, notFound } from '../shared/errors.js';
import type { Context } from '../trpc/context.js';
import { manufacturerProcedure, router, type Writer } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, Money, OptionalText, Page, Password, Text, Timestamp, Username } from '../shared/input.js';
import { hashPassword } from '../auth/password.js';
import { Phone } from '../tenants/register.js';
import { loadOperator } from '../tenants/router.js';
import { P } from '../access/catalog.js';

type Machine = Row<Tables['machines']>;
type MachineType = Row<Tables['machineTypes']>;
type Tenant = Row<Tables['tenants']>;

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** A random initial password of 12 letters and digits (with at least one of each). */
export function randomPassword(): string {
  for (;;) {
    let out = '';
    for (let i = 0; i < 12; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    if (/[A-Za-z]/.test(out) && /\d/.test(out)) return out;
  }
}

const Email = z
  .string()
  .trim()
  .max(128, 'must be at most 128 characters')
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an e-mail address')
  .meta({ examples: ['someone@example.com'] });

const BoardId = z
  .string({ error: 'is required' })
  .trim()
  .regex(/^[A-Za-z0-9_-]{4,32}$/, 'must be 4-32 letters, digits, dashes or underscores')
  .meta({ examples: ['VMC2026C0001'] });

const Model = z
  .string({ error: 'is required' })
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'must be 1-32 letters, digits, dots, dashes or underscores')
  .meta({ examples: ['VMC-C24'] });

const Paging = {
  limit: z.number().int().min(1).max(100).default(20),
  offset: z.number().int().min(0).max(10_000).default(0),
};

// --- Users ------------------------------------------------------------------------------

async function describeUsers(
  ctx: Context & { tenantId: string },
  users: Row<Tables['users']>[],
  db: DbHandle = ctx.db,
) {
  const scope = db.forTenant(ctx.tenantId);
  const links =
    users.length === 0
      ? []
      : await scope.userRoles.find({
          where: (ur) =>
            inArray(
              ur.userId,
              users.map((u) => u.id),
            ),
        });
  const roles = new Map((await scope.roles.find()).map((r) => [r.id, r]));
  return Promise.all(
    users.map(async (u) =>
      plain({
        id: u.id,
        username: u.username,
        displayName: u.displayName,
        phone: u.phone ? await ctx.keyring.decrypt(u.phone) : null,
        email: u.email ? await ctx.keyring.decrypt(u.email) : null,
        status: u.status,
        mustChangePassword: u.mustChangePassword,
        lastLoginAt: u.lastLoginAt,
        roles: links
          .filter((l) => l.userId === u.id)
          .flatMap((l) => {
            const r = roles.get(l.roleId);
            return r ? [{ id: r.id, name: r.name, key: r.key }] : [];
          }),
        createdAt: u.createdAt,
      }),
    ),
  );
}

/** The manufacturer roles named by `roleIds` (operator templates are not assignable). */
async function manufacturerRoles(db: DbHandle, tenantId: string, roleIds: readonly string[]) {
  const scope = db.forTenant(tenantId);
  const roles = await Promise.all(roleIds.map((roleId) => scope.roles.get(roleId)));
  return roles.map((role) => {
    if (!role || role.kind !== 'manufacturer') throw notFound('Role');
    return role;
  });
}

const RoleIds = z
  .array(id('roles'))
  .min(1, 'choose at least one role')
  .max(20, 'lists too many roles')
  .refine((ids) => new Set(ids).size === ids.length, 'lists a role twice');

const UserRef = z.object({ userId: id('users') });

const users = router({
  /** The manufacturer's users with their roles. */
  list: manufacturerProcedure(P.manageManufacturerUsers)
    .input(z.object({ status: z.enum(['active', 'disabled']).optional() }).optional())
    .query(async ({ ctx, input }) => {
      const status = input?.status;
      const rows = await ctx.scope.users.find({
        where: (u) => (status ? eq(u.status, status) : undefined),
        orderBy: (u) => [asc(u.username)],
      });
      return describeUsers(ctx, rows);
    }),

  /**
   * Adds a manufacturer user with roles. Without a password a random one is made and
   * returned once; either way the user must change it at first sign-in.
   */
  create: manufacturerProcedure(P.manageManufacturerUsers)
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
      const user = await ctx.write(async (w) => {
        const username = input.username;
        if (await w.scope.users.findOne((u) => sql`lower(${u.username}) = ${username.toLowerCase()}`)) {
          throw new TRPCError({ code: 'CONFLICT', message: 'username: is taken' });
        }
        const roles = await manufacturerRoles(w.tx, ctx.tenantId, input.roleIds);
        const user = await w.scope.users.insert({
          username,
          displayName: input.displayName,
          passwordHash,
          phone: input.phone ? ctx.keyring.encrypt(input.phone) : null,
          email: input.email ? ctx.keyring.encrypt(input.email) : null,
          mustChangePassword: true,
          createdBy: ctx.principal.userId,
        });
        await w.scope.userRoles.insertMany(
          roles.map((r) => ({ userId: user.id, roleId: r.id, createdBy: ctx.principal.userId })),
        );
        await w.audit({
          entity: 'users',
          entityId: user.id,
          after: { username, displayName: user.displayName, roles: roles.map((r) => r.name) },
        });
        return user;
      });
      const [described] = await describeUsers(ctx, [user]);
      return { user: described, password: input.password ? null : password };
    }),

  /** Changes a user's display name or roles (not one's own roles). */
  update: manufacturerProcedure(P.manageManufacturerUsers)
    .input(z.object({ userId: id('users'), displayName: Text(64).optional(), roleIds: RoleIds.optional() }))
    .mutation(async ({ ctx, input }) => {
      const user = await ctx.write(async (w) => {
        const user = await w.scope.users.get(input.userId);
        if (!user) throw notFound('User');
        const [before] = await describeUsers(ctx, [user], w.tx);
        if (input.roleIds) {
          if (user.id === ctx.principal.userId) {
            throw new TRPCError({ code: 'BAD_REQUEST', message: 'roleIds: you cannot change your own roles' });
          }
          const roles = await manufacturerRoles(w.tx, ctx.tenantId, input.roleIds);
          await w.scope.userRoles.deleteWhere((ur) => eq(ur.userId, user.id));
          await w.scope.userRoles.insertMany(
            roles.map((r) => ({ userId: user.id, roleId: r.id, createdBy: ctx.principal.userId })),
          );
        }
        await w.scope.users.update(user.id, { displayName: input.displayName, updatedBy: ctx.principal.userId });
        const updated = (await w.scope.users.get(user.id)) ?? user;
        const [after] = await describeUsers(ctx, [updated], w.tx);
        await w.audit({
          entity: 'users',
          entityId: user.id,
          before: { displayName: before?.displayName, roles: before?.roles.map((r) => r.name) },
          after: { displayName: after?.displayName, roles: after?.roles.map((r) => r.name) },
        });
        return updated;
      });
      ctx.principals.invalidate({ userId: user.id });
      const [described] = await describeUsers(ctx, [user]);
      return described;
    }),

  /** Disables a user (not oneself): their sessions end and they can no longer sign in. */
  disable: manufacturerProcedure(P.manageManufacturerUsers)
    .input(UserRef)
    .mutation(async ({ ctx, input }) => {
      if (input.userId === ctx.principal.userId) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'userId: you cannot disable yourself' });
      }
      return setUserStatus(ctx, input.userId, 'disabled');
    }),

  /** Enables a disabled user again. */
  enable: manufacturerProcedure(P.manageManufacturerUsers)
    .input(UserRef)
    .mutation(async ({ ctx, input }) => setUserStatus(ctx, input.userId, 'active')),

  /**
   * Sets a user's password to the one given or to a new random one (returned once); the
   * user's sessions end and they must change it at their next sign-in.
   */
  resetPassword: manufacturerProcedure(P.manageManufacturerUsers)
    .input(z.object({ userId: id('users'), password: Password.optional() }))
    .mutation(async ({ ctx, input }) => {
      const password = input.password ?? randomPassword();
      const passwordHash = await hashPassword(password, ctx.passwordCost);
      await ctx.write(async (w) => {
        const user = await w.scope.users.get(input.userId);
        if (!user) throw notFound('User');
        await w.scope.users.update(user.id, {
          passwordHash,
          mustChangePassword: true,
          updatedBy: ctx.principal.userId,
        });
        const ended = await w.scope.sessions.deleteWhere((s) => eq(s.userId, user.id));
        await w.audit({ entity: 'users', entityId: user.id, after: { passwordReset: true, sessionsEnded: ended } });
      });
      ctx.principals.invalidate({ userId: input.userId });
      return { password: input.password ? null : password };
    }),
});

async function setUserStatus(
  ctx: Context & {
    tenantId: string;
    principal: { userId: string };
    write: <T>(fn: (w: Writer) => Promise<T>) => Promise<T>;
  },
  userId: string,
  status: 'active' | 'disabled',
) {
  const user = await ctx.write(async (w) => {
    const user = await w.scope.users.get(userId);
    if (!user) throw notFound('User');
    await w.scope.users.update(user.id, { status, updatedBy: ctx.principal.userId });
    if (status === 'disabled') await w.scope.sessions.deleteWhere((s) => eq(s.userId, user.id));
    await w.audit({ entity: 'users', entityId: user.id, before: { status: user.status }, after: { status } });
    return { ...user, status };
  });
  ctx.principals.invalidate({ userId });
  const [described] = await describeUsers(ctx, [user]);
  return described;
}

// --- Machines built, wherever they are ---------------------------------------------------

/**
 * The tenants that may hold machines this manufacturer built: itself first, then the
 * operators (by name).
 */
async function holders(db: DbHandle, manufacturerId: string, operatorId?: string): Promise<Tenant[]> {
  const self = await db.platform.tenants.get(manufacturerId);
  if (!self) throw notFound('Tenant');
  if (operatorId) return [await loadOperator(db.platform, operatorId)];
  const operators = await db.platform.tenants.find({
    where: (t) => eq(t.kind, 'operator'),
    orderBy: (t) => [asc(t.name)],
  });
  return [self, ...operators];
}

type MachineFilter = { typeId?: string; boardId?: string | null };

function builtBy(manufacturerId: string, filter: MachineFilter) {
  return (m: Tables['machines']['sqlite']): SQL | undefined => {
    const parts: (SQL | undefined)[] = [eq(m.manufacturerId, manufacturerId)];
    if (filter.typeId) parts.push(eq(m.typeId, filter.typeId));
    if (filter.boardId) parts.push(sql`instr(lower(${m.boardId}), ${filter.boardId.toLowerCase()}) > 0`);
    return and(...parts);
  };
}

/** How many machines this manufacturer built match `filter`, wherever they are. */
async function countBuilt(db: DbHandle, manufacturerId: string, filter: MachineFilter): Promise<number> {
  let n = 0;
  for (const holder of await holders(db, manufacturerId)) {
    n += await db.forTenant(holder.id).machines.count(builtBy(manufacturerId, filter));
  }
  return n;
}

async function describeMachines(ctx: Context & { tenantId: string }, rows: { machine: Machine; holder: Tenant }[]) {
  const scope = ctx.tenants.forTenant(ctx.tenantId);
  const types = new Map((await scope.machineTypes.find()).map((t) => [t.id, t]));
  const sold = rows.filter((r) => r.holder.id !== ctx.tenantId).map((r) => r.machine.id);
  const sales =
    sold.length === 0
      ? []
      : await scope.machineSales.find({ where: (s) => inArray(s.machineId, sold), orderBy: (s) => [desc(s.soldAt)] });
  return rows.map(({ machine, holder }) => {
    const type = types.get(machine.typeId);
    const sale = sales.find((s) => s.machineId === machine.id && s.operatorId === holder.id);
    const inStock = holder.id === ctx.tenantId;
    return plain({
      id: machine.id,
      boardId: machine.boardId,
      typeId: machine.typeId,
      model: type?.model ?? null,
      typeName: type?.name ?? null,
      price: machine.price,
      status: inStock ? ('in_stock' as const) : ('sold' as const),
      createdAt: machine.createdAt,
      soldTo: inStock ? null : { tenantId: holder.id, name: holder.name },
      soldAt: sale?.soldAt ?? null,
      salePrice: sale?.price ?? null,
    });
  });
}

const machineTypes = router({
  /** The machine types, with how many machines of each are in stock. */
  list: manufacturerProcedure(P.manageMachineTypes).query(async ({ ctx }) => {
    const types = await ctx.scope.machineTypes.find({ orderBy: (t) => [asc(t.model)] });
    return Promise.all(
      types.map(async (t) => ({
        ...plain(t),
        inStock: await ctx.scope.machines.count((m) => eq(m.typeId, t.id)),
      })),
    );
  }),

  /** Adds a machine type; its model is unique. */
  create: manufacturerProcedure(P.manageMachineTypes)
    .input(
      z.object({
        model: Model,
        name: Text(64),
        channelCount: z.number().int('must be a whole number').min(1, 'must be at least 1').max(200, 'is too large'),
        channelCapacity: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(1000, 'is too large'),
        refrigerated: z.boolean().default(false),
        description: OptionalText(255),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const type = await ctx.write(async (w) => {
        const model = input.model;
        if (await w.scope.machineTypes.findOne((t) => eq(t.model, model))) {
          throw new TRPCError({ code: 'CONFLICT', message: 'model: is taken' });
        }
        const type = await w.scope.machineTypes.insert({ ...input, createdBy: ctx.principal.userId });
        await w.audit({ entity: 'machine_types', entityId: type.id, after: type });
        return type;
      });
      return plain(type);
    }),

  /** Changes a machine type; machines already built keep their channels. */
  update: manufacturerProcedure(P.manageMachineTypes)
    .input(
      z.object({
        typeId: id('machineTypes'),
        model: Model.optional(),
        name: Text(64).optional(),
        channelCount: z.number().int('must be a whole number').min(1, 'must be at least 1').max(200).optional(),
        channelCapacity: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000).optional(),
        refrigerated: z.boolean().optional(),
        description: OptionalText(255).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { typeId, ...patch } = input;
      const type = await ctx.write(async (w) => {
        const before = await w.scope.machineTypes.get(typeId);
        if (!before) throw notFound('Machine type');
        const model = patch.model;
        if (model !== undefined && model !== before.model) {
          if (await w.scope.machineTypes.findOne((t) => and(eq(t.model, model), ne(t.id, before.id)))) {
            throw new TRPCError({ code: 'CONFLICT', message: 'model: is taken' });
          }
        }
        await w.scope.machineTypes.update(before.id, { ...patch, updatedBy: ctx.principal.userId });
        const after = (await w.scope.machineTypes.get(before.id)) ?? before;
        await w.audit({ entity: 'machine_types', entityId: before.id, before, after });
        return after;
      });
      return plain(type);
    }),

  /** Deletes a machine type no machine was built of. */
  delete: manufacturerProcedure(P.manageMachineTypes)
    .input(z.object({ typeId: id('machineTypes') }))
    .mutation(async ({ ctx, input }) => {
      await ctx.write(async (w) => {
        const type = await w.scope.machineTypes.get(input.typeId);
        if (!type) throw notFound('Machine type');
        const built = await countBuilt(w.tx, ctx.tenantId, { typeId: type.id });
        if (built > 0) {
          throw new TRPCError({ code: 'BAD_REQUEST', message: `typeId: ${built} machines of this type were built` });
        }
        await w.scope.machineTypes.delete(type.id);
        await w.audit({ entity: 'machine_types', entityId: type.id, before: type });
      });
      return { ok: true as const };
    }),
});

const MachineRef = z.object({ machineId: id('machines') });

const machines = router({
  /**
   * The machines the manufacturer built: those in stock first, then those sold, by
   * operator name, each by board id; each sold one with the operator holding it (its
   * name) and the sale.
   */
  list: manufacturerProcedure(P.manageMachines)
    .input(
      z.object({
        status: z.enum(['in_stock', 'sold']).optional(),
        typeId: id('machineTypes').optional(),
        operatorId: id('tenants').optional(),
        boardId: OptionalText(32),
        ...Paging,
      }),
    )
    .query(async ({ ctx, input }) => {
      if (input.typeId && !(await ctx.scope.machineTypes.get(input.typeId))) throw notFound('Machine type');
      let tenants = await holders(ctx.db, ctx.tenantId, input.operatorId);
      if (input.status === 'in_stock') tenants = tenants.filter((t) => t.id === ctx.tenantId);
      if (input.status === 'sold') tenants = tenants.filter((t) => t.id !== ctx.tenantId);
      const where = builtBy(ctx.tenantId, input);
      let total = 0;
      let skip = input.offset;
      const page: { machine: Machine; holder: Tenant }[] = [];
      for (const holder of tenants) {
        const scope = ctx.tenants.forTenant(holder.id);
        const n = await scope.machines.count(where);
        total += n;
        if (page.length >= input.limit || n === 0) continue;
        if (skip >= n) {
          skip -= n;
          continue;
        }
        const rows = await scope.machines.find({
          where,
          orderBy: (m) => [asc(m.boardId)],
          limit: input.limit - page.length,
          offset: skip,
        });
        skip = 0;
        page.push(...rows.map((machine) => ({ machine, holder })));
      }
      return { total, items: await describeMachines(ctx, page) };
    }),

  /** Adds a machine the manufacturer built, by its controller board id (unique on the platform). */
  add: manufacturerProcedure(P.manageMachines)
    .input(z.object({ boardId: BoardId, typeId: id('machineTypes'), price: Money.default(0) }))
    .mutation(async ({ ctx, input }) => {
      const machine = await ctx.write(async (w) => {
        const type: MachineType | undefined = await w.scope.machineTypes.get(input.typeId);
        if (!type) throw notFound('Machine type');
        for (const holder of await holders(w.tx, ctx.tenantId)) {
          if (await w.tx.forTenant(holder.id).machines.findOne((m) => eq(m.boardId, input.boardId))) {
            throw new TRPCError({ code: 'CONFLICT', message: 'boardId: is taken' });
          }
        }
        let machine: Machine;
        try {
          machine = await w.scope.machines.insert({
            boardId: input.boardId,
            typeId: type.id,
            manufacturerId: ctx.tenantId,
            price: input.price,
            status: 'in_stock',
            createdBy: ctx.principal.userId,
          });
        } catch (error) {
          if (isUniqueViolation(error)) throw new TRPCError({ code: 'CONFLICT', message: 'boardId: is taken' });
          throw error;
        }
        await w.audit({ entity: 'machines', entityId: machine.id, after: machine });
        return machine;
      });
      const self = await ctx.platform.tenants.get(ctx.tenantId);
      if (!self) throw notFound('Tenant');
      const [described] = await describeMachines(ctx, [{ machine, holder: self }]);
      return described;
    }),

  /** Changes the list price of a machine in stock. */
  setPrice: manufacturerProcedure(P.manageMachines)
    .input(z.object({ machineId: id('machines'), price: Money }))
    .mutation(async ({ ctx, input }) => {
      const machine = await ctx.write(async (w) => {
        const machine = await w.scope.machines.get(input.machineId);
        if (!machine) throw notFound('Machine');
        await w.scope.machines.update(machine.id, { price: input.price, updatedBy: ctx.principal.userId });
        await w.audit({
          entity: 'machines',
          entityId: machine.id,
          before: { price: machine.price },
          after: { price: input.price },
        });
        return { ...machine, price: input.price };
      });
      const self = await ctx.platform.tenants.get(ctx.tenantId);
      if (!self) throw notFound('Tenant');
      const [described] = await describeMachines(ctx, [{ machine, holder: self }]);
      return described;
    }),

  /** Removes a machine still in stock (added by mistake). */
  remove: manufacturerProcedure(P.manageMachines)
    .input(MachineRef)
    .mutation(async ({ ctx, input }) => {
      await ctx.write(async (w) => {
        const machine = await w.scope.machines.get(input.machineId);
        if (!machine) throw notFound('Machine');
        await w.scope.machines.delete(machine.id);
        await w.audit({ entity: 'machines', entityId: machine.id, before: machine });
      });
      return { ok: true as const };
    }),

  /**
   * Sells a machine in stock to an operator, within the operator's machine quota: the
   * operator holds it from now on (active), and a machine sale records the price.
   */
  sell: manufacturerProcedure(P.manageMachines)
    .input(z.object({ machineId: id('machines'), operatorId: id('tenants'), price: Money.optional() }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const result = await ctx.write(async (w) => {
        const machine = await w.scope.machines.get(input.machineId);
        if (!machine) throw notFound('Machine');
        const operator = await loadOperator(w.platform, input.operatorId);
        const target = w.tx.forTenant(operator.id);
        const held = await target.machines.count();
        if (held >= operator.machineQuota) {
          throw new TRPCError({
            code: 'BAD_REQUEST',
            message: `operatorId: the operator already holds ${held} of the ${operator.machineQuota} machines its lease allows`,
          });
        }
        // The holder is the row's tenant: the machine moves by leaving the manufacturer's
        // scope and entering the operator's, keeping its id.
        const { tenantId: _from, ...fields } = machine;
        void _from;
        await w.scope.machines.delete(machine.id);
        const moved = await target.machines.insert({
          ...fields,
          status: 'active',
          updatedAt: now,
          updatedBy: ctx.principal.userId,
        });
        const price = input.price ?? machine.price;
        const sale = await w.scope.machineSales.insert({
          machineId: machine.id,
          operatorId: operator.id,
          price,
          soldAt: now,
          createdBy: ctx.principal.userId,
        });
        await w.audit({
          entity: 'machines',
          entityId: machine.id,
          before: { holder: ctx.tenantId, status: machine.status },
          after: { holder: operator.id, status: moved.status, saleId: sale.id, price },
        });
        return { machine: moved, operator };
      });
      const [described] = await describeMachines(ctx, [{ machine: result.machine, holder: result.operator }]);
      return described;
    }),
});

// --- Lease orders and the audit log --------------------------------------------------------

const leaseOrders = router({
  /** Lease orders of every operator (or one), newest first, with the tenant each belongs to. */
  list: manufacturerProcedure(P.viewLeaseOrders)
    .input(
      z.object({
        tenantId: id('tenants').optional(),
        status: z.enum(['pending', 'paid', 'cancelled']).optional(),
        trial: z.boolean().optional(),
        from: Timestamp.optional(),
        to: Timestamp.optional(),
        ...Paging,
      }),
    )
    .query(async ({ ctx, input }) => {
      const tenants = input.tenantId
        ? [await loadOperator(ctx.platform, input.tenantId)]
        : await ctx.platform.tenants.find({ where: (t) => eq(t.kind, 'operator') });
      const where = (o: Tables['leaseOrders']['sqlite']) =>
        and(
          input.status ? eq(o.status, input.status) : undefined,
          input.trial !== undefined ? eq(o.trial, input.trial) : undefined,
          input.from ? gte(o.createdAt, input.from) : undefined,
          input.to ? lt(o.createdAt, input.to) : undefined,
        );
      const wanted = input.offset + input.limit;
      let total = 0;
      const rows: { order: Row<Tables['leaseOrders']>; tenant: Tenant }[] = [];
      for (const tenant of tenants) {
        const scope = ctx.tenants.forTenant(tenant.id);
        const n = await scope.leaseOrders.count(where);
        total += n;
        if (n === 0) continue;
        const found = await scope.leaseOrders.find({
          where,
          orderBy: (o) => [desc(o.createdAt), desc(o.orderNo)],
          limit: wanted,
        });
        rows.push(...found.map((order) => ({ order, tenant })));
      }
      rows.sort(
        (a, b) =>
          b.order.createdAt.getTime() - a.order.createdAt.getTime() || b.order.orderNo.localeCompare(a.order.orderNo),
      );
      return {
        total,
        items: rows
          .slice(input.offset, wanted)
          .map(({ order, tenant }) =>
            plain({ ...order, tenant: { id: tenant.id, code: tenant.code, name: tenant.name } }),
          ),
      };
    }),
});

/** `createdAt|id` of an audit row: where the next page starts. */
const cursorOf = (row: { createdAt: Date; id: string }) => `${row.createdAt.toISOString()}|${row.id}`;

function parseCursor(cursor: string): { at: Date; id: string } {
  const [at, rowId] = cursor.split('|');
  const date = new Date(at ?? '');
  if (!rowId || Number.isNaN(date.getTime())) {
    throw new TRPCError({ code: 'BAD_REQUEST', message: 'cursor: is not a cursor this list gave' });
  }
  return { at: date, id: rowId };
}

const auditLog = router({
  /** The manufacturer's own audit log, newest first, a page at a time. */
  list: manufacturerProcedure(P.viewAuditLog)
    .input(
      Page.extend({
        action: OptionalText(64),
        entity: OptionalText(64),
        userId: id('users').optional(),
        from: Timestamp.optional(),
        to: Timestamp.optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      if (input.userId && !(await ctx.scope.users.get(input.userId))) throw notFound('User');
      const after = input.cursor ? parseCursor(input.cursor) : undefined;
      const rows = await ctx.scope.auditLog.find({
        where: (a) =>
          and(
            input.action ? eq(a.action, input.action) : undefined,
            input.entity ? eq(a.entity, input.entity) : undefined,
            input.userId ? eq(a.userId, input.userId) : undefined,
            input.from ? gte(a.createdAt, input.from) : undefined,
            input.to ? lt(a.createdAt, input.to) : undefined,
            after ? or(lt(a.createdAt, after.at), and(eq(a.createdAt, after.at), lt(a.id, after.id))) : undefined,
          ),
        orderBy: (a) => [desc(a.createdAt), desc(a.id)],
        limit: input.limit + 1,
      });
      const page = rows.slice(0, input.limit);
      const userIds = [...new Set(page.flatMap((r) => (r.userId ? [r.userId] : [])))];
      const names = new Map(
        (userIds.length === 0 ? [] : await ctx.scope.users.find({ where: (u) => inArray(u.id, userIds) })).map((u) => [
          u.id,
          u.username,
        ]),
      );
      const last = page[page.length - 1];
      return {
        items: page.map((r) => ({ ...plain(r), username: r.userId ? (names.get(r.userId) ?? null) : null })),
        nextCursor: rows.length > input.limit && last ? cursorOf(last) : null,
      };
    }),
});

export const factoryRouter = router({ users, machineTypes, machines, leaseOrders, auditLog });
