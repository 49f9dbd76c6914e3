/**
 * What a rule writes through and who is acting: the types every domain's rules take, so
 * that the console's procedures, the device channel, jobs and tests hand them the same
 * things. The tRPC layer builds them for a procedure (`trpc/init.ts`).
 */
import type { DbHandle, PlatformScope, TenantScope } from '@vmcloud/db';

/** Who is acting: the signed-in user (or the machine's or job's own user id). */
export interface Actor {
  userId: string;
}

/**
 * What a mutation writes through: the tenant's scope and the platform tables inside one
 * transaction, and `audit`, which records who changed what in that same transaction.
 */
export interface Writer {
  scope: TenantScope;
  platform: PlatformScope;
  audit(entry: {
    entity: string;
    entityId?: string | null;
    before?: object | null;
    after?: object | null;
  }): Promise<void>;
  /**
   * Says that an event was queued for the machine's terminal in this transaction; the
   * terminal's open event stream is woken once the transaction has committed.
   */
  eventQueued(machineId: string): void;
}

/** Runs `fn` in one transaction through a writer, and commits what it wrote with its audit rows. */
export type Write = <T>(fn: (w: Writer) => Promise<T>) => Promise<T>;

/** A manufacturer's writer: also `tx`, the transaction over every tenant's rows (`tx.forTenant(id)`). */
export interface ManufacturerWriter extends Writer {
  tx: DbHandle;
}

/** What a writer needs of the request or job it writes for. */
export interface WriteContext {
  db: DbHandle;
  /** Wakes the event streams of machines that got events (devices/hub.ts). */
  hub: { notify(machineIds: Iterable<string>): void };
  requestId: string | null;
  ip: string | null;
}

/** Columns never copied into the audit log. */
const SECRET_COLUMNS = new Set([
  'passwordHash',
  'tokenHash',
  'codeHash',
  'credentials',
  'secret',
  'secrets',
  'privateKey',
  'servicePin',
]);

function redact(row: object | null | undefined): Record<string, unknown> | null {
  if (!row) return null;
  return Object.fromEntries(Object.entries(row).filter(([key]) => !SECRET_COLUMNS.has(key)));
}

/**
 * A writer over `tenantId`'s scope in one transaction, auditing `action` as `userId`
 * (null: a machine, or the platform itself in a job); terminals with events queued in it
 * are woken once it has committed.
 */
export function writerOf(c: WriteContext, tenantId: string, userId: string | null, action: string) {
  return async <T>(fn: (w: ManufacturerWriter) => Promise<T>): Promise<T> => {
    const woken = new Set<string>();
    const result = await c.db.transaction((tx) => {
      const scope = tx.forTenant(tenantId);
      return fn({
        tx,
        scope,
        platform: tx.platform,
        audit: async ({ entity, entityId = null, before = null, after = null }) => {
          await scope.auditLog.insert({
            userId,
            action,
            entity,
            entityId,
            before: redact(before),
            after: redact(after),
            requestId: c.requestId,
            ip: c.ip,
            createdBy: userId,
          });
        },
        eventQueued: (machineId) => woken.add(machineId),
      });
    });
    if (woken.size > 0) c.hub.notify(woken);
    return result;
  };
}
