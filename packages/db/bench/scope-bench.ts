/**
 * What the tenant-scoped data-access layer costs per call, measured next to the raw
 * driver doing the same statements on the same database, in one run.
 *
 *   npm run bench -w @vmcloud/db
 *
 * SQLite always runs (a temp file, the layer on one connection and raw better-sqlite3
 * prepared statements on another). MySQL runs when VMCLOUD_TEST_MYSQL_URL is set or
 * CI=true, on a fresh database from openTestDatabase('mysql'), raw side through mysql2
 * `pool.execute`. Each case is a sequential single-client loop (per-call overhead),
 * warmed up first and bounded by a count and a time, whichever comes first.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite from 'better-sqlite3';
import mysql from 'mysql2/promise';
import { asc, createDb, eq, newId, type Database } from '../src/index.js';
import { mysqlTestUrl, openTestDatabase } from '../src/testing/databases.js';

// ---------------------------------------------------------------------------------------
// Harness

interface Limits {
  /** Stop after this many operations... */
  ops: number;
  /** ...or after this many seconds, whichever comes first. */
  seconds: number;
  /** Operations kept in flight at once (default 1: a sequential loop). */
  concurrency?: number;
}

interface Result {
  name: string;
  ops: number;
  opsPerSec: number;
  /** Latencies in microseconds. */
  p50: number;
  p99: number;
}

const RUN: Limits = { ops: 5000, seconds: 3 };
const WARMUP: Limits = { ops: 300, seconds: 0.5 };

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Runs `fn` up to `ops` times or for `seconds`; a synchronous `fn` is not awaited. */
async function loop(fn: (i: number) => unknown, limits: Limits, latencies?: Float64Array): Promise<number> {
  let next = 0;
  const deadline = performance.now() + limits.seconds * 1000;
  const worker = async () => {
    while (next < limits.ops && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      const pending = fn(i);
      if (isPromiseLike(pending)) await pending;
      if (latencies) latencies[i] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: limits.concurrency ?? 1 }, worker));
  return next;
}

/** Warms `fn` up, then measures it: ops/s and p50/p99 latency in microseconds. */
async function measure(name: string, fn: (i: number) => unknown, limits: Limits = RUN): Promise<Result> {
  let calls = 0;
  await loop(() => fn(calls++), { ...WARMUP, concurrency: limits.concurrency ?? 1 });
  const latencies = new Float64Array(limits.ops);
  const start = performance.now();
  const ops = await loop(() => fn(calls++), limits, latencies);
  const elapsed = (performance.now() - start) / 1000;
  const sorted = latencies.subarray(0, ops).sort();
  const at = (q: number) => (sorted[Math.min(ops - 1, Math.floor(q * ops))] ?? 0) * 1000;
  const result = { name, ops, opsPerSec: ops / elapsed, p50: at(0.5), p99: at(0.99) };
  console.log(
    `  ${name.padEnd(44)} ${fmt(result.opsPerSec).padStart(9)} ops/s  p50 ${fmt(result.p50).padStart(7)} µs  p99 ${fmt(result.p99).padStart(7)} µs  (${ops} ops)`,
  );
  return result;
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1);
}

// ---------------------------------------------------------------------------------------
// Data: 3 tenants, ~10,000 products in the one the reads use

const PRODUCTS_READ_TENANT = 10_000;
const PRODUCTS_OTHER_TENANTS = 5_000;
const PAGE = 20;

/** A small seeded PRNG (mulberry32), so every run reads the same rows in the same order. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Seeded {
  /** The tenant whose ~10,000 products the reads run over. */
  readTenant: string;
  /** The tenant the inserts and transactions write to. */
  writeTenant: string;
  /** Ids of the read tenant's products, shuffled. */
  ids: string[];
}

async function seed(db: Database): Promise<Seeded> {
  const rand = random(42);
  const tenants: string[] = [];
  for (let n = 1; n <= 3; n++) {
    const tenant = await db.platform.tenants.insert({
      kind: 'operator',
      code: `90000${n}`,
      name: `Bench operator ${n}`,
    });
    const count = n === 1 ? PRODUCTS_READ_TENANT : PRODUCTS_OTHER_TENANTS;
    const rows = Array.from({ length: count }, (_, i) => ({
      code: `P${i}`,
      name: `Product ${i}`,
      price: 100 + Math.floor(rand() * 100_000),
      status: rand() < 0.9 ? ('active' as const) : ('discontinued' as const),
    }));
    await db.forTenant(tenant.id).products.insertMany(rows);
    tenants.push(tenant.id);
  }
  const [readTenant, writeTenant] = tenants;
  if (!readTenant || !writeTenant) throw new Error('seeding made no tenants');
  const ids = (await db.forTenant(readTenant).products.find()).map((p) => p.id);
  for (let i = ids.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [ids[i], ids[j]] = [ids[j] ?? '', ids[i] ?? ''];
  }
  return { readTenant, writeTenant, ids };
}

function nth(ids: string[], i: number): string {
  const id = ids[i % ids.length];
  if (id === undefined) throw new Error('no ids to read');
  return id;
}

