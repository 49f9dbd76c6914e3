/**
 * The simulator on the command line: runs simulated machines, serves each on a socket for a
 * terminal to open, shows their live state, and takes customers' and faults' commands on
 * stdin.
 *
 *   npm run simulate -- --machines 5 [--channels 20] [--port 7001] [--seed 1] [--noise 0.01] [--realtime]
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { CreditSource, VendResult, type LineNoise } from '@vmcloud/protocol';
import { serveMachine, type BridgeEvent, type MachineBridge } from './bridge/socket-server.js';
import { formatMessageTable } from './message-table.js';
import { createSimulatedMachine, type SimulatedMachine, type SimulatedMachineEvent } from './simulator.js';

/** What the command line asks for. */
export interface CliOptions {
  machines: number;
  channels: number;
  /** TCP port of the first machine; the others follow (port + i). 0: each machine gets a free port. */
  port: number;
  host: string;
  seed: number;
  /** Share of bytes hit by noise on every machine's serial line (0..1). */
  noise: number;
  /** Machine time runs at the wall clock's pace; otherwise `speed` times faster. */
  realtime: boolean;
  /** How much faster than the wall clock machine time runs without `realtime`. */
  speed: number;
  /** Live table (a terminal) or JSON lines (anything else); `auto` picks by stdout. */
  output: 'auto' | 'table' | 'json';
  /** Print the protocol's message table and exit. */
  messages: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run simulate -- [options]

Runs simulated vending machines; a terminal opens machine i at tcp://HOST:(PORT + i - 1).

Options:
  --machines N     number of machines (default 1); board ids SIM000001, SIM000002, ...
  --channels N     channels per machine (default 10)
  --port N         TCP port of the first machine (default 7001; 0: free ports, printed)
  --host H         address to listen on (default 127.0.0.1)
  --seed N         seed of motor stalls and line noise (default 1)
  --noise R        share of serial bytes corrupted, dropped or duplicated (default 0)
  --realtime       machine time at the wall clock's pace (default: --speed times faster)
  --speed N        speed-up of machine time without --realtime (default 10)
  --json           JSON lines on stdout even on a terminal
  --table          the live table even when stdout is not a terminal
  --messages       print the serial protocol's message table and exit
  --help           this help

Type "help" once running for the commands.`;

export const COMMANDS_HELP = `Commands (M: machine number from 1, CH: channel, money in fen):
  coin M VALUE            drop a coin            bill M VALUE          feed a bill
  card M FUNDS [deny]     tap a card             remove-card M         take the card away
  press M CH              press a channel button lever M            coin return lever
  door M open|close       open / close the door  restock M CH N        load N products
  jam M CH                stall CH's next cycle  clear-jam M CH        free a stalled motor
  empty M CH              channel empty, sensor says stocked
  cooling M fail|ok       cooling failure on/off ambient M TENTHS      room temperature
  cut M                   cut the power          on M                  power back on
  noise M RATE            serial line noise (0..1)
  mdb M coin|bill|card on|off   plug / unplug an MDB device
  disconnect M            pull the terminal's cable (it may plug in again)
  clear M                 switch every fault off
  state M                 the machine's full physical state (JSON)
  help                    this list               quit                  stop the simulator`;

/** Reads the command line. Throws an Error naming what is wrong. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      machines: { type: 'string' },
      channels: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      noise: { type: 'string' },
      realtime: { type: 'boolean' },
      speed: { type: 'string' },
      json: { type: 'boolean' },
      table: { type: 'boolean' },
      messages: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  const integer = (name: string, raw: string | undefined, fallback: number, min: number, max: number): number => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || value < min || value > max) {
      throw new Error(`--${name} must be a whole number from ${min} to ${max}, got ${raw}`);
    }
    return value;
  };
  const noise = values.noise === undefined ? 0 : Number(values.noise);
  if (!(noise >= 0 && noise <= 1)) throw new Error(`--noise must be a share from 0 to 1, got ${values.noise}`);
  const speed = values.speed === undefined ? 10 : Number(values.speed);
  if (!(speed > 0 && speed <= 1000))
    throw new Error(`--speed must be a number above 0 and up to 1000, got ${values.speed}`);
  if (values.json && values.table) throw new Error('--json and --table exclude each other');
  const machines = integer('machines', values.machines, 1, 1, 999);
  const port = integer('port', values.port, 7001, 0, 65535);
  if (port !== 0 && port + machines - 1 > 65535) throw new Error('--port leaves no room for every machine');
  return {
    machines,
    channels: integer('channels', values.channels, 10, 1, 999),
    port,
    host: values.host ?? '127.0.0.1',
    seed: integer('seed', values.seed, 1, 0, 0xffffffff),
    noise,
    realtime: values.realtime ?? false,
    speed: values.realtime ? 1 : speed,
    output: values.json ? 'json' : values.table ? 'table' : 'auto',
    messages: values.messages ?? false,
    help: values.help ?? false,
  };
}

/** Line noise at a total rate, shared between corrupted, dropped and duplicated bytes. */
export function noiseAt(rate: number): LineNoise {
  return rate === 0 ? {} : { corrupt: rate * 0.4, drop: rate * 0.3, duplicate: rate * 0.3 };
}

/** One running machine of a simulation. */
export interface SimulationEntry {
  /** 1 for the first machine. */
  index: number;
  machine: SimulatedMachine;
  bridge: MachineBridge;
  /** The noise rate now on its serial line. */
  noise: number;
}

/** Something to report: what happened, or the answer to a command. */
export type SimulationReport = { type: string; machine?: number } & Record<string, unknown>;

/** Simulated machines served on sockets, with machine time running. */
export interface Simulation {
  readonly entries: readonly SimulationEntry[];
  /** Calls `listener` for every report. Returns a function that removes it. */
  onReport(listener: (report: SimulationReport) => void): () => void;
  /** Runs one command line; returns what it answers. Throws an Error for a bad command. */
  execute(line: string): SimulationReport | null;
  close(): Promise<void>;
}

const VEND_RESULT_NAME: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(VendResult).map(([name, code]) => [code, name.toLowerCase()]),
);

const CREDIT_SOURCE_NAME: Readonly<Record<number, string>> = {
  [CreditSource.COIN]: 'coin',
  [CreditSource.BILL]: 'bill',
  [CreditSource.CASHLESS]: 'card',
};

/** A board id of the simulation: SIM000001 for the first machine. */
export function simulatedBoardId(index: number): string {
  return `SIM${String(index).padStart(6, '0')}`;
}

/** Starts the machines and their sockets. */
export async function startSimulation(options: CliOptions): Promise<Simulation> {
  const listeners = new Set<(report: SimulationReport) => void>();
  const report = (entry: SimulationReport): void => {
    for (const listener of [...listeners]) listener(entry);
  };
  const entries: SimulationEntry[] = [];
  try {
    for (let index = 1; index <= options.machines; index += 1) {
      const boardId = simulatedBoardId(index);
      const machine = createSimulatedMachine({
        path: `/dev/tty${boardId}`,
        boardId,
        channels: options.channels,
        seed: options.seed + index - 1,
      });
      const entry: SimulationEntry = { index, machine, bridge: undefined as unknown as MachineBridge, noise: 0 };
      try {
        entry.bridge = await serveMachine(machine, {
          port: options.port === 0 ? 0 : options.port + index - 1,
          host: options.host,
        });
      } catch (error) {
        machine.close();
        throw error;
      }
      if (options.noise > 0) {
        machine.faults.lineNoise(noiseAt(options.noise));
        entry.noise = options.noise;
      }
      machine.events.onAny((event) => {
        const described = describeEvent(event);
        if (described) report({ machine: index, ...described });
      });
      entry.bridge.on((event: BridgeEvent) => report({ machine: index, ...event }));
      entries.push(entry);
    }
  } catch (error) {
    await Promise.all(entries.map(async (entry) => stopEntry(entry)));
    throw error;
  }

  // Machine time: advanced from the wall clock, `speed` times faster.
  let last = performance.now();
  const clock = setInterval(() => {
    const now = performance.now();
    const elapsed = Math.min(1000, now - last) * options.speed;
    last = now;
    for (const entry of entries) entry.machine.advance(elapsed);
  }, 20);

  const find = (raw: string | undefined): SimulationEntry => {
    const index = Number(raw);
    const entry = entries[index - 1];
    if (!Number.isInteger(index) || entry === undefined) {
      throw new Error(`no machine ${raw ?? ''}: machines are numbered 1 to ${entries.length}`);
    }
    return entry;
  };

  return {
    entries,
    onReport(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    execute(line) {
      return executeCommand(entries, line, find);
    },
    async close() {
      clearInterval(clock);
      await Promise.all(entries.map(async (entry) => stopEntry(entry)));
    },
  };
}

async function stopEntry(entry: SimulationEntry): Promise<void> {
  await entry.bridge?.close();
  entry.machine.close();
}

function whole(raw: string | undefined, what: string): number {
  const value = Number(raw);
  if (raw === undefined || !/^-?\d+$/.test(raw))
    throw new Error(`${what} must be a whole number, got ${raw ?? 'nothing'}`);
  return value;
}

const MDB_DEVICES = { coin: 'coin_changer', bill: 'bill_validator', card: 'cashless_reader' } as const;

function onOff(raw: string | undefined, on: string, off: string): boolean {
  if (raw === on) return true;
  if (raw === off) return false;
  throw new Error(`say ${on} or ${off}`);
}

/** Runs one command against the machines (see COMMANDS_HELP). */
function executeCommand(
  entries: readonly SimulationEntry[],
  line: string,
  find: (raw: string | undefined) => SimulationEntry,
): SimulationReport | null {
  const [command, ...args] = line.trim().split(/\s+/);
  if (command === undefined || command === '') return null;
  const entry = (): SimulationEntry => find(args[0]);
  const done = (result: unknown = 'ok'): SimulationReport => ({ type: 'reply', command: line.trim(), result });
  switch (command) {
    case 'help':
    case '?':
      return { type: 'help', text: COMMANDS_HELP };
    case 'coin':
      return done(entry().machine.customer.insertCoin(whole(args[1], 'the coin value')));
    case 'bill':
      return done(entry().machine.customer.insertBill(whole(args[1], 'the bill value')));
    case 'card':
      return done(
        entry().machine.customer.tapCard({ funds: whole(args[1], 'the card funds'), deny: args[2] === 'deny' }),
      );
    case 'remove-card':
      return done(entry().machine.customer.removeCard());
    case 'press':
      return done(entry().machine.customer.pressButton(whole(args[1], 'the channel')));
    case 'lever':
      entry().machine.customer.pressReturnLever();
      return done();
    case 'door': {
      const { machine } = entry();
      if (onOff(args[1], 'open', 'close')) machine.service.openDoor();
      else machine.service.closeDoor();
      return done();
    }
    case 'restock':
      entry().machine.service.restock(whole(args[1], 'the channel'), whole(args[2], 'the count'));
      return done();
    case 'jam':
      entry().machine.faults.jam(whole(args[1], 'the channel'));
      return done();
    case 'clear-jam':
      entry().machine.service.clearJam(whole(args[1], 'the channel'));
      return done();
    case 'empty':
      entry().machine.faults.emptyChannel(whole(args[1], 'the channel'));
      return done();
    case 'cooling':
      entry().machine.faults.coolingFailure(onOff(args[1], 'fail', 'ok'));
      return done();
    case 'ambient':
      entry().machine.service.setAmbient(whole(args[1], 'the room temperature'));
      return done();
    case 'cut':
      entry().machine.powerCut();
      return done();
    case 'on':
      entry().machine.powerOn();
      return done();
    case 'noise': {
      const target = entry();
      const rate = Number(args[1]);
      if (args[1] === undefined || !(rate >= 0 && rate <= 1)) throw new Error('the noise rate is a share from 0 to 1');
      target.machine.faults.lineNoise(noiseAt(rate));
      target.noise = rate;
      return done();
    }
    case 'mdb': {
      const device = MDB_DEVICES[args[1] as keyof typeof MDB_DEVICES];
      if (device === undefined) throw new Error('the MDB device is coin, bill or card');
      entry().machine.faults.mdbDevice(device, onOff(args[2], 'on', 'off'));
      return done();
    }
    case 'disconnect':
      void entry().bridge.disconnect();
      return done();
    case 'clear': {
      const target = entry();
      target.machine.faults.clearAll();
      target.noise = 0;
      return done();
    }
    case 'state': {
      const target = entry();
      return { type: 'state', machine: target.index, url: target.bridge.url, state: target.machine.state() };
    }
    case 'list':
      return { type: 'machines', machines: entries.map((item) => summarize(item)) };
    default:
      throw new Error(`unknown command "${command}"; type help`);
  }
}

/** A machine event worth reporting, in a few words, or undefined. */
function describeEvent(event: SimulatedMachineEvent): SimulationReport | undefined {
  switch (event.type) {
    case 'host':
      return undefined; // the bridge reports connections
    case 'firmware': {
      const inner = event.event;
      if (inner.type === 'vend') {
        return {
          type: 'vend',
          vendId: inner.vendId,
          channel: inner.channel,
          price: inner.price,
          method: inner.method,
          result: VEND_RESULT_NAME[inner.result] ?? inner.result,
          motorRan: inner.motorRan,
          replayed: inner.replayed,
        };
      }
      if (inner.type === 'boot') return { type: 'boot', powerRestored: inner.powerRestored };
      if (inner.type === 'halt') return { type: 'halt', reason: inner.reason };
      if (inner.type === 'payout') return { type: 'payout', paid: inner.paid, remaining: inner.remaining };
      return undefined;
    }
    case 'machine': {
      const inner = event.event;
      switch (inner.type) {
        case 'door_opened':
        case 'door_closed':
        case 'power_lost':
        case 'power_restored':
          return { type: inner.type };
        case 'product_dropped':
          return { type: 'dropped', channel: inner.record.channel, sequence: inner.record.sequence };
        case 'motor_fault':
          return { type: 'motor_fault', channel: inner.channel, cause: inner.cause };
        case 'temperature_alarm':
          return { type: 'temperature_alarm', temperature: inner.temperature / 10 };
        case 'button_pressed':
          return { type: 'button', channel: inner.channel };
        default:
          return undefined;
      }
    }
    case 'mdb': {
      const inner = event.event;
      switch (inner.type) {
        case 'credit':
          return { type: 'credit', source: CREDIT_SOURCE_NAME[inner.source] ?? inner.source, amount: inner.amount };
        case 'escrow_returned':
          return { type: 'bill_returned', amount: inner.amount };
        case 'stacker_full':
          return { type: 'stacker_full', bills: inner.bills };
        case 'tube_low':
          return { type: 'tube_low', coin: inner.value, count: inner.count };
        case 'device_error':
          return { type: 'mdb_error', address: inner.address, reason: inner.reason };
        default:
          return undefined;
      }
    }
    default:
      return undefined;
  }
}

/** One machine's live state in a few fields. */
export interface MachineSummary {
  index: number;
  boardId: string;
  url: string;
  /** `off`: no terminal; `up`: a terminal is connected and answers; `down`: connected, not answering. */
  link: 'off' | 'up' | 'down';
  terminal: string | null;
  powered: boolean;
  door: 'open' | 'closed';
  /** Cabinet temperature, °C; null with a faulty sensor. */
  temperature: number | null;
  setpoint: number;
  /** Cash credit, fen. */
  credit: number;
  stock: number;
  capacity: number;
  /** Channels with nothing in them. */
  emptyChannels: number[];
  dispensed: number;
  /** The last vends, newest last: `vendId ch:result`. */
  lastVends: string[];
  faults: string[];
  noise: number;
}

/** The summary of one machine now. */
export function summarize(entry: SimulationEntry): MachineSummary {
  const state = entry.machine.state();
  const { machine } = state;
  const faults: string[] = [];
  if (!state.powered) faults.push('power off');
  if (machine.jammedChannels.length > 0) faults.push(`jammed ${machine.jammedChannels.join(',')}`);
  if (machine.faults.armedJams.length > 0) faults.push(`jam armed ${machine.faults.armedJams.join(',')}`);
  if (machine.faults.emptyChannels.length > 0) faults.push(`channel empty ${machine.faults.emptyChannels.join(',')}`);
  if (machine.faults.coolingFailure) faults.push('cooling failure');
  if (machine.faults.temperatureSensor) faults.push('temperature sensor');
  if (machine.faults.motorPower) faults.push('motor power');
  if (machine.faults.dropSensor) faults.push('drop sensor');
  if (machine.refrigeration.alarm) faults.push('temperature alarm');
  const linkUp = entry.machine.firmware?.link.up ?? false;
  return {
    index: entry.index,
    boardId: state.boardId,
    url: entry.bridge.url,
    link: state.hostConnected ? (linkUp ? 'up' : 'down') : 'off',
    terminal: entry.bridge.connectedTo,
    powered: state.powered,
    door: state.door,
    temperature: state.temperature === null ? null : state.temperature / 10,
    setpoint: state.setpoint / 10,
    credit: state.credit,
    stock: state.stock.reduce((sum, count) => sum + count, 0),
    capacity: machine.channels.reduce((sum, channel) => sum + channel.capacity, 0),
    emptyChannels: machine.channels.filter((channel) => channel.stock === 0).map((channel) => channel.channel),
    dispensed: state.dispenseLog.length,
    lastVends: state.vends
      .slice(-3)
      .map(
        (vend) =>
          `${vend.vendId} ${vend.channel}:${vend.result === null ? vend.state : (VEND_RESULT_NAME[vend.result] ?? vend.result)}`,
      ),
    faults,
    noise: entry.noise,
  };
}

const TABLE_HEADER = [
  '#',
  'BOARD',
  'ADDRESS',
  'LINK',
  'DOOR',
  'TEMP',
  'CREDIT',
  'STOCK',
  'SOLD',
  'LAST VENDS',
  'FAULTS',
];

/** The live table of every machine, columns aligned. */
export function formatTable(summaries: readonly MachineSummary[]): string {
  const rows = summaries.map((s) => [
    String(s.index),
    s.boardId,
    s.url.replace(/^tcp:\/\//, ''),
    s.noise > 0 ? `${s.link} ~${s.noise}` : s.link,
    s.door,
    s.temperature === null ? '--' : `${s.temperature.toFixed(1)}°C`,
    (s.credit / 100).toFixed(2),
    `${s.stock}/${s.capacity}${s.emptyChannels.length > 0 ? ` (${s.emptyChannels.length} empty)` : ''}`,
    String(s.dispensed),
    s.lastVends.join(' ') || '-',
    s.faults.join('; ') || '-',
  ]);
  const all = [TABLE_HEADER, ...rows];
  const widths = TABLE_HEADER.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A report as one line for people. */
function reportLine(report: SimulationReport): string {
  if (report.type === 'help' && typeof report.text === 'string') return report.text;
  const { type, machine, ...rest } = report;
  const prefix = machine === undefined ? '' : `[${machine}] `;
  return `${prefix}${type} ${JSON.stringify(rest)}`;
}

/** Where the CLI reads and writes. */
export interface CliStreams {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; rows?: number };
  stderr: NodeJS.WritableStream;
}

/** How often the live table is redrawn, and the JSON status written, ms. */
const TABLE_REFRESH_MS = 500;
const JSON_STATUS_MS = 5000;
const LOG_LINES = 12;

/**
 * Runs the CLI until stdin ends, `quit`, or a signal. Resolves with the exit code.
 */
export async function runCli(argv: readonly string[], io: CliStreams): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv);
  } catch (error) {
    io.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (options.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (options.messages) {
    io.stdout.write(`VMC serial protocol messages\n\n${formatMessageTable()}\n`);
    return 0;
  }

  let simulation: Simulation;
  try {
    simulation = await startSimulation(options);
  } catch (error) {
    io.stderr.write(`cannot start the simulation: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const table = options.output === 'table' || (options.output === 'auto' && io.stdout.isTTY === true);
  const log: string[] = [];
  const write = (report: SimulationReport): void => {
    if (table) {
      log.push(...reportLine(report).split('\n'));
      log.splice(0, Math.max(0, log.length - LOG_LINES * 3));
    } else {
      io.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...report })}\n`);
    }
  };
  simulation.onReport(write);

  write({
    type: 'listening',
    machines: simulation.entries.map((entry) => ({
      machine: entry.index,
      boardId: entry.machine.boardId,
      url: entry.bridge.url,
      port: entry.bridge.port,
    })),
    realtime: options.realtime,
    speed: options.speed,
  });

  const rl = createInterface({ input: io.stdin, output: table ? io.stdout : undefined, terminal: table });
  /** The live view waits while a machine's full state is on screen, until the next line. */
  let paused = false;
  const redraw = (): void => {
    if (paused) return;
    const summaries = simulation.entries.map((entry) => summarize(entry));
    const rows = io.stdout.rows ?? 40;
    const recent = log.slice(-Math.max(3, Math.min(LOG_LINES, rows - summaries.length - 8)));
    io.stdout.write(
      `\x1b[H\x1b[J VMCloud simulator · ${summaries.length} machine(s) · ${options.realtime ? 'real time' : `${options.speed}× time`}\n\n` +
        `${formatTable(summaries)}\n\n${recent.join('\n')}\n\n`,
    );
    rl.prompt(true);
  };
  const timer = table
    ? setInterval(redraw, TABLE_REFRESH_MS)
    : setInterval(
        () => write({ type: 'status', machines: simulation.entries.map((entry) => summarize(entry)) }),
        JSON_STATUS_MS,
      );
  if (table) {
    rl.setPrompt('> ');
    redraw();
  }

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (): void => {
      if (stopping) return;
      stopping = true;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      clearInterval(timer);
      rl.close();
      void simulation.close().then(() => resolve(0));
    };
    rl.on('line', (line) => {
      if (line.trim() === 'quit' || line.trim() === 'exit') {
        stop();
        return;
      }
      paused = false;
      try {
        const reply = simulation.execute(line);
        if (reply !== null && table && reply.type === 'state') {
          paused = true;
          io.stdout.write(`\x1b[H\x1b[J${JSON.stringify(reply, null, 2)}\n\n(Enter: back to the live view)\n`);
          return;
        }
        if (reply !== null) write(reply);
      } catch (error) {
        write({ type: 'error', command: line.trim(), message: error instanceof Error ? error.message : String(error) });
      }
      if (table) redraw();
    });
    // Ctrl-D at a terminal quits; a closed pipe does not (the machines run on until a signal).
    rl.on('close', () => {
      if (table || (io.stdin as { isTTY?: boolean }).isTTY === true) stop();
    });
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
