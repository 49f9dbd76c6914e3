/**
 * `createDb(url, options)`: opens the database the URL names, applies pending migrations,
 * and hands out the tenant-scoped data-access layer, which stamps `createdAt`/`updatedAt`
 * from the clock of `options.now`.
 *
 *   file:./data/vmcloud.db, ./data/vmcloud.db, :memory:   SQLite (better-sqlite3)
 *   mysql://user:password@host:3306/database               MySQL or MariaDB (mysql2)
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzleMysql, type MySql2Database } from 'drizzle-orm/mysql2';
import { migrate as migrateMysql } from 'drizzle-orm/mysql2/migrator';
import mysql from 'mysql2/promise';
import { MysqlRunner, SqliteRunner, type QueryRunner } from './adapter.js';
import { BACKSTOP_PAGES, Checkpointer, inlineCheckpoints } from './checkpointer.js';
import type { Dialect } from './schema/define.js';
import { platformScope, tenantScope, type Clock, type PlatformScope, type TenantScope } from './scope.js';

export const DEFAULT_DATABASE_URL = 'file:./data/vmcloud.db';

const migrationsFolder = (dialect: Dialect) => fileURLToPath(new URL(`../migrations/${dialect}`, import.meta.url));

/** What the application may do with the database: scoped access and transactions. */
export interface DbHandle {
  readonly dialect: Dialect;
  /** The tables of one tenant, filtered and stamped by its id. */
  forTenant(tenantId: string): TenantScope;
  /** The platform tables that no tenant owns. */
  readonly platform: PlatformScope;
  /**
   * Runs `fn` in a transaction: it commits if `fn` resolves and rolls back if it throws.
   * Use the handle `fn` receives for every statement inside it. Nested calls are savepoints.
   */
  transaction<T>(fn: (tx: DbHandle) => Promise<T>): Promise<T>;
}

export interface Database extends DbHandle {
  /** A cheap round trip to the database, for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

class Handle implements DbHandle {
  readonly platform: PlatformScope;

  constructor(
    protected readonly runner: QueryRunner,
    protected readonly now: Clock,
  ) {
    this.platform = platformScope(runner, now);
  }

  get dialect(): Dialect {
    return this.runner.dialect;
  }

  forTenant(tenantId: string): TenantScope {
    return tenantScope(this.runner, tenantId, this.now);
  }

  transaction<T>(fn: (tx: DbHandle) => Promise<T>): Promise<T> {
    return this.runner.transaction((inner) => fn(new Handle(inner, this.now)));
  }
}

class DatabaseImpl extends Handle implements Database {
  constructor(
    runner: QueryRunner,
    now: Clock,
    private readonly closeFn: () => Promise<void>,
  ) {
    super(runner, now);
  }

  async ping(): Promise<void> {
    await this.runner.run((q) => q.select({ one: sql<number>`1` }).from(sql`(select 1) as ping`));
  }

  close(): Promise<void> {
    return this.closeFn();
  }
}

export interface CreateDbOptions {
  /** Apply pending migrations before returning (default true). */
  migrate?: boolean;
  /** MySQL pool size (default 10). */
  poolSize?: number;
  /**
   * SQLite files: checkpoint the WAL from a worker thread ('background', the default) or
   * inside the COMMIT that crosses 1,000 pages, as SQLite does by itself ('inline').
   */
  checkpoints?: 'background' | 'inline';
  /**
   * The clock that stamps `createdAt` and `updatedAt` on every insert and update through
   * the scopes (default: the wall clock). The API passes its own, so that the times it
   * writes and the times it reasons with agree; tests pass a virtual one.
   */
  now?: () => Date;
}

const wallClock: Clock = () => new Date();
const clockOf = (options: CreateDbOptions): Clock => options.now ?? wallClock;

export function dialectOf(url: string): Dialect {
  return /^mysql:\/\//i.test(url) ? 'mysql' : 'sqlite';
}

/** `file:./x.db` or `./x.db` -> absolute path; `:memory:` stays. */
export function sqlitePath(url: string): string {
  const path = url.replace(/^file:(\/\/)?/i, '');
  return path === ':memory:' ? path : resolve(path);
}

export async function createDb(url: string = DEFAULT_DATABASE_URL, options: CreateDbOptions = {}): Promise<Database> {
  return dialectOf(url) === 'mysql' ? openMysql(url, options) : openSqlite(url, options);
}

function openSqlite(url: string, options: CreateDbOptions): Database {
  const path = sqlitePath(url);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const client = new BetterSqlite(path);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = NORMAL');
  client.pragma('busy_timeout = 5000');
  const db = drizzleSqlite(client);
  if (options.migrate !== false) {
    // A migration that rebuilds a table (SQLite's way to change a column) drops the old
    // one, which foreign keys would forbid while other rows point at it; they are checked
    // as a whole once the migrations are done, as SQLite's ALTER TABLE guide says.
    client.pragma('foreign_keys = OFF');
    migrateSqlite(db, { migrationsFolder: migrationsFolder('sqlite') });
    const broken = client.pragma('foreign_key_check') as unknown[];
    if (broken.length > 0) throw new Error(`migrations left ${broken.length} rows pointing at rows that are gone`);
  }
  client.pragma('foreign_keys = ON');
  const runner = new SqliteRunner(client, db);
  let checkpointer: Checkpointer | undefined;
  if (path !== ':memory:' && options.checkpoints !== 'inline') {
    client.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    checkpointer = new Checkpointer(path, () => {
      if (client.open) inlineCheckpoints(client);
    });
  }
  return new DatabaseImpl(runner, clockOf(options), async () => {
    runner.flush();
    await checkpointer?.close();
    client.close();
  });
}

async function openMysql(url: string, options: CreateDbOptions): Promise<Database> {
  const pool = mysql.createPool({
    uri: url,
    connectionLimit: options.poolSize ?? 10,
    // Times are UTC everywhere: DATETIME values are written and read as UTC.
    timezone: 'Z',
    dateStrings: false,
    supportBigNumbers: true,
    bigNumberStrings: false,
    charset: 'utf8mb4_unicode_ci',
  });
  const db = drizzleMysql({ client: pool });
  try {
    if (options.migrate !== false) await migrateMysqlLocked(pool, db);
  } catch (error) {
    await pool.end();
    throw error;
  }
  return new DatabaseImpl(new MysqlRunner(db), clockOf(options), () => pool.end());
}

/** Several API instances may start at once: one applies the migrations, the others wait. */
async function migrateMysqlLocked(pool: mysql.Pool, db: MySql2Database): Promise<void> {
  const conn = await pool.getConnection();
  try {
    const [rows] = await conn.query<mysql.RowDataPacket[]>("SELECT GET_LOCK('vmcloud_migrate', 120) AS locked");
    if (rows[0]?.locked !== 1) throw new Error('timed out waiting for the migration lock');
    try {
      await migrateMysql(db, { migrationsFolder: migrationsFolder('mysql') });
    } finally {
      await conn.query("SELECT RELEASE_LOCK('vmcloud_migrate')");
    }
  } finally {
    conn.release();
  }
}
