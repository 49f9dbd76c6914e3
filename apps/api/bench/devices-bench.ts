/**
 * The device channel (docs/device-api.md) over HTTP, in one run on the same machine, the
 * API in a child process running the compiled code `npm start` runs (bench/device-server.ts)
 * and every terminal simulated here with plain node:http, signing each call as a terminal
 * does (Ed25519, a fresh nonce, the current timestamp):
 *   1. N terminals (1,000) holding the `device.events` stream open on one API process,
 *      heartbeating every 30 s (spread evenly) while config events are queued for them
 *      (`configChanged`, one transaction each, at an even rate, then one transaction for the
 *      whole fleet): the API's memory per connected terminal, and push latency from the
 *      event's COMMIT to the terminal reading its `data:` line;
 *   2. the platform's own time in one QR sale with no motor time: createOrder (the order,
 *      the sandbox provider's QR), the provider's payment notification, vendStarted and
 *      reportVend, one sale at a time;
 *   3. heartbeat ingest flat out (signed `device.heartbeat`, many connections) next to the
 *      same writes through better-sqlite3 alone, batched as the HeartbeatBatcher batches,
 *      and next to those writes plus what a signed call does beneath the framework (the
 *      credential, the Ed25519 check, the nonce, the signed answer);
 *   4. a signed `device.recordSales` with one cash sale, flat out, next to `orders.record`
 *      through the same server and next to the statements through better-sqlite3, and its
 *      latency at a fixed 1,000 calls/s (an open loop, as in bench/http-bench.ts) and at
 *      half its flat-out rate.
 * The terminals' machines are the demo operator's, built of the demo's first machine type
 * with their channels laid out, and their credentials are written straight into
 * `device_credentials` (each its own Ed25519 key; one RSA sealing key shared by all).
 * 1,000 streams need 1,000 sockets on each side: `ulimit -n` must be 1,500 or more.
 *
 *   npm run bench -w @vmcloud/api      (after a build; `npm run bench` at the root builds)
 *   BENCH_SECONDS=6 BENCH_TERMINALS=1000 BENCH_SSE_SECONDS=60 BENCH_PUSH_RATE=50 BENCH_SALES=300
 * To look into one part: BENCH_PHASES=fleet,qr,heartbeat,sales (a subset), BENCH_CPU_PROF=DIR
 * (a CPU profile of the server), BENCH_HEAP_SNAPSHOTS=DIR (the server's heap before and
 * after the streams connect), BENCH_DIST=DIR (another build of the API under apps/api).
 */
import { execFileSync, fork } from 'node:child_process';
import {
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  sign as cryptoSign,
  type KeyObject,
} from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request, type ClientRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Sqlite from 'better-sqlite3';
import { and, createDb, eq, newId, openKeyring } from '@vmcloud/db';
import {
  canonicalRequest,
  keyIdOf,
  newNonce,
  openMessage,
  sha256Hex,
  signRequest,
  verifySignature,
  type PlatformMessage,
} from '@vmcloud/protocol/device';
import { DEMO_OPERATOR, DEMO_PASSWORD, seed } from '../src/seed/index.js';
import { layOutChannels } from '../src/channels/layout.js';
import { sandboxSecret } from '../src/payments/sandbox.js';
import type { Command, Pushed } from './device-server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const TERMINALS = Number(process.env.BENCH_TERMINALS ?? 1000);
const SSE_SECONDS = Number(process.env.BENCH_SSE_SECONDS ?? 60);
const PUSH_RATE = Number(process.env.BENCH_PUSH_RATE ?? 50);
const SALES = Number(process.env.BENCH_SALES ?? 300);
/** For profiling one part: a comma-separated subset of fleet,qr,heartbeat,sales (all by default). */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'fleet,qr,heartbeat,sales').split(','));
const HEARTBEAT_SECONDS = 30;
const CONNECTIONS = 50;
const FIXED_RATE = 1000;
const here = new URL('.', import.meta.url).pathname;

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => `${n.toFixed(2)} ms`;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
const wall = () => performance.timeOrigin + performance.now();

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN };
}

interface Terminal {
  machineId: string;
  keyId: string;
  key: KeyObject;
}

const HEARTBEAT = JSON.stringify({
  appVersion: '1.4.0',
  uptimeSeconds: 3600,
  vmcLinkUp: true,
  doorOpen: false,
  temperature: 45,
  errors: 0,
  outboxDepth: 0,
});

function sign(t: Terminal, method: string, target: string, body: string): Record<string, string> {
  return signRequest({ method, target, timestamp: Date.now(), nonce: newNonce(), body }, t.keyId, t.key);
}

/**
 * A database with the platform and the demo data, and TERMINALS more machines of the demo
 * operator (the demo's first machine type, channels laid out, channels 1-3 holding a
 * product at 3.00 with stock for the whole run), each with a terminal's credentials and
 * its last heartbeat's status, so that heartbeats here are the steady state: an update.
 */
