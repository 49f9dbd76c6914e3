/** Reading a tenant's audit log: who changed what, newest first, a keyset page at a time. */
import { and, desc, eq, type TenantScope } from '@vmcloud/db';
import { notFound } from '../shared/errors.js';
import { createdWindow, decodeCursor, pageOf } from '../shared/paging.js';

export interface AuditFilter {
  /** The procedure path, e.g. `factory.machines.sell`. */
  action?: string | null;
  /** The table changed. */
  entity?: string | null;
  /** The row changed (its id in `entity`). */
  entityId?: string | null;
  userId?: string;
  /** Written at or after. */
  from?: Date;
  /** Written before. */
  to?: Date;
}

/**
 * A page of the audit log of `scope`'s tenant (the scope reads no other tenant's rows),
 * each entry with the username and display name of who wrote it. The manufacturer's
 * `factory.auditLog.list` and the operator's `audit.list` both read through this.
 */
export async function listAuditLog(
  scope: TenantScope,
  filter: AuditFilter,
  page: { limit: number; cursor?: string | null },
) {
  if (filter.userId && !(await scope.users.get(filter.userId))) throw notFound('User');
  const position = page.cursor ? decodeCursor(page.cursor) : undefined;
  const rows = await scope.auditLog.find({
    where: (a) =>
      and(
        filter.action ? eq(a.action, filter.action) : undefined,
        filter.entity ? eq(a.entity, filter.entity) : undefined,
        filter.entityId ? eq(a.entityId, filter.entityId) : undefined,
        filter.userId ? eq(a.userId, filter.userId) : undefined,
        createdWindow(a.createdAt, a.id, { from: filter.from, to: filter.to }, position, true),
      ),
    orderBy: (a) => [desc(a.createdAt), desc(a.id)],
    limit: page.limit + 1,
  });
  const { rows: entries, nextCursor } = pageOf(rows, page.limit);
  const userIds = [...new Set(entries.flatMap((r) => (r.userId ? [r.userId] : [])))];
  const users = new Map((await scope.users.getMany(userIds)).map((u) => [u.id, u]));
  return {
    items: entries.map((r) => {
      const user = r.userId ? users.get(r.userId) : undefined;
      return { ...r, username: user?.username ?? null, displayName: user?.displayName ?? null };
    }),
    nextCursor,
  };
}
