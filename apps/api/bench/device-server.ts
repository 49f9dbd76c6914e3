/**
 * The API as `npm start` runs it (the compiled code in dist/, every route, the device
 * channel with its heartbeat batcher and event hub), in its own process, driven by
 * bench/devices-bench.ts over an IPC channel:
 *
 *   device-server.ts <sqlite url> <platform signing key, PKCS#8 PEM file>
 *
 * Sends `{ type: 'ready', port }` once listening, then answers the bench's requests:
 *   mem      the process's memory after two full garbage collections (run with --expose-gc),
 *            and how many event streams wait on the hub;
 *   clock    this process's clock, to align it with the bench's;
 *   snapshot writes a heap snapshot (BENCH_HEAP_SNAPSHOTS, to see what a connected terminal costs);
 *   pushes   queues config events for machines one transaction each at an even rate (an
 *            operator's change, through the domain function `configChanged`), and answers
 *            each event's machine, number and the moment its transaction committed;
 *   fanout   the same for many machines in one transaction (a product changed fleet-wide).
 * "Committed" is the moment the writer wakes the hub, right after its COMMIT returned.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { writeHeapSnapshot } from 'node:v8';
import type { AddressInfo } from 'node:net';
import { createDb, openKeyring } from '@vmcloud/db';

/** The compiled API: dist/, or BENCH_DIST (a directory under apps/api holding another build, for experiments). */
const distDir = new URL(process.env.BENCH_DIST ? `../${process.env.BENCH_DIST}/` : '../dist/', import.meta.url);
const dist = (path: string) => new URL(path, distDir).href;
const { PrincipalCache } = (await import(dist('auth/principal.js'))) as typeof import('../src/auth/principal.js');
const { createLogger } = (await import(dist('log.js'))) as typeof import('../src/log.js');
const { createApiServer } = (await import(dist('server.js'))) as typeof import('../src/server.js');
const { createDeviceServices } = (await import(
  dist('devices/services.js')
)) as typeof import('../src/devices/services.js');
const { configChanged } = (await import(dist('devices/events.js'))) as typeof import('../src/devices/events.js');
const { writerOf } = (await import(dist('shared/writer.js'))) as typeof import('../src/shared/writer.js');

const [url = '', keyFile = ''] = process.argv.slice(2);

/** Milliseconds on a clock both processes share (the system clock, at sub-millisecond resolution). */
const wall = () => performance.timeOrigin + performance.now();

export interface Pushed {
  machineId: string;
  seq: number;
  committedAt: number;
}

export type Command =
  | { id: number; cmd: 'mem' }
  | { id: number; cmd: 'clock' }
  | { id: number; cmd: 'snapshot'; file: string }
  | { id: number; cmd: 'pushes'; tenantId: string; machineIds: string[]; rate: number; count: number }
  | { id: number; cmd: 'fanout'; tenantId: string; machineIds: string[] };

async function main() {
  const db = await createDb(url);
  const now = () => new Date();
  const devices = createDeviceServices({
    db,
    now,
    signingKey: createPrivateKey(readFileSync(keyFile, 'utf8')),
    settings: { publicUrl: 'http://127.0.0.1' },
  });
  const server = createApiServer({
    services: {
      db,
      keyring: await openKeyring(db, Buffer.alloc(32, 7)),
      log: createLogger('error'),
      principals: new PrincipalCache(),
      sessionTtlMs: 3_600_000,
      secureCookies: false,
      now,
      devices,
    },
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', 4096);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  devices.settings.publicUrl = `http://127.0.0.1:${port}`;

  /** Queues a config event for each of `machineIds` in one transaction; answers when each committed. */
  async function push(tenantId: string, machineIds: string[]): Promise<Pushed[]> {
    let committedAt = 0;
    const hub = {
      notify(ids: Iterable<string>) {
        committedAt = wall();
        devices.hub.notify(ids);
      },
    };
    const write = writerOf({ db, hub, requestId: null, ip: null }, tenantId, null, 'bench.push');
    const seqs = await write(async (w) => {
      await configChanged(w, machineIds, now());
      const out: { machineId: string; seq: number }[] = [];
      for (const machineId of machineIds) {
        const machine = await w.scope.machines.get(machineId);
        out.push({ machineId, seq: machine?.eventSeq ?? -1 });
      }
      return out;
    });
    return seqs.map((s) => ({ ...s, committedAt }));
  }

  async function pushes(tenantId: string, machineIds: string[], rate: number, count: number): Promise<Pushed[]> {
    const out: Promise<Pushed[]>[] = [];
    const interval = 1000 / rate;
    const started = performance.now();
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = () => {
        const due = Math.min(count, Math.floor((performance.now() - started) / interval) + 1);
        for (; sent < due; sent++) out.push(push(tenantId, [machineIds[sent % machineIds.length] as string]));
        if (sent < count) setTimeout(tick, 1);
        else resolve();
      };
      tick();
    });
    return (await Promise.all(out)).flat();
  }

  process.on('message', (message: Command) => {
    const answer = (body: unknown) => process.send?.({ id: message.id, body });
    switch (message.cmd) {
      case 'mem': {
        const gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        gc?.();
        answer({ ...process.memoryUsage(), waiting: devices.hub.waiting, gc: Boolean(gc) });
        break;
      }
      case 'snapshot':
        answer({ file: writeHeapSnapshot(message.file) });
        break;
      case 'clock':
        answer({ at: wall() });
        break;
      case 'pushes':
        void pushes(message.tenantId, message.machineIds, message.rate, message.count).then(answer);
        break;
      case 'fanout':
        void push(message.tenantId, message.machineIds).then(answer);
        break;
    }
  });
  process.once('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', port });
}

process.once('SIGINT', () => process.exit(0));
process.once('SIGTERM', () => process.exit(0));
void main();