async function prepare(dir: string) {
  const url = `file:${join(dir, 'devices.db')}`;
  const db = await createDb(url);
  const keyring = await openKeyring(db, Buffer.alloc(32, 7));
  await seed(db, keyring, { passwordCost: { ln: 10, r: 8, p: 1 } });
  const tenant = await db.platform.tenants.findOne((t) => eq(t.code, DEMO_OPERATOR.code));
  if (!tenant) throw new Error('no demo operator');
  const scope = db.forTenant(tenant.id);
  const [sample] = await scope.machines.find({ limit: 1 });
  if (!sample) throw new Error('no demo machine');
  const type = await db.forTenant(sample.manufacturerId).machineTypes.get(sample.typeId);
  if (!type) throw new Error('no machine type');
  const [product] = await scope.products.find({ where: (p) => eq(p.status, 'active'), limit: 1 });
  if (!product) throw new Error('no product');
  const sealingKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .publicKey.export({ type: 'spki', format: 'pem' })
    .toString();
  const terminals: Terminal[] = [];
  const started = performance.now();
  for (let i = 0; i < TERMINALS;) {
    await db.transaction(async (tx) => {
      const s = tx.forTenant(tenant.id);
      for (let j = 0; j < 100 && i < TERMINALS; j++, i++) {
        const boardId = `BENCH${String(i).padStart(6, '0')}`;
        const machine = await s.machines.insert({
          boardId,
          typeId: type.id,
          manufacturerId: sample.manufacturerId,
          status: 'active',
        });
        await layOutChannels(s, machine, type, null);
        await s.channels.updateWhere((c) => and(eq(c.machineId, machine.id), eq(c.number, 1)), {
          productId: product.id,
          price: 300,
          capacity: 1_000_000,
          stock: 1_000_000,
        });
        await s.machineStatus.insert({
          machineId: machine.id,
          online: true,
          lastHeartbeatAt: new Date(),
          temperature: 45,
          doorOpen: false,
          appVersion: '1.4.0',
          errors: 0,
          vmcLinkUp: true,
          uptimeSeconds: 3600,
          outboxDepth: 0,
        });
        const pair = generateKeyPairSync('ed25519');
        const keyId = keyIdOf(pair.publicKey);
        await tx.platform.deviceCredentials.insert({
          tenantId: tenant.id,
          machineId: machine.id,
          boardId,
          signingKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          sealingKey,
          keyId,
          activatedAt: new Date(),
        });
        terminals.push({ machineId: machine.id, keyId, key: pair.privateKey });
      }
    });
  }
  console.log(
    `prepared ${fmt(TERMINALS)} machines with terminals in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await db.close();
  return { url, file: join(dir, 'devices.db'), tenantId: tenant.id, terminals };
}

/** The API in a child process, and a way to ask it things. */
async function startServer(url: string, keyFile: string) {
  const child = fork(join(here, 'device-server.ts'), [url, keyFile], {
    execArgv: [
      '--expose-gc',
      '--import',
      'tsx',
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
    const ready = (m: { type?: string; port?: number }) => {
      if (m.type === 'ready') {
        child.off('message', ready);
        resolve(m.port as number);
      }
    };
    child.on('message', ready);
  });
  let next = 0;
  const ask = <T>(command: Record<string, unknown> & { cmd: Command['cmd'] }): Promise<T> =>
    new Promise((resolve) => {
      const id = ++next;
      const listen = (m: { id?: number; body?: unknown }) => {
        if (m.id !== id) return;
        child.off('message', listen);
        resolve(m.body as T);
      };
      child.on('message', listen);
      child.send({ ...command, id });
    });
  return { child, base: `http://127.0.0.1:${port}`, port, ask };
}

type Server = Awaited<ReturnType<typeof startServer>>;
interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  waiting: number;
  gc: boolean;
}

