/**
 * The simulator's command line: its options, their defaults and limits, and the usage text.
 */
import { parseArgs } from 'node:util';
import type { LineNoise } from '@vmcloud/protocol';

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
  /** How long one vend's motor cycle takes, ms of machine time; undefined: the machine's default (1200). */
  motorMs: number | undefined;
  /** Capacity of every channel. */
  capacity: number;
  /** Products in every channel at start; undefined: full. */
  stock: number | undefined;
  /** Live table (a terminal) or JSON lines (anything else); `auto` picks by stdout. */
  output: 'auto' | 'table' | 'json';
  /** Print the protocol's message table and exit. */
  messages: boolean;
  help: boolean;
}

export const USAGE = `Usage: npm run simulate -- [options]

Runs simulated vending machines: the machines' side only. A terminal (npm run
terminal) opens machine i at tcp://HOST:(PORT + i - 1) and drives its vends.

Options:
  --machines N   number of machines (default 1): SIM000001, SIM000002, ...
  --channels N   channels per machine (default 10)
  --capacity N --stock N   each channel's capacity (10), stock at start (full)
  --port N       TCP port of the first machine (default 7001; 0: free ports)
  --host H       address to listen on (default 127.0.0.1)
  --seed N       seed of motor stalls and line noise (default 1)
  --noise R      share of serial bytes corrupted, dropped or duplicated (0)
  --realtime     machine time at the wall clock's pace (default: --speed)
  --speed N      how much faster machine time runs without --realtime (10)
  --motor-ms N   machine-time ms of one vend's motor cycle (default 1200)
  --json / --table   JSON lines / the live table, whatever stdout is
  --messages     print the serial protocol's message table and exit
  --help         this help

Type "help" once running for the commands.`;

/** Reads the command line. Throws an Error naming what is wrong. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      machines: { type: 'string' },
      channels: { type: 'string' },
      capacity: { type: 'string' },
      stock: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      noise: { type: 'string' },
      realtime: { type: 'boolean' },
      speed: { type: 'string' },
      'motor-ms': { type: 'string' },
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
    motorMs: values['motor-ms'] === undefined ? undefined : integer('motor-ms', values['motor-ms'], 0, 0, 600_000),
    ...stockOptions(values.capacity, values.stock, integer),
    output: values.json ? 'json' : values.table ? 'table' : 'auto',
    messages: values.messages ?? false,
    help: values.help ?? false,
  };
}

/** Line noise at a total rate (of `--noise` or the `noise` command), shared between corrupted, dropped and duplicated bytes. */
export function noiseAt(rate: number): LineNoise {
  return rate === 0 ? {} : { corrupt: rate * 0.4, drop: rate * 0.3, duplicate: rate * 0.3 };
}

function stockOptions(
  rawCapacity: string | undefined,
  rawStock: string | undefined,
  integer: (name: string, raw: string | undefined, fallback: number, min: number, max: number) => number,
) {
  const capacity = integer('capacity', rawCapacity, 10, 1, 1000);
  const stock = rawStock === undefined ? undefined : integer('stock', rawStock, capacity, 0, capacity);
  return { capacity, stock };
}
