/**
 * Fresh databases for tests, on every dialect that can run here.
 *
 * SQLite always runs (a new file per database). MySQL runs when VMCLOUD_TEST_MYSQL_URL
 * names a server (`mysql://root@127.0.0.1:3306/vmcloud_test`): each test database is a
 * new database on it, named after the URL's, and is dropped afterwards. Under CI=true
 * the MySQL suite is required: without the variable it uses the local server, and a
 * server that does not answer fails the run instead of skipping it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { createDb, type Database } from '../database.js';
import type { Dialect } from '../schema/define.js';

export interface TestDatabase {
  readonly dialect: Dialect;
  /** The URL the database was opened with. */
  readonly url: string;
  readonly db: Database;
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
  /** The database's clock (default the wall clock), as `createDb` takes it. */
  now?: () => Date;
}

export async function openTestDatabase(dialect: Dialect, options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  return dialect === 'sqlite' ? openSqlite(options) : openMysql(options);
}

async function openSqlite(options: TestDatabaseOptions): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'vmcloud-test-'));
  const url = `file:${join(dir, 'test.db')}`;
  const db = await createDb(url, { now: options.now });
  return {
    dialect: 'sqlite',
    url,
    db,
    async drop() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openMysql(options: TestDatabaseOptions): Promise<TestDatabase> {
  const base = mysqlTestUrl();
  if (!base) throw new Error(MYSQL_SKIP_REASON);
  const server = new URL(base);
  const prefix = decodeURIComponent(server.pathname.replace(/^\//, '')) || 'vmcloud_test';
  counter += 1;
  const name = `${prefix}_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`.slice(0, 64);
  const admin = await connectAdmin(server);
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  const db = await createDb(url.toString(), { now: options.now });
  return {
    dialect: 'mysql',
    url: url.toString(),
    db,
    async drop() {
      await db.close();
      const conn = await connectAdmin(server);
      try {
        await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await conn.end();
      }
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
