/**
 * Both dialects hold the same schema: the same tables, columns, types, keys, indexes and
 * checks as the one definition, checked on the Drizzle tables of both dialects and on
 * real databases after their migrations ran.
 */
import Sqlite from 'better-sqlite3';
import { getTableConfig as mysqlConfig } from 'drizzle-orm/mysql-core';
import { getTableConfig as sqliteConfig } from 'drizzle-orm/sqlite-core';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlitePath } from '../database.js';
import { openTestDatabase, testDialects, type TestDatabase } from '../testing/index.js';
import { snakeCase, type AnyTableDef, type ColumnSpec, type Dialect } from './define.js';
import { tables } from './index.js';

interface Shape {
  columns: { name: string; notNull: boolean; primaryKey: boolean }[];
  foreignKeys: string[];
  uniques: string[];
  indexes: string[];
  checks: string[];
}

const defs = Object.values(tables) as AnyTableDef[];
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The shape the one definition asks for. */
function expectedShape(def: AnyTableDef): Shape {
  const fks = Object.entries(def.columns)
    .filter(([, col]) => col.spec.references)
    .map(([key, col]) => {
      const ref = col.spec.references as NonNullable<ColumnSpec['references']>;
      return `${snakeCase(key)}->${ref.table().name}(id) on delete ${ref.onDelete}`;
    });
  const enumChecks = Object.entries(def.columns)
    .filter(([, col]) => col.spec.kind === 'enum')
    .map(([key]) => key);
  return {
    columns: Object.entries(def.columns).map(([key, col]) => ({
      name: snakeCase(key),
      notNull: col.spec.notNull,
      primaryKey: col.spec.primaryKey,
    })),
    foreignKeys: fks.sort(byName),
    uniques: def.uniques.map((cols) => cols.map(snakeCase).join(',')).sort(byName),
    indexes: def.indexes.map((cols) => cols.map(snakeCase).join(',')).sort(byName),
    checks: [...enumChecks, ...Object.keys(def.checks)].map(snakeCase).sort(byName),
  };
}

/** The SQL type each dialect's database should report for a column of this kind. */
function expectedType(spec: ColumnSpec, dialect: Dialect): string {
  const len = spec.length;
  if (dialect === 'sqlite') {
    if (['id', 'string', 'enum', 'date'].includes(spec.kind)) return `text(${len})`;
    return spec.kind === 'text' || spec.kind === 'json' ? 'text' : 'integer';
  }
  const mysqlTypes: Record<ColumnSpec['kind'], string> = {
    id: `varchar(${len})`,
    string: `varchar(${len})`,
    enum: `varchar(${len})`,
    text: 'text',
    int: 'int',
    money: 'bigint',
    bigint: 'bigint',
    bool: 'boolean',
    time: 'datetime(3)',
    date: 'date',
    json: 'json',
  };
  return mysqlTypes[spec.kind];
}

const fkAction = (action: string | undefined) => (action ?? 'no action').toLowerCase();
const checkKey = (table: string, name: string) => name.replace(`${table}_`, '').replace(/_chk$/, '');
const indexKey = (cols: string[]) => cols.join(',');

/** The shape Drizzle builds for one dialect. */
function drizzleShape(def: AnyTableDef, dialect: Dialect): Shape {
  const cfg = dialect === 'sqlite' ? sqliteConfig(def.sqlite) : mysqlConfig(def.mysql);
  return {
    columns: cfg.columns.map((col) => ({ name: col.name, notNull: col.notNull, primaryKey: col.primary })),
    foreignKeys: cfg.foreignKeys
      .map((fk) => {
        const ref = fk.reference();
        const target =
          dialect === 'sqlite' ? sqliteConfig(ref.foreignTable as never) : mysqlConfig(ref.foreignTable as never);
        return `${ref.columns.map((c) => c.name).join(',')}->${target.name}(${ref.foreignColumns.map((c) => c.name).join(',')}) on delete ${fkAction(fk.onDelete)}`;
      })
      .sort(byName),
    uniques: cfg.uniqueConstraints.map((u) => indexKey(u.columns.map((c) => c.name))).sort(byName),
    indexes: cfg.indexes.map((i) => indexKey(i.config.columns.map((c) => (c as { name: string }).name))).sort(byName),
    checks: cfg.checks.map((c) => checkKey(def.name, c.name)).sort(byName),
  };
}

