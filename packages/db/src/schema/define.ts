/**
 * One table definition, two dialects.
 *
 * Every table is written once with the column kinds below; `table()` turns that one
 * definition into a Drizzle `sqliteTable` and a Drizzle `mysqlTable` with the same
 * columns, keys, indexes and checks. TypeScript sees the SQLite shape; the MySQL table
 * has the same column names and runtime value types (string, number, boolean, Date,
 * JSON), so the data-access layer written against one runs unchanged on the other.
 */
import { type HasDefault, type IsPrimaryKey, type NotNull, type $Type, sql } from 'drizzle-orm';
import type { BuildColumns } from 'drizzle-orm/column-builder';
import * as my from 'drizzle-orm/mysql-core';
import * as lite from 'drizzle-orm/sqlite-core';
import { newId } from '../ids.js';

export type Dialect = 'sqlite' | 'mysql';

/** The logical kinds a column can have; both dialects map each kind to one SQL type. */
export type ColumnKind =
  | 'id' // 36-character UUIDv7 text
  | 'string' // short text with a maximum length (indexable)
  | 'text' // long text (not indexable)
  | 'enum' // one of a fixed set of short strings, enforced by a CHECK
  | 'int' // 32-bit integer
  | 'money' // integer count of the currency's minor unit (fen), 53-bit safe
  | 'bigint' // integer up to 2^53 (counters, byte sizes, 32-bit unsigned ids)
  | 'bool'
  | 'time' // UTC instant, millisecond precision
  | 'date' // calendar date, 'YYYY-MM-DD'
  | 'json';

export type OnDelete = 'cascade' | 'restrict' | 'set null';

export interface ColumnSpec {
  kind: ColumnKind;
  length?: number;
  values?: readonly string[];
  notNull: boolean;
  primaryKey: boolean;
  /** A constant default (also declared in the DDL) or a function called on insert. */
  defaultValue?: { value: unknown } | { fn: () => unknown };
  references?: { table: () => AnyTableDef; onDelete: OnDelete };
}

type Builder = lite.SQLiteColumnBuilderBase;
// Drizzle's builders are mutable classes with chainable methods; the maker composes them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyBuilder = any;
type Maker = (dialect: Dialect, name: string) => AnyBuilder;

/**
 * A column of a table definition. `S` is the SQLite builder type the column stands for,
 * which gives every query its TypeScript types.
 */
export class Col<S extends Builder = Builder> {
  declare readonly _sqlite: S;
  constructor(
    readonly spec: ColumnSpec,
    private readonly make: Maker,
  ) {}

  build(dialect: Dialect, name: string): AnyBuilder {
    return this.make(dialect, name);
  }

  private derive<T extends Builder>(patch: Partial<ColumnSpec>, apply: (b: AnyBuilder) => AnyBuilder) {
    return new Col<T>({ ...this.spec, ...patch }, (d, n) => apply(this.make(d, n)));
  }

  notNull(): Col<NotNull<S>> {
    return this.derive({ notNull: true }, (b) => b.notNull());
  }

  /** A constant default, declared in the DDL and applied by the data-access layer. */
  default(value: S['_']['data']): Col<HasDefault<S>> {
    return this.derive({ defaultValue: { value } }, (b) => b.default(value));
  }

  /** A default computed on insert (ids, timestamps). */
  defaultFn(fn: () => S['_']['data']): Col<HasDefault<S>> {
    return this.derive({ defaultValue: { fn } }, (b) => b.$defaultFn(fn));
  }

  primaryKey(): Col<IsPrimaryKey<NotNull<S>>> {
    return this.derive({ primaryKey: true, notNull: true }, (b) => b.primaryKey());
  }
}

function column<S extends Builder>(spec: Omit<ColumnSpec, 'notNull' | 'primaryKey'>, make: Maker) {
  return new Col<S>({ notNull: false, primaryKey: false, ...spec }, make);
}

const ID_LENGTH = 36;

