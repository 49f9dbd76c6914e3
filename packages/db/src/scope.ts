/**
 * The tenant-scoped data-access layer.
 *
 * `db.forTenant(id).machines` reads, inserts, updates and deletes only rows whose
 * `tenantId` is `id`, and stamps `id` on every row it inserts; `db.platform` reaches only
 * the platform tables that no tenant owns. Neither offers an update or delete without
 * that filter, and the raw Drizzle handle is not exported, so an UPDATE or DELETE by id
 * alone cannot be written by accident.
 */
import { and, eq, is, SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { AnyTableDef } from './schema/define.js';
import { tables, type PlatformTableName, type Tables, type TenantTableName } from './schema/index.js';
import type { QueryRunner } from './adapter.js';

type SqliteOf<D extends AnyTableDef> = D['sqlite'];

// `$inferSelect`/`$inferInsert` rather than InferSelectModel<...>: inside a generic alias,
// `Omit` over InferInsertModel loses its optional keys.
export type Row<D extends AnyTableDef> = SqliteOf<D>['$inferSelect'];
type InsertModel<D extends AnyTableDef> = SqliteOf<D>['$inferInsert'];

/** What an insert takes: the tenant id is stamped by the scope, never passed in. */
export type NewRow<D extends AnyTableDef> = Omit<InsertModel<D>, 'tenantId'>;

/** What an update takes: any column but the keys, as a value or an SQL expression. */
export type Patch<D extends AnyTableDef> = {
  [K in Exclude<keyof InsertModel<D>, 'id' | 'tenantId' | 'createdAt'>]?: InsertModel<D>[K] | SQL;
};

export type Where<D extends AnyTableDef> = (t: SqliteOf<D>) => SQL | undefined;
export type OrderBy<D extends AnyTableDef> = (t: SqliteOf<D>) => (SQL | SQLiteColumn)[];

export interface FindOptions<D extends AnyTableDef> {
  where?: Where<D>;
  orderBy?: OrderBy<D>;
  limit?: number;
  offset?: number;
}

/** Reads and writes of one table, within one tenant (or the platform). */
export interface TableAccess<D extends AnyTableDef> {
  /** The row with this id, if it is this scope's. */
  get(id: string): Promise<Row<D> | undefined>;
  find(options?: FindOptions<D>): Promise<Row<D>[]>;
  findOne(where: Where<D>): Promise<Row<D> | undefined>;
  count(where?: Where<D>): Promise<number>;
  /** Inserts one row and returns it as stored, with its id and defaults. */
  insert(values: NewRow<D>): Promise<Row<D>>;
  insertMany(values: NewRow<D>[]): Promise<Row<D>[]>;
  /** Updates the row with this id if it is this scope's; true if it was. */
  update(id: string, patch: Patch<D>): Promise<boolean>;
  /** Updates this scope's rows that match; returns how many matched. */
  updateWhere(where: Where<D>, patch: Patch<D>): Promise<number>;
  /** Deletes the row with this id if it is this scope's; true if it was. */
  delete(id: string): Promise<boolean>;
  deleteWhere(where: Where<D>): Promise<number>;
}

export type TenantScope = { readonly tenantId: string } & {
  readonly [K in TenantTableName]: TableAccess<Tables[K]>;
};

export type PlatformScope = { readonly [K in PlatformTableName]: TableAccess<Tables[K]> };

const INSERT_CHUNK = 200;

// Drizzle's builders are typed per dialect; the runner hands out the dialect's tables under
// the SQLite types, and these helpers use them through one loose shape.
/* eslint-disable @typescript-eslint/no-explicit-any */
type LooseTable = any;

class TableAccessImpl<D extends AnyTableDef> implements TableAccess<D> {
  private readonly t: LooseTable;

  constructor(
    private readonly runner: QueryRunner,
    private readonly def: D,
    /** The owning tenant, or null for a platform table. */
    private readonly tenantId: string | null,
  ) {
    this.t = runner.table(def);
    this.kind = tenantId === null ? 'platform' : 'tenant';
  }

  /** Part of every prepared statement's key: the tenant filter changes the SQL. */
  private readonly kind: 'platform' | 'tenant';

  /** The scope's filter AND the caller's. */
  private filter(where?: Where<D>): SQL | undefined {
    const own = where?.(this.t);
    if (this.tenantId === null) return own;
    const tenant = eq(this.t.tenantId, this.tenantId);
    return own ? and(tenant, own) : tenant;
  }

  /** The scope's filter on the row id, with placeholders, for prepared statements. */
  private byIdPlaceholders(): SQL {
    const byId = eq(this.t.id, sql.placeholder('id'));
    return this.tenantId === null ? byId : (and(eq(this.t.tenantId, sql.placeholder('tenantId')), byId) as SQL);
  }

  private idParams(id: string): Record<string, unknown> {
    return this.tenantId === null ? { id } : { id, tenantId: this.tenantId };
  }

  async get(id: string): Promise<Row<D> | undefined> {
    const rows = await this.runner.preparedRows<Row<D>>(
      `${this.def.name}:get:${this.kind}`,
      (q) => q.select().from(this.t).where(this.byIdPlaceholders()).limit(1),
      this.idParams(id),
    );
    return rows[0];
  }

  async find(options: FindOptions<D> = {}): Promise<Row<D>[]> {
    return this.runner.run((q) => {
      let query = q.select().from(this.t).where(this.filter(options.where)).$dynamic();
      if (options.orderBy) query = query.orderBy(...options.orderBy(this.t));
      if (options.limit !== undefined) query = query.limit(options.limit);
      if (options.offset !== undefined) query = query.offset(options.offset);
      return query;
    });
  }

  async findOne(where: Where<D>): Promise<Row<D> | undefined> {
    const rows = await this.find({ where, limit: 1 });
    return rows[0];
  }

  async count(where?: Where<D>): Promise<number> {
    const rows = await this.runner.run((q) =>
      q
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(this.t)
        .where(this.filter(where)),
    );
    return (rows as { n: number }[])[0]?.n ?? 0;
  }

  /** The row exactly as it will be stored: scope stamped, defaults applied, nulls explicit. */
  private complete(values: NewRow<D>): Row<D> {
    const row: Record<string, unknown> = { ...values };
    for (const [key, col] of Object.entries(this.def.columns)) {
      if (row[key] !== undefined) continue;
      const d = col.spec.defaultValue;
      row[key] = d === undefined ? null : 'fn' in d ? d.fn() : d.value;
    }
    if (this.tenantId !== null) row.tenantId = this.tenantId;
    return row as Row<D>;
  }

  async insert(values: NewRow<D>): Promise<Row<D>> {
    const row = this.complete(values) as Record<string, unknown>;
    // Every column is given (defaults applied), so one prepared INSERT serves every row
    // with the same null columns. Nulls are literal: a placeholder's encoder rejects them.
    const keys = Object.keys(this.def.columns);
    const nulls = keys.filter((k) => row[k] === null);
    await this.runner.preparedCount(
      `${this.def.name}:insert:${nulls.join(',')}`,
      (q) =>
        q
          .insert(this.t)
          .values(Object.fromEntries(keys.map((k) => [k, row[k] === null ? sql`null` : sql.placeholder(k)]))),
      row,
    );
    return row as Row<D>;
  }

  async insertMany(values: NewRow<D>[]): Promise<Row<D>[]> {
    const rows = values.map((v) => this.complete(v));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      await this.runner.run((q) => q.insert(this.t).values(chunk));
    }
    return rows;
  }

  private stamp(patch: Patch<D>): Record<string, unknown> {
    const set: Record<string, unknown> = { updatedAt: new Date() };
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined && key !== 'id' && key !== 'tenantId') set[key] = value;
    }
    return set;
  }

  async update(id: string, patch: Patch<D>): Promise<boolean> {
    const set = this.stamp(patch);
    const keys = Object.keys(set).sort();
    // A patch of plain values is prepared once per set of columns; SQL expressions are not.
    if (keys.some((k) => !(k in this.def.columns) || is(set[k], SQL))) {
      return (
        (await this.updateSet(
          this.filter((t) => eq((t as LooseTable).id, id)),
          set,
        )) > 0
      );
    }
    const params: Record<string, unknown> = { ...this.idParams(id) };
    for (const k of keys) params[`set_${k}`] = set[k];
    const shape = keys.map((k) => (set[k] === null ? `${k}=null` : k)).join(',');
    const changed = await this.runner.preparedCount(
      `${this.def.name}:update:${this.kind}:${shape}`,
      (q) =>
        q
          .update(this.t)
          .set(Object.fromEntries(keys.map((k) => [k, set[k] === null ? sql`null` : sql.placeholder(`set_${k}`)])))
          .where(this.byIdPlaceholders()),
      params,
    );
    return changed > 0;
  }

  async updateWhere(where: Where<D>, patch: Patch<D>): Promise<number> {
    return this.updateSet(this.filter(where), this.stamp(patch));
  }

  private updateSet(condition: SQL | undefined, set: Record<string, unknown>): Promise<number> {
    return this.runner.affected((q) => q.update(this.t).set(set).where(condition));
  }

  async delete(id: string): Promise<boolean> {
    const deleted = await this.runner.preparedCount(
      `${this.def.name}:delete:${this.kind}`,
      (q) => q.delete(this.t).where(this.byIdPlaceholders()),
      this.idParams(id),
    );
    return deleted > 0;
  }

  async deleteWhere(where: Where<D>): Promise<number> {
    const condition = this.filter(where);
    return this.runner.affected((q) => q.delete(this.t).where(condition));
  }
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const tableEntries = Object.entries(tables) as [keyof Tables, AnyTableDef][];
export const tenantTableNames = tableEntries
  .filter(([, d]) => d.scope === 'tenant')
  .map(([k]) => k) as TenantTableName[];
