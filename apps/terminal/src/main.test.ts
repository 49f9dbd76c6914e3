/**
 * The terminal as a process, as it runs on a machine: activated from the command line, then
 * selling from a simulated machine (served on a TCP port) through a device API over HTTP
 * that checks every signature.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSimulatedMachine, serveMachine } from '@vmcloud/simulator';
import { until } from '@vmcloud/protocol/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vendIdForSale } from './machine/driver.js';
import { FakeApi } from './testing/fake-api.js';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

type Line = { type: string } & Record<string, unknown>;

class TerminalProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly lines: Line[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--conditions=@vmcloud/source', '--import', 'tsx', MAIN, ...args], {
      stdio: 'pipe',
      env: { ...process.env, ...env },
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    createInterface({ input: this.child.stdout }).on('line', (text) => {
      try {
        this.lines.push(JSON.parse(text) as Line);
      } catch {
        this.lines.push({ type: 'text', text });
      }
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  async line(match: (line: Line) => boolean, what: string, timeoutMs = 20_000): Promise<Line> {
    await until(() => this.lines.some(match) || this.child.exitCode !== null, { timeoutMs, what, intervalMs: 10 });
    const found = this.lines.find(match);
    if (!found) throw new Error(`no ${what}; stderr: ${this.stderr}; stdout: ${JSON.stringify(this.lines.slice(-5))}`);
    return found;
  }
}

const dirs: string[] = [];

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmcloud-main-'));
  dirs.push(dir);
  return join(dir, 'terminal');
}

afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the terminal command line', () => {
  it('without an identity, says how to activate and exits 1 without a stack trace', async () => {
    const terminal = new TerminalProcess([], { VMCLOUD_TERMINAL_DATA_DIR: dataDir() });
    expect(await terminal.exited).toBe(1);
    expect(terminal.stderr).toMatch(/not activated/);
    expect(terminal.stderr).toMatch(/--activate CODE/);
    expect(terminal.stderr).not.toMatch(/^\s+at /m);
  }, 30_000);

  it('names a bad setting and exits 1', async () => {
    const terminal = new TerminalProcess([], {
      VMCLOUD_HEARTBEAT_SECONDS: 'soon',
      VMCLOUD_TERMINAL_DATA_DIR: dataDir(),
    });
    expect(await terminal.exited).toBe(1);
    expect(terminal.stderr).toBe(
      'Invalid terminal configuration:\n  VMCLOUD_HEARTBEAT_SECONDS: must be a positive integer\n',
    );
  }, 30_000);

  it('refuses an unknown argument with the usage', async () => {
    const terminal = new TerminalProcess(['--sell'], { VMCLOUD_TERMINAL_DATA_DIR: dataDir() });
    expect(await terminal.exited).toBe(1);
    expect(terminal.stderr).toMatch(/unknown argument "--sell"/);
    expect(terminal.stderr).toMatch(/usage: /);
  }, 30_000);
});

describe('a terminal activated and selling', () => {
  const api = new FakeApi();
  const sim = createSimulatedMachine({
    path: '/dev/ttyMAIN1',
    boardId: 'MAIN0001',
    channels: 6,
    dispenseMs: 200,
    clock: 'real',
    tickMs: 5,
  });
  let env: Record<string, string>;
  let bridge: Awaited<ReturnType<typeof serveMachine>>;
  const dir = dataDir();

  beforeAll(async () => {
    await api.start();
    bridge = await serveMachine(sim, { port: 0, host: '127.0.0.1' });
    env = {
      VMCLOUD_API_URL: api.url,
      VMCLOUD_SERIAL_PATH: bridge.url,
      VMCLOUD_TERMINAL_DATA_DIR: dir,
      VMCLOUD_HEARTBEAT_SECONDS: '1',
      VMCLOUD_OUTBOX_RETRY_MS: '100',
      VMCLOUD_LOG_UPLOAD_SECONDS: '1',
    };
  });

  afterAll(async () => {
    await bridge?.close();
    sim.close();
    await api.stop();
  });

  it('a wrong activation code is refused with the platform’s reason, exit 1', async () => {
    const terminal = new TerminalProcess(['--activate', 'WRONG'], env);
    expect(await terminal.exited).toBe(1);
    expect(terminal.stderr).toBe('the activation code is not valid\n');
    expect(existsSync(join(dir, 'identity.json'))).toBe(false);
  }, 30_000);

  it('activates with the one-time code: the machine’s board id and channels, keys kept 0600, exit 0', async () => {
    const terminal = new TerminalProcess(['--activate', api.activationCode], env);
    expect(await terminal.exited).toBe(0);
    expect(terminal.lines.find((line) => line.type === 'activated')).toMatchObject({
      machineId: 'machine-e2e',
      boardId: 'MAIN0001',
    });
    expect(api.callsOf('activate')[1]?.input).toMatchObject({
      boardId: 'MAIN0001',
      channelCount: 6,
      firmware: 'SIM-1.0',
    });
    expect(statSync(join(dir, 'identity.json')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'signing-key.pem')).mode & 0o777).toBe(0o600);
  }, 30_000);

  it('sells for cash and vends a remote order, reports both with signed calls, and stops cleanly on SIGTERM', async () => {
    const terminal = new TerminalProcess([], env);
    try {
      await terminal.line((line) => line.type === 'terminal_started', 'the terminal started');
      expect(api.callsOf('config').length).toBeGreaterThan(0);
      await until(() => api.callsOf('heartbeat').length >= 2, { what: 'two heartbeats', timeoutMs: 10_000 });
      expect(api.callsOf('heartbeat')[0]?.input).toMatchObject({
        vmcLinkUp: true,
        firmware: 'SIM-1.0',
        outboxDepth: 0,
      });
      await until(() => api.callsOf('events').length > 0, { what: 'the event stream', timeoutMs: 10_000 });

      for (const coin of [100, 100]) sim.customer.insertCoin(coin);
      await terminal.line((line) => line.type === 'credit' && line.credit === 200, 'the credit heard');
      sim.customer.pressButton(2);
      const done = await terminal.line((line) => line.type === 'sale' && line.state === 'done', 'the cash sale done');
      expect(done).toMatchObject({ channel: 2, price: 200, method: 'cash', result: 'ok', dispensed: true });
      const saleId = String(done.saleId);
      await until(() => api.sales.has(saleId), { what: 'the sale recorded', timeoutMs: 10_000 });
      expect(api.sales.get(saleId)).toMatchObject({
        channel: 2,
        price: 200,
        paymentMethod: 'cash',
        vendId: vendIdForSale(saleId),
      });

      const order = {
        orderId: 'order-remote-1',
        orderNo: 'R1',
        saleId: 'remote-1',
        channel: 3,
        price: 300,
        vendId: 0x0bad_cafe,
        paymentMethod: 'qr' as const,
        status: 'paid' as const,
        qr: null,
        giftCode: null,
      };
      api.orders.set(order.saleId, order);
      api.push({ type: 'remote_vend', order });
      await terminal.line(
        (line) => line.type === 'sale' && line.saleId === 'remote-1' && line.state === 'done',
        'the remote vend',
      );
      await until(() => api.callsOf('reportVend').length === 1, { what: 'the vend reported', timeoutMs: 10_000 });
      expect(api.callsOf('reportVend')[0]?.input).toMatchObject({
        saleId: 'remote-1',
        vendId: 0x0bad_cafe,
        result: 'ok',
        dispensed: true,
      });
      expect(sim.state().dispenseLog.map((drop) => [drop.channel, drop.vendId])).toEqual([
        [2, vendIdForSale(saleId)],
        [3, 0x0bad_cafe],
      ]);
      // The terminal's own lines reach the platform too.
      await until(
        () =>
          api
            .callsOf('uploadLogs')
            .some((call) =>
              (call.input as { lines: string[] }).lines.some((line) => line.includes('"terminal_started"')),
            ),
        { what: 'the log upload', timeoutMs: 10_000 },
      );
    } finally {
      terminal.child.kill('SIGTERM');
    }
    expect(await terminal.exited).toBe(0);
    expect(terminal.lines.some((line) => line.type === 'terminal_stopped')).toBe(true);
    expect(terminal.stderr).toBe('');
  }, 60_000);

  it('sells by QR code paid by a pushed event, and by gift code typed at the kiosk', async () => {
    const terminal = new TerminalProcess([], env);
    try {
      await terminal.line((line) => line.type === 'terminal_started', 'the terminal started');
      await until(() => api.callsOf('events').length > 0 && api.callsOf('heartbeat').length > 0, {
        what: 'the terminal online',
        timeoutMs: 10_000,
      });
      const dispensedBefore = sim.state().dispenseLog.length;

      sim.customer.pressButton(5);
      const qr = await terminal.line((line) => line.type === 'qr', 'the QR code');
      const saleId = String(qr.saleId);
      const order = api.orders.get(saleId);
      expect(qr).toMatchObject({ content: `https://pay.example/${saleId}`, orderNo: order?.orderNo });
      if (!order) throw new Error('no order');
      order.status = 'paid';
      api.push({ type: 'payment', saleId, orderId: order.orderId, status: 'paid' });
      await terminal.line(
        (line) => line.type === 'sale' && line.saleId === saleId && line.state === 'done',
        'the QR sale',
      );
      await until(
        () => api.callsOf('reportVend').some((call) => (call.input as { saleId: string }).saleId === saleId),
        {
          what: 'the QR vend reported',
        },
      );
      expect(api.callsOf('vendStarted').map((call) => call.input)).toContainEqual(expect.objectContaining({ saleId }));

      terminal.child.stdin.write('gift 1 NOT-A-CODE\n');
      const refused = await terminal.line(
        (line) => line.type === 'sale' && line.reason === 'gift_code_refused',
        'the refusal',
      );
      expect(refused).toMatchObject({ error: 'gift code NOT-A-CODE is not valid' });
      terminal.child.stdin.write('gift 1 GIFT-OK\n');
      const gift = await terminal.line(
        (line) => line.type === 'sale' && line.method === 'gift_code' && line.state === 'done',
        'the gift',
      );
      expect(
        sim
          .state()
          .dispenseLog.slice(dispensedBefore)
          .map((drop) => [drop.channel, drop.vendId]),
      ).toEqual([
        [5, order.vendId],
        [1, api.orders.get(String(gift.saleId))?.vendId],
      ]);
    } finally {
      terminal.child.kill('SIGTERM');
    }
    expect(await terminal.exited).toBe(0);
  }, 60_000);

  it('offline: cash still sells and is reported when the platform is back; QR is refused with a clear line', async () => {
    const terminal = new TerminalProcess([], env);
    try {
      await terminal.line((line) => line.type === 'terminal_started', 'the terminal started');
      api.down = true;
      api.dropStreams();
      await terminal.line((line) => line.type === 'platform_offline', 'the platform seen offline', 15_000);

      sim.customer.pressButton(4);
      await terminal.line((line) => line.type === 'qr_unavailable_offline', 'QR refused offline');
      const refused = await terminal.line(
        (line) => line.type === 'selection_refused' && line.channel === 4,
        'the selection refused',
      );
      expect(refused).toMatchObject({ reason: 'offline' });

      const from = terminal.lines.length;
      for (const coin of [100, 100, 100, 100]) sim.customer.insertCoin(coin);
      await terminal.line((line) => line.type === 'credit' && line.credit === 400, 'the credit heard');
      sim.customer.pressButton(4);
      const done = await terminal.line(
        (line) => terminal.lines.indexOf(line) >= from && line.type === 'sale' && line.state === 'done',
        'the offline cash sale',
      );
      const saleId = String(done.saleId);
      await terminal.line((line) => line.type === 'report_retry' && line.saleId === saleId, 'a failed report');
      expect(api.sales.has(saleId)).toBe(false);

      api.down = false;
      await until(() => api.sales.has(saleId), { what: 'the offline sale reported', timeoutMs: 15_000 });
      expect(api.sales.get(saleId)).toMatchObject({ channel: 4, price: 400, paymentMethod: 'cash', dispensed: true });
      await terminal.line((line) => line.type === 'platform_online', 'the platform back');
    } finally {
      api.down = false;
      terminal.child.kill('SIGTERM');
    }
    expect(await terminal.exited).toBe(0);
  }, 60_000);
});
