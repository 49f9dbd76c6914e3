/**
 * Template databases: a database migrated and filled once per run (the demo seed, say),
 * of which each test database is a copy, so that a test file does not migrate and seed
 * a database of its own.
 *
 * The first worker of the run to ask for a template builds it, holding a lock (a folder
 * made with mkdir, which only one process can make); the others wait for its record,
 * a JSON file written by rename once the template is complete. SQLite templates are one
 * file (checkpointed, out of WAL mode), copied per test database. MySQL templates are a
 * database; a copy is made with the template's own CREATE TABLE statements and
 * `INSERT ... SELECT`, with foreign key checks off while copying.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import BetterSqlite from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { createDb, type Database } from '../database.js';
import type { Dialect } from '../schema/define.js';
import { mysqlSiteFile, mysqlTemplateName, templatesDir, type MysqlTemplateSite } from './run.js';

export interface TestTemplate {
  /**
   * What the template holds: test databases opened with the same key (and dialect) in
   * one run are copies of one template, filled once.
   */
  key: string;
  /** Fills the freshly migrated template; what it resolves to (JSON) comes with every copy. */
  fill(db: Database): Promise<unknown>;
}

/** A built template, as its record on disk holds it. */
export interface TemplateRecord {
  key: string;
  dialect: Dialect;
  /** What the template's fill resolved to. */
  data: unknown;
  /** SQLite: the template's file. */
  file?: string;
  /** MySQL: the server and the template database. */
  mysql?: { server: string; database: string };
  /** The template could not be built: every copy fails with this. */
  error?: string;
}

/** How long a worker waits for another to build a template. */
const BUILD_TIMEOUT_MS = 180_000;
/** How often it looks whether the template is there. */
const POLL_MS = 20;

const built = new Map<string, Promise<TemplateRecord>>();

/**
 * The template of `key` on `dialect` in the run's folder, built by this process if no
 * other has built or is building it.
 */
export function template(
  runDir: string,
  dialect: Dialect,
  spec: TestTemplate,
  options: { now?: () => Date; mysqlServer?: string; mysqlPrefix?: string },
): Promise<TemplateRecord> {
  const id = `${dialect}-${createHash('sha256').update(spec.key).digest('hex').slice(0, 16)}`;
  const cacheKey = `${runDir}:${id}`;
  let record = built.get(cacheKey);
  if (!record) {
    record = obtain(runDir, id, dialect, spec, options);
    built.set(cacheKey, record);
  }
  return record.then((r) => {
    if (r.error) throw new Error(`the test template "${spec.key}" could not be built: ${r.error}`);
    return r;
  });
}