/** One HTTP call: status and body, on `agent`. */
function call(
  base: string,
  agent: Agent,
  method: string,
  target: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${target}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A signed call's answer, opened as the terminal opens it. */
async function signedCall<T>(
  server: Server,
  agent: Agent,
  t: Terminal,
  method: 'GET' | 'POST',
  path: string,
  input?: unknown,
) {
  const body = method === 'POST' ? JSON.stringify(input) : '';
  const target =
    method === 'GET' && input !== undefined
      ? `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`
      : `/trpc/${path}`;
  const headers = {
    ...sign(t, method, target, body),
    ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
  };
  const t0 = performance.now();
  const answer = await call(server.base, agent, method, target, headers, method === 'POST' ? body : undefined);
  const elapsed = performance.now() - t0;
  const json = JSON.parse(answer.text) as { result?: { data: PlatformMessage }; error?: { message: string } };
  if (!json.result) throw new Error(`${path}: ${answer.status} ${json.error?.message ?? answer.text}`);
  return { elapsed, message: json.result.data, body: (JSON.parse(json.result.data.payload) as { body: T }).body };
}

// --- 1. 1,000 terminals on the event stream -----------------------------------------------

interface Stream {
  req: ClientRequest;
  connected: Promise<void>;
}

/**
 * A terminal's `device.events` stream, as cheap as a terminal's own: a signed GET on its own
 * socket, the body read as text and split into events at blank lines; `onEvent` gets the
 * event's `id:` and `data:` and the moment its chunk arrived. Resolves `connected` once the
 * answer's head (200, text/event-stream) is in.
 */
function subscribe(base: string, t: Terminal, onEvent: (id: string, data: string, at: number) => void): Stream {
  const target = `/trpc/device.events?input=${encodeURIComponent('{}')}`;
  let req!: ClientRequest;
  const connected = new Promise<void>((resolve, reject) => {
    req = request(
      `${base}${target}`,
      { method: 'GET', headers: { accept: 'text/event-stream', ...sign(t, 'GET', target, '') }, agent: false },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`device.events: ${res.statusCode}`));
          res.resume();
          return;
        }
        resolve();
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (chunk: string) => {
          const at = wall();
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let id = '';
            let data = '';
            for (const line of block.split('\n')) {
              if (line.startsWith('id:')) id = line.slice(3).trim();
              else if (line.startsWith('data:')) data += line.slice(5).trimStart();
            }
            if (id && data) onEvent(id, data, at);
          }
        });
        res.on('error', () => undefined);
      },
    );
    req.on('error', (error) => {
      if (!req.destroyed) reject(error);
    });
    req.end();
  });
  connected.catch(() => undefined);
  return { req, connected };
}

async function fleet(server: Server, tenantId: string, terminals: Terminal[], platformKey: KeyObject) {
  // The two clocks: the child's minus ours, from the round trip that was quickest.
  let offset = 0;
  let best = Infinity;
  for (let i = 0; i < 50; i++) {
    const t0 = wall();
    const { at } = await server.ask<{ at: number }>({ cmd: 'clock' });
    const t1 = wall();
    if (t1 - t0 < best) {
      best = t1 - t0;
      offset = at - (t0 + t1) / 2;
    }
  }

  const received = new Map<string, number>();
  let bad = 0;
  const publicKey = platformKey;
  const byMachine = new Map<string, Terminal>();
  for (const t of terminals) byMachine.set(t.machineId, t);
  const before = await server.ask<Memory>({ cmd: 'mem' });
  const snapshots = process.env.BENCH_HEAP_SNAPSHOTS;
  if (snapshots) await server.ask({ cmd: 'snapshot', file: join(snapshots, 'before.heapsnapshot') });

  const streams: Stream[] = [];
  const connectStarted = performance.now();
  for (let i = 0; i < terminals.length; i += 50) {
    const group = terminals.slice(i, i + 50).map((t) =>
      subscribe(server.base, t, (id, data, at) => {
        received.set(`${t.machineId}:${id}`, at);
        try {
          const message = JSON.parse(data) as PlatformMessage;
          openMessage(message, {
            platformKey: publicKey,
            machineId: t.machineId,
            now: new Date(),
            type: 'event.config',
          });
        } catch {
          bad++;
        }
      }),
    );
    streams.push(...group);
    await Promise.all(group.map((s) => s.connected));
  }
  const connectSeconds = (performance.now() - connectStarted) / 1000;
  // Every stream has looked for events and waits on the hub.
  for (let i = 0; i < 200; i++) {
    if ((await server.ask<Memory>({ cmd: 'mem' })).waiting >= terminals.length) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const connected = await server.ask<Memory>({ cmd: 'mem' });
  if (snapshots) await server.ask({ cmd: 'snapshot', file: join(snapshots, 'connected.heapsnapshot') });

  // Heartbeats every 30 s from every terminal, spread evenly, while events are pushed.
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const heartbeatTimes: number[] = [];
  let heartbeatFailures = 0;
  const interval = (HEARTBEAT_SECONDS * 1000) / terminals.length;
  const total = Math.floor((SSE_SECONDS * 1000) / interval);
  const beats: Promise<void>[] = [];
  const started = performance.now();
  const beating = new Promise<void>((resolve) => {
    let sent = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      for (; sent < due; sent++) {
        const t = terminals[sent % terminals.length] as Terminal;
        const target = '/trpc/device.heartbeat';
        const headers = { 'content-type': 'application/json', ...sign(t, 'POST', target, HEARTBEAT) };
        const t0 = performance.now();
        beats.push(
          call(server.base, agent, 'POST', target, headers, HEARTBEAT).then(
            (r) => {
              if (r.status === 200) heartbeatTimes.push(performance.now() - t0);
              else heartbeatFailures++;
            },
            () => void heartbeatFailures++,
          ),
        );
      }
      if (sent < total) setTimeout(tick, 5);
      else resolve();
    };
    tick();
  });
  const machineIds = [...terminals].sort(() => Math.random() - 0.5).map((t) => t.machineId);
  const pushCount = Math.floor(PUSH_RATE * SSE_SECONDS);
  const pushed = await server.ask<Pushed[]>({ cmd: 'pushes', tenantId, machineIds, rate: PUSH_RATE, count: pushCount });
  await beating;
  await Promise.all(beats);
  await new Promise((r) => setTimeout(r, 1000));
  const during = await server.ask<Memory>({ cmd: 'mem' });

  // One transaction queuing an event for every terminal (a product changed fleet-wide).
  const fanned = await server.ask<Pushed[]>({ cmd: 'fanout', tenantId, machineIds: terminals.map((t) => t.machineId) });
  for (let i = 0; i < 100; i++) {
    if (fanned.every((p) => received.has(`${p.machineId}:${p.seq}`))) break;
    await new Promise((r) => setTimeout(r, 50));
  }

  const latency = (list: Pushed[]) => {
    const times: number[] = [];
    let missing = 0;
    for (const p of list) {
      const at = received.get(`${p.machineId}:${p.seq}`);
      if (at === undefined) missing++;
      else times.push(at + offset - p.committedAt);
    }
    return { ...summary(times), missing };
  };
  const pushLatency = latency(pushed);
  const fanoutLatency = latency(fanned);
  for (const s of streams) s.req.destroy();
  agent.destroy();
  await new Promise((r) => setTimeout(r, 500));
  return {
    before,
    connected,
    during,
    connectSeconds,
    offset,
    clockRoundTrip: best,
    pushLatency,
    fanoutLatency,
    bad,
    heartbeats: summary(heartbeatTimes),
    heartbeatFailures,
    pushCount,
  };
}

