/**
 * What the simulator shows: a live table of the machines with the latest reports under it
 * on a terminal, or JSON lines anywhere else.
 */
import { VendResult } from '@vmcloud/protocol';
import type { Simulation, SimulationEntry, SimulationReport } from './simulation.js';

const VEND_RESULT_NAME: Readonly<Record<number, string>> = Object.fromEntries(
  Object.entries(VendResult).map(([name, code]) => [code, name.toLowerCase()]),
);

/** A VEND_RESULT `result` in words (`ok`, `invalid_channel`...), or its number when it has no name. */
export function vendResultName(result: number): string | number {
  return VEND_RESULT_NAME[result] ?? result;
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
        (vend) => `${vend.vendId} ${vend.channel}:${vend.result === null ? vend.state : vendResultName(vend.result)}`,
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

/** Where the screen is drawn: stdout, a terminal or not. */
export interface ScreenStream {
  write(text: string): unknown;
  isTTY?: boolean;
  rows?: number;
}

/** How often the live table is redrawn, and the JSON status written, ms. */
const TABLE_REFRESH_MS = 500;
const JSON_STATUS_MS = 5000;
const LOG_LINES = 12;

/**
 * The simulator's output: on a terminal (`table`), the live table of the machines redrawn
 * every half second with the latest reports under it; otherwise every report as a JSON line
 * and the machines' status every 5 s.
 */
export class Screen {
  readonly #stdout: ScreenStream;
  readonly #simulation: Simulation;
  readonly #table: boolean;
  readonly #title: string;
  readonly #prompt: () => void;
  readonly #log: string[] = [];
  /** The live view waits while a machine's full state is on screen, until the next line. */
  #paused = false;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** `prompt` shows the command prompt again after the table is drawn. */
  constructor(
    stdout: ScreenStream,
    simulation: Simulation,
    options: { table: boolean; realtime: boolean; speed: number },
    prompt: () => void,
  ) {
    this.#stdout = stdout;
    this.#simulation = simulation;
    this.#table = options.table;
    this.#title = `${options.realtime ? 'real time' : `${options.speed}× time`}`;
    this.#prompt = prompt;
  }

  /** Whether the live table is shown (a terminal), rather than JSON lines. */
  get table(): boolean {
    return this.#table;
  }

  /** Shows a report: under the table, or as a JSON line. */
  show(report: SimulationReport): void {
    if (this.#table) {
      this.#log.push(...reportLine(report).split('\n'));
      this.#log.splice(0, Math.max(0, this.#log.length - LOG_LINES * 3));
    } else {
      this.#stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...report })}\n`);
    }
  }

  /** Redraws the live table, unless a machine's full state is on screen. */
  redraw(): void {
    if (!this.#table || this.#paused) return;
    const summaries = this.#simulation.entries.map((entry) => summarize(entry));
    const rows = this.#stdout.rows ?? 40;
    const recent = this.#log.slice(-Math.max(3, Math.min(LOG_LINES, rows - summaries.length - 8)));
    this.#stdout.write(
      `\x1b[H\x1b[J VMCloud simulator · ${summaries.length} machine(s) · ${this.#title}` +
        ` · a terminal drives the vends\n\n` +
        `${formatTable(summaries)}\n\n${recent.join('\n')}\n\n`,
    );
    this.#prompt();
  }

  /** Shows a machine's full state in place of the live table, until {@link resume}. */
  showState(reply: SimulationReport): void {
    this.#paused = true;
    this.#stdout.write(`\x1b[H\x1b[J${JSON.stringify(reply, null, 2)}\n\n(Enter: back to the live view)\n`);
  }

  /** Back to the live view. */
  resume(): void {
    this.#paused = false;
  }

  /** Starts redrawing the table, or writing the status lines. */
  start(): void {
    this.#timer = this.#table
      ? setInterval(() => this.redraw(), TABLE_REFRESH_MS)
      : setInterval(
          () => this.show({ type: 'status', machines: this.#simulation.entries.map((entry) => summarize(entry)) }),
          JSON_STATUS_MS,
        );
    this.redraw();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