export const platformTableNames = tableEntries
  .filter(([, d]) => d.scope === 'platform')
  .map(([k]) => k) as PlatformTableName[];

class TenantScopeImpl {
  constructor(
    readonly runner: QueryRunner,
    readonly tenantId: string,
  ) {}
}
for (const name of tenantTableNames) {
  Object.defineProperty(TenantScopeImpl.prototype, name, {
    get(this: TenantScopeImpl) {
      return new TableAccessImpl(this.runner, tables[name], this.tenantId);
    },
  });
}

class PlatformScopeImpl {
  constructor(readonly runner: QueryRunner) {}
}
for (const name of platformTableNames) {
  Object.defineProperty(PlatformScopeImpl.prototype, name, {
    get(this: PlatformScopeImpl) {
      return new TableAccessImpl(this.runner, tables[name], null);
    },
  });
}

export function tenantScope(runner: QueryRunner, tenantId: string): TenantScope {
  if (typeof tenantId !== 'string' || tenantId.length === 0) throw new Error('a tenant scope needs a tenant id');
  return new TenantScopeImpl(runner, tenantId) as unknown as TenantScope;
}

export function platformScope(runner: QueryRunner): PlatformScope {
  return new PlatformScopeImpl(runner) as unknown as PlatformScope;
}
