/**
 * A demo fleet next to a running platform: simulated machines in this process, each
 * provisioned on the platform through its API (only what is missing), a terminal process
 * per machine (activated once; its identity kept under `dir/terminal-N`), customers at a
 * relaxed pace, a field worker who restocks what runs low and clears jams, and a fault now
 * and then. One short line per event goes to `say`.
 */
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCliArgs } from '../cli/options.js';
import { simulatedBoardId, startSimulation, type Simulation } from '../cli/simulation.js';
import { CustomerScheduler, Customers, yuan, type ShopMachine, type VisitKind } from './customers.js';
import { errorText, signInPeople, type People } from './platform.js';
import {
  activationCode,
  channelsOf,
  ensureGiftRule,
  fleetProducts,
  provisionMachine,
  reenableChannel,
  restockOnPlatform,
} from './provision.js';
import { Random } from './random.js';
import { activatedMachineId, activateTerminal, TerminalProcess } from './terminal.js';

export interface FleetOptions {
  /** The platform, e.g. http://127.0.0.1:3000. */
  apiUrl: string;
  /** Where the terminals keep their identity and store (`terminal-N` each). */
  dir: string;
  /** Default 3. */
  machines?: number;
  /** Seed of the customers' choices and timing. Default 1. */
  seed?: number;
  /** Channels of each machine that get a product (of 20). Default 10. */
  productChannels?: number;
  /** A channel with this many products or fewer is restocked after a visit. Default 2. */
  lowStock?: number;
  /** Time between two customers at one machine, ms. Default 20–40 s. */
  gapMs?: { min: number; max: number };
  /** Every machine's first customer comes within this many ms. Default 15 s. */
  firstWithinMs?: number;
  /**
   * Machine time let pass before the terminals connect, for the refrigerated cabinets to
   * cool from room temperature (no warm-cabinet alarms at start). Default 30 minutes.
   */
  coolDownMs?: number;
  /** How long a jammed channel waits for the field worker, ms. Default 90–150 s. */
  repairMs?: { min: number; max: number };
  /** Door open, ms. Default 20–40 s. */
  doorOpenMs?: { min: number; max: number };
  /** How long a customer takes to pay on the phone, ms. Default 3–10 s. */
  payDelayMs?: { min: number; max: number };
  /** The terminal's main script (default: the built terminal of this repository). */
  terminalMain?: string;
  /** More environment for the terminals (timings in tests). */
  terminalEnv?: Record<string, string>;
  /** One line of the fleet's log. Default: stdout, prefixed `[fleet]`. */
  say?: (line: string) => void;
}

export interface Fleet {
  readonly machines: readonly ShopMachine[];
  readonly scheduler: CustomerScheduler;
  /** Stops the customers, the terminals and the machines. */
  stop(): Promise<void>;
}

const GIFT_VALUE = 300;
/** Long enough for a refrigerated cabinet to cool from room temperature to its setpoint. */
const PULL_DOWN_MS = 30 * 60_000;

