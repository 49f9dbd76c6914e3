/**
 * What the manufacturer sells and how access is shaped: machine rent pricing rules,
 * volume discount tiers, the rentable modules, the permission codes and the role
 * templates (the manufacturer's own roles, and the operator templates every new
 * operator's roles are copied from).
 */
import { TRPCError } from '@trpc/server';
import { asc, desc, eq, inArray, type DbHandle, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { manufacturerProcedure, router } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, Money, OptionalText, Text, Timestamp } from '../shared/input.js';
import { P } from '../access/catalog.js';

/** Roles that hold every permission of their kind; they are not edited. */
const FULL_ROLES = new Set(['system_admin', 'operator_admin']);

const PermissionCode = z
  .string({ error: 'must be a permission code' })
  .regex(/^\d{5}$/, 'must be a 5-digit permission code')
  .meta({ examples: [P.transfer] });

const PermissionCodes = z
  .array(PermissionCode)
  .max(200, 'lists too many permissions')
  .refine((codes) => new Set(codes).size === codes.length, 'lists a permission twice');

type Role = Row<Tables['roles']>;

/** The permission ids of `codes`, each checked to be of `kind`. */
async function permissionIdsOf(db: DbHandle, codes: readonly string[], kind: 'manufacturer' | 'operator') {
  if (codes.length === 0) return [];
  const rows = await db.platform.permissions.find({ where: (p) => inArray(p.code, [...codes]) });
  const byCode = new Map(rows.map((p) => [p.code, p]));
  return codes.map((code) => {
    const permission = byCode.get(code);
    if (!permission) throw new TRPCError({ code: 'BAD_REQUEST', message: `permissions: ${code} does not exist` });
    if (permission.kind !== kind) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `permissions: ${code} is not ${kind === 'operator' ? 'an operator' : 'a manufacturer'} permission`,
      });
    }
    return permission.id;
  });
}

/** The manufacturer's roles with their permission codes. */
async function describeRoles(db: DbHandle, scope: TenantScope, roles: Role[]) {
  const grants =
    roles.length === 0
      ? []
      : await scope.rolePermissions.find({
          where: (rp) =>
            inArray(
              rp.roleId,
              roles.map((r) => r.id),
            ),
        });
  const codes = new Map((await db.platform.permissions.find()).map((p) => [p.id, p.code]));
  return roles.map((r) =>
    plain({
      id: r.id,
      name: r.name,
      key: r.key,
      kind: r.kind,
      template: r.template,
      description: r.description,
      editable: !(r.key && FULL_ROLES.has(r.key)),
      permissions: grants
        .filter((g) => g.roleId === r.id)
        .map((g) => codes.get(g.permissionId) ?? '')
        .filter(Boolean)
        .sort(),
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    }),
  );
}

const pricingRules = router({
  /** The machine rent pricing rules, newest first; `current` marks the one in effect now. */
  list: manufacturerProcedure(P.managePricing).query(async ({ ctx }) => {
    const rules = await ctx.platform.pricingRules.find({
      orderBy: (p) => [desc(p.effectiveFrom), desc(p.createdAt)],
    });
    const now = ctx.now().getTime();
    const current = rules.find((r) => r.effectiveFrom.getTime() <= now);
    return rules.map((r) => ({ ...plain(r), current: r.id === current?.id }));
  }),

  /** Adds a machine rent that applies from `effectiveFrom` on. */
  add: manufacturerProcedure(P.managePricing)
    .input(z.object({ machineMonthlyRent: Money, effectiveFrom: Timestamp, note: OptionalText(255) }))
    .mutation(async ({ ctx, input }) => {
      const rule = await ctx.write(async (w) => {
        const rule = await w.platform.pricingRules.insert({ ...input, createdBy: ctx.principal.userId });
        await w.audit({ entity: 'pricing_rules', entityId: rule.id, after: rule });
        return rule;
      });
      return plain(rule);
    }),
});

