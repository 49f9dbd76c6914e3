/**
 * The manufacturer's roles and the operator role templates every new operator's roles are
 * copied from: each carries permission codes of its own kind only. The system admin and
 * the operator admin hold everything of their kind and are not edited.
 */
import { eq, inArray, type PlatformScope, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { conflict, notFound, refused } from '../shared/errors.js';
import type { Writer } from '../shared/writer.js';

/** Roles that hold every permission of their kind; they are not edited. */
const FULL_ROLES = new Set(['system_admin', 'operator_admin']);

type Role = Row<Tables['roles']>;
type Kind = 'manufacturer' | 'operator';

/** What a role template change writes through. */
export type TemplateWriter = Pick<Writer, 'scope' | 'platform' | 'audit'>;

/** The permission ids of `codes`, each checked to be of `kind`. */
async function permissionIdsOf(platform: PlatformScope, codes: readonly string[], kind: Kind) {
  if (codes.length === 0) return [];
  const rows = await platform.permissions.find({ where: (p) => inArray(p.code, [...codes]) });
  const byCode = new Map(rows.map((p) => [p.code, p]));
  return codes.map((code) => {
    const permission = byCode.get(code);
    if (!permission) throw refused('permissions', `${code} does not exist`);
    if (permission.kind !== kind) {
      throw refused(
        'permissions',
        `${code} is not ${kind === 'operator' ? 'an operator' : 'a manufacturer'} permission`,
      );
    }
    return permission.id;
  });
}

/** The roles with their permission codes. */
export async function describeRoles(platform: PlatformScope, scope: TenantScope, roles: Role[]) {
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
  const codes = new Map((await platform.permissions.find()).map((p) => [p.id, p.code]));
  return roles.map((r) => ({
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
  }));
}

async function grant(w: TemplateWriter, roleId: string, permissionIds: string[], by: string) {
  if (permissionIds.length === 0) return;
  await w.scope.rolePermissions.insertMany(
    permissionIds.map((permissionId) => ({ roleId, permissionId, createdBy: by })),
  );
}

/** Adds a role template of a kind (an operator one is a template), with permissions of that kind only. */
export async function createRoleTemplate(
  w: TemplateWriter,
  by: string,
  input: { name: string; kind: Kind; description: string | null; permissions: readonly string[] },
): Promise<Role> {
  if (await w.scope.roles.findOne((r) => eq(r.name, input.name))) throw conflict('name: is taken');
  const permissionIds = await permissionIdsOf(w.platform, input.permissions, input.kind);
  const role = await w.scope.roles.insert({
    name: input.name,
    kind: input.kind,
    template: input.kind === 'operator',
    description: input.description,
    createdBy: by,
  });
  await grant(w, role.id, permissionIds, by);
  await w.audit({ entity: 'roles', entityId: role.id, after: { ...role, permissions: input.permissions } });
  return role;
}

/** Renames a role template or replaces its permissions (codes of its kind only). */
export async function updateRoleTemplate(
  w: TemplateWriter,
  by: string,
  input: { roleId: string; name?: string; description?: string | null; permissions?: readonly string[] },
): Promise<Role> {
  const role = await w.scope.roles.get(input.roleId);
  if (!role) throw notFound('Role');
  if (role.key && FULL_ROLES.has(role.key)) {
    throw refused('roleId', 'this role holds every permission of its kind and is not edited');
  }
  const name = input.name;
  if (name !== undefined && name !== role.name && (await w.scope.roles.findOne((r) => eq(r.name, name)))) {
    throw conflict('name: is taken');
  }
  const [before] = await describeRoles(w.platform, w.scope, [role]);
  await w.scope.roles.update(role.id, { name: input.name, description: input.description, updatedBy: by });
  if (input.permissions) {
    const permissionIds = await permissionIdsOf(w.platform, input.permissions, role.kind);
    await w.scope.rolePermissions.deleteWhere((rp) => eq(rp.roleId, role.id));
    await grant(w, role.id, permissionIds, by);
  }
  const updated = (await w.scope.roles.get(role.id)) ?? role;
  const [after] = await describeRoles(w.platform, w.scope, [updated]);
  await w.audit({ entity: 'roles', entityId: role.id, before: before ?? null, after: after ?? null });
  return updated;
}