// ---------------------------------------------------------------------------------------
// The same statements, scoped and raw

const PRODUCT_COLUMNS =
  'id, tenant_id, code, name, spec, unit, cost, price, image_url, description, status, created_at, updated_at, created_by, updated_by';
const SQL = {
  insertProduct: `INSERT INTO products (${PRODUCT_COLUMNS}) VALUES (${Array(15).fill('?').join(', ')})`,
  getProduct: `SELECT ${PRODUCT_COLUMNS} FROM products WHERE tenant_id = ? AND id = ? LIMIT 1`,
  page: `SELECT ${PRODUCT_COLUMNS} FROM products WHERE tenant_id = ? AND status = ? ORDER BY price LIMIT ${PAGE}`,
  insertStock:
    'INSERT INTO warehouse_stock (id, tenant_id, product_id, quantity, created_at, updated_at, created_by, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
};

type Param = string | number | Date | null;

function productParams(id: string, tenantId: string, code: string, at: number | Date): Param[] {
  return [id, tenantId, code, `Product ${code}`, null, 'pcs', 0, 1234, null, null, 'active', at, at, null, null];
}

function stockParams(productId: string, tenantId: string, at: number | Date): Param[] {
  return [newId(), tenantId, productId, 10, at, at, null, null];
}

/** One operation of each case; a raw one may be synchronous (better-sqlite3). */
interface Ops {
  insert(code: string): unknown;
  get(id: string): unknown;
  page(): unknown;
  transaction(code: string): unknown;
}

function scopedOps(db: Database, s: Seeded): Ops {
  return {
    insert: (code) => db.forTenant(s.writeTenant).products.insert({ code, name: `Product ${code}`, price: 1234 }),
    get: (id) => db.forTenant(s.readTenant).products.get(id),
    page: () =>
      db.forTenant(s.readTenant).products.find({
        where: (t) => eq(t.status, 'active'),
        orderBy: (t) => [asc(t.price)],
        limit: PAGE,
      }),
    transaction: (code) =>
      db.transaction(async (tx) => {
        const scope = tx.forTenant(s.writeTenant);
        const product = await scope.products.insert({ code, name: `Product ${code}`, price: 1234 });
        await scope.warehouseStock.insert({ productId: product.id, quantity: 10 });
      }),
  };
}

function rawSqliteOps(client: BetterSqlite.Database, s: Seeded): Ops {
  const insertProduct = client.prepare<Param[]>(SQL.insertProduct);
  const getProduct = client.prepare<Param[], Record<string, unknown>>(SQL.getProduct);
  const page = client.prepare<Param[], Record<string, unknown>>(SQL.page);
  const insertStock = client.prepare<Param[]>(SQL.insertStock);
  const both = client.transaction((code: string) => {
    const id = newId();
    const at = Date.now();
    insertProduct.run(...productParams(id, s.writeTenant, code, at));
    insertStock.run(...stockParams(id, s.writeTenant, at));
  });
  return {
    insert: (code) => insertProduct.run(...productParams(newId(), s.writeTenant, code, Date.now())),
    get: (id) => getProduct.get(s.readTenant, id),
    page: () => page.all(s.readTenant, 'active'),
    // BEGIN IMMEDIATE, as the layer's SqliteRunner opens its transactions.
    transaction: (code) => both.immediate(code),
  };
}

function rawMysqlOps(pool: mysql.Pool, s: Seeded): Ops {
  return {
    insert: (code) => pool.execute(SQL.insertProduct, productParams(newId(), s.writeTenant, code, new Date())),
    get: (id) => pool.execute(SQL.getProduct, [s.readTenant, id]),
    page: () => pool.execute(SQL.page, [s.readTenant, 'active']),
    transaction: async (code) => {
      const conn = await pool.getConnection();
      try {
        await conn.beginTransaction();
        const id = newId();
        const at = new Date();
        await conn.execute(SQL.insertProduct, productParams(id, s.writeTenant, code, at));
        await conn.execute(SQL.insertStock, stockParams(id, s.writeTenant, at));
        await conn.commit();
      } catch (error) {
        await conn.rollback();
        throw error;
      } finally {
        conn.release();
      }
    },
  };
}

/** Both sides must read real rows, or the bench would time misses. */
async function check(scoped: Ops, raw: Ops, s: Seeded): Promise<void> {
  const id = nth(s.ids, 0);
  const rows = async (value: unknown): Promise<unknown[]> => {
    const settled = isPromiseLike(value) ? await value : value;
    // mysql2 resolves [rows, fields]; better-sqlite3 returns the row(s) themselves.
    const data = Array.isArray(settled) && Array.isArray(settled[0]) ? settled[0] : settled;
    return Array.isArray(data) ? data : data === undefined ? [] : [data];
  };
  const [scopedGet, rawGet, scopedPage, rawPage] = await Promise.all([
    rows(scoped.get(id)),
    rows(raw.get(id)),
    rows(scoped.page()),
    rows(raw.page()),
  ]);
  if (scopedGet.length !== 1 || rawGet.length !== 1) throw new Error('get by id found no row');
  if (scopedPage.length !== PAGE || rawPage.length !== PAGE)
    throw new Error(`the page query did not return ${PAGE} rows`);
}

