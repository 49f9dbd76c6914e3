/**
 * The operator's roles: sets of operator permission codes. The built-in roles come from the
 * manufacturer's templates; an operator admin may define more from the permissions of the
 * modules its tenant rents and that it holds itself.
 */
import { eq, inArray, type PlatformScope, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { P, PERMISSIONS, type PermissionEntry } from './catalog.js';
import type { Principal } from '../auth/principal.js';
import type { Writer } from '../shared/writer.js';
import { conflict, forbidden, invalid, notFound } from '../shared/errors.js';
import { assertKeepsPermission } from './permissions.js';

/** The permission of the role module. */

export const OPERATOR_PERMISSIONS = new Map<string, PermissionEntry>(
  PERMISSIONS.filter((p) => p.kind === 'operator').map((p) => [p.code, p]),
);

export const PermissionCodes = z
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
export async function codesByRole(scope: TenantScope, platform: PlatformScope, roleIds: string[]) {
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

/** Defines a role of the operator's own from operator permissions the acting user may grant. */
export async function createRole(
  w: Pick<Writer, 'scope' | 'platform' | 'audit'>,
  principal: Principal,
  input: { name: string; description: string | null; permissions: string[] },
) {
  const permissionIds = await permissionIdsFor(principal, w.platform, input.permissions);
  await assertNameFree(w.scope, input.name);
  const role = await w.scope.roles.insert({
    name: input.name,
    kind: 'operator',
    description: input.description,
    createdBy: principal.userId,
    updatedBy: principal.userId,
  });
  await w.scope.rolePermissions.insertMany(permissionIds.map((permissionId) => ({ roleId: role.id, permissionId })));
  const permissions = [...new Set(input.permissions)].sort();
  await w.audit({
    entity: 'roles',
    entityId: role.id,
    after: { name: role.name, description: role.description, permissions },
  });
  return {
    id: role.id,
    name: role.name,
    key: role.key,
    builtIn: false,
    description: role.description,
    permissions,
  };
}

/**
 * Renames a role, changes its description or replaces its permissions (those of modules the
 * tenant does not rent stay); the acting user may not take the role permission from itself.
 */
export async function updateRole(
  w: Pick<Writer, 'scope' | 'platform' | 'audit'>,
  principal: Principal,
  input: { id: string; name?: string; description?: string | null; permissions?: string[] },
) {
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
    await assertKeepsPermission(principal, w, P.role, 'permissions');
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
  return {
    id: updated.id,
    name: updated.name,
    key: updated.key,
    builtIn: updated.key !== null,
    description: updated.description,
    permissions: after,
  };
}

/** Deletes a role of the operator's own that no user holds; built-in roles stay. */
export async function deleteRole(w: Pick<Writer, 'scope' | 'platform' | 'audit'>, roleId: string) {
  const role = await loadRole(w.scope, roleId);
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
}
