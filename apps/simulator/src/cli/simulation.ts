/**
 * A simulation: simulated machines served on sockets, machine time running, and what they
 * do reported in a few words.
 */
import { CreditSource } from '@vmcloud/protocol';
import { serveMachine, type BridgeEvent, type MachineBridge } from '../bridge/socket-server.js';
import { createSimulatedMachine, type SimulatedMachine, type SimulatedMachineEvent } from '../simulator.js';
import { executeCommand } from './commands.js';
import { noiseAt, type CliOptions } from './options.js';
import { vendResultName } from './screen.js';

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
        channels: Array.from({ length: options.channels }, () => ({
          capacity: options.capacity,
          stock: options.stock ?? options.capacity,
        })),
        seed: options.seed + index - 1,
        ...(options.motorMs === undefined ? {} : { dispenseMs: options.motorMs }),
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

  return {
    entries,
    onReport(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    execute(line) {
      return executeCommand(entries, line);
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
          result: vendResultName(inner.result),
          motorRan: inner.motorRan,
          replayed: inner.replayed,
        };
      }
      if (inner.type === 'boot') return { type: 'boot', powerRestored: inner.powerRestored };
      if (inner.type === 'halt') return { type: 'halt', reason: inner.reason };
      if (inner.type === 'payout') return { type: 'payout', paid: inner.paid, remaining: inner.remaining };
      if (inner.type === 'coin_returned')
        return { type: 'coin_returned', paid: inner.paid, remaining: inner.remaining };
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
        case 'slugs':
          return { type: 'slugs', count: inner.count };
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
