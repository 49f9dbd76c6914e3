/**
 * The tenant-scoped data-access layer.
 *
 * `db.forTenant(id).machines` reads, inserts, updates and deletes only rows whose
 * `tenantId` is `id`, and stamps `id` on every row it inserts; `db.platform` reaches only
 * the platform tables that no tenant owns. Neither offers an update or delete without
 * that filter, and the raw Drizzle handle is not exported, so an UPDATE or DELETE by id
 * alone cannot be written by accident.
 */
import { and, eq, inArray, is, isNull, SQL, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { AnyTableDef } from './schema/define.js';
import { tables, type PlatformTableName, type Tables, type TenantTableName } from './schema/index.js';
import type { QueryRunner } from './adapter.js';

type SqliteOf<D extends AnyTableDef> = D['sqlite'];

// `$inferSelect`/`$inferInsert` rather than InferSelectModel<...>: inside a generic alias,
// `Omit` over InferInsertModel loses its optional keys.
export type Row<D extends AnyTableDef> = SqliteOf<D>['$inferSelect'];
type InsertModel<D extends AnyTableDef> = SqliteOf<D>['$inferInsert'];

/**
 * What an insert takes: a tenant table's tenant id is stamped by the scope, never passed
 * in (a platform table that names a tenant, like `device_credentials`, takes it).
 */
export type NewRow<D extends AnyTableDef> = D['scope'] extends 'tenant'
  ? Omit<InsertModel<D>, 'tenantId'>
  : InsertModel<D>;

/**
 * A number column moved by `by` and kept at `min` or above, in the database, so that two
 * writers moving the same row both count: `stock: adjust(-2, { min: 0 })`.
 */
export class Adjustment {
  constructor(
    readonly by: number,
    readonly min?: number,
  ) {}
}

export function adjust(by: number, bounds: { min?: number } = {}): Adjustment {
  if (!Number.isFinite(by)) throw new Error('adjust: by must be a number');
  return new Adjustment(by, bounds.min);
}

/** What an update takes: any column but the keys, as a value, an adjustment or an SQL expression. */
export type Patch<D extends AnyTableDef> = {
  [K in Exclude<keyof InsertModel<D>, 'id' | 'tenantId' | 'createdAt'>]?:
    InsertModel<D>[K] | SQL | (NonNullable<InsertModel<D>[K]> extends number ? Adjustment : never);
};

/** Columns equal to values (null: IS NULL). */
export type Match<D extends AnyTableDef> = {
  [K in Exclude<keyof Row<D>, 'tenantId'>]?: Row<D>[K];
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
  /**
   * The rows with these ids that are this scope's, in the order of `ids` (an id given
   * twice answers once, at its first place; ids not found, or another tenant's, are left
   * out). No ids: [] without a query.
   */
  getMany(ids: readonly string[]): Promise<Row<D>[]>;
  find(options?: FindOptions<D>): Promise<Row<D>[]>;
  findOne(where: Where<D>): Promise<Row<D> | undefined>;
  /**
   * The first row whose columns equal `match`, by a statement prepared once for each set of
   * columns: the lookup for hot paths, where building the query would cost more than running it.
   */
  findOneBy(match: Match<D>): Promise<Row<D> | undefined>;
  /** Every row whose columns equal `match`, in no particular order, by a statement prepared once as `findOneBy`'s. */
  findAllBy(match: Match<D>): Promise<Row<D>[]>;
  /** One page of the rows that match, and how many match in all. */
  page(options: FindOptions<D> & { limit: number }): Promise<{ rows: Row<D>[]; total: number }>;
  count(where?: Where<D>): Promise<number>;
  /**
   * Inserts one row and returns it as stored, with its id and defaults. `createdAt` and
   * `updatedAt` are the database clock's time unless the values give them (a seed or an
   * import keeping history).
   */
  insert(values: NewRow<D>): Promise<Row<D>>;
  /** Inserts rows as `insert` does; the rows without times given share one time of the clock. */
  insertMany(values: NewRow<D>[]): Promise<Row<D>[]>;
  /**
   * Updates the row with this id if it is this scope's; true if it was. `updatedAt` is
   * the database clock's time unless the patch gives it.
   */
  update(id: string, patch: Patch<D>): Promise<boolean>;
  /** Updates this scope's rows that match, stamping `updatedAt` as `update` does; returns how many matched. */
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
/** Ids per statement of `getMany`. */
const GET_MANY_CHUNK = 500;

/** The scope's source of the current time, for `createdAt` and `updatedAt`. */
export type Clock = () => Date;

/** `column + by`, or `min` where that would fall below it. */
function adjustment(column: string, value: Adjustment, by: unknown, min: unknown): SQL {
  const moved = sql`${sql.identifier(column)} + ${by}`;
  return value.min === undefined ? moved : sql`case when ${moved} < ${min} then ${min} else ${moved} end`;
}

// Drizzle's builders are typed per dialect; the runner hands out the dialect's tables under
// the SQLite types, and these helpers use them through one loose shape.
/* eslint-disable @typescript-eslint/no-explicit-any */
type LooseTable = any;

type ColumnDefault = AnyTableDef['columns'][string]['spec']['defaultValue'];
/** A column's default; 'clock' for the audit times, which the scope's clock stamps. */
type Fill = ColumnDefault | 'clock';
const defaults = new WeakMap<AnyTableDef, [string, Fill][]>();

/** The columns stamped with the clock's time on insert. */
const STAMPED = new Set(['createdAt', 'updatedAt']);

/** Each column of a table with its default, read once per table. */
function defaultsOf(def: AnyTableDef): [string, Fill][] {
  let list = defaults.get(def);
  if (!list) {
    list = Object.entries(def.columns).map(([key, col]): [string, Fill] => [
      key,
      STAMPED.has(key) && col.spec.kind === 'time' ? 'clock' : col.spec.defaultValue,
    ]);
    defaults.set(def, list);
  }
  return list;
}

class TableAccessImpl<D extends AnyTableDef> implements TableAccess<D> {
  private readonly t: LooseTable;

  constructor(
    private readonly runner: QueryRunner,
    private readonly def: D,
    /** The owning tenant, or null for a platform table. */
    private readonly tenantId: string | null,
    private readonly now: Clock,
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
    return this.runner.preparedRow<Row<D>>(
      `${this.def.name}:get:${this.kind}`,
      (q) => q.select().from(this.t).where(this.byIdPlaceholders()),
      this.idParams(id),
    );
  }

  async getMany(ids: readonly string[]): Promise<Row<D>[]> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    const found = new Map<string, Row<D>>();
    for (let i = 0; i < wanted.length; i += GET_MANY_CHUNK) {
      const chunk = wanted.slice(i, i + GET_MANY_CHUNK);
      const rows: Row<D>[] = await this.runner.run((q) =>
        q
          .select()
          .from(this.t)
          .where(this.filter((t) => inArray((t as LooseTable).id, chunk))),
      );
      for (const row of rows) found.set((row as { id: string }).id, row);
    }
    return wanted.flatMap((id) => {
      const row = found.get(id);
      return row ? [row] : [];
    });
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

  /** The scope's filter and parameters for `match`, and the statement's shape for its key. */
  private matching(
    match: Match<D>,
    what: string,
  ): { where: SQL | undefined; params: Record<string, unknown>; shape: string } {
    const keys = Object.keys(match)
      .filter((k) => (match as Record<string, unknown>)[k] !== undefined)
      .sort();
    if (keys.length === 0) throw new Error(`${what}: match at least one column`);
    const params: Record<string, unknown> = this.tenantId === null ? {} : { tenantId: this.tenantId };
    const parts: SQL[] = this.tenantId === null ? [] : [eq(this.t.tenantId, sql.placeholder('tenantId'))];
    const shape: string[] = [];
    for (const k of keys) {
      if (!(k in this.def.columns) || k === 'tenantId') throw new Error(`${what}: no column ${k}`);
      const value = (match as Record<string, unknown>)[k];
      if (value === null) {
        parts.push(isNull(this.t[k]));
        shape.push(`${k}=null`);
      } else {
        parts.push(eq(this.t[k], sql.placeholder(`m_${k}`)));
        // A placeholder is bound as given: the column turns the value into the driver's (a boolean, a time).
        params[`m_${k}`] = this.t[k].mapToDriverValue(value);
        shape.push(k);
      }
    }
    return { where: and(...parts), params, shape: shape.join(',') };
  }

  async findOneBy(match: Match<D>): Promise<Row<D> | undefined> {
    const { where, params, shape } = this.matching(match, 'findOneBy');
    const mysql = this.runner.dialect === 'mysql';
    return this.runner.preparedRow<Row<D>>(
      `${this.def.name}:by:${this.kind}:${shape}`,
      (q) => {
        const query = q.select().from(this.t).where(where);
        return mysql ? query.limit(1) : query;
      },
      params,
    );
  }

  async findAllBy(match: Match<D>): Promise<Row<D>[]> {
    const { where, params, shape } = this.matching(match, 'findAllBy');
    return this.runner.preparedRows<Row<D>>(
      `${this.def.name}:all-by:${this.kind}:${shape}`,
      (q) => q.select().from(this.t).where(where),
      params,
    );
  }

  async page(options: FindOptions<D> & { limit: number }): Promise<{ rows: Row<D>[]; total: number }> {
    const [rows, total] = await Promise.all([this.find(options), this.count(options.where)]);
    return { rows, total };
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

  /**
   * The row exactly as it will be stored: scope stamped, defaults applied, times from the
   * clock where not given, nulls explicit.
   */
  private complete(values: NewRow<D>, now: Date): Row<D> {
    // Built column by column, in the table's order, so that every row of a table has the
    // same shape; keys that are not columns are not stored and not returned.
    const given = values as Record<string, unknown>;
    const row: Record<string, unknown> = {};
    for (const [key, d] of defaultsOf(this.def)) {
      const value = given[key];
      row[key] =
        value !== undefined ? value : d === undefined ? null : d === 'clock' ? now : 'fn' in d ? d.fn() : d.value;
    }
    if (this.tenantId !== null) row.tenantId = this.tenantId;
    return row as Row<D>;
  }

  async insert(values: NewRow<D>): Promise<Row<D>> {
    const row = this.complete(values, this.now()) as Record<string, unknown>;
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
    const now = this.now();
    const rows = values.map((v) => this.complete(v, now));
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const chunk = rows.slice(i, i + INSERT_CHUNK);
      await this.runner.run((q) => q.insert(this.t).values(chunk));
    }
    return rows;
  }

  private stamp(patch: Patch<D>): Record<string, unknown> {
    const set: Record<string, unknown> = { updatedAt: this.now() };
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined && key !== 'id' && key !== 'tenantId') set[key] = value;
    }
    return set;
  }

  async update(id: string, patch: Patch<D>): Promise<boolean> {
    const set = this.stamp(patch);
    const keys = Object.keys(set).sort();
    // A patch of plain values and adjustments is prepared once per shape; SQL expressions are not.
    if (keys.some((k) => !(k in this.def.columns) || is(set[k], SQL))) {
      return (
        (await this.updateSet(
          this.filter((t) => eq((t as LooseTable).id, id)),
          this.expressions(set),
        )) > 0
      );
    }
    const params: Record<string, unknown> = { ...this.idParams(id) };
    const shape: string[] = [];
    const assignments: Record<string, unknown> = {};
    for (const k of keys) {
      const value = set[k];
      if (value === null) {
        shape.push(`${k}=null`);
        assignments[k] = sql`null`;
      } else if (value instanceof Adjustment) {
        params[`set_${k}`] = value.by;
        if (value.min !== undefined) params[`min_${k}`] = value.min;
        shape.push(value.min === undefined ? `${k}+=` : `${k}+=min`);
        assignments[k] = adjustment(this.t[k].name, value, sql.placeholder(`set_${k}`), sql.placeholder(`min_${k}`));
      } else {
        params[`set_${k}`] = value;
        shape.push(k);
        assignments[k] = sql.placeholder(`set_${k}`);
      }
    }
    const changed = await this.runner.preparedCount(
      `${this.def.name}:update:${this.kind}:${shape.join(',')}`,
      (q) => q.update(this.t).set(assignments).where(this.byIdPlaceholders()),
      params,
    );
    return changed > 0;
  }

  /** The patch with its adjustments written out as SQL. */
  private expressions(set: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, value] of Object.entries(set)) {
      out[k] =
        value instanceof Adjustment && k in this.def.columns
          ? adjustment(this.t[k].name, value, sql`${value.by}`, sql`${value.min ?? null}`)
          : value;
    }
    return out;
  }

  async updateWhere(where: Where<D>, patch: Patch<D>): Promise<number> {
    return this.updateSet(this.filter(where), this.expressions(this.stamp(patch)));
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
    readonly now: Clock,
  ) {}
}
for (const name of tenantTableNames) {
  Object.defineProperty(TenantScopeImpl.prototype, name, {
    get(this: TenantScopeImpl) {
      return new TableAccessImpl(this.runner, tables[name], this.tenantId, this.now);
    },
  });
}

class PlatformScopeImpl {
  constructor(
    readonly runner: QueryRunner,
    readonly now: Clock,
  ) {}
}
for (const name of platformTableNames) {
  Object.defineProperty(PlatformScopeImpl.prototype, name, {
    get(this: PlatformScopeImpl) {
      return new TableAccessImpl(this.runner, tables[name], null, this.now);
    },
  });
}

const wallClock: Clock = () => new Date();

export function tenantScope(runner: QueryRunner, tenantId: string, now: Clock = wallClock): TenantScope {
  if (typeof tenantId !== 'string' || tenantId.length === 0) throw new Error('a tenant scope needs a tenant id');
  return new TenantScopeImpl(runner, tenantId, now) as unknown as TenantScope;
}

export function platformScope(runner: QueryRunner, now: Clock = wallClock): PlatformScope {
  return new PlatformScopeImpl(runner, now) as unknown as PlatformScope;
}
