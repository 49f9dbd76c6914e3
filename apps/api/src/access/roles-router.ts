/**
 * The operator's roles: sets of operator permission codes. The built-in roles come from the
 * manufacturer's templates; an operator admin may define more from the permissions of the
 * modules its tenant rents. Changing a role's permissions takes effect for every signed-in
 * user of the tenant at once.
 */
import { eq, inArray } from '@vmcloud/db';
import { z } from 'zod';
import { P } from './catalog.js';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { id, OptionalText, Text } from '../shared/input.js';
import { codesByRole, createRole, deleteRole, OPERATOR_PERMISSIONS, PermissionCodes, updateRole } from './roles.js';

export const rolesRouter = router({
  /** The tenant's roles with their permission codes and how many users hold each. */
  list: operatorProcedure(P.role).query(async ({ ctx }) => {
    const roles = await ctx.scope.roles.find({
      where: (r) => eq(r.kind, 'operator'),
      orderBy: (r) => [r.name],
    });
    const ids = roles.map((r) => r.id);
    const codes = await codesByRole(ctx.scope, ctx.platform, ids);
    const links = ids.length === 0 ? [] : await ctx.scope.userRoles.find({ where: (ur) => inArray(ur.roleId, ids) });
    return roles.map((r) =>
      plain({
        id: r.id,
        name: r.name,
        key: r.key,
        builtIn: r.key !== null,
        description: r.description,
        permissions: codes.get(r.id) ?? [],
        userCount: links.filter((l) => l.roleId === r.id).length,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      }),
    );
  }),

  /** The operator permissions a role of this tenant may carry: those of the modules it rents, and renewing. */
  permissions: operatorProcedure(P.role).query(({ ctx }) =>
    [...OPERATOR_PERMISSIONS.values()]
      .filter((p) => p.moduleCode === null || ctx.principal.modules.has(p.moduleCode))
      .map((p) => ({ code: p.code, name: p.name, moduleCode: p.moduleCode })),
  ),

  /** Defines a role of the operator's own from operator permissions. */
  create: operatorProcedure(P.role)
    .input(z.object({ name: Text(32), description: OptionalText(255), permissions: PermissionCodes }))
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      return ctx.write((w) => createRole(w, principal, input));
    }),

  /**
   * Renames a role, changes its description or replaces its permissions; the tenant's
   * signed-in users get the new permissions at once.
   */
  update: operatorProcedure(P.role)
    .input(
      z.object({
        id: id('roles'),
        name: Text(32).optional(),
        description: OptionalText(255).optional(),
        permissions: PermissionCodes.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { principal } = ctx;
      const result = await ctx.write((w) => updateRole(w, principal, input));
      ctx.principals.invalidate({ tenantId: ctx.tenantId });
      return result;
    }),

  /** Deletes a role of the operator's own that no user holds; built-in roles stay. */
  delete: operatorProcedure(P.role)
    .input(z.object({ id: id('roles') }))
    .mutation(async ({ ctx, input }) => {
      const result = await ctx.write((w) => deleteRole(w, input.id));
      ctx.principals.invalidate({ tenantId: ctx.tenantId });
      return result;
    }),
});