/** Column kinds. Each returns a nullable column; chain `.notNull()` and the rest. */
export const c = {
  /** The row's primary key: a time-ordered UUIDv7 made by the application. */
  id: () =>
    column<lite.SQLiteTextBuilderInitial<'', [string, ...string[]], 36>>({ kind: 'id', length: ID_LENGTH }, (d, n) =>
      d === 'sqlite' ? lite.text(n, { length: ID_LENGTH }) : my.varchar(n, { length: ID_LENGTH }),
    )
      .primaryKey()
      .defaultFn(newId),

  /** A foreign key to another table's `id`. */
  ref: (table: () => AnyTableDef, onDelete: OnDelete = 'restrict') => {
    const spec = { kind: 'id' as const, length: ID_LENGTH, references: { table, onDelete } };
    return column<lite.SQLiteTextBuilderInitial<'', [string, ...string[]], 36>>(spec, (d, n) => {
      const target = () => (table()[d] as unknown as Record<string, AnyBuilder>).id;
      return d === 'sqlite'
        ? lite.text(n, { length: ID_LENGTH }).references(target, { onDelete })
        : my.varchar(n, { length: ID_LENGTH }).references(target, { onDelete });
    });
  },

  string: <L extends number>(length: L) =>
    column<lite.SQLiteTextBuilderInitial<'', [string, ...string[]], L>>({ kind: 'string', length }, (d, n) =>
      d === 'sqlite' ? lite.text(n, { length }) : my.varchar(n, { length }),
    ),

  text: () =>
    column<lite.SQLiteTextBuilderInitial<'', [string, ...string[]], undefined>>({ kind: 'text' }, (d, n) =>
      d === 'sqlite' ? lite.text(n) : my.text(n),
    ),

  enum: <const V extends readonly [string, ...string[]]>(values: V) => {
    const length = Math.max(...values.map((v) => v.length));
    return column<lite.SQLiteTextBuilderInitial<'', [V[number], ...V[number][]], number>>(
      { kind: 'enum', length, values },
      (d, n) =>
        d === 'sqlite'
          ? lite.text(n, { length, enum: values as unknown as [string, ...string[]] })
          : my.varchar(n, { length, enum: values as unknown as [string, ...string[]] }),
    );
  },

  int: () =>
    column<lite.SQLiteIntegerBuilderInitial<''>>({ kind: 'int' }, (d, n) =>
      d === 'sqlite' ? lite.integer(n) : my.int(n),
    ),

  money: () =>
    column<lite.SQLiteIntegerBuilderInitial<''>>({ kind: 'money' }, (d, n) =>
      d === 'sqlite' ? lite.integer(n) : my.bigint(n, { mode: 'number' }),
    ),

  bigint: () =>
    column<lite.SQLiteIntegerBuilderInitial<''>>({ kind: 'bigint' }, (d, n) =>
      d === 'sqlite' ? lite.integer(n) : my.bigint(n, { mode: 'number' }),
    ),

  bool: () =>
    column<lite.SQLiteBooleanBuilderInitial<''>>({ kind: 'bool' }, (d, n) =>
      d === 'sqlite' ? lite.integer(n, { mode: 'boolean' }) : my.boolean(n),
    ),

  time: () =>
    column<lite.SQLiteTimestampBuilderInitial<''>>({ kind: 'time' }, (d, n) =>
      d === 'sqlite' ? lite.integer(n, { mode: 'timestamp_ms' }) : my.datetime(n, { mode: 'date', fsp: 3 }),
    ),

  date: () =>
    column<lite.SQLiteTextBuilderInitial<'', [string, ...string[]], 10>>({ kind: 'date', length: 10 }, (d, n) =>
      d === 'sqlite' ? lite.text(n, { length: 10 }) : my.date(n, { mode: 'string' }),
    ),

  json: <T>() =>
    column<$Type<lite.SQLiteTextJsonBuilderInitial<''>, T>>({ kind: 'json' }, (d, n) =>
      d === 'sqlite' ? lite.text(n, { mode: 'json' }) : my.json(n),
    ),
};

export type ColumnMap = Record<string, Col>;
type BuildersOf<C extends ColumnMap> = { [K in keyof C]: C[K]['_sqlite'] };

export type SqliteTableOf<N extends string, C extends ColumnMap> = lite.SQLiteTableWithColumns<{
  name: N;
  schema: undefined;
  columns: BuildColumns<N, BuildersOf<C>, 'sqlite'>;
  dialect: 'sqlite';
}>;

export type Scope = 'tenant' | 'platform';

export interface TableOptions<C extends ColumnMap> {
  /** Plain indexes, each a list of column keys in index order. */
  indexes?: (keyof C & string)[][];
  /** Unique keys, each a list of column keys. */
  uniques?: (keyof C & string)[][];
  /**
   * Row checks by name: SQL boolean expressions valid in both dialects, with columns
   * written as `{key}`, e.g. `{stock} >= 0 and {stock} <= {capacity}`.
   */
  checks?: Record<string, string>;
}

export interface TableDef<N extends string = string, C extends ColumnMap = ColumnMap, Sc extends Scope = Scope> {
  readonly name: N;
  readonly scope: Sc;
  readonly columns: C;
  readonly indexes: string[][];
  readonly uniques: string[][];
  readonly checks: Record<string, string>;
  /** The table as Drizzle's SQLite dialect sees it; its type is the shared query type. */
  readonly sqlite: SqliteTableOf<N, C>;
  /** The same table for MySQL: same column keys, names and runtime value types. */
  readonly mysql: my.AnyMySqlTable;
}