const discountTiers = router({
  /** The volume discount tiers, by machine count. */
  list: manufacturerProcedure(P.managePricing).query(async ({ ctx }) =>
    plain(await ctx.platform.discountTiers.find({ orderBy: (t) => [asc(t.minMachines)] })),
  ),

  /**
   * Replaces the discount tiers. Each tier starts at a different machine count; a tier
   * for more machines may not give less discount than one for fewer.
   */
  set: manufacturerProcedure(P.managePricing)
    .input(
      z.object({
        tiers: z
          .array(
            z.object({
              minMachines: z.number().int('must be a whole number').min(2, 'must be at least 2').max(100_000),
              discountBasisPoints: z
                .number()
                .int('must be a whole number of basis points')
                .min(1, 'must be at least 1')
                .max(9_000, 'must be at most 9000 (90 %)'),
            }),
          )
          .max(20, 'lists too many tiers'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const tiers = [...input.tiers].sort((a, b) => a.minMachines - b.minMachines);
      for (const [i, tier] of tiers.entries()) {
        const prev = tiers[i - 1];
        if (prev && prev.minMachines === tier.minMachines) {
          throw new TRPCError({ code: 'BAD_REQUEST', message: `tiers: ${tier.minMachines} machines is listed twice` });
        }
        if (prev && tier.discountBasisPoints < prev.discountBasisPoints) {
          throw new TRPCError({
            code: 'BAD_REQUEST',
            message: `tiers: the tier from ${tier.minMachines} machines gives less discount than the one from ${prev.minMachines}`,
          });
        }
      }
      const rows = await ctx.write(async (w) => {
        const before = await w.platform.discountTiers.find({ orderBy: (t) => [asc(t.minMachines)] });
        await w.platform.discountTiers.deleteWhere(() => undefined);
        const rows =
          tiers.length === 0
            ? []
            : await w.platform.discountTiers.insertMany(tiers.map((t) => ({ ...t, createdBy: ctx.principal.userId })));
        const brief = (list: { minMachines: number; discountBasisPoints: number }[]) =>
          list.map((t) => ({ minMachines: t.minMachines, discountBasisPoints: t.discountBasisPoints }));
        await w.audit({ entity: 'discount_tiers', before: { tiers: brief(before) }, after: { tiers: brief(rows) } });
        return rows;
      });
      return plain(rows);
    }),
});

const modules = router({
  /** Every module, offered or not, with its monthly rent. */
  list: manufacturerProcedure(P.manageModules).query(async ({ ctx }) => {
    const rows = await ctx.platform.modules.find({ orderBy: (m) => [asc(m.sortOrder), asc(m.code)] });
    return rows.map((m) => plain(m));
  }),

  /** Renames a module, changes its monthly rent, or stops or resumes offering it to new leases. */
  update: manufacturerProcedure(P.manageModules)
    .input(
      z.object({
        moduleId: id('modules'),
        name: Text(64).optional(),
        description: OptionalText(255).optional(),
        monthlyRent: Money.optional(),
        enabled: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.write(async (w) => {
        const before = await w.platform.modules.get(input.moduleId);
        if (!before) throw new TRPCError({ code: 'NOT_FOUND', message: 'Module not found' });
        const patch = {
          name: input.name,
          description: input.description,
          monthlyRent: input.monthlyRent,
          enabled: input.enabled,
          updatedBy: ctx.principal.userId,
        };
        await w.platform.modules.update(before.id, patch);
        const after = await w.platform.modules.get(before.id);
        await w.audit({ entity: 'modules', entityId: before.id, before, after });
        return after ?? before;
      });
      return plain(row);
    }),
});

const permissions = router({
  /** The permission codes, manufacturer (000xx) and operator (001xx), with the module each belongs to. */
  list: manufacturerProcedure(P.managePermissions)
    .input(z.object({ kind: z.enum(['manufacturer', 'operator']).optional() }).optional())
    .query(async ({ ctx, input }) => {
      const kind = input?.kind;
      const rows = await ctx.platform.permissions.find({
        where: kind ? (p) => eq(p.kind, kind) : undefined,
        orderBy: (p) => [asc(p.code)],
      });
      return rows.map((p) => plain(p));
    }),
});

const roleTemplates = router({
  /**
   * The manufacturer's roles with their permission codes: its own (manufacturer kind),
   * held by its users, and the operator templates new operators' roles are copied from.
   */
  list: manufacturerProcedure(P.managePermissions)
    .input(z.object({ kind: z.enum(['manufacturer', 'operator']).optional() }).optional())
    .query(async ({ ctx, input }) => {
      const kind = input?.kind;
      const roles = await ctx.scope.roles.find({
        where: (r) => (kind ? eq(r.kind, kind) : undefined),
        orderBy: (r) => [asc(r.kind), asc(r.createdAt), asc(r.name)],
      });
      return describeRoles(ctx.db, ctx.scope, roles);
    }),

  /** Adds a role template of a kind, with permissions of that kind only. */
  create: manufacturerProcedure(P.managePermissions)
    .input(
      z.object({
        name: Text(32),
        kind: z.enum(['manufacturer', 'operator']),
        description: OptionalText(255),
        permissions: PermissionCodes,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const role = await ctx.write(async (w) => {
        if (await w.scope.roles.findOne((r) => eq(r.name, input.name))) {
          throw new TRPCError({ code: 'CONFLICT', message: 'name: is taken' });
        }
        const permissionIds = await permissionIdsOf(w.tx, input.permissions, input.kind);
        const role = await w.scope.roles.insert({
          name: input.name,
          kind: input.kind,
          template: input.kind === 'operator',
          description: input.description,
          createdBy: ctx.principal.userId,
        });
        if (permissionIds.length > 0) {
          await w.scope.rolePermissions.insertMany(
            permissionIds.map((permissionId) => ({ roleId: role.id, permissionId, createdBy: ctx.principal.userId })),
          );
        }
        await w.audit({ entity: 'roles', entityId: role.id, after: { ...role, permissions: input.permissions } });
        return role;
      });
      const [described] = await describeRoles(ctx.db, ctx.scope, [role]);
      return described;
    }),

  /**
   * Renames a role template or replaces its permissions (codes of its kind only). The
   * system admin and operator admin hold everything of their kind and are not edited.
   * A manufacturer role takes effect for its users at once; an operator template shapes
   * the roles of operators registered from now on.
   */
  update: manufacturerProcedure(P.managePermissions)
    .input(
      z.object({
        roleId: id('roles'),
        name: Text(32).optional(),
        description: OptionalText(255).optional(),
        permissions: PermissionCodes.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const role = await ctx.write(async (w) => {
        const role = await w.scope.roles.get(input.roleId);
        if (!role) throw new TRPCError({ code: 'NOT_FOUND', message: 'Role not found' });
        if (role.key && FULL_ROLES.has(role.key)) {
          throw new TRPCError({
            code: 'BAD_REQUEST',
            message: 'roleId: this role holds every permission of its kind and is not edited',
          });
        }
        if (input.name !== undefined && input.name !== role.name) {
          const name = input.name;
          if (await w.scope.roles.findOne((r) => eq(r.name, name))) {
            throw new TRPCError({ code: 'CONFLICT', message: 'name: is taken' });
          }
        }
        const [before] = await describeRoles(w.tx, w.scope, [role]);
        await w.scope.roles.update(role.id, {
          name: input.name,
          description: input.description,
          updatedBy: ctx.principal.userId,
        });
        if (input.permissions) {
          const permissionIds = await permissionIdsOf(w.tx, input.permissions, role.kind);
          await w.scope.rolePermissions.deleteWhere((rp) => eq(rp.roleId, role.id));
          if (permissionIds.length > 0) {
            await w.scope.rolePermissions.insertMany(
              permissionIds.map((permissionId) => ({ roleId: role.id, permissionId, createdBy: ctx.principal.userId })),
            );
          }
        }
        const updated = (await w.scope.roles.get(role.id)) ?? role;
        const [after] = await describeRoles(w.tx, w.scope, [updated]);
        await w.audit({ entity: 'roles', entityId: role.id, before: before ?? null, after: after ?? null });
        return updated;
      });
      if (role.kind === 'manufacturer') ctx.principals.invalidate({ tenantId: ctx.tenantId });
      const [described] = await describeRoles(ctx.db, ctx.scope, [role]);
      return described;
    }),
});

export const catalogRouter = router({ pricingRules, discountTiers, modules, permissions, roleTemplates });