async function obtain(
  runDir: string,
  id: string,
  dialect: Dialect,
  spec: TestTemplate,
  options: { now?: () => Date; mysqlServer?: string; mysqlPrefix?: string },
): Promise<TemplateRecord> {
  const dir = templatesDir(runDir);
  mkdirSync(dir, { recursive: true });
  const recordFile = join(dir, `${id}.json`);
  const lock = join(dir, `${id}.lock`);
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  for (;;) {
    if (existsSync(recordFile)) return JSON.parse(readFileSync(recordFile, 'utf8')) as TemplateRecord;
    if (takeLock(lock)) break;
    if (Date.now() > deadline) throw new Error(`timed out waiting for the test template "${spec.key}"`);
    await delay(POLL_MS);
  }
  let record: TemplateRecord;
  try {
    record = { key: spec.key, dialect, data: null };
    if (dialect === 'sqlite') {
      const file = join(dir, `${id}.db`);
      record.data = await buildSqlite(file, spec, options.now);
      record.file = file;
    } else {
      if (!options.mysqlServer || !options.mysqlPrefix) throw new Error('no MySQL server for the template');
      const site: MysqlTemplateSite = { server: options.mysqlServer, prefix: options.mysqlPrefix };
      writeIfMissing(mysqlSiteFile(runDir), JSON.stringify(site));
      const database = mysqlTemplateName(site, runDir, id.replace(/-/g, '_'));
      record.data = await buildMysql(site.server, database, spec, options.now);
      record.mysql = { server: site.server, database };
    }
  } catch (error) {
    record = { key: spec.key, dialect, data: null, error: (error as Error).stack ?? String(error) };
  }
  const partial = `${recordFile}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(record));
  renameSync(partial, recordFile);
  return record;
}

/** Takes the build lock, or answers false while a live process holds it. */
function takeLock(lock: string): boolean {
  try {
    mkdirSync(lock);
    writeFileSync(join(lock, 'pid'), String(process.pid));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // A holder that died while building leaves the lock: take it over.
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
  } catch {
    return false; // made but its pid not written yet
  }
  if (!holder || alive(holder)) return false;
  rmSync(lock, { recursive: true, force: true });
  return takeLock(lock);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function writeIfMissing(file: string, text: string): void {
  try {
    writeFileSync(file, text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

// ---------------------------------------------------------------------------------------
// SQLite

async function buildSqlite(file: string, spec: TestTemplate, now?: () => Date): Promise<unknown> {
  const building = `${file}.${process.pid}.building`;
  const db = await createDb(`file:${building}`, { now, checkpoints: 'inline' });
  let data: unknown;
  try {
    data = await spec.fill(db);
  } finally {
    await db.close();
  }
  // One self-contained file: the WAL copied in, and out of WAL mode, so a copy of the
  // file alone is the whole database.
  const client = new BetterSqlite(building);
  try {
    client.pragma('wal_checkpoint(TRUNCATE)');
    client.pragma('journal_mode = DELETE');
  } finally {
    client.close();
  }
  renameSync(building, file);
  return data;
}

/** Copies a SQLite template to `file` (a new database). */
export function copySqliteTemplate(record: TemplateRecord, file: string): void {
  if (!record.file) throw new Error(`the template "${record.key}" is not a SQLite file`);
  copyFileSync(record.file, file);
}

// ---------------------------------------------------------------------------------------
// MySQL

async function buildMysql(server: string, database: string, spec: TestTemplate, now?: () => Date): Promise<unknown> {
  const admin = await mysql.createConnection({ uri: server, connectTimeout: 5000 });
  try {
    await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const url = new URL(server);
  url.pathname = `/${database}`;
  const db = await createDb(url.toString(), { now });
  try {
    return await spec.fill(db);
  } finally {
    await db.close();
  }
}

/** The statements that make a copy of a template database, read once per process. */
const copyScripts = new Map<string, Promise<string>>();

async function copyScript(conn: mysql.Connection, template: string): Promise<string> {
  const quoted = `\`${template}\``;
  const [tables] = await conn.query<mysql.RowDataPacket[]>(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
    [template],
  );
  const creates: string[] = [];
  const inserts: string[] = [];
  for (const { name } of tables as { name: string }[]) {
    const [rows] = await conn.query<mysql.RowDataPacket[]>(`SHOW CREATE TABLE ${quoted}.\`${name}\``);
    const create = String(rows[0]?.['Create Table'] ?? '');
    if (!create) throw new Error(`no CREATE TABLE for ${template}.${name}`);
    creates.push(`${create};`);
    inserts.push(`INSERT INTO \`${name}\` SELECT * FROM ${quoted}.\`${name}\`;`);
  }
  // Foreign keys name tables of the database in use, so the copy is made in the new database.
  return ['SET FOREIGN_KEY_CHECKS = 0;', ...creates, ...inserts, 'SET FOREIGN_KEY_CHECKS = 1;'].join('\n');
}

/** Makes the database `name` on the template's server a copy of the template. */
export async function copyMysqlTemplate(record: TemplateRecord, name: string): Promise<void> {
  if (!record.mysql) throw new Error(`the template "${record.key}" is not a MySQL database`);
  const conn = await mysql.createConnection({
    uri: record.mysql.server,
    connectTimeout: 5000,
    multipleStatements: true,
  });
  try {
    let script = copyScripts.get(record.mysql.database);
    if (!script) {
      script = copyScript(conn, record.mysql.database);
      copyScripts.set(record.mysql.database, script);
    }
    const statements = await script;
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await conn.query(`USE \`${name}\`;\n${statements}`);
  } finally {
    await conn.end();
  }
}
