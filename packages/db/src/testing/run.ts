/**
 * One folder per test run, for everything a run leaves on disk: template databases,
 * SQLite test databases, uploaded files, and the test workers' temp folder. The global
 * setup of a package's tests makes it and names it in VMCLOUD_TEST_RUN_DIR (the test
 * workers inherit it); its teardown removes it, with the MySQL template databases the
 * run made, so that a run leaves nothing behind, whatever its tests forgot or failed to
 * close.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import mysql from 'mysql2/promise';

export const RUN_DIR_VARIABLE = 'VMCLOUD_TEST_RUN_DIR';

/** This run's folder, or undefined when the tests run without the global setup. */
export function testRunDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[RUN_DIR_VARIABLE]?.trim() || undefined;
}

let fallback: string | undefined;

/**
 * A folder of this run for `name` (made if need be): under the run's folder, or, without
 * the global setup, under one folder of this process that is removed when it exits.
 */
export function testRunFolder(name: string): string {
  let root = testRunDir();
  if (!root) {
    if (!fallback) {
      const dir = mkdtempSync(join(tmpdir(), 'vmcloud-run-'));
      process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
      fallback = dir;
    }
    root = fallback;
  }
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** A short tag of the run, for names that must not collide with another run's (MySQL databases). */
export function runTag(runDir: string): string {
  return (
    basename(runDir)
      .replace(/^vmcloud-run-/, '')
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 8) || 'run'
  );
}

let previousTmpdir: { value: string | undefined } | undefined;

/**
 * Starts a run: makes its folder and names it in the environment. The temp folder of the
 * processes started from here on (the test workers) is one inside it, so that whatever a
 * test puts in `os.tmpdir()` and leaves there goes with the run.
 */
export function startTestRun(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmcloud-run-'));
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  previousTmpdir = { value: process.env.TMPDIR };
  process.env.TMPDIR = tmp;
  process.env[RUN_DIR_VARIABLE] = dir;
  // Should the process end without the teardown (a watch stopped by a signal), the
  // folder goes all the same; only its MySQL templates, which need the server, stay.
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The folder the template databases of a run are kept in. */
export const templatesDir = (runDir: string) => join(runDir, 'templates');

/**
 * Where a run makes MySQL template databases: the server and the name prefix, written
 * before the first is created, so that the run's end finds them all by name.
 */
export interface MysqlTemplateSite {
  server: string;
  prefix: string;
}

export const mysqlSiteFile = (runDir: string) => join(templatesDir(runDir), 'mysql-site.json');

/** The name of a template database: the prefix, the run's tag and the template's. */
export const mysqlTemplateName = (site: MysqlTemplateSite, runDir: string, template: string) =>
  `${site.prefix}_t${runTag(runDir)}_${template}`.slice(0, 64);

/** Ends a run: drops the MySQL template databases it made and removes its folder. */
export async function endTestRun(runDir: string): Promise<void> {
  if (previousTmpdir) {
    if (previousTmpdir.value === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previousTmpdir.value;
    previousTmpdir = undefined;
  }
  if (process.env[RUN_DIR_VARIABLE] === runDir) delete process.env[RUN_DIR_VARIABLE];
  try {
    let site: MysqlTemplateSite | undefined;
    try {
      site = JSON.parse(readFileSync(mysqlSiteFile(runDir), 'utf8')) as MysqlTemplateSite;
    } catch {
      // no MySQL template was made
    }
    if (site) await dropTemplateDatabases(site, runDir);
  } finally {
    rmSync(runDir, { recursive: true, force: true });
  }
}

async function dropTemplateDatabases(site: MysqlTemplateSite, runDir: string): Promise<void> {
  const conn = await mysql.createConnection({ uri: site.server, connectTimeout: 5000 });
  try {
    const like = mysqlTemplateName(site, runDir, '').replace(/_/g, '\\_') + '%';
    const [rows] = await conn.query<mysql.RowDataPacket[]>('SHOW DATABASES LIKE ?', [like]);
    for (const row of rows) {
      const name = String(Object.values(row)[0]);
      await conn.query(`DROP DATABASE IF EXISTS \`${name.replace(/`/g, '')}\``);
    }
  } finally {
    await conn.end();
  }
}