describe('the Drizzle tables of both dialects', () => {
  it.each(defs.map((d) => [d.name, d] as const))('%s matches its definition in SQLite and MySQL', (_, def) => {
    const expected = expectedShape(def);
    expect(drizzleShape(def, 'sqlite')).toEqual(expected);
    expect(drizzleShape(def, 'mysql')).toEqual(expected);
    const sqliteCols = sqliteConfig(def.sqlite).columns;
    const mysqlCols = mysqlConfig(def.mysql).columns;
    Object.values(def.columns).forEach((col, i) => {
      expect(sqliteCols[i]?.getSQLType()).toBe(expectedType(col.spec, 'sqlite'));
      expect(mysqlCols[i]?.getSQLType()).toBe(expectedType(col.spec, 'mysql'));
    });
  });

  it('gives every table an id primary key and keeps constraint names within 64 characters', () => {
    for (const def of defs) {
      expect(def.columns.id?.spec.primaryKey).toBe(true);
      const cfg = mysqlConfig(def.mysql);
      const names = [
        ...cfg.indexes.map((i) => i.config.name),
        ...cfg.uniqueConstraints.map((u) => u.getName() ?? ''),
        ...cfg.checks.map((c) => c.name),
        ...cfg.foreignKeys.map((f) => f.getName()),
      ];
      for (const name of names) expect(name.length).toBeLessThanOrEqual(64);
    }
  });
});

/** Reads the schema of a migrated database back from the database itself. */
async function introspect(
  t: TestDatabase,
): Promise<{ shapes: Record<string, Shape>; types: Record<string, Record<string, string>> }> {
  return t.dialect === 'sqlite' ? introspectSqlite(t.url) : introspectMysql(t.url);
}

function introspectSqlite(url: string) {
  const db = new Sqlite(sqlitePath(url), { readonly: true });
  try {
    const names = db
      .prepare(
        "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name <> '__drizzle_migrations'",
      )
      .pluck()
      .all() as string[];
    const shapes: Record<string, Shape> = {};
    const types: Record<string, Record<string, string>> = {};
    for (const table of names) {
      const cols = db.prepare(`select name, type, "notnull", pk from pragma_table_info(?) order by cid`).all(table) as {
        name: string;
        type: string;
        notnull: number;
        pk: number;
      }[];
      const fks = db.prepare('select "from", "table", "to", on_delete from pragma_foreign_key_list(?)').all(table) as {
        from: string;
        table: string;
        to: string;
        on_delete: string;
      }[];
      const idx = db.prepare('select name, "unique", origin from pragma_index_list(?)').all(table) as {
        name: string;
        unique: number;
        origin: string;
      }[];
      const colsOf = (index: string) =>
        (db.prepare('select name from pragma_index_info(?) order by seqno').pluck().all(index) as string[]).join(',');
      const createSql = db
        .prepare("select sql from sqlite_master where type = 'table' and name = ?")
        .pluck()
        .get(table) as string;
      shapes[table] = {
        columns: cols.map((c) => ({ name: c.name, notNull: c.notnull === 1 || c.pk === 1, primaryKey: c.pk === 1 })),
        foreignKeys: fks.map((f) => `${f.from}->${f.table}(${f.to}) on delete ${fkAction(f.on_delete)}`).sort(byName),
        uniques: idx
          .filter((i) => i.unique === 1 && i.origin !== 'pk')
          .map((i) => colsOf(i.name))
          .sort(byName),
        indexes: idx
          .filter((i) => i.unique === 0)
          .map((i) => colsOf(i.name))
          .sort(byName),
        checks: [...createSql.matchAll(/CONSTRAINT "([^"]+)" CHECK/g)]
          .map((m) => checkKey(table, m[1] as string))
          .sort(byName),
      };
      types[table] = Object.fromEntries(cols.map((c) => [c.name, c.type.toLowerCase()]));
    }
    return { shapes, types };
  } finally {
    db.close();
  }
}

