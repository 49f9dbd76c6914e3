/**
 * The columns that hold sealed values (crypto.ts), and the places their values are bound to.
 *
 * Every sealed value is bound to its table, column, row and tenant: `sealedAt` names that
 * place for a row, for sealing and opening alike. `resealValues` seals the stored values
 * again: at every start for values of the first format (bound to their data key alone,
 * idempotent and quick once none is left), and after a key rotation for all of them.
 */
import { and, eq, isNotNull, like } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { Keyring, SealedPlace } from './crypto.js';
import type { DbHandle } from './database.js';
import { tables, type Tables } from './schema/index.js';

/** Every sealed column, by table (the schema's keys). A new sealed column is added here. */
export const SEALED_COLUMNS = {
  tenants: ['contactPhone'],
  users: ['phone', 'email'],
  paymentAccounts: ['secrets'],
  machines: ['servicePin'],
} as const satisfies { [T in keyof Tables]?: readonly (keyof Tables[T]['columns'] & string)[] };

export type SealedTable = keyof typeof SEALED_COLUMNS;
export type SealedColumn<T extends SealedTable> = (typeof SEALED_COLUMNS)[T][number];

/** A row of a sealed table, as much of it as its place needs: a tenant's own row needs only its id. */
type PlaceRow<T extends SealedTable> = T extends 'tenants' ? { id: string } : { id: string; tenantId: string };

/** The place of `column` in `row` of `table`, which a value stored there is sealed for. */
export function sealedAt<T extends SealedTable>(table: T, column: SealedColumn<T>, row: PlaceRow<T>): SealedPlace {
  const def = tables[table];
  const sqlColumn = (def.sqlite as unknown as Record<string, { name: string }>)[column];
  if (!sqlColumn) throw new Error(`${table} has no column ${column}`);
  return {
    table: def.name,
    column: sqlColumn.name,
    id: row.id,
    tenantId: 'tenantId' in row ? row.tenantId : row.id,
  };
}

type SealedRow = { id: string; tenantId?: string; updatedAt: Date } & Record<string, unknown>;
interface SealedAccess {
  find(options: { where: (t: Record<string, never>) => SQL | undefined }): Promise<SealedRow[]>;
  updateWhere(where: (t: Record<string, never>) => SQL | undefined, patch: Record<string, unknown>): Promise<number>;
}

/**
 * Seals again the stored values of every sealed column: `legacy`, only the values of the
 * first format (the re-seal step at start); `all`, every value, with the active data key
 * (after `keyring.rotate()`). A value changed meanwhile by someone else is left as they
 * wrote it. Returns how many values were sealed again.
 */
export async function resealValues(db: DbHandle, keyring: Keyring, which: 'legacy' | 'all'): Promise<number> {
  const operators = await db.platform.tenants.find();
  let count = 0;
  for (const [table, columns] of Object.entries(SEALED_COLUMNS) as [SealedTable, readonly string[]][]) {
    const scopes: SealedAccess[] =
      tables[table].scope === 'platform'
        ? [(db.platform as unknown as Record<string, SealedAccess>)[table] as SealedAccess]
        : operators.map((t) => (db.forTenant(t.id) as unknown as Record<string, SealedAccess>)[table] as SealedAccess);
    for (const access of scopes) {
      for (const column of columns) {
        const rows = await access.find({
          where: (t) => (which === 'legacy' ? like(t[column] as never, 'v1.%') : isNotNull(t[column] as never)),
        });
        for (const row of rows) {
          const sealed = row[column] as string;
          const place = sealedAt(table, column as never, row as never);
          const next = await keyring.reseal(sealed, place, db);
          count += await access.updateWhere((t) => and(eq(t.id as never, row.id), eq(t[column] as never, sealed)), {
            [column]: next,
            updatedAt: row.updatedAt,
          });
        }
      }
    }
  }
  return count;
}