// --- 2. A QR sale ---------------------------------------------------------------------------

async function qrSales(server: Server, t: Terminal, tenantId: string, secret: Buffer) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const steps = {
    createOrder: [] as number[],
    notification: [] as number[],
    vendStarted: [] as number[],
    reportVend: [] as number[],
    total: [] as number[],
  };
  const warmUp = 20;
  for (let i = 0; i < SALES + warmUp; i++) {
    const saleId = randomUUID();
    const created = await signedCall<{
      orderNo: string;
      price: number;
      vendId: number;
      status: string;
      qr: { content: string };
    }>(server, agent, t, 'POST', 'device.createOrder', { saleId, channel: 1, paymentMethod: 'qr' });
    const order = created.body;
    const tradeNo = order.qr.content.split('/').at(-1) as string;
    // The customer pays on the provider's page (the provider's time, not the platform's)...
    const page = await call(
      server.base,
      agent,
      'POST',
      `/pay/sandbox/${tradeNo}`,
      { 'content-type': 'application/x-www-form-urlencoded' },
      'action=pay_without_notification',
    );
    if (page.status !== 303) throw new Error(`pay page: ${page.status}`);
    // ...and the provider notifies the platform, signed as the sandbox signs.
    const notice = JSON.stringify({
      merchantOrderNo: order.orderNo,
      tradeNo,
      amount: order.price,
      status: 'paid',
      paidAt: new Date().toISOString(),
    });
    const timestamp = String(Date.now());
    const headers = {
      'content-type': 'application/json',
      'x-sandbox-timestamp': timestamp,
      'x-sandbox-signature': createHmac('sha256', secret).update(`${timestamp}\n${notice}`).digest('base64'),
    };
    const t0 = performance.now();
    const ack = await call(server.base, agent, 'POST', `/pay/notify/sandbox/${tenantId}`, headers, notice);
    const notification = performance.now() - t0;
    if (ack.status !== 200 || !ack.text.includes('SUCCESS')) throw new Error(`notification: ${ack.status} ${ack.text}`);
    const at = new Date().toISOString();
    const started = await signedCall<{ status: string }>(server, agent, t, 'POST', 'device.vendStarted', {
      saleId,
      at,
    });
    if (started.body.status !== 'vending') throw new Error(`vendStarted: ${started.body.status}`);
    const done = await signedCall<{ status: string }>(server, agent, t, 'POST', 'device.reportVend', {
      saleId,
      vendId: order.vendId,
      result: 'ok',
      dispensed: true,
      at: new Date().toISOString(),
    });
    if (done.body.status !== 'completed') throw new Error(`reportVend: ${done.body.status}`);
    if (i < warmUp) continue;
    steps.createOrder.push(created.elapsed);
    steps.notification.push(notification);
    steps.vendStarted.push(started.elapsed);
    steps.reportVend.push(done.elapsed);
    steps.total.push(created.elapsed + notification + started.elapsed + done.elapsed);
  }
  agent.destroy();
  return Object.fromEntries(Object.entries(steps).map(([k, v]) => [k, summary(v)])) as Record<
    keyof typeof steps,
    ReturnType<typeof summary>
  >;
}

