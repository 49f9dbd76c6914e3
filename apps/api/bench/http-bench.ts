/**
 * The API over HTTP, next to a bare node:http JSON endpoint (the ceiling), in one run on
 * the same machine:
 *   1. a no-op tRPC query (system.time), through our handler and through tRPC's
 *      standalone adapter, and through our handler with a procedure that has no
 *      middleware at all (what tRPC costs by itself);
 *   2. an authenticated mutation inserting one order with its audit row in a transaction
 *      (orders.record): requests/s flat out, and p50/p99 at a fixed 2,000 requests/s;
 *   3. the orders list over 1,000,000 orders, filtered by machine and time: the first page
 *      and a page 1,000 pages deep, p95.
 * Servers run in child processes; the load generator (autocannon, 50 connections) runs
 * here, on the same cores, as in docs/PERFORMANCE-NOTES.md. The fixed rate is an open loop
 * of its own: autocannon's `overallRate` sends each second's quota in a burst at the start
 * of the second, which measures a queue of 50, not a steady 2,000 requests/s. Next to the
 * HTTP figures, the floor: the statements of one recorded sale run through better-sqlite3
 * directly, with no framework at all.
 *
 *   npm run bench -w @vmcloud/api            BENCH_SECONDS=6 BENCH_ORDERS=1000000
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import Sqlite from 'better-sqlite3';
import { createDb, eq, newId } from '@vmcloud/db';
import { DEMO_OPERATOR, DEMO_PASSWORD } from '../src/seed/index.js';
import { prepareOrdersDatabase } from '../src/seed/bulk-orders.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const ORDERS = Number(process.env.BENCH_ORDERS ?? 1_000_000);
const CONNECTIONS = 50;
const here = new URL('.', import.meta.url).pathname;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(2)} ms`;

/** A database with the platform, the demo operator and ORDERS orders over a year on its three machines. */
async function prepare(dir: string): Promise<string> {
  const url = `file:${join(dir, 'bench.db')}`;
  const { insertMs } = await prepareOrdersDatabase(url, Buffer.alloc(32, 7), { orders: ORDERS });
  console.log(`prepared ${fmt(ORDERS)} orders in ${(insertMs / 1000).toFixed(1)} s`);
  return url;
}

async function startServer(mode: string, url: string): Promise<{ base: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'server.ts'), mode, url], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  for await (const line of lines) {
    const match = /^ready (\d+)$/.exec(line);
    if (match) return { base: `http://127.0.0.1:${match[1]}`, child };
  }
  throw new Error(`server ${mode} did not start`);
}

async function load(options: autocannon.Options): Promise<autocannon.Result> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${options.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return result;
}

/**
 * Requests sent at an even `rate` whatever the answers (an open loop: a slow answer does not
 * hold the next requests back, so it cannot hide itself), each latency taken from the moment
 * the request was handed to the connection pool, waiting for a free connection included.
 * The timer fires about once a millisecond and sends what has fallen due since.
 */