async function introspectMysql(url: string) {
  const conn = await mysql.createConnection({ uri: url });
  const schema = decodeURIComponent(new URL(url).pathname.slice(1));
  try {
    const q = async <T>(sqlText: string) => (await conn.query(sqlText, [schema]))[0] as T[];
    const tablesList = await q<{ name: string }>(
      "select table_name as name from information_schema.tables where table_schema = ? and table_name <> '__drizzle_migrations'",
    );
    const cols = await q<{ t: string; name: string; type: string; nullable: string; colKey: string; pos: number }>(
      'select table_name as t, column_name as name, column_type as type, is_nullable as nullable, column_key as colKey, ordinal_position as pos from information_schema.columns where table_schema = ? order by table_name, ordinal_position',
    );
    const fks = await q<{ t: string; name: string; col: string; ref: string; refCol: string; rule: string }>(
      `select k.table_name as t, k.constraint_name as name, k.column_name as col, k.referenced_table_name as ref,
              k.referenced_column_name as refCol, r.delete_rule as rule
         from information_schema.key_column_usage k
         join information_schema.referential_constraints r
           on r.constraint_schema = k.constraint_schema and r.constraint_name = k.constraint_name
        where k.table_schema = ? and k.referenced_table_name is not null`,
    );
    const stats = await q<{ t: string; name: string; nonUnique: number; col: string; seq: number }>(
      'select table_name as t, index_name as name, non_unique as nonUnique, column_name as col, seq_in_index as seq from information_schema.statistics where table_schema = ? order by table_name, index_name, seq_in_index',
    );
    const checks = await q<{ t: string; name: string }>(
      'select table_name as t, constraint_name as name from information_schema.check_constraints where constraint_schema = ?',
    );
    const shapes: Record<string, Shape> = {};
    const types: Record<string, Record<string, string>> = {};
    const fkNames = new Set(fks.map((f) => f.name));
    for (const { name: table } of tablesList) {
      const tableCols = cols.filter((c) => c.t === table);
      const indexes = new Map<string, { unique: boolean; cols: string[] }>();
      for (const s of stats.filter((s) => s.t === table && s.name !== 'PRIMARY' && !fkNames.has(s.name))) {
        const entry = indexes.get(s.name) ?? { unique: Number(s.nonUnique) === 0, cols: [] };
        entry.cols.push(s.col);
        indexes.set(s.name, entry);
      }
      shapes[table] = {
        columns: tableCols.map((c) => ({ name: c.name, notNull: c.nullable === 'NO', primaryKey: c.colKey === 'PRI' })),
        foreignKeys: fks
          .filter((f) => f.t === table)
          .map((f) => `${f.col}->${f.ref}(${f.refCol}) on delete ${fkAction(f.rule)}`)
          .sort(byName),
        uniques: [...indexes.values()]
          .filter((i) => i.unique)
          .map((i) => i.cols.join(','))
          .sort(byName),
        indexes: [...indexes.values()]
          .filter((i) => !i.unique)
          .map((i) => i.cols.join(','))
          .sort(byName),
        // MariaDB adds a json_valid check named after each JSON column; ours end in _chk.
        checks: checks
          .filter((c) => c.t === table && c.name.endsWith('_chk'))
          .map((c) => checkKey(table, c.name))
          .sort(byName),
      };
      types[table] = Object.fromEntries(
        tableCols.map((c) => {
          const type = c.type.toLowerCase().replace(/^(int|bigint)\(\d+\)/, '$1');
          // MariaDB stores JSON as LONGTEXT with a json_valid check; BOOLEAN is TINYINT(1).
          return [c.name, type === 'longtext' ? 'json' : type === 'tinyint(1)' ? 'boolean' : type];
        }),
      );
    }
    return { shapes, types };
  } finally {
    await conn.end();
  }
}

const migrated: Partial<Record<Dialect, Awaited<ReturnType<typeof introspect>>>> = {};

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] migrations`, () => {
    let t: TestDatabase;
    beforeAll(async () => {
      t = await openTestDatabase(dialect, { template: 'none' });
    });
    afterAll(async () => {
      await t?.drop();
    });

    it('apply to an empty database and create exactly the defined schema', async () => {
      const found = await introspect(t);
      migrated[dialect] = found;
      expect(Object.keys(found.shapes).sort(byName)).toEqual(defs.map((d) => d.name).sort(byName));
      // A column that a later migration adds comes last in the database, wherever the
      // definition lists it: the columns are compared by name (their order in both
      // databases is compared by the parity test below).
      const byColumn = (shape: Shape | undefined) =>
        shape && { ...shape, columns: [...shape.columns].sort((a, b) => byName(a.name, b.name)) };
      for (const def of defs) {
        expect({ table: def.name, ...byColumn(found.shapes[def.name]) }).toEqual({
          table: def.name,
          ...byColumn(expectedShape(def)),
        });
        expect({ table: def.name, types: found.types[def.name] }).toEqual({
          table: def.name,
          types: Object.fromEntries(
            Object.entries(def.columns).map(([key, col]) => [snakeCase(key), expectedType(col.spec, dialect)]),
          ),
        });
      }
    });

    it('are applied once: opening the database again changes nothing', async () => {
      const before = await introspect(t);
      const again = await (await import('../database.js')).createDb(t.url);
      await again.close();
      expect(await introspect(t)).toEqual(before);
      // MySQL takes the migration lock, which the other test files opening databases share.
    }, 60_000);
  });
}

describe.skipIf(testDialects().some((d) => d.skip))('[sqlite+mysql] parity of the migrated databases', () => {
  it('has the same tables, columns, keys, indexes and checks in both', () => {
    const sqliteShapes = migrated.sqlite?.shapes;
    const mysqlShapes = migrated.mysql?.shapes;
    expect(sqliteShapes).toBeDefined();
    expect(mysqlShapes).toEqual(sqliteShapes);
  });
});