// --- 3 and 4. Signed calls flat out and at a fixed rate -------------------------------------

async function load(options: autocannon.Options): Promise<autocannon.Result> {
  const result = await autocannon({ connections: CONNECTIONS, duration: SECONDS, ...options });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${options.url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return result;
}

/** Each request signed afresh by the next terminal in turn. */
function signedLoad(base: string, path: string, terminals: Terminal[], body: () => string) {
  let k = 0;
  const target = `/trpc/${path}`;
  return load({
    url: `${base}${target}`,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>) => {
          const t = terminals[k++ % terminals.length] as Terminal;
          const text = body();
          return {
            ...req,
            method: 'POST',
            path: target,
            body: text,
            headers: { 'content-type': 'application/json', ...sign(t, 'POST', target, text) },
          };
        },
      },
    ],
  });
}

/**
 * Requests sent at an even `rate` whatever the answers (an open loop, as in http-bench.ts),
 * each made (signed) just before it is sent; latency from handing it to the pool to the
 * answer's end, waiting for a free connection included.
 */
async function fixedRate(
  base: string,
  make: () => { target: string; headers: Record<string, string>; body: string },
  rate: number,
  seconds: number,
) {
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
      const { target, headers, body } = make();
      const sentAt = performance.now();
      const req = request(`${base}${target}`, { method: 'POST', headers, agent }, (res) => {
        res.resume();
        res.on('end', () => settle(sentAt, res.statusCode === 200));
      });
      req.on('error', () => settle(sentAt, false));
      req.end(body);
    };
    const tick = () => {
      const due = Math.min(total, Math.floor((performance.now() - started) / interval) + 1);
      for (; sent < due; sent++) send();
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  agent.destroy();
  return { sent, failed, ...summary(times) };
}

const sqlite = (file: string) => {
  const client = new Sqlite(file);
  client.pragma('journal_mode = WAL');
  client.pragma('synchronous = NORMAL');
  client.pragma('foreign_keys = ON');
  return client;
};

/**
 * The floor under heartbeat ingest: what `recordHeartbeat` runs for a steady machine (its
 * machine row, its status row, the status update) through better-sqlite3 directly,
 * prepared once, `batch` heartbeats of different machines to a COMMIT, as the batcher
 * writes the heartbeats of `batch` connections that arrive together.
 */
function heartbeatFloor(file: string, terminals: Terminal[], tenantId: string, batch: number, seconds: number): number {
  const client = sqlite(file);
  try {
    const machine = client.prepare('select * from machines where tenant_id = ? and id = ?');
    const status = client.prepare('select * from machine_status where tenant_id = ? and machine_id = ?');
    const update = client.prepare(
      `update machine_status set online = 1, last_heartbeat_at = ?, temperature = ?, door_open = 0,
       door_opened_at = null, app_version = ?, firmware = ?, errors = ?, vmc_link_up = 1,
       uptime_seconds = ?, outbox_depth = ?, updated_at = ? where tenant_id = ? and id = ?`,
    );
    let done = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      client.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < batch; i++, done++) {
        const t = terminals[done % terminals.length] as Terminal;
        machine.get(tenantId, t.machineId);
        const row = status.get(tenantId, t.machineId) as { id: string; firmware: string | null };
        const now = Date.now();
        update.run(now, 45, '1.4.0', row.firmware, 0, 3600 + done, 0, now, tenantId, row.id);
      }
      client.exec('COMMIT');
    }
    return done / ((performance.now() - started) / 1000);
  } finally {
    client.close();
  }
}

/**
 * The same floor with what a signed call adds beneath the framework, as the API does it
 * today: the credential by key id, the Ed25519 signature checked, the nonce inserted on its
 * own (a COMMIT per call), and the answer signed with the platform's key; the status writes
 * still `batch` to a COMMIT.
 */
