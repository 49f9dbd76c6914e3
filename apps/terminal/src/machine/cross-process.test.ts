/**
 * The terminal and the machine in two processes: the simulator CLI runs a machine in a
 * child process and serves it on a TCP port; this process opens `tcp://127.0.0.1:PORT`
 * through `SerialPortStream` and the socket binding, as it would open a serial device.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { until } from '@vmcloud/protocol/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SocketBinding } from '../serial/socket-binding.js';
import { connectMachine } from './connect.js';
import { VendOutcomeUnknownError } from './driver.js';
import type { SerialProtocolDriver } from './serial-protocol-driver.js';

const SIMULATOR_MAIN = fileURLToPath(new URL('../../../simulator/src/main.ts', import.meta.url));
const TERMINAL_ENTRY = fileURLToPath(new URL('../index.ts', import.meta.url));

/** A terminal process that opens the machine, asks for one vend, says so, and waits for it. */
function terminalProcess(url: string, vendId: number, channel: number): ChildProcessWithoutNullStreams {
  const script = `
    const { connectMachine } = await import(${JSON.stringify(TERMINAL_ENTRY)});
    const driver = await connectMachine({ path: ${JSON.stringify(url)} });
    await driver.open();
    const sale = driver.vend({ vendId: ${vendId}, channel: ${channel}, price: 300, method: 'host_paid' });
    process.stdout.write('vend asked\\n');
    await sale;
    process.stdout.write('vend done\\n');
  `;
  return spawn(
    process.execPath,
    ['--conditions=@vmcloud/source', '--import', 'tsx', '--input-type=module', '-e', script],
    {
      stdio: 'pipe',
    },
  );
}

type Line = { type: string; machine?: number } & Record<string, unknown>;

/** What the tests read of the `state` command's answer. */
interface MachineState {
  dispenseLog: { channel: number }[];
  stock: number[];
  hostConnected: boolean;
  /** The physical machine: the channel whose motor is turning, or null. */
  machine: { motorRunning: number | null };
}

/** The simulator in a child process, and the JSON lines it writes. */
class SimulatorProcess {
  readonly lines: Line[] = [];
  readonly child: ChildProcessWithoutNullStreams;
  stderr = '';

  constructor(args: string[]) {
    this.child = spawn(
      process.execPath,
      ['--conditions=@vmcloud/source', '--import', 'tsx', SIMULATOR_MAIN, '--json', ...args],
      { stdio: 'pipe' },
    );
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    createInterface({ input: this.child.stdout }).on('line', (text) => {
      try {
        this.lines.push(JSON.parse(text) as Line);
      } catch {
        return;
      }
    });
  }

  /** The first line (from `from` on) that matches, waiting for it. */
  async next(match: (line: Line) => boolean, from = 0, timeoutMs = 20_000): Promise<Line> {
    const found = (): Line | undefined => this.lines.slice(from).find(match);
    await until(() => found() !== undefined || this.child.exitCode !== null, {
      timeoutMs,
      what: 'a line of the simulator',
      intervalMs: 5,
    }).catch(() => undefined);
    const line = found();
    if (line === undefined) throw new Error(`the simulator did not write the line awaited; stderr: ${this.stderr}`);
    return line;
  }

  /** Runs a command and waits for the line answering it. */
  async command(text: string, match: (line: Line) => boolean): Promise<Line> {
    const from = this.lines.length;
    this.child.stdin.write(`${text}\n`);
    return this.next(match, from);
  }

  async state(): Promise<MachineState> {
    const line = await this.command('state 1', (candidate) => candidate.type === 'state');
    return line.state as MachineState;
  }