async function fixedRate(
  target: { url: string; method: 'POST'; headers: Record<string, string>; body: string },
  rate: number,
  seconds: number,
): Promise<{ sent: number; failed: number; p50: number; p99: number; max: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const total = rate * seconds;
  const interval = 1000 / rate;
  const times: number[] = [];
  let sent = 0;
  let failed = 0;
  const started = performance.now();
  await new Promise<void>((resolve) => {
    const settle = (sentAt: number, ok: boolean) => {
      if (ok) times.push(performance.now() - sentAt);
      else failed++;
      if (times.length + failed === total) resolve();
    };
    const send = () => {
      const sentAt = performance.now();
      const req = request(target.url, { method: target.method, headers: target.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => settle(sentAt, res.statusCode === 200));
      });
      req.on('error', () => settle(sentAt, false));
      req.end(target.body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      for (; sent < due; sent++) send();
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  agent.destroy();
  times.sort((a, b) => a - b);
  return { sent, failed, p50: percentile(times, 50), p99: percentile(times, 99), max: times[times.length - 1] ?? 0 };
}

/**
 * The floor under orders.record on this database: its statements (three lookups, the order,
 * the channel's stock, the audit row) through better-sqlite3 directly, prepared once,
 * 16 sales to a COMMIT. The rows written are copies of a recorded order and its audit row.
 */
function databaseFloor(file: string, seconds: number): number {
  const client = new Sqlite(file);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = NORMAL');
  client.pragma('foreign_keys = ON');
  try {
    const order = client.prepare('select * from orders where offline = 1 limit 1').get() as Record<string, unknown>;
    const audit = client
      .prepare("select * from audit_log where entity = 'orders' and entity_id = ?")
      .get(order.id) as Record<string, unknown>;
    const channel = client.prepare('select * from channels where id = ?').get(order.channel_id) as Record<
      string,
      unknown
    >;
    const insert = (table: string, row: Record<string, unknown>) =>
      client.prepare(
        `insert into ${table} (${Object.keys(row).join(', ')}) values (${Object.keys(row)
          .map((k) => `@${k}`)
          .join(', ')})`,
      );
    const insertOrder = insert('orders', order);
    const insertAudit = insert('audit_log', audit);
    const machine = client.prepare('select * from machines where tenant_id = ? and id = ?');
    const channelByNumber = client.prepare(
      'select * from channels where tenant_id = ? and machine_id = ? and number = ?',
    );
    const product = client.prepare('select * from products where tenant_id = ? and id = ?');
    const takeStock = client.prepare(
      'update channels set stock = case when stock - 1 < 0 then 0 else stock - 1 end, updated_at = ? where tenant_id = ? and id = ?',
    );
    const tenant = order.tenant_id;
    let sales = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      client.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < 16; i++, sales++) {
        client.exec('SAVEPOINT tx');
        machine.get(tenant, order.machine_id);
        channelByNumber.get(tenant, order.machine_id, channel.number);
        product.get(tenant, order.product_id);
        const id = newId();
        insertOrder.run({ ...order, id, order_no: `F${id.replace(/-/g, '').slice(-20)}`, vend_id: null });
        takeStock.run(Date.now(), tenant, channel.id);
        insertAudit.run({ ...audit, id: newId(), entity_id: id });
        client.exec('RELEASE tx');
      }
      client.exec('COMMIT');
    }
    return sales / ((performance.now() - started) / 1000);
  } finally {
    client.close();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/** p50 and p95 of `count` GETs, `concurrency` at a time. */
async function latencies(url: string, headers: Record<string, string>, count = 400, concurrency = 4) {
  const times: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) {
        const t0 = performance.now();
        const res = await fetch(url, { headers });
        if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
        await res.arrayBuffer();
        times.push(performance.now() - t0);
      }
    }),
  );
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'vmcloud-bench-'));
  const children: ChildProcess[] = [];
  try {
    const url = await prepare(dir);
    const bare = await startServer('bare', url);
    const ours = await startServer('trpc', url);
    const minimal = await startServer('minimal', url);
    const official = await startServer('official', url);
    children.push(bare.child, ours.child, minimal.child, official.child);

    // 1. No-op query.
    const ceiling = await load({ url: `${bare.base}/trpc/system.time` });
    const lean = await load({ url: `${ours.base}/trpc/system.time` });
    const leanest = await load({ url: `${minimal.base}/trpc/system.time` });
    const adapter = await load({ url: `${official.base}/trpc/system.time` });

    // 2. Authenticated mutation: an order and its audit row, in one transaction.
    const login = await fetch(`${ours.base}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantCode: DEMO_OPERATOR.code, username: 'admin', password: DEMO_PASSWORD }),
    });
    const cookie = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] as string };
    const db = await createDb(url, { migrate: false });
    const tenant = await db.platform.tenants.findOne((t) => eq(t.code, DEMO_OPERATOR.code));
    const scope = db.forTenant(tenant?.id ?? '');
    const [machine] = await scope.machines.find({ limit: 1 });
    const [channel] = await scope.channels.find({ where: (c) => eq(c.machineId, machine?.id ?? ''), limit: 1 });
    const ordersBefore = await scope.orders.count();
    const record = {
      url: `${ours.base}/trpc/orders.record`,
      method: 'POST' as const,
      headers: { 'content-type': 'application/json', ...cookie },
      body: JSON.stringify({
        machineId: machine?.id,
        channelNumber: channel?.number,
        soldAt: new Date().toISOString(),
      }),
    };
    const flatOut = await load(record);
    const fixed = await fixedRate(record, 2000, SECONDS);
    if (fixed.failed > 0) throw new Error(`orders.record at 2,000/s: ${fixed.failed} requests failed`);
    const recorded = (await scope.orders.count()) - ordersBefore;
    const floor = databaseFloor(join(dir, 'bench.db'), 3);

    // 3. The orders list, filtered by machine and time: first page, and 1,000 pages deep.
    const from = new Date(Date.now() - 365 * 86_400_000).toISOString();
    const to = new Date(Date.now() - 1 * 86_400_000).toISOString();
    const list = (cursor?: string) =>
      `${ours.base}/trpc/orders.list?input=${encodeURIComponent(
        JSON.stringify({ machineId: machine?.id, from, to, limit: 50, ...(cursor ? { cursor } : {}) }),
      )}`;
    let cursor: string | undefined;
    const depth = Math.min(1000, Math.floor(ORDERS / 3 / 50) - 2);
    for (let page = 0; page < depth; page++) {
      const res = await fetch(list(cursor), { headers: cookie });
      const body = (await res.json()) as { result: { data: { nextCursor: string | null } } };
      cursor = body.result.data.nextCursor ?? undefined;
      if (!cursor) throw new Error(`the list ended after ${page + 1} pages`);
    }
    const firstPage = await latencies(list(), cookie);
    const deepPage = await latencies(list(cursor), cookie);
    await db.close();

    const ratio = (r: autocannon.Result) => (r.requests.average / ceiling.requests.average).toFixed(2);
    console.log(`\nHTTP API, ${SECONDS} s per run, ${CONNECTIONS} connections, load generator on the same cores\n`);
    console.log('| run | requests/s | p50 | p99 | vs bare node:http |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    const row = (name: string, r: autocannon.Result) =>
      console.log(
        `| ${name} | ${fmt(r.requests.average)} | ${ms(r.latency.p50)} | ${ms(r.latency.p99)} | ${ratio(r)} |`,
      );
    row('bare node:http JSON (ceiling)', ceiling);
    row('no-op tRPC query, our handler', lean);
    row('the same, a procedure with no middleware at all (the least tRPC does)', leanest);
    row('no-op tRPC query, tRPC standalone adapter', adapter);
    row('orders.record (session, order + audit row in a transaction), flat out', flatOut);
    console.log(
      `| orders.record at a fixed 2,000 requests/s (open loop, ${fmt(fixed.sent)} sent) | 2,000 | ` +
        `${ms(fixed.p50)} | ${ms(fixed.p99)} | ${(2000 / ceiling.requests.average).toFixed(2)} |`,
    );
    console.log(
      `| floor: orders.record's statements through better-sqlite3, no framework, 16 per COMMIT | ` +
        `${fmt(floor)} | | | ${(floor / ceiling.requests.average).toFixed(2)} |`,
    );
    console.log(`\n${fmt(recorded)} orders recorded by the two orders.record runs.`);
    console.log(`\nOrders list over ${fmt(ORDERS + 1352)} orders, one machine, a year, 50 per page (4 clients):`);
    console.log(`  first page:            p50 ${ms(firstPage.p50)}, p95 ${ms(firstPage.p95)}`);
    console.log(`  ${fmt(depth)} pages deep:      p50 ${ms(deepPage.p50)}, p95 ${ms(deepPage.p95)}`);
    console.log(
      `\nTargets: no-op >= 0.50 of the ceiling (${ratio(lean)}); orders.record >= 0.25 (${ratio(flatOut)}) ` +
        `with p99 < 10 ms at 2,000/s (${ms(fixed.p99)}); list p95 < 50 ms ` +
        `(${ms(Math.max(firstPage.p95, deepPage.p95))}).`,
    );
  } finally {
    for (const child of children) child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
