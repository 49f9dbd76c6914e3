/**
 * The database of the orders browser test: the demo data and 1,000,000 orders, built once
 * and copied for each API that uses it.
 *
 * It is built by the API's own builder (apps/api/src/seed/bulk-orders.ts, from the built
 * `apps/api/dist`, in a child process) into a folder under the system's temporary
 * directory, named by the number of orders and a hash of what decides its contents (the
 * built seed modules and the migrations). A second run with the same build finds it there;
 * a changed build makes a new one and removes the old. The folder holds the SQLite file,
 * the master key it was made with (the API must start with the same key) and `ready.json`
 * (when it was built, how long it took).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '@vmcloud/e2e/processes';

export interface OrdersDatabase {
  /** The folder holding `vmcloud.db` and `master.key`. */
  dir: string;
  orders: number;
  /** The time the orders end at (the newest is just before it), ms since the epoch. */
  now: number;
  /** How long building took, in ms (0 when it was found built). */
  buildMs: number;
  /** How long inserting the orders took when it was built, in ms. */
  insertMs: number;
  /** False when an earlier run built it. */
  built: boolean;
}

const PREFIX = 'vmcloud-orders-db-';

/** Every file under `dir`, recursively, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/** A hash of what the database's contents come from. */
function buildKey(orders: number): string {
  const hash = createHash('sha256').update(String(orders));
  const sources = [
    ...filesUnder(join(ROOT, 'apps/api/dist/seed')).filter((f) => f.endsWith('.js')),
    ...filesUnder(join(ROOT, 'packages/db/migrations/sqlite')),
  ];
  for (const file of sources) hash.update(file).update(readFileSync(file));
  return hash.digest('hex').slice(0, 16);
}

/** Runs the API's builder in a child process on the built API. */
function runBuilder(file: string, masterKeyHex: string, orders: number, now: number): Promise<{ insertMs: number }> {
  const module = join(ROOT, 'apps/api/dist/seed/bulk-orders.js');
  const script = `
    const { prepareOrdersDatabase } = await import(${JSON.stringify(module)});
    const r = await prepareOrdersDatabase(${JSON.stringify(`file:${file}`)}, Buffer.from(${JSON.stringify(masterKeyHex)}, 'hex'),
      { orders: ${orders}, mixed: true, now: new Date(${now}) });
    process.stdout.write(JSON.stringify({ insertMs: r.insertMs }) + '\\n');`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-5000)));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`building the orders database failed (${code}):\n${err}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as { insertMs: number });
    });
  });
}

/** The database with `orders` orders: found from an earlier run of the same build, or built now. */
export async function ordersDatabase(orders = 1_000_000): Promise<OrdersDatabase> {
  const name = `${PREFIX}${orders}-${buildKey(orders)}`;
  const dir = join(tmpdir(), name);
  const ready = join(dir, 'ready.json');
  if (existsSync(ready)) {
    const info = JSON.parse(readFileSync(ready, 'utf8')) as { now: number; insertMs: number };
    return { dir, orders, now: info.now, insertMs: info.insertMs, buildMs: 0, built: false };
  }
  // Databases of other builds are of no more use.
  for (const other of readdirSync(tmpdir())) {
    // (Another process's build under way is left alone.)
    if (other.startsWith(PREFIX) && other !== name && !other.includes('.partial-')) {
      rmSync(join(tmpdir(), other), { recursive: true, force: true });
    }
  }
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const masterKey = createHash('sha256').update(name).digest('hex');
  writeFileSync(join(partial, 'master.key'), `${masterKey}\n`, { mode: 0o600 });
  const now = Date.now();
  const started = performance.now();
  const { insertMs } = await runBuilder(join(partial, 'vmcloud.db'), masterKey, orders, now);
  const buildMs = performance.now() - started;
  writeFileSync(join(partial, 'ready.json'), JSON.stringify({ now, insertMs, buildMs }));
  renameSync(partial, dir);
  return { dir, orders, now, insertMs, buildMs, built: true };
}

/** Copies the database and its key into `into` (an API's data folder), replacing what is there. */
export function copyOrdersDatabase(db: OrdersDatabase, into: string): { bytes: number; ms: number } {
  const started = performance.now();
  for (const suffix of ['', '-wal', '-shm']) rmSync(join(into, `vmcloud.db${suffix}`), { force: true });
  for (const file of ['vmcloud.db', 'vmcloud.db-wal', 'master.key']) {
    const from = join(db.dir, file);
    if (existsSync(from)) copyFileSync(from, join(into, file), constants.COPYFILE_FICLONE);
  }
  return { bytes: statSync(join(into, 'vmcloud.db')).size, ms: performance.now() - started };
}
