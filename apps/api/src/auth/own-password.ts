/** A signed-in user changing their own password. */
import { and, eq, ne, type Row, type Tables } from '@vmcloud/db';
import type { Writer } from '../shared/writer.js';
import { refused } from '../shared/errors.js';
import { verifyPassword } from './password.js';

/**
 * Sets the user's new password (hashed by the caller) once the current one is confirmed;
 * every other session of the user ends. Returns the user.
 */
export async function changeOwnPassword(
  w: Pick<Writer, 'scope' | 'audit'>,
  principal: { userId: string; sessionId: string },
  input: { currentPassword: string; passwordHash: string },
  now: Date,
): Promise<Row<Tables['users']>> {
  const user = await w.scope.users.get(principal.userId);
  if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw refused('currentPassword', 'is wrong');
  }
  await w.scope.users.update(user.id, {
    passwordHash: input.passwordHash,
    mustChangePassword: false,
    updatedAt: now,
    updatedBy: user.id,
  });
  await w.scope.sessions.deleteWhere((s) => and(eq(s.userId, user.id), ne(s.id, principal.sessionId)));
  await w.audit({ entity: 'users', entityId: user.id, after: { passwordChanged: true } });
  return user;
}
