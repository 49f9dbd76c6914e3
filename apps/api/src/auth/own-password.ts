/** A signed-in user changing their own password. */
import { and, eq, ne, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import type { Write } from '../shared/writer.js';
import { refused } from '../shared/errors.js';
import { hashPassword, verifyPassword, type PasswordCost } from './password.js';

/** Runs the check of the current password, under the throttles of auth/throttle.ts in the API. */
export type PasswordCheckGuard = (check: () => Promise<boolean>) => Promise<boolean>;

const unguarded: PasswordCheckGuard = (check) => check();

/**
 * Sets the user's new password once the current one is confirmed; every other session of
 * the user ends. Returns the user.
 *
 * The check of the current password runs under `guard` (the throttles of the user's
 * account and source address, shared with signing in), so a stolen session cannot guess
 * it without limit. Both scrypt runs (checking the current password, hashing the new one) happen before the
 * write, so a transaction never waits on them; the write changes the password only if it
 * is still the one just checked, so two changes at once cannot both succeed.
 */
export async function changeOwnPassword(
  scope: TenantScope,
  write: Write,
  principal: { userId: string; sessionId: string },
  input: { currentPassword: string; newPassword: string },
  cost: PasswordCost | undefined,
  guard: PasswordCheckGuard = unguarded,
): Promise<Row<Tables['users']>> {
  const user = await scope.users.get(principal.userId);
  if (!user || !(await guard(() => verifyPassword(input.currentPassword, user.passwordHash)))) {
    throw refused('currentPassword', 'is wrong');
  }
  const passwordHash = await hashPassword(input.newPassword, cost);
  return write(async (w) => {
    const changed = await w.scope.users.updateWhere(
      (u) => and(eq(u.id, user.id), eq(u.passwordHash, user.passwordHash)),
      { passwordHash, mustChangePassword: false, updatedBy: user.id },
    );
    if (changed !== 1) throw refused('currentPassword', 'is wrong');
    await w.scope.sessions.deleteWhere((s) => and(eq(s.userId, user.id), ne(s.id, principal.sessionId)));
    await w.audit({ entity: 'users', entityId: user.id, after: { passwordChanged: true } });
    return user;
  });
}