function signedHeartbeatFloor(
  file: string,
  terminals: Terminal[],
  tenantId: string,
  platformKey: KeyObject,
  batch: number,
  seconds: number,
): number {
  const client = sqlite(file);
  try {
    const credential = client.prepare('select * from device_credentials where key_id = ?');
    const nonce = client.prepare('select * from device_nonces limit 1').get() as Record<string, unknown>;
    const insertNonce = client.prepare(
      `insert into device_nonces (${Object.keys(nonce).join(', ')}) values (${Object.keys(nonce)
        .map((k) => `@${k}`)
        .join(', ')})`,
    );
    const machine = client.prepare('select * from machines where tenant_id = ? and id = ?');
    const status = client.prepare('select * from machine_status where tenant_id = ? and machine_id = ?');
    const update = client.prepare(
      `update machine_status set online = 1, last_heartbeat_at = ?, temperature = ?, door_open = 0,
       door_opened_at = null, app_version = ?, firmware = ?, errors = ?, vmc_link_up = 1,
       uptime_seconds = ?, outbox_depth = ?, updated_at = ? where tenant_id = ? and id = ?`,
    );
    // One signed request per terminal, checked again and again: the same work as a fresh one.
    const requests = terminals.map((t) => {
      const headers = sign(t, 'POST', '/trpc/device.heartbeat', HEARTBEAT);
      const text = canonicalRequest({
        method: 'POST',
        target: '/trpc/device.heartbeat',
        timestamp: Number(headers['x-vmc-timestamp']),
        nonce: headers['x-vmc-nonce'] as string,
        bodyDigest: sha256Hex(HEARTBEAT),
      });
      return { t, text, signature: headers['x-vmc-signature'] as string };
    });
    const keys = new Map<string, KeyObject>();
    let done = 0;
    const started = performance.now();
    while (performance.now() - started < seconds * 1000) {
      for (let i = 0; i < batch; i++) {
        const r = requests[(done + i) % requests.length] as (typeof requests)[number];
        const row = credential.get(r.t.keyId) as { key_id: string; signing_key: string };
        let key = keys.get(row.key_id);
        if (!key) keys.set(row.key_id, (key = createPublicKey(row.signing_key)));
        if (!verifySignature(r.text, r.signature, key)) throw new Error('the floor signature does not verify');
        insertNonce.run({ ...nonce, id: newId(), nonce: newNonce(), key_id: r.t.keyId });
      }
      client.exec('BEGIN IMMEDIATE');
      for (let i = 0; i < batch; i++, done++) {
        const t = requests[done % requests.length]?.t as Terminal;
        machine.get(tenantId, t.machineId);
        const row = status.get(tenantId, t.machineId) as { id: string; firmware: string | null };
        const now = Date.now();
        update.run(now, 45, '1.4.0', row.firmware, 0, 3600 + done, 0, now, tenantId, row.id);
      }
      client.exec('COMMIT');
      for (let i = 0; i < batch; i++) {
        cryptoSign(null, Buffer.from(`{"configVersion":1,"serverTime":"${new Date().toISOString()}"}`), platformKey);
      }
    }
    return done / ((performance.now() - started) / 1000);
  } finally {
    client.close();
  }
}

/**
 * The floor under `device.recordSales` with one sale: its statements (the sale id lookup,
 * the machine, the channel, the product, the order, the audit row, the channel's stock)
 * through better-sqlite3 directly, prepared once, 16 sales to a COMMIT. The rows written
 * are copies of an order the device channel recorded and its audit row, with time-ordered
 * ids as the API makes them and a random sale id as a terminal makes it.
 */
