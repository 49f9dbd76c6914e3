/**
 * The operator's roles: sets of operator permission codes. The built-in roles come from the
 * manufacturer's templates; an operator admin may define more from the permissions of the
 * modules its tenant rents. Changing a role's permissions takes effect for every signed-in
 * user of the tenant at once.
 */
import { eq, inArray, type PlatformScope, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { P, PERMISSIONS, type PermissionEntry } from './catalog.js';
import type { Principal } from '../auth/principal.js';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, OptionalText, Text } from '../shared/input.js';
import { permissionsOfUser } from './permissions.js';
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';

/** The permission of the role module. */

const OPERATOR_PERMISSIONS = new Map<string, PermissionEntry>(
  PERMISSIONS.filter((p) => p.kind === 'operator').map((p) => [p.code, p]),
);

const PermissionCodes = z
  .array(
    z
      .string()
      .regex(/^001\d\d$/, 'must be an operator permission code (001xx)')
      .meta({ examples: [P.user] }),
  )
  .min(1, 'must name at least one permission')
  .max(OPERATOR_PERMISSIONS.size, `must be at most ${OPERATOR_PERMISSIONS.size} codes`);

/**
 * Checks the codes of a role: operator permissions of rented modules that the caller holds
 * itself (or that the role already carries). Returns their permission ids.
 */
async function permissionIdsFor(
  principal: Principal,
  platform: PlatformScope,
  codes: string[],
  already: readonly string[] = [],
): Promise<string[]> {
  const unique = [...new Set(codes)].sort();
  for (const code of unique) {
    const entry = OPERATOR_PERMISSIONS.get(code);
    if (!entry) throw invalid(`permissions: ${code} is not an operator permission`);
    if (entry.moduleCode !== null && !principal.modules.has(entry.moduleCode)) {
      throw invalid(`permissions: ${code} belongs to module ${entry.moduleCode}, which this tenant does not rent`);
    }
    if (!principal.permissions.has(code) && !already.includes(code)) {
      throw forbidden(`permissions: you cannot grant ${code}, which you do not hold`);
    }
  }
  const rows = await platform.permissions.find({ where: (p) => inArray(p.code, unique) });
  if (rows.length !== unique.length) throw new Error('the permission catalogue is not seeded');
  return rows.map((p) => p.id);
}

/** The permission codes of each role, by role id. */
async function codesByRole(scope: TenantScope, platform: PlatformScope, roleIds: string[]) {
  const out = new Map<string, string[]>(roleIds.map((r) => [r, []]));
  if (roleIds.length === 0) return out;
  const links = await scope.rolePermissions.find({ where: (rp) => inArray(rp.roleId, roleIds) });
  const codes = new Map((await platform.permissions.find()).map((p) => [p.id, p.code]));
  for (const link of links) {
    const code = codes.get(link.permissionId);
    if (code) out.get(link.roleId)?.push(code);
  }
  for (const list of out.values()) list.sort();
  return out;
}

async function loadRole(scope: TenantScope, roleId: string) {
  const role = await scope.roles.get(roleId);
  if (!role || role.kind !== 'operator' || role.template) {
    throw notFound('Role');
  }
  return role;
}

async function assertNameFree(scope: TenantScope, name: string, except?: string) {
  const clash = await scope.roles.findOne((r) => eq(r.name, name));
  if (clash && clash.id !== except) throw conflict('name: is taken');
}

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
      return ctx.write(async (w) => {
        const permissionIds = await permissionIdsFor(principal, w.platform, input.permissions);
        await assertNameFree(w.scope, input.name);
        const role = await w.scope.roles.insert({
          name: input.name,
          kind: 'operator',
          description: input.description,
          createdBy: principal.userId,
          updatedBy: principal.userId,
        });
        await w.scope.rolePermissions.insertMany(
          permissionIds.map((permissionId) => ({ roleId: role.id, permissionId })),
        );
        const permissions = [...new Set(input.permissions)].sort();
        await w.audit({
          entity: 'roles',
          entityId: role.id,
          after: { name: role.name, description: role.description, permissions },
        });
        return plain({
          id: role.id,
          name: role.name,
          key: role.key,
          builtIn: false,
          description: role.description,
          permissions,
        });
      });
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
      const result = await ctx.write(async (w) => {
        const role = await loadRole(w.scope, input.id);
        const before = (await codesByRole(w.scope, w.platform, [role.id])).get(role.id) ?? [];
        if (input.name !== undefined) await assertNameFree(w.scope, input.name, role.id);
        let after = before;
        if (input.permissions) {
          const permissionIds = await permissionIdsFor(principal, w.platform, input.permissions, before);
          // The permissions of modules the tenant does not rent (yet) stay with the role.
          const kept = before.filter((code) => {
            const module = OPERATOR_PERMISSIONS.get(code)?.moduleCode;
            return !module || !principal.modules.has(module);
          });
          const keptIds = kept.length
            ? (await w.platform.permissions.find({ where: (p) => inArray(p.code, kept) })).map((p) => p.id)
            : [];
          await w.scope.rolePermissions.deleteWhere((rp) => eq(rp.roleId, role.id));
          await w.scope.rolePermissions.insertMany(
            [...permissionIds, ...keptIds].map((permissionId) => ({ roleId: role.id, permissionId })),
          );
          after = [...new Set([...input.permissions, ...kept])].sort();
          const mine = await permissionsOfUser(w.scope, w.platform, principal.userId, principal.modules);
          if (!mine.has(P.role)) {
            throw invalid(`permissions: you would lose permission ${P.role} yourself`);
          }
        }
        await w.scope.roles.update(role.id, {
          name: input.name,
          description: input.description,
          updatedBy: principal.userId,
        });
        const updated = await loadRole(w.scope, role.id);
        await w.audit({
          entity: 'roles',
          entityId: role.id,
          before: { name: role.name, description: role.description, permissions: before },
          after: { name: updated.name, description: updated.description, permissions: after },
        });
        return plain({
          id: updated.id,
          name: updated.name,
          key: updated.key,
          builtIn: updated.key !== null,
          description: updated.description,
          permissions: after,
        });
      });
      ctx.principals.invalidate({ tenantId: ctx.tenantId });
      return result;
    }),

  /** Deletes a role of the operator's own that no user holds; built-in roles stay. */
  delete: operatorProcedure(P.role)
    .input(z.object({ id: id('roles') }))
    .mutation(async ({ ctx, input }) => {
      const result = await ctx.write(async (w) => {
        const role = await loadRole(w.scope, input.id);
        if (role.key !== null) throw invalid('id: a built-in role cannot be deleted');
        const holders = await w.scope.userRoles.count((ur) => eq(ur.roleId, role.id));
        if (holders > 0) throw invalid(`id: ${holders} users hold this role; take it from them first`);
        const permissions = (await codesByRole(w.scope, w.platform, [role.id])).get(role.id) ?? [];
        await w.scope.rolePermissions.deleteWhere((rp) => eq(rp.roleId, role.id));
        await w.scope.roles.delete(role.id);
        await w.audit({
          entity: 'roles',
          entityId: role.id,
          before: { name: role.name, description: role.description, permissions },
        });
        return { id: role.id, deleted: true as const };
      });
      ctx.principals.invalidate({ tenantId: ctx.tenantId });
      return result;
    }),
});
