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
}

/** Runs `fn` in one transaction through a writer, and commits what it wrote with its audit rows. */
export type Write = <T>(fn: (w: Writer) => Promise<T>) => Promise<T>;

/** A manufacturer's writer: also `tx`, the transaction over every tenant's rows (`tx.forTenant(id)`). */
export interface ManufacturerWriter extends Writer {
  tx: DbHandle;
}