  /** Asks for the machine's state until the motor of `channel` turns: its vend is under way. */
  async motorTurning(channel: number, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.state()).machine.motorRunning !== channel) {
      if (Date.now() > deadline) throw new Error(`the motor of channel ${channel} did not turn`);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.write('quit\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

describe('a terminal in another process than the machine', () => {
  let simulator: SimulatorProcess;
  let url: string;
  const drivers: SerialProtocolDriver[] = [];

  const connect = async (): Promise<SerialProtocolDriver> => {
    const driver = await connectMachine({
      path: url,
      binding: SocketBinding,
      link: { ackTimeoutMs: 100 },
      pollIntervalMs: 200,
      retryDelayMs: 100,
    });
    drivers.push(driver);
    return driver;
  };

  beforeAll(async () => {
    simulator = new SimulatorProcess(['--machines', '1', '--channels', '8', '--port', '0', '--realtime']);
    const listening = await simulator.next((line) => line.type === 'listening');
    const machines = listening.machines as { url: string; boardId: string }[];
    expect(machines).toHaveLength(1);
    expect(machines[0]?.boardId).toBe('SIM000001');
    url = machines[0]?.url ?? '';
    expect(url).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
  }, 60_000);

  afterAll(async () => {
    for (const driver of drivers) await driver.close();
    await simulator?.stop();
  });

  it('opens the machine over the socket bridge and completes a vend: one product dispensed', async () => {
    const driver = await connect();
    await expect(driver.open()).resolves.toEqual({
      boardId: 'SIM000001',
      firmware: 'SIM-1.0',
      channelCount: 8,
      protocolVersion: 1,
    });
    const outcome = await driver.vend({ vendId: 0xc0ffee01, channel: 2, price: 450, method: 'host_paid' });
    expect(outcome).toEqual({ vendId: 0xc0ffee01, channel: 2, result: 'ok', dispensed: true, credit: 0 });

    const state = await simulator.state();
    expect(state.hostConnected).toBe(true);
    expect(state.dispenseLog.map((drop) => drop.channel)).toEqual([2]);
    expect(state.stock).toEqual([10, 9, 10, 10, 10, 10, 10, 10]);
    await driver.close();
  }, 30_000);

  it('a terminal killed mid-sale reconnects, re-sends the same vendId and learns the result without a second dispense', async () => {
    const vendId = 0xc0ffee02;
    const first = await connect();
    await first.open();
    const from = simulator.lines.length;
    const sale = first.vend({ vendId, channel: 7, price: 300, method: 'host_paid' });
    const lost = sale.catch((error: unknown) => error);
    // The motor cycle takes 1.2 s in real time: the terminal goes away while it runs.
    await simulator.motorTurning(7);
    await first.close();
    expect(await lost).toBeInstanceOf(VendOutcomeUnknownError);

    // The machine finishes the vend on its own; nobody hears the result.
    const finished = await simulator.next((line) => line.type === 'vend' && line.vendId === vendId, from);
    expect(finished).toMatchObject({ result: 'ok', motorRan: true, replayed: false });

    const second = await connect();
    await expect(second.open()).resolves.toMatchObject({ boardId: 'SIM000001' });
    const outcome = await second.vend({ vendId, channel: 7, price: 300, method: 'host_paid' });
    expect(outcome).toEqual({ vendId, channel: 7, result: 'ok', dispensed: true, credit: 0 });
    const replay = await simulator.next(
      (line) => line.type === 'vend' && line.vendId === vendId && line.replayed === true,
      from,
    );
    expect(replay).toMatchObject({ motorRan: false, result: 'ok' });

    const state = await simulator.state();
    expect(state.dispenseLog.map((drop) => drop.channel)).toEqual([2, 7]);
    expect(state.stock[6]).toBe(9);
  }, 30_000);

  it('a terminal process killed (SIGKILL) mid-sale: the next terminal learns the result from the same vendId', async () => {
    const vendId = 0xc0ffee03;
    const from = simulator.lines.length;
    const terminal = terminalProcess(url, vendId, 8);
    let stderr = '';
    terminal.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      terminal.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('vend asked')) resolve();
      });
      terminal.once('exit', () => reject(new Error(`the terminal process ended early: ${stderr}`)));
    });
    // The VEND is running: the terminal dies without a word.
    await simulator.motorTurning(8);
    const exited = new Promise((resolve) => terminal.once('exit', (_code, signal) => resolve(signal)));
    terminal.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    const finished = await simulator.next((line) => line.type === 'vend' && line.vendId === vendId, from);
    expect(finished).toMatchObject({ result: 'ok', motorRan: true });

    const next = await connect();
    await next.open();
    await expect(next.vend({ vendId, channel: 8, price: 300, method: 'host_paid' })).resolves.toEqual({
      vendId,
      channel: 8,
      result: 'ok',
      dispensed: true,
      credit: 0,
    });
    await expect(
      simulator.next((line) => line.type === 'vend' && line.vendId === vendId && line.replayed === true, from),
    ).resolves.toMatchObject({ motorRan: false, result: 'ok' });
    const state = await simulator.state();
    expect(state.dispenseLog.map((drop) => drop.channel)).toEqual([2, 7, 8]);
    expect(state.stock[7]).toBe(9);
  }, 40_000);
});
