/**
 * Fresh databases for tests, on every dialect that can run here.
 *
 * SQLite always runs (a new file per database). MySQL runs when VMCLOUD_TEST_MYSQL_URL
 * names a server (`mysql://root@127.0.0.1:3306/vmcloud_test`): each test database is a
 * new database on it, named after the URL's, and is dropped afterwards. Under CI=true
 * the MySQL suite is required: without the variable it uses the local server, and a
 * server that does not answer fails the run instead of skipping it.
 *
 * A test database is either migrated afresh or, given a template, a copy of a template
 * database migrated and filled once per run (see templates.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { createDb, type Database } from '../database.js';
import type { Dialect } from '../schema/define.js';
import { testRunDir } from './run.js';
import { copyMysqlTemplate, copySqliteTemplate, template, type TestTemplate } from './templates.js';

export interface TestDatabase {
  readonly dialect: Dialect;
  /** The URL the database was opened with. */
  readonly url: string;
  readonly db: Database;
  /** What the template's fill resolved to (for a database made from a template). */
  readonly templateData?: unknown;
  /** Closes the database and deletes it. */
  drop(): Promise<void>;
}

const DEFAULT_CI_MYSQL_URL = 'mysql://root@127.0.0.1:3306/vmcloud_test';

/** The MySQL server tests use, or undefined when the MySQL suite is skipped. */
export function mysqlTestUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = env.VMCLOUD_TEST_MYSQL_URL?.trim();
  if (url) return url;
  return env.CI === 'true' ? DEFAULT_CI_MYSQL_URL : undefined;
}

export const MYSQL_SKIP_REASON =
  'MySQL suite skipped: set VMCLOUD_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/vmcloud_test to run it';

/** The dialects to run database tests on, each with the reason it is skipped, if it is. */
export function testDialects(): { dialect: Dialect; skip?: string }[] {
  return [{ dialect: 'sqlite' }, mysqlTestUrl() ? { dialect: 'mysql' } : { dialect: 'mysql', skip: MYSQL_SKIP_REASON }];
}

let counter = 0;

export interface TestDatabaseOptions {
  /** The database's clock (default the wall clock), as `createDb` takes it; also the template's while it is filled. */
  now?: () => Date;
  /**
   * Start from a copy of this template, filled once per run (by default one with the
   * migrations applied and no rows). 'none': apply the migrations to this database
   * itself, for tests of the migrations. Without the run's folder (tests run without the
   * global setup) each database is migrated and filled itself.
   */
  template?: TestTemplate | 'none';
}

/** The template of a database with the migrations applied and no rows. */
const MIGRATED: TestTemplate = { key: 'migrated', fill: async () => undefined };

/** The template to copy, or undefined to migrate (and fill) the database itself. */
function templateOf(options: TestDatabaseOptions, runDir: string | undefined): TestTemplate | undefined {
  if (options.template === 'none' || !runDir) return undefined;
  return options.template ?? MIGRATED;
}

export async function openTestDatabase(dialect: Dialect, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  return dialect === 'sqlite' ? openSqlite(options) : openMysql(options);
}

async function openSqlite(options: TestDatabaseOptions): Promise<TestDatabase> {
  const runDir = testRunDir();
  const dir = mkdtempSync(join(runDir ?? tmpdir(), 'vmcloud-test-'));
  const file = join(dir, 'test.db');
  const url = `file:${file}`;
  let db: Database;
  let templateData: unknown;
  try {
    const spec = templateOf(options, runDir);
    if (spec && runDir) {
      const record = await template(runDir, 'sqlite', spec, { now: options.now });
      copySqliteTemplate(record, file);
      db = await createDb(url, { now: options.now, migrate: false });
      templateData = record.data;
    } else {
      db = await createDb(url, { now: options.now });
      templateData = await fillFresh(db, options);
    }
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    dialect: 'sqlite',
    url,
    db,
    templateData,
    async drop() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Without templates: fills the new database as the template would have been. */
async function fillFresh(db: Database, options: TestDatabaseOptions): Promise<unknown> {
  if (!options.template || options.template === 'none') return undefined;
  try {
    return await options.template.fill(db);
  } catch (error) {
    await db.close();
    throw error;
  }
}

async function openMysql(options: TestDatabaseOptions): Promise<TestDatabase> {
  const base = mysqlTestUrl();
  if (!base) throw new Error(MYSQL_SKIP_REASON);
  const server = new URL(base);
  const prefix = decodeURIComponent(server.pathname.replace(/^\//, '')) || 'vmcloud_test';
  counter += 1;
  const name = `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`.slice(0, 64);
  const url = new URL(base);
  url.pathname = `/${name}`;
  const dropDatabase = async () => {
    const conn = await connectAdmin(server);
    try {
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
    } finally {
      await conn.end();
    }
  };
  const runDir = testRunDir();
  let db: Database;
  let templateData: unknown;
  try {
    const spec = templateOf(options, runDir);
    if (spec && runDir) {
      const root = new URL(server.toString());
      root.pathname = '/';
      const record = await template(runDir, 'mysql', spec, {
        now: options.now,
        mysqlServer: root.toString(),
        mysqlPrefix: prefix,
      });
      await copyMysqlTemplate(record, name);
      db = await createDb(url.toString(), { now: options.now, migrate: false });
      templateData = record.data;
    } else {
      const admin = await connectAdmin(server);
      try {
        await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
      } finally {
        await admin.end();
      }
      db = await createDb(url.toString(), { now: options.now });
      templateData = await fillFresh(db, options);
    }
  } catch (error) {
    await dropDatabase();
    throw error;
  }
  return {
    dialect: 'mysql',
    url: url.toString(),
    db,
    templateData,
    async drop() {
      await db.close();
      await dropDatabase();
    },
  };
}

async function connectAdmin(server: URL) {
  const url = new URL(server.toString());
  url.pathname = '/';
  try {
    return await mysql.createConnection({ uri: url.toString(), connectTimeout: 5000 });
  } catch (error) {
    throw new Error(`MySQL at ${url.host} did not answer (${(error as Error).message})`, { cause: error });
  }
}
