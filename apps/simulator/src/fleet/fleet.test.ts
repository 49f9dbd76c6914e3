/**
 * The fleet against a real API process (built, on a scratch SQLite file): it provisions a
 * machine through the API, activates its terminal and sells; a second start reuses it all.
 * Skipped, with the reason, when the API or the terminal is not built.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFleet, type FleetOptions } from './fleet.js';
import { Session, DEMO_PEOPLE } from './platform.js';
import { TERMINAL_MAIN } from './terminal.js';

const API_MAIN = fileURLToPath(new URL('../../../api/dist/main.js', import.meta.url));
const built = existsSync(API_MAIN) && existsSync(TERMINAL_MAIN);
if (!built) console.log(`fleet test skipped: build the API and the terminal first (${API_MAIN}, ${TERMINAL_MAIN})`);

let dir = '';
let api: ChildProcess | undefined;
let apiUrl = '';
let t0 = Date.now();

beforeAll(async () => {
  if (!built) return;
  t0 = Date.now();
  dir = mkdtempSync(join(tmpdir(), 'vmcloud-fleet-'));
  api = spawn(process.execPath, [API_MAIN, 'start'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: `file:${join(dir, 'vmcloud.db')}`,
      VMCLOUD_MASTER_KEY_FILE: join(dir, 'master.key'),
      VMCLOUD_SIGNING_KEY_FILE: join(dir, 'signing.key'),
      VMCLOUD_UPLOAD_DIR: join(dir, 'uploads'),
      PORT: '0',
      LOG_LEVEL: 'warn',
      VMCLOUD_DEMO_FLEET: 'off',
      VMCLOUD_HEARTBEAT_SECONDS: '1',
      VMCLOUD_QR_EXPIRY_SECONDS: '5',
      VMCLOUD_PAYMENT_QUERY_SECONDS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  apiUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the API did not start:\n${out.slice(-2000)}`)), 60_000);
    api?.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] as string);
      }
    });
    api?.stderr?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  });
}, 90_000);

afterAll(async () => {
  if (api && api.exitCode === null) {
    const exited = new Promise((resolve) => api?.once('exit', resolve));
    api.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const fast = (lines: string[]): Omit<FleetOptions, 'apiUrl'> => ({
  dir: join(dir, 'fleet'),
  machines: 1,
  seed: 4,
  gapMs: { min: 200, max: 400 },
  firstWithinMs: 200,
  coolDownMs: 0,
  doorOpenMs: { min: 300, max: 500 },
  repairMs: { min: 2000, max: 3000 },
  payDelayMs: { min: 100, max: 300 },
  terminalEnv: {
    VMCLOUD_HEARTBEAT_SECONDS: '1',
    VMCLOUD_OUTBOX_RETRY_MS: '200',
    VMCLOUD_OUTBOX_RETRY_MAX_MS: '1000',
    VMCLOUD_QR_POLL_MS: '500',
  },
  say: (line) => lines.push(`${((Date.now() - t0) / 1000).toFixed(1)} ${line}`),
});

/** What the fleet's log shows of the sales the test waits for. */
const SALES = [
  /M1 cash .*: sold, change/,
  /M1 card for .*: sold/,
  /M1 card \(issuer denies\) .*: failed \(card_denied\)/,
  /M1 QR for .* paid: sold/,
  /M1 QR for .* paid: failed \(jam\)/,
];

const until = async (done: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!done() && Date.now() < end) await new Promise((resolve) => setTimeout(resolve, 100));
};

describe.skipIf(!built)('the demo fleet on a real API', () => {
  it('provisions a machine, activates its terminal and sells every way; a second start provisions nothing', async () => {
    const lines: string[] = [];
    const fleet = await startFleet({ apiUrl, ...fast(lines) });
    try {
      // The first deck deals every kind once (the gift code when one was won).
      const seen = () => lines.join('\n');
      await until(() => SALES.every((sale) => sale.test(seen())), 40_000);
    } finally {
      await fleet.stop();
    }
    const log = lines.join('\n');
    expect(log, log).toMatch(/M1 built SIM000001/);
    expect(log, log).toMatch(/M1 terminal activated as SIM000001/);
    for (const sale of SALES) expect(log, log).toMatch(sale);

    const admin = new Session(apiUrl, DEMO_PEOPLE.admin);
    const [machine] = (await admin.query<{ items: { id: string }[] }>('machines.list', { boardId: 'SIM000001' })).items;
    const orders = await admin.query<{ items: { paymentMethod: string; status: string }[] }>('orders.list', {
      machineId: machine?.id,
      limit: 100,
      to: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const kinds = new Set(orders.items.map((o) => `${o.paymentMethod}/${o.status}`));
    expect(kinds).toContain('cash/completed');
    expect(kinds).toContain('card/completed');
    expect(kinds).toContain('qr/completed');
    expect(kinds).toContain('qr/refunded');
    const alarms = await admin.query<{ items: { kind: string }[] }>('alarms.list', { machineId: machine?.id });
    expect(alarms.items.map((a) => a.kind)).toContain('jam');

    const again: string[] = [];
    const second = await startFleet({ apiUrl, ...fast(again), gapMs: { min: 60_000, max: 60_000 } });
    await second.stop();
    const relog = again.join('\n');
    expect(relog, relog).toMatch(/M1 SIM000001 .* online/);
    expect(relog, relog).not.toMatch(/built|sold to|assigned to|given a product|activated|rule/);
    const maker = new Session(apiUrl, DEMO_PEOPLE.maker);
    const sims = await maker.query<{ total: number }>('factory.machines.list', { boardId: 'SIM' });
    expect(sims.total).toBe(1);
  }, 90_000);
});
