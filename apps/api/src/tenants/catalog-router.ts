/**
 * What the manufacturer sells and how access is shaped: machine rent pricing rules,
 * volume discount tiers, the rentable modules, the permission codes and the role
 * templates (the manufacturer's own roles, and the operator templates every new
 * operator's roles are copied from).
 */
import { TENANT_KINDS } from '@vmcloud/db/schema';
import { asc, desc, eq } from '@vmcloud/db';
import { z } from 'zod';
import { manufacturerProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { id, Money, OptionalText, Text, Timestamp } from '../shared/input.js';
import { P } from '../access/catalog.js';
import { createRoleTemplate, describeRoles, updateRoleTemplate } from './role-templates.js';
import { addPricingRule, setDiscountTiers, updateModule } from './offer.js';

const PermissionCode = z
  .string({ error: 'must be a permission code' })
  .regex(/^\d{5}$/, 'must be a 5-digit permission code')
  .meta({ examples: [P.transfer] });

const PermissionCodes = z
  .array(PermissionCode)
  .max(200, 'lists too many permissions')
  .refine((codes) => new Set(codes).size === codes.length, 'lists a permission twice');

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
      const rule = await ctx.write((w) => addPricingRule(w, ctx.principal.userId, input));
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
      const rows = await ctx.write((w) => setDiscountTiers(w, ctx.principal.userId, input.tiers));
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
      const row = await ctx.write((w) => updateModule(w, ctx.principal.userId, input));
      return plain(row);
    }),
});

const permissions = router({
  /** The permission codes, manufacturer (000xx) and operator (001xx), with the module each belongs to. */
  list: manufacturerProcedure(P.managePermissions)
    .input(z.object({ kind: z.enum(TENANT_KINDS).optional() }).optional())
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
    .input(z.object({ kind: z.enum(TENANT_KINDS).optional() }).optional())
    .query(async ({ ctx, input }) => {
      const kind = input?.kind;
      const roles = await ctx.scope.roles.find({
        where: (r) => (kind ? eq(r.kind, kind) : undefined),
        orderBy: (r) => [asc(r.kind), asc(r.createdAt), asc(r.name)],
      });
      return plain(await describeRoles(ctx.platform, ctx.scope, roles));
    }),

  /** Adds a role template of a kind, with permissions of that kind only. */
  create: manufacturerProcedure(P.managePermissions)
    .input(
      z.object({
        name: Text(32),
        kind: z.enum(TENANT_KINDS),
        description: OptionalText(255),
        permissions: PermissionCodes,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const role = await ctx.write((w) => createRoleTemplate(w, ctx.principal.userId, input));
      const [described] = await describeRoles(ctx.platform, ctx.scope, [role]);
      return plain(described);
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
      const role = await ctx.write((w) => updateRoleTemplate(w, ctx.principal.userId, input));
      if (role.kind === 'manufacturer') ctx.principals.invalidate({ tenantId: ctx.tenantId });
      const [described] = await describeRoles(ctx.platform, ctx.scope, [role]);
      return plain(described);
    }),
});

export const catalogRouter = router({ pricingRules, discountTiers, modules, permissions, roleTemplates });
