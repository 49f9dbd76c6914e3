/**
 * The manufacturer's own users: each holds manufacturer roles (operator role templates are
 * not assignable), gets an initial password it must change at first sign-in, and is
 * enabled, disabled and reset as operator users are (`changeAccount`).
 */
import { randomInt } from 'node:crypto';
import { eq, newId, sealedAt, sql, type Keyring, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { describeUsers, loadUser, type AccountWriter, type UserRow } from './users.js';

const PASSWORD_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';

/** A random initial password of 12 letters and digits (with at least one of each). */
export function randomPassword(): string {
  for (;;) {
    let out = '';
    for (let i = 0; i < 12; i++) out += PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)];
    if (/[A-Za-z]/.test(out) && /\d/.test(out)) return out;
  }
}

/** The guard of disabling a manufacturer user (`changeAccount`): not the acting user `by`. */
export const notOneself = (by: string) => (user: UserRow) => {
  if (user.id === by) throw invalid('userId: you cannot disable yourself');
};

/** The manufacturer roles named by `roleIds` (operator templates are not assignable). */
export async function manufacturerRoles(scope: TenantScope, roleIds: readonly string[]) {
  const roles = await Promise.all(roleIds.map((roleId) => scope.roles.get(roleId)));
  return roles.map((role) => {
    if (!role || role.kind !== 'manufacturer') throw notFound('Role');
    return role;
  });
}

export interface NewManufacturerUser {
  username: string;
  displayName: string;
  passwordHash: string;
  roleIds: readonly string[];
  phone?: string | null;
  email?: string | null;
}

/** Adds a manufacturer user with roles; the user must change the password at first sign-in. */
export async function createManufacturerUser(
  w: AccountWriter,
  deps: { keyring: Keyring; by: string },
  input: NewManufacturerUser,
): Promise<UserRow> {
  const username = input.username;
  if (await w.scope.users.findOne((u) => sql`lower(${u.username}) = ${username.toLowerCase()}`)) {
    throw conflict('username: is taken');
  }
  const roles = await manufacturerRoles(w.scope, input.roleIds);
  const place = { id: newId(), tenantId: w.scope.tenantId };
  const user = await w.scope.users.insert({
    id: place.id,
    username,
    displayName: input.displayName,
    passwordHash: input.passwordHash,
    phone: input.phone ? deps.keyring.encrypt(input.phone, sealedAt('users', 'phone', place)) : null,
    email: input.email ? deps.keyring.encrypt(input.email, sealedAt('users', 'email', place)) : null,
    mustChangePassword: true,
    createdBy: deps.by,
  });
  await w.scope.userRoles.insertMany(roles.map((r) => ({ userId: user.id, roleId: r.id, createdBy: deps.by })));
  await w.audit({
    entity: 'users',
    entityId: user.id,
    after: { username, displayName: user.displayName, roles: roles.map((r) => r.name) },
  });
  return user;
}

/** Changes a manufacturer user's display name or roles (not one's own roles). */
export async function updateManufacturerUser(
  w: AccountWriter,
  deps: { keyring: Keyring; by: string },
  input: { userId: string; displayName?: string; roleIds?: readonly string[] },
): Promise<Row<Tables['users']>> {
  const user = await loadUser(w.scope, input.userId);
  const [before] = await describeUsers(w.scope, deps.keyring, [user]);
  if (input.roleIds) {
    if (user.id === deps.by) throw invalid('roleIds: you cannot change your own roles');
    const roles = await manufacturerRoles(w.scope, input.roleIds);
    await w.scope.userRoles.deleteWhere((ur) => eq(ur.userId, user.id));
    await w.scope.userRoles.insertMany(roles.map((r) => ({ userId: user.id, roleId: r.id, createdBy: deps.by })));
  }
  await w.scope.users.update(user.id, { displayName: input.displayName, updatedBy: deps.by });
  const updated = (await w.scope.users.get(user.id)) ?? user;
  const [after] = await describeUsers(w.scope, deps.keyring, [updated]);
  await w.audit({
    entity: 'users',
    entityId: user.id,
    before: { displayName: before?.displayName, roles: before?.roles.map((r) => r.name) },
    after: { displayName: after?.displayName, roles: after?.roles.map((r) => r.name) },
  });
  return updated;
}