/** Any table definition, with its tables typed loosely. */
export interface AnyTableDef {
  readonly name: string;
  readonly scope: Scope;
  readonly columns: ColumnMap;
  readonly indexes: string[][];
  readonly uniques: string[][];
  readonly checks: Record<string, string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly sqlite: lite.SQLiteTableWithColumns<any>;
  readonly mysql: my.AnyMySqlTable;
}

/** `tenantId` -> `tenant_id` */
export function snakeCase(key: string): string {
  return key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);
}

/** Constraint names are unique per database in MySQL and at most 64 characters. */
export function constraintName(table: string, columns: string[], suffix: string): string {
  const name = `${table}_${columns.map(snakeCase).join('_')}_${suffix}`;
  if (name.length <= 64) return name;
  let hash = 0;
  for (const ch of name) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) >>> 0;
  return `${name.slice(0, 54)}_${hash.toString(36).padStart(7, '0').slice(0, 7)}_${suffix}`.slice(0, 64);
}

const quote = { sqlite: (name: string) => `"${name}"`, mysql: (name: string) => `\`${name}\`` };

/** The table's CHECK constraints for one dialect: one per enum column, then its own. */
function checksFor(dialect: Dialect, table: string, columns: ColumnMap, checks: Record<string, string>) {
  const q = quote[dialect];
  const enums = Object.entries(columns)
    .filter(([, col]) => col.spec.kind === 'enum')
    .map(([key, col]) => {
      const list = (col.spec.values ?? []).map((v) => `'${v.replace(/'/g, "''")}'`).join(', ');
      return { name: constraintName(table, [key], 'chk'), expr: `${q(snakeCase(key))} in (${list})` };
    });
  const own = Object.entries(checks).map(([checkName, expr]) => ({
    name: constraintName(table, [checkName], 'chk'),
    expr: expr.replace(/\{(\w+)\}/g, (_, key: string) => {
      if (!(key in columns)) throw new Error(`check ${checkName} of ${table} names unknown column ${key}`);
      return q(snakeCase(key));
    }),
  }));
  return [...enums, ...own];
}

export function defineTable<const N extends string, C extends ColumnMap, Sc extends Scope>(
  scope: Sc,
  name: N,
  columns: C,
  options: TableOptions<C> = {},
): TableDef<N, C, Sc> {
  const indexes = options.indexes ?? [];
  const uniques = options.uniques ?? [];
  const checks = options.checks ?? {};
  const buildersFor = (dialect: Dialect) =>
    Object.fromEntries(Object.entries(columns).map(([key, col]) => [key, col.build(dialect, snakeCase(key))]));

  const sqlite = lite.sqliteTable(name, buildersFor('sqlite'), (t) => [
    ...indexes.map((cols) => lite.index(constraintName(name, cols, 'idx')).on(...pick(t, cols))),
    ...uniques.map((cols) => lite.unique(constraintName(name, cols, 'uq')).on(...pick(t, cols))),
    ...checksFor('sqlite', name, columns, checks).map((chk) => lite.check(chk.name, sql.raw(chk.expr))),
  ]) as unknown as SqliteTableOf<N, C>;

  const mysql = my.mysqlTable(name, buildersFor('mysql'), (t) => [
    ...indexes.map((cols) => my.index(constraintName(name, cols, 'idx')).on(...pick(t, cols))),
    ...uniques.map((cols) => my.unique(constraintName(name, cols, 'uq')).on(...pick(t, cols))),
    ...checksFor('mysql', name, columns, checks).map((chk) => my.check(chk.name, sql.raw(chk.expr))),
  ]);

  return { name, scope, columns, indexes, uniques, checks, sqlite, mysql };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function pick(table: Record<string, any>, keys: string[]): [any, ...any[]] {
  const cols = keys.map((k) => {
    const col = table[k];
    if (!col) throw new Error(`index names unknown column ${k}`);
    return col;
  });
  return cols as [AnyBuilder, ...AnyBuilder[]];
}

/** Columns every table carries: when it was made and last changed, and by which user. */
export function auditColumns() {
  return {
    createdAt: c
      .time()
      .notNull()
      .defaultFn(() => new Date()),
    updatedAt: c
      .time()
      .notNull()
      .defaultFn(() => new Date()),
    /** The user who created the row (a user id, kept even if that user is removed). */
    createdBy: c.string(ID_LENGTH),
    /** The user who last changed the row. */
    updatedBy: c.string(ID_LENGTH),
  };
}