/** Starts the fleet; rejects (having cleaned up) when the platform cannot be set up. */
export async function startFleet(options: FleetOptions): Promise<Fleet> {
  const say = options.say ?? ((line: string) => console.log(`[fleet] ${line}`));
  const count = options.machines ?? 3;
  const seed = options.seed ?? 1;
  const random = new Random(seed ^ 0x5eed);
  const dir = resolve(options.dir);
  const lowStock = options.lowStock ?? 2;
  const repairMs = options.repairMs ?? { min: 90_000, max: 150_000 };
  let stopping = false;
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const later = (ms: number, run: () => Promise<void> | void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (stopping) return;
      void (async () => run())().catch((error: unknown) => {
        if (!stopping) say(`error: ${errorText(error)}`);
      });
    }, ms);
    timers.add(timer);
  };

  const people: People = await signInPeople(options.apiUrl, { say });
  const simulation: Simulation = await startSimulation(
    parseCliArgs([
      ...['--machines', String(count), '--port', '0', '--host', '127.0.0.1'],
      ...['--channels', '20', '--capacity', '10', '--stock', '0', '--realtime', '--seed', String(seed)],
    ]),
  );
  // The machines were switched on a while ago: their cabinets have cooled down (no warm-cabinet alarms at start).
  for (const entry of simulation.entries) entry.machine.advance(options.coolDownMs ?? PULL_DOWN_MS);
  const machines: ShopMachine[] = [];
  const giftCodes: { code: string; value: number }[] = [];

  const scheduler = new CustomerScheduler({
    machines: count,
    seed,
    ...(options.gapMs === undefined ? {} : { gapMs: options.gapMs }),
    ...(options.firstWithinMs === undefined ? {} : { firstWithinMs: options.firstWithinMs }),
    giftCodeWaiting: () => giftCodes.length > 0,
    visit: async (index: number, kind: VisitKind) => {
      const m = machines[index - 1] as ShopMachine;
      if (!m.terminal.running) return;
      await customers.visit(m, kind);
      if (!stopping) await restockLow(m, lowStock);
    },
    onError: (index, kind, error) => {
      if (!stopping) say(`M${index} ${kind}: ${errorText(error)}`);
    },
  });

  const stopAll = async (): Promise<void> => {
    stopping = true;
    scheduler.stop();
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    await Promise.all(machines.map((m) => m.terminal.stop()));
    await simulation.close();
  };

  try {
    const products = await fleetProducts(people);
    await ensureGiftRule(people, GIFT_VALUE, say);
    mkdirSync(dir, { recursive: true });
    for (const entry of simulation.entries) {
      const index = entry.index;
      const boardId = simulatedBoardId(index);
      const provisioned = await provisionMachine(people, index, boardId, {
        productChannels: options.productChannels ?? 10,
        products,
        say,
      });
      // The machine starts empty: it holds what the platform counts, then is topped up.
      for (const channel of provisioned.channels) {
        if (channel.stock > 0) entry.machine.service.restock(channel.number, channel.stock);
      }
      const dataDir = join(dir, `terminal-${index}`);
      const settings = {
        apiUrl: options.apiUrl,
        serialPath: entry.bridge.url,
        dataDir,
        ...(options.terminalMain === undefined ? {} : { main: options.terminalMain }),
        ...(options.terminalEnv === undefined ? {} : { env: options.terminalEnv }),
      };
      const activated = activatedMachineId(dataDir);
      if (activated !== provisioned.machineId) {
        if (activated !== null || existsSync(dataDir)) {
          // Another platform's terminal (its database was replaced): kept aside, not reused.
          const aside = `${dataDir}.old-${Date.now()}`;
          renameSync(dataDir, aside);
          say(`M${index} terminal data of another platform moved to ${aside}`);
        }
        await activateTerminal(settings, await activationCode(people, provisioned.machineId));
        say(`M${index} terminal activated as ${boardId}`);
      }
      const machine: ShopMachine = {
        index,
        machineId: provisioned.machineId,
        sim: entry.machine,
        terminal: undefined as unknown as TerminalProcess,
        channels: provisioned.channels,
        jammed: new Set(),
        billsOff: false,
      };
      machine.terminal = new TerminalProcess(settings, (code, stderr) => {
        if (stopping) return;
        say(
          `M${index} terminal exited (${code ?? 'signal'})${stderr ? `: ${stderr.split('\n').pop()}` : ''}; restarting`,
        );
        later(5000, async () => {
          await machine.terminal.start();
          say(`M${index} terminal running again`);
        });
      });
      machine.terminal.onLine((line) => {
        if (line.type === 'gift_code_won') {
          giftCodes.push({ code: String(line.code), value: Number(line.value) });
          say(`M${index} the customer won gift code ${String(line.code)} (up to ${yuan(Number(line.value))})`);
        } else if (line.type === 'channel_disabled') {
          say(`M${index} terminal took ch ${String(line.channel)} out of sale (${String(line.reason)})`);
        }
      });
      machines.push(machine);
      await restockLow(machine, 5);
      await machine.terminal.start();
      say(`M${index} ${boardId} "${provisioned.name}" online with ${provisioned.channels.length} channels for sale`);
    }
  } catch (error) {
    await stopAll();
    throw error;
  }

  /** The field worker tops up every channel at or below `low` (door open meanwhile). */
  async function restockLow(m: ShopMachine, low: number): Promise<void> {
    const stock = m.sim.state().stock;
    const due = m.channels.filter((c) => !m.jammed.has(c.number) && (stock[c.number - 1] ?? 0) <= low);
    if (due.length === 0) return;
    const fresh = new Map((await channelsOf(people, m.machineId)).map((c) => [c.number, c]));
    const done: string[] = [];
    m.sim.service.openDoor();
    try {
      for (const planned of due) {
        const channel = fresh.get(planned.number);
        if (!channel) continue;
        const physical = m.sim.state().stock[channel.number - 1] ?? 0;
        const quantity = Math.min(channel.capacity - physical, channel.capacity - channel.stock);
        if (quantity <= 0) continue;
        await restockOnPlatform(people, m.machineId, channel, quantity, (line) => say(`M${m.index} ${line}`));
        m.sim.service.restock(channel.number, quantity);
        done.push(`ch ${channel.number} +${quantity}`);
      }
    } finally {
      m.sim.service.closeDoor();
    }
    m.channels = await channelsOf(people, m.machineId);
    if (done.length > 0) say(`M${m.index} field worker restocked ${done.join(', ')}`);
  }

  const customers = new Customers({
    machines,
    random,
    say,
    giftCodes,
    ...(options.doorOpenMs === undefined ? {} : { doorOpenMs: options.doorOpenMs }),
    ...(options.payDelayMs === undefined ? {} : { payDelayMs: options.payDelayMs }),
    onJam: (m, number) => {
      later(random.int(repairMs.min, repairMs.max), async () => {
        m.sim.service.clearJam(number);
        const channel = m.channels.find((c) => c.number === number);
        if (channel) await reenableChannel(people, channel.id);
        m.jammed.delete(number);
        m.channels = await channelsOf(people, m.machineId);
        say(`M${m.index} field worker cleared the jam in ch ${number}; back in service`);
      });
    },
    onBillsOff: (m) => {
      later(random.int(repairMs.min, repairMs.max) / 2, () => {
        m.sim.faults.mdbDevice('bill_validator', true);
        m.billsOff = false;
        say(`M${m.index} bill validator plugged back in`);
      });
    },
  });

  scheduler.start();
  say(`customers on their way (seed ${seed}); stock, orders and alarms show in the console`);

  return { machines, scheduler, stop: stopAll };
}