function saleFloor(file: string, seconds: number): number {
  const client = sqlite(file);
  try {
    const order = client
      .prepare("select * from orders where sale_id is not null and payment_method = 'cash' limit 1")
      .get() as Record<string, unknown>;
    const audit = client
      .prepare("select * from audit_log where entity = 'orders' and entity_id = ?")
      .get(order.id) as Record<string, unknown>;
    const insert = (table: string, row: Record<string, unknown>) =>
      client.prepare(
        `insert into ${table} (${Object.keys(row).join(', ')}) values (${Object.keys(row)
          .map((k) => `@${k}`)
          .join(', ')})`,
      );
    const insertOrder = insert('orders', order);
    const insertAudit = insert('audit_log', audit);
    const bySale = client.prepare('select * from orders where tenant_id = ? and machine_id = ? and sale_id = ?');
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
        const saleId = randomUUID();
        bySale.get(tenant, order.machine_id, saleId);
        machine.get(tenant, order.machine_id);
        channelByNumber.get(tenant, order.machine_id, order.channel_number);
        product.get(tenant, order.product_id);
        const id = newId();
        insertOrder.run({ ...order, id, order_no: `F${id.replace(/-/g, '').slice(-20)}`, sale_id: saleId });
        takeStock.run(Date.now(), tenant, order.channel_id);
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

const cashSale = () =>
  JSON.stringify({
    sales: [
      {
        saleId: randomUUID(),
        channel: 1,
        vendId: 7,
        price: 300,
        paymentMethod: 'cash',
        result: 'ok',
        dispensed: true,
        soldAt: new Date().toISOString(),
      },
    ],
  });

async function main() {
  // Each side holds a socket per terminal: refuse to start rather than fail halfway.
  const files = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
  if (files !== 'unlimited' && Number(files) < TERMINALS + 500) {
    throw new Error(
      `ulimit -n is ${files}: ${fmt(TERMINALS)} terminals need ${fmt(TERMINALS + 500)}; raise it (ulimit -n 4096) or set BENCH_TERMINALS`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'vmcloud-devices-bench-'));
  let server: Server | undefined;
  try {
    const platform = generateKeyPairSync('ed25519');
    const keyFile = join(dir, 'platform-key.pem');
    writeFileSync(keyFile, platform.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const { url, file, tenantId, terminals } = await prepare(dir);
    server = await startServer(url, keyFile);

    const n = terminals.length;
    const goals: string[] = [];
    const goal = (ok: boolean) => (ok ? 'met' : 'MISSED');
    const floorRatio = (r: number, floor: number) => (r / floor).toFixed(2);
    const out: string[] = [];
    const print = (line = '') => out.push(line);

    // 1. The fleet on the event stream (first, on a fresh process: nothing of theirs cached yet).
    if (PHASES.has('fleet')) {
      const f = await fleet(server, tenantId, terminals, platform.publicKey);
      const perRss = (f.connected.rss - f.before.rss) / n;
      const perHeap = (f.connected.heapUsed - f.before.heapUsed) / n;
      const perExternal = (f.connected.external - f.before.external) / n;
      print(
        `1. ${fmt(n)} terminals on device.events (all connected in ${f.connectSeconds.toFixed(1)} s), ` +
          `heartbeats every ${HEARTBEAT_SECONDS} s, ${fmt(f.pushCount)} config events over ${SSE_SECONDS} s` +
          `${f.before.gc ? '' : ' (no --expose-gc: memory without a full GC)'}`,
      );
      print();
      print('| the API process, after a full GC | RSS | heap used | external |');
      print('| --- | ---: | ---: | ---: |');
      print(`| before connecting | ${mib(f.before.rss)} | ${mib(f.before.heapUsed)} | ${mib(f.before.external)} |`);
      print(
        `| ${fmt(f.connected.waiting)} streams open | ${mib(f.connected.rss)} | ${mib(f.connected.heapUsed)} | ${mib(f.connected.external)} |`,
      );
      print(
        `| after ${SSE_SECONDS} s of heartbeats and pushes | ${mib(f.during.rss)} | ${mib(f.during.heapUsed)} | ${mib(f.during.external)} |`,
      );
      print(`| **per connected terminal** | **${kib(perRss)}** | **${kib(perHeap)}** | ${kib(perExternal)} |`);
      print();
      print('| push, from the COMMIT to the `data:` line read | events | p50 | p99 | max | missing |');
      print('| --- | ---: | ---: | ---: | ---: | ---: |');
      const row = (name: string, l: typeof f.pushLatency) =>
        print(`| ${name} | ${fmt(l.n)} | ${ms(l.p50)} | ${ms(l.p99)} | ${ms(l.max)} | ${l.missing} |`);
      row(`one machine per transaction, ${PUSH_RATE}/s`, f.pushLatency);
      row(`all ${fmt(n)} machines in one transaction`, f.fanoutLatency);
      print();
      print(
        `Heartbeats meanwhile: ${fmt(f.heartbeats.n)}, p50 ${ms(f.heartbeats.p50)}, p99 ${ms(f.heartbeats.p99)}, ` +
          `${f.heartbeatFailures} failed. Events refused by the terminals' check: ${f.bad}. ` +
          `Clocks aligned within ${ms(f.clockRoundTrip / 2)} (offset ${ms(f.offset)}).`,
      );
      print();
      goals.push(
        `push p99 < 250 ms: ${goal(f.pushLatency.p99 < 250)} (${ms(f.pushLatency.p99)})`,
        `< 64 KiB per terminal: ${goal(perRss < 65536 && perHeap < 65536)} (RSS ${kib(perRss)}, heap ${kib(perHeap)})`,
      );
    }

    // 2. QR sales, one at a time, on one terminal.
    if (PHASES.has('qr')) {
      const qr = await qrSales(server, terminals[0] as Terminal, tenantId, sandboxSecret(platform.privateKey));
      print(
        `2. The platform's time in one QR sale with no motor time: ${fmt(SALES)} sales one after another, ` +
          `each call's wall time from sending the request to the answer's last byte, on 127.0.0.1`,
      );
      print();
      print('| step | p50 | p99 |');
      print('| --- | ---: | ---: |');
      const step = (name: string, s: ReturnType<typeof summary>) => print(`| ${name} | ${ms(s.p50)} | ${ms(s.p99)} |`);
      step('`device.createOrder` (order, payment, the sandbox QR)', qr.createOrder);
      step("the provider's payment notification (verified, order paid, event queued)", qr.notification);
      step('`device.vendStarted`', qr.vendStarted);
      step('`device.reportVend` (completed, stock taken)', qr.reportVend);
      step('**the sale: the four summed, sale by sale**', qr.total);
      print();
    }

    if (PHASES.has('heartbeat') || PHASES.has('sales')) {
      print(
        `3 and 4. Signed calls, ${SECONDS} s per run, ${CONNECTIONS} connections, each request signed by the next of ${fmt(n)} terminals`,
      );
      print();
      print('| run | calls/s | p50 | p99 | vs floor |');
      print('| --- | ---: | ---: | ---: | ---: |');
    }
    // 3. Heartbeats flat out, and the floor.
    if (PHASES.has('heartbeat')) {
      const heartbeats = await signedLoad(server.base, 'device.heartbeat', terminals, () => HEARTBEAT);
      const hbFloor = heartbeatFloor(file, terminals, tenantId, CONNECTIONS, 3);
      const signedFloor = signedHeartbeatFloor(file, terminals, tenantId, platform.privateKey, CONNECTIONS, 3);
      const ratio = floorRatio(heartbeats.requests.average, hbFloor);
      print(
        `| \`device.heartbeat\`, flat out | ${fmt(heartbeats.requests.average)} | ${ms(heartbeats.latency.p50)} | ${ms(heartbeats.latency.p99)} | **${ratio}** |`,
      );
      print(
        `| floor: the heartbeat's statements through better-sqlite3, ${CONNECTIONS} to a COMMIT | ${fmt(hbFloor)} | | | 1.00 |`,
      );
      print(
        `| the same with a signed call's own work beneath the framework (credential, Ed25519 check, nonce committed alone, answer signed) | ${fmt(signedFloor)} | | | ${floorRatio(signedFloor, hbFloor)} |`,
      );
      goals.push(`heartbeats >= 0.5 of the floor: ${goal(heartbeats.requests.average >= 0.5 * hbFloor)} (${ratio})`);
    }

    // 4. A cash sale through the device channel, orders.record through the same server, the floor.
    if (PHASES.has('sales')) {
      const sales = await signedLoad(server.base, 'device.recordSales', terminals, cashSale);
      const login = await fetch(`${server.base}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenantCode: DEMO_OPERATOR.code, username: 'admin', password: DEMO_PASSWORD }),
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
      const record = await load({
        url: `${server.base}/trpc/orders.record`,
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({
          machineId: terminals[1]?.machineId,
          channelNumber: 1,
          soldAt: new Date().toISOString(),
        }),
      });
      let k = 0;
      const fixed = await fixedRate(
        server.base,
        () => {
          const t = terminals[k++ % terminals.length] as Terminal;
          const body = cashSale();
          const target = '/trpc/device.recordSales';
          return { target, body, headers: { 'content-type': 'application/json', ...sign(t, 'POST', target, body) } };
        },
        FIXED_RATE,
        SECONDS,
      );
      // And at a rate this server holds (half its flat-out rate), for the latency it then gives.
      const heldRate = Math.max(50, Math.floor(sales.requests.average / 2 / 50) * 50);
      const held = await fixedRate(
        server.base,
        () => {
          const t = terminals[k++ % terminals.length] as Terminal;
          const body = cashSale();
          const target = '/trpc/device.recordSales';
          return { target, body, headers: { 'content-type': 'application/json', ...sign(t, 'POST', target, body) } };
        },
        heldRate,
        SECONDS,
      );
      const sFloor = saleFloor(file, 3);
      const row = (name: string, r: autocannon.Result) =>
        print(
          `| ${name} | ${fmt(r.requests.average)} | ${ms(r.latency.p50)} | ${ms(r.latency.p99)} | ${floorRatio(r.requests.average, sFloor)} |`,
        );
      row('`device.recordSales`, one cash sale, signed, flat out', sales);
      row('`orders.record` (session), flat out, the same server', record);
      print(
        `| \`device.recordSales\` at a fixed ${fmt(FIXED_RATE)}/s (open loop, ${fmt(fixed.sent)} sent, ${fixed.failed} failed) | ${fmt(FIXED_RATE)} | ${ms(fixed.p50)} | **${ms(fixed.p99)}** | ${floorRatio(FIXED_RATE, sFloor)} |`,
      );
      print(
        `| \`device.recordSales\` at a fixed ${fmt(heldRate)}/s, half the flat-out rate (${fmt(held.sent)} sent, ${held.failed} failed) | ${fmt(heldRate)} | ${ms(held.p50)} | ${ms(held.p99)} | ${floorRatio(heldRate, sFloor)} |`,
      );
      print(`| floor: the sale's statements through better-sqlite3, 16 to a COMMIT | ${fmt(sFloor)} | | | 1.00 |`);
      print();
      print(`device.recordSales / orders.record: ${(sales.requests.average / record.requests.average).toFixed(2)}`);
      goals.push(`recordSales p99 < 10 ms at ${fmt(FIXED_RATE)}/s: ${goal(fixed.p99 < 10)} (${ms(fixed.p99)})`);
    }

    console.log(`\nDevice channel: one API process, the load generator on the same cores\n`);
    for (const line of out) console.log(line);
    console.log(`\nGoals: ${goals.join('; ')}.`);
  } finally {
    server?.child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