interface Pair {
  name: string;
  scoped: Result;
  raw: Result;
}

async function pair(
  name: string,
  scoped: (i: number) => unknown,
  raw: (i: number) => unknown,
  limits?: Limits,
): Promise<Pair> {
  return {
    name,
    scoped: await measure(`${name} / scoped`, scoped, limits),
    raw: await measure(`${name} / raw`, raw, limits),
  };
}

async function cases(label: string, scoped: Ops, raw: Ops, s: Seeded): Promise<Pair[]> {
  await check(scoped, raw, s);
  return [
    await pair(
      `${label} (a) insert product`,
      (i) => scoped.insert(`S${i}`),
      (i) => raw.insert(`R${i}`),
    ),
    await pair(
      `${label} (b) get by id`,
      (i) => scoped.get(nth(s.ids, i)),
      (i) => raw.get(nth(s.ids, i)),
    ),
    await pair(
      `${label} (c) page: status, by price, ${PAGE}`,
      () => scoped.page(),
      () => raw.page(),
    ),
    await pair(
      `${label} transaction: product + stock`,
      (i) => scoped.transaction(`TS${i}`),
      (i) => raw.transaction(`TR${i}`),
    ),
  ];
}

// ---------------------------------------------------------------------------------------
// The dialects

async function benchSqlite(): Promise<Pair[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vmcloud-bench-'));
  const file = join(dir, 'bench.db');
  const db = await createDb(`file:${file}`);
  // A second connection with the settings createDb gives its own (they are per connection).
  const client = new BetterSqlite(file);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = NORMAL');
  client.pragma('foreign_keys = ON');
  client.pragma('busy_timeout = 5000');
  try {
    const version = client.prepare<[], { v: string }>('select sqlite_version() as v').get();
    console.log(`\nSQLite ${version?.v ?? '?'} (better-sqlite3, WAL, synchronous=NORMAL), ${file}`);
    const s = await seed(db);
    console.log(`  seeded 3 tenants, ${PRODUCTS_READ_TENANT + 2 * PRODUCTS_OTHER_TENANTS} products`);
    return await cases('SQLite', scopedOps(db, s), rawSqliteOps(client, s), s);
  } finally {
    client.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const MYSQL_SKIPPED =
  'MySQL skipped: VMCLOUD_TEST_MYSQL_URL is not set and CI is not true ' +
  '(set VMCLOUD_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/vmcloud_test to run it).';

async function benchMysql(): Promise<Pair[]> {
  const test = await openTestDatabase('mysql');
  // The raw side: its own pool on the same database, with the options createDb uses.
  const pool = mysql.createPool({
    uri: test.url,
    connectionLimit: 10,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: false,
    charset: 'utf8mb4_unicode_ci',
  });
  try {
    const [rows] = await pool.query<mysql.RowDataPacket[]>('SELECT VERSION() AS v');
    const where = new URL(test.url);
    console.log(`\nMySQL ${String(rows[0]?.v)} at ${where.host}${where.pathname} (mysql2 pool of 10)`);
    const s = await seed(test.db);
    console.log(`  seeded 3 tenants, ${PRODUCTS_READ_TENANT + 2 * PRODUCTS_OTHER_TENANTS} products`);
    const scoped = scopedOps(test.db, s);
    const raw = rawMysqlOps(pool, s);
    const results = await cases('MySQL', scoped, raw, s);
    results.push(
      await pair(
        'MySQL (b) get by id, 8 in flight',
        (i) => scoped.get(nth(s.ids, i)),
        (i) => raw.get(nth(s.ids, i)),
        { ...RUN, concurrency: 8 },
      ),
    );
    return results;
  } finally {
    await pool.end();
    await test.drop();
  }
}

// ---------------------------------------------------------------------------------------

function table(pairs: Pair[]): string {
  const us = (r: Result) => `${fmt(r.p50)} / ${fmt(r.p99)}`;
  const lines = [
    '| case | scoped ops/s | raw ops/s | ratio | scoped p50/p99 µs | raw p50/p99 µs |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...pairs.map(
      (p) =>
        `| ${p.name} | ${fmt(p.scoped.opsPerSec)} | ${fmt(p.raw.opsPerSec)} | ${(p.scoped.opsPerSec / p.raw.opsPerSec).toFixed(2)} | ${us(p.scoped)} | ${us(p.raw)} |`,
    ),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Scoped data-access layer vs raw driver: Node ${process.version}, ${cpus().length} x ${cpu}`);
  console.log(`Each case: warm-up ${WARMUP.ops} ops or ${WARMUP.seconds} s, then ${RUN.ops} ops or ${RUN.seconds} s.`);

  const pairs = await benchSqlite();
  const withMysql = mysqlTestUrl() !== undefined;
  if (withMysql) pairs.push(...(await benchMysql()));

  console.log('\nratio = scoped ops/s / raw ops/s (1.00 = no overhead)\n');
  console.log(table(pairs));
  if (!withMysql) console.log(`\n${MYSQL_SKIPPED}`);
  console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

await main();
