/**
 * The permission picker's sections: the permissions a role may carry, grouped by the
 * module each belongs to in the catalogue's module order, only for modules the tenant
 * rents; permissions no module gates (renewing the lease) come last, as "general".
 */
import { MODULES } from '@vmcloud/api/catalog';

export interface PickablePermission {
  code: string;
  name: string;
  moduleCode: string | null;
}

export interface PermissionSection {
  /** The module's code, or null for the permissions of every tenant. */
  moduleCode: string | null;
  permissions: PickablePermission[];
}

export function groupPermissions(
  permissions: readonly PickablePermission[],
  rentedModules: readonly string[],
): PermissionSection[] {
  const rented = new Set(rentedModules);
  const sections: PermissionSection[] = [];
  for (const module of MODULES) {
    if (!rented.has(module.code)) continue;
    const own = permissions.filter((p) => p.moduleCode === module.code).sort((a, b) => a.code.localeCompare(b.code));
    if (own.length > 0) sections.push({ moduleCode: module.code, permissions: own });
  }
  const general = permissions.filter((p) => p.moduleCode === null).sort((a, b) => a.code.localeCompare(b.code));
  if (general.length > 0) sections.push({ moduleCode: null, permissions: general });
  return sections;
}

/** The codes of `selected` that the picker can show (the others stay with the role on the API's side). */
export function pickableCodes(selected: readonly string[], sections: readonly PermissionSection[]): string[] {
  const shown = new Set(sections.flatMap((s) => s.permissions.map((p) => p.code)));
  return selected.filter((code) => shown.has(code));
}
