/**
 * The platform's own data, present on every install: the manufacturer tenant and its
 * system admin, the modules, permissions and role templates, and the rent pricing.
 * Idempotent: running it again changes nothing.
 */

import { eq, isNotNull, newId, sealedAt, type DbHandle, type Keyring } from '@vmcloud/db';
import { MODULES, PERMISSIONS, ROLE_TEMPLATES, type PermissionCode, type PermissionKind } from '../access/catalog.js';
import { hashPassword } from '../auth/password.js';

export const MANUFACTURER = { code: '000001', name: 'VMCloud_Factory' } as const;

export interface SeedOptions {
  /** The password every demo user gets. */
  password: string;
  /** scrypt cost; tests lower it. */
  passwordCost?: { ln: number; r: number; p: number };
  /** The manufacturer's logins to create (default both: the demo's `admin` and `maker`). */
  platformUsers?: readonly ('admin' | 'maker')[];
  /** The logins created must change their password at the first sign-in. */
  mustChangePassword?: boolean;
  now?: Date;
}

export interface SeededUser {
  tenantCode: string;
  username: string;
  role: string;
}

/**
 * Brings the catalogue of a database up to the code's: inserts the modules and permissions
 * it lacks, and grants each permission new to the database to every built-in role whose
 * template carries it, in every tenant (the manufacturer's roles, its operator role
 * templates, and each operator's copies), so that an operator admin created before a
 * permission existed holds it after the next start. Only new permissions are granted: a
 * permission an operator took away from a built-in role stays away. Returns the
 * permission ids by code.
 */
export async function syncCatalog(tx: DbHandle): Promise<Map<string, string>> {
  const existingModules = new Set((await tx.platform.modules.find()).map((m) => m.code));
  await tx.platform.modules.insertMany(
    MODULES.filter((m) => !existingModules.has(m.code)).map((m, i) => ({ ...m, sortOrder: i + 1 })),
  );
  const existingPermissions = new Set((await tx.platform.permissions.find()).map((p) => p.code));
  const added = await tx.platform.permissions.insertMany(PERMISSIONS.filter((p) => !existingPermissions.has(p.code)));
  if (added.length > 0) await grantToBuiltInRoles(tx, added);
  return new Map((await tx.platform.permissions.find()).map((p) => [p.code, p.id]));
}

/** Grants `added` to the built-in roles (by template key and kind) whose templates carry them, in every tenant. */
async function grantToBuiltInRoles(tx: DbHandle, added: { id: string; code: string }[]) {
  for (const tenant of await tx.platform.tenants.find()) {
    const scope = tx.forTenant(tenant.id);
    const roles = await scope.roles.find({ where: (r) => isNotNull(r.key) });
    for (const role of roles) {
      const template = ROLE_TEMPLATES.find((t) => t.key === role.key && t.kind === role.kind);
      const grants = added.filter((p) => template?.permissions.includes(p.code as PermissionCode));
      if (grants.length === 0) continue;
      await scope.rolePermissions.insertMany(grants.map((p) => ({ roleId: role.id, permissionId: p.id })));
    }
  }
}

/** Inserts the modules, permissions and pricing that are missing; returns the permission ids by code. */
async function seedCatalog(tx: DbHandle): Promise<Map<string, string>> {
  await syncCatalog(tx);
  if ((await tx.platform.pricingRules.count()) === 0) {
    await tx.platform.pricingRules.insert({
      machineMonthlyRent: 5000,
      effectiveFrom: new Date(Date.UTC(2026, 0, 1)),
      note: 'Launch pricing',
    });
  }
  if ((await tx.platform.discountTiers.count()) === 0) {
    await tx.platform.discountTiers.insertMany([
      { minMachines: 10, discountBasisPoints: 500 },
      { minMachines: 50, discountBasisPoints: 1000 },
      { minMachines: 100, discountBasisPoints: 1500 },
    ]);
  }
  return new Map((await tx.platform.permissions.find()).map((p) => [p.code, p.id]));
}

/**
 * Creates a tenant's roles from the templates of one kind (`template` marks the
 * manufacturer's own copies, which operators' roles are made from).
 */
export async function createRolesFromTemplates(
  tx: DbHandle,
  tenantId: string,
  kind: PermissionKind,
  permissionIds: Map<string, string>,
  template: boolean,
): Promise<Map<string, string>> {
  const scope = tx.forTenant(tenantId);
  const roleIds = new Map<string, string>();
  for (const t of ROLE_TEMPLATES.filter((r) => r.kind === kind)) {
    const existing = await scope.roles.findOne((r) => eq(r.name, t.name));
    const role =
      existing ??
      (await scope.roles.insert({ name: t.name, key: t.key, kind: t.kind, template, description: t.description }));
    if (!existing) {
      await scope.rolePermissions.insertMany(
        t.permissions.map((code) => {
          const permissionId = permissionIds.get(code);
          if (!permissionId) throw new Error(`role ${t.key} names unknown permission ${code}`);
          return { roleId: role.id, permissionId };
        }),
      );
    }
    roleIds.set(t.key, role.id);
  }
  return roleIds;
}

export async function createUser(
  tx: DbHandle,
  keyring: Keyring,
  tenantId: string,
  user: {
    username: string;
    displayName: string;
    roleId: string;
    phone?: string;
    email?: string;
    groupId?: string;
    groupAdmin?: boolean;
  },
  options: SeedOptions,
) {
  const scope = tx.forTenant(tenantId);
  const place = { id: newId(), tenantId };
  const row = await scope.users.insert({
    id: place.id,
    username: user.username,
    displayName: user.displayName,
    passwordHash: await hashPassword(options.password, options.passwordCost),
    phone: user.phone ? keyring.encrypt(user.phone, sealedAt('users', 'phone', place)) : null,
    email: user.email ? keyring.encrypt(user.email, sealedAt('users', 'email', place)) : null,
    groupId: user.groupId ?? null,
    groupAdmin: user.groupAdmin ?? false,
    mustChangePassword: options.mustChangePassword ?? false,
  });
  await scope.userRoles.insert({ userId: row.id, roleId: user.roleId });
  return row;
}

/** Seeds the platform data; returns the manufacturer tenant and the logins it created. */
export async function seedPlatform(tx: DbHandle, keyring: Keyring, options: SeedOptions) {
  const permissionIds = await seedCatalog(tx);
  const users: SeededUser[] = [];

  let manufacturer = await tx.platform.tenants.findOne((t) => eq(t.kind, 'manufacturer'));
  if (!manufacturer) {
    manufacturer = await tx.platform.tenants.insert({ kind: 'manufacturer', ...MANUFACTURER, machineQuota: 0 });
  }
  const own = await createRolesFromTemplates(tx, manufacturer.id, 'manufacturer', permissionIds, false);
  // The operator role templates live with the manufacturer, which defines them.
  await createRolesFromTemplates(tx, manufacturer.id, 'operator', permissionIds, true);

  const scope = tx.forTenant(manufacturer.id);
  for (const [username, displayName, key] of [
    ['admin', '系统管理员', 'system_admin'],
    ['maker', '厂商管理员', 'manufacturer_admin'],
  ] as const) {
    if (options.platformUsers && !options.platformUsers.includes(username)) continue;
    if (!(await scope.users.findOne((u) => eq(u.username, username)))) {
      const roleId = own.get(key);
      if (!roleId) throw new Error(`missing role ${key}`);
      await createUser(tx, keyring, manufacturer.id, { username, displayName, roleId }, options);
      users.push({ tenantCode: manufacturer.code, username, role: key });
    }
  }
  return { manufacturer, permissionIds, users };
}
