/**
 * A whole simulated vending machine: the physical machine, its MDB payment devices, the
 * controller board's firmware and the serial port a terminal opens to talk to it.
 */

import { withNoise, type LineNoise, type LinkOptions, type MdbWord, type NoiseCounts } from '@vmcloud/protocol';
import { TypedEmitter } from './machine/emitter.js';
import { Machine, type FaultControls } from './machine/machine.js';
import { Nvram } from './machine/nvram.js';
import type {
  ChannelConfig,
  DispenseRecord,
  MachineEvent,
  MachineOptions,
  MachineState,
  VendPhase,
} from './machine/types.js';
import { VirtualClock } from './machine/virtual-clock.js';
import {
  BillValidator,
  type BillOutcome,
  type BillValidatorOptions,
  type BillValidatorState,
} from './mdb/bill-validator.js';
import { MdbBus, type MdbBusEvent, type MdbBusOptions, type MdbTrafficEntry } from './mdb/bus.js';
import {
  CashlessReader,
  type CardTap,
  type CashlessReaderOptions,
  type CashlessSessionRecord,
} from './mdb/cashless-reader.js';
import {
  CoinChanger,
  type CoinChangerOptions,
  type CoinChangerState,
  type CoinOutcome,
  type CoinTypeConfig,
} from './mdb/coin-changer.js';
import { registerSimulatedPort, unregisterSimulatedPort, type SimulatedPortEnd } from './ports/mock.js';
import { VmcFirmware, type FirmwareEvent } from './vmc/firmware.js';
import { VmcMemory, type VendRecord } from './vmc/memory.js';

/** CNY coins: 1 jiao, 5 jiao, 1 yuan, each with a change tube. */
export const DEFAULT_COIN_TYPES: readonly CoinTypeConfig[] = Object.freeze([
  { value: 10, tube: { capacity: 100, count: 50 } },
  { value: 50, tube: { capacity: 100, count: 40 } },
  { value: 100, tube: { capacity: 60, count: 30 } },
]);

/** CNY bills: 1, 5, 10, 20, 50 and 100 yuan. */
export const DEFAULT_BILL_TYPES: readonly number[] = Object.freeze([100, 500, 1000, 2000, 5000, 10000]);

/** The MDB devices a fault can disconnect. */
export type MdbDevice = 'coin_changer' | 'bill_validator' | 'cashless_reader';

const DEVICE_ADDRESS: Readonly<Record<MdbDevice, number>> = {
  coin_changer: 0x08,
  bill_validator: 0x30,
  cashless_reader: 0x10,
};

export interface SimulatedMachineOptions {
  /** The serial port path a terminal opens, e.g. `/dev/ttyVMC1`. Default `/dev/ttyVMC<n>`, n counting up. */
  path?: string;
  /** The controller board id sent in HELLO (1 to 16 ASCII characters). Default `SIM-<n>`, n as in the path. */
  boardId?: string;
  /** The channels, channel 1 first, or a count of channels (capacity 10, full). Default 10. */
  channels?: number | readonly ChannelConfig[];
  /** Seed of the motor stalls and of the line noise. Default 1. */
  seed?: number;
  /** Motor cycle time, ms of machine time. Default 1200; 0 ends each cycle without the clock moving. */
  dispenseMs?: number;
  /** Stall chance of every channel (0..1). Default 0. */
  jamProbability?: number;
  /** More machine settings: room temperature, setpoint, cabinet temperature, refrigeration physics. */
  machine?: Pick<MachineOptions, 'ambient' | 'setpoint' | 'temperature' | 'refrigeration' | 'startTime'>;
  /** The board's memory: an Nvram, or a file path to keep it between runs. Default: a new one in memory. */
  nvram?: Nvram | string;
  /** The coin changer; null: none fitted. Default: CNY coins with tubes (see DEFAULT_COIN_TYPES). */
  coinChanger?: Partial<CoinChangerOptions> | null;
  /** The bill validator; null: none fitted. Default: CNY bills, escrow, 500 bills in the stacker. */
  billValidator?: Partial<BillValidatorOptions> | null;
  /** The cashless reader; null: none fitted. Default: a level 3 reader, scale factor 1 fen. */
  cashlessReader?: CashlessReaderOptions | null;
  /** MDB settings (poll interval of the board, retries, tube low level...). */
  mdb?: Pick<
    MdbBusOptions,
    'pollIntervalMs' | 'retries' | 'maxPolls' | 'trafficLimit' | 'tubeLowCount' | 'cashlessPrices'
  >;
  /** Firmware version in HELLO. Default 'SIM-1.0'. */
  firmware?: string;
  /** Timings of the board's serial link; `initialSeq` sets the first SEQ of the first boot only. */
  link?: LinkOptions;
  /** Most cash credit the board holds, fen (larger bills go back from escrow). Default 10,000. */
  maxCredit?: number;
  /** Keep the cash credit through a power cut. Default true. */
  keepCredit?: boolean;
  /** Wall-clock ms between HELLOs while no host has acknowledged one. Default 1000. */
  helloRetryMs?: number;
  /**
   * `virtual` (default): machine time moves only through {@link SimulatedMachine.advance}, for
   * tests. `real`: machine time follows the wall clock (the CLI).
   */
  clock?: 'virtual' | 'real';
  /** In `real` mode, how often machine time is moved on, ms. Default 50. */
  tickMs?: number;
}

/**
 * A product that fell out of the machine, with the VEND whose motor cycle dropped it (null
 * fields for a drop the board did not ask for). `at`: machine time of the drop, ms.
 */
export interface DispensedProduct extends DispenseRecord {
  vendId: number | null;
  /** VEND price, fen. */
  price: number | null;
  /** VEND method (0 host paid, 1 cash, 2 cashless, 3 free). */
  method: number | null;
}

/** The physical state of a simulated machine at one moment (a copy). Money in fen. */
export interface SimulatedMachineState {
  path: string;
  boardId: string;
  /** Machine time, ms. */
  time: number;
  powered: boolean;
  /** The firmware runs (false while the power is off). */
  firmwareRunning: boolean;
  /** A terminal has the serial port open. */
  hostConnected: boolean;
  door: 'open' | 'closed';
  /** What the temperature sensor reads, tenths of °C; null with a faulty sensor. */
  temperature: number | null;
  setpoint: number;
  compressor: boolean;
  /** Products in each channel, channel 1 first. */
  stock: number[];
  /** Every product that fell out of the machine, oldest first, with the vend that dropped it. */
  dispenseLog: DispensedProduct[];
  /** Coins in the changer's change tubes; null without a changer. */
  coinTubes: CoinChangerState['tubes'] | null;
  /** Coins in the cash box and paid out as change; null without a changer. */
  cashBox: CoinChangerState['cashBox'] | null;
  coinsPaidOut: CoinChangerState['dispensed'] | null;
  /** The bill validator's escrow, stacker and returned bills; null without a validator. */
  bills: Pick<BillValidatorState, 'escrow' | 'stacker' | 'returned'> | null;
  /** Card sessions at the reader, oldest first; null without a reader. */
  cardSessions: CashlessSessionRecord[] | null;
  /** Cash credit held by the board. */
  credit: number;
  /** The vends remembered in the board's NVRAM, oldest first. */
  vends: VendRecord[];
  /** Everything the machine knows about itself (channels, motors, faults, refrigeration, devices). */
  machine: MachineState;
}

/** What happened in a simulated machine: the machine's physical events, the MDB bus's reports, and the firmware's doings. */
export type SimulatedMachineEvent =
  | { type: 'machine'; event: MachineEvent }
  | { type: 'mdb'; event: MdbBusEvent }
  | { type: 'firmware'; event: FirmwareEvent }
  /** A terminal opened (true) or closed (false) the serial port. */
  | { type: 'host'; connected: boolean };

/** What a customer can do at the machine. */
export interface CustomerActions {
  /** Drops a coin of `value` fen. Rejected (to the return cup) without power or changer. */
  insertCoin(value: number): CoinOutcome;
  /** Feeds a bill of `value` fen. Rejected without power or validator. */
  insertBill(value: number): BillOutcome;
  /** Taps a card with `funds` fen; `deny`: its issuer refuses every vend. */
  tapCard(card: CardTap): 'session' | 'refused';
  /** Takes the card away before choosing: the reader asks to end the session. */
  removeCard(): boolean;
  /** Presses the button of `channel` (the board reports SELECTION). Returns whether the keypad registered it. */
  pressButton(channel: number): boolean;
  /**
   * Presses the coin return lever: a bill held in escrow is given back and the cash credit
   * is paid back from the coin tubes (the board reports EVENT coin returned).
   */
  pressReturnLever(): void;
}

/** What a service engineer or the operator's field staff can do at the machine. */
export interface ServiceActions {
  openDoor(): void;
  closeDoor(): void;
  /** Loads `count` products into `channel`. */
  restock(channel: number, count: number): void;
  /** Frees a stalled motor. */
  clearJam(channel: number): void;
  /** Sets the coins in the tube of `coinType`. */
  setTube(coinType: number, count: number): void;
  /** Empties the cash box; returns its content, fen. */
  emptyCashBox(): number;
  /** Empties the bill stacker; returns its content, fen. */
  emptyStacker(): number;
  /** Sets the room temperature, tenths of °C. */
  setAmbient(tenths: number): void;
}

/** Faults on demand. */
export interface SimulatedFaults extends Omit<FaultControls, 'powerCutAt' | 'clearAll'> {
  /**
   * Noise on the serial line between terminal and board, in both directions: shares (0..1)
   * of bytes corrupted, dropped or duplicated. `{}` or null: a clean line.
   */
  lineNoise(noise: LineNoise | null): void;
  /** What the line noise has done so far. */
  lineNoiseCounts(): NoiseCounts;
  /** Cuts the power when the next motor cycle (of `channel`, or any) reaches `phase`; null disarms. */
  powerCutAt(phase: VendPhase | null, channel?: number): void;
  /** Opens the service door (a vend is refused with DOOR_OPEN; the cabinet warms). */
  openDoor(): void;
  closeDoor(): void;
  /** Unplugs (false) or plugs back (true) an MDB device: it stops answering on the bus. */
  mdbDevice(device: MdbDevice, connected: boolean): void;
  /** Switches every switchable fault off: the machine's, the line noise and unplugged MDB devices. */
  clearAll(): void;
}

/** A simulated vending machine, made by {@link createSimulatedMachine}. */
export interface SimulatedMachine {
  /** The serial port path a terminal opens with `simulatorBinding`. */
  readonly path: string;
  readonly boardId: string;
  /** The physical machine. */
  readonly machine: Machine;
  /** The board's side of the MDB bus. */
  readonly bus: MdbBus;
  readonly coinChanger: CoinChanger | null;
  readonly billValidator: BillValidator | null;
  readonly cashlessReader: CashlessReader | null;
  /** The board's end of the serial cable (noise included). */
  readonly port: SimulatedPortEnd;
  /** The firmware now running, or null while the power is off. */
  readonly firmware: VmcFirmware | null;
  /** Machine time, ms. */
  readonly now: number;
  /** The physical state now (a copy). */
  state(): SimulatedMachineState;
  readonly customer: CustomerActions;
  readonly service: ServiceActions;
  readonly faults: SimulatedFaults;
  /** Cuts the power now: the firmware stops where it is; physical state and NVRAM stay. */
  powerCut(): void;
  /** Restores the power: a new firmware boots from the same NVRAM (HELLO, then EVENT power restored). */
  powerOn(): void;
  readonly events: {
    /** Calls `listener` for every event of `type`. Returns a function that removes it. */
    on<K extends SimulatedMachineEvent['type']>(
      type: K,
      listener: (event: Extract<SimulatedMachineEvent, { type: K }>) => void,
    ): () => void;
    /** Calls `listener` for every event. Returns a function that removes it. */
    onAny(listener: (event: SimulatedMachineEvent) => void): () => void;
  };
  /** Every MDB transmission recorded so far, oldest first. */
  mdbTraffic(): MdbTrafficEntry[];
  /** Forgets the recorded MDB traffic. */
  clearMdbTraffic(): void;
  /** Lets `ms` of machine time pass (virtual clock): motors, refrigeration, MDB polling. */
  advance(ms: number): void;
  /** Runs machine time with the wall clock (what `clock: 'real'` does at creation). */
  start(): void;
  /** Stops the wall-clock driver. */
  stop(): void;
  /** Shuts the machine down: firmware stopped, timers stopped, the port path released. */
  close(): void;
}

let machineCount = 0;

/** Largest step of machine time in one go while advancing, so that machine and board stay in step. */
const ADVANCE_STEP_MS = 10;

/**
 * Builds a simulated vending machine and boots its controller board: the machine (channels,
 * motors, drop sensor, door, keypad, refrigeration), the MDB coin changer, bill validator and
 * cashless reader, the firmware, and a serial port at `path` that a terminal opens with
 * `new SerialPortStream({ binding: simulatorBinding, path, baudRate: 9600 })`.
 */
export function createSimulatedMachine(options: SimulatedMachineOptions = {}): SimulatedMachine {
  machineCount += 1;
  const path = options.path ?? `/dev/ttyVMC${machineCount}`;
  const boardId = options.boardId ?? `SIM-${machineCount}`;
  const seed = options.seed ?? 1;
  const nvram =
    options.nvram instanceof Nvram
      ? options.nvram
      : new Nvram(options.nvram === undefined ? {} : { path: options.nvram });
  const machine = new Machine({
    ...options.machine,
    boardId,
    channels: options.channels ?? 10,
    seed,
    dispenseMs: options.dispenseMs,
    jamProbability: options.jamProbability,
    nvram,
  });
  const clock = new VirtualClock(machine.now);

  const coinChanger =
    options.coinChanger === null
      ? null
      : new CoinChanger({ coinTypes: DEFAULT_COIN_TYPES.map((coin) => structuredClone(coin)), ...options.coinChanger });
  const billValidator =
    options.billValidator === null
      ? null
      : new BillValidator({ billTypes: DEFAULT_BILL_TYPES, ...options.billValidator });
  const cashlessReader = options.cashlessReader === null ? null : new CashlessReader(options.cashlessReader ?? {});
  const unplugged = new Set<number>();
  const bus = new MdbBus(
    [coinChanger, billValidator, cashlessReader].filter((device) => device !== null),
    {
      ...options.mdb,
      timers: { schedule: (delayMs, run) => clock.schedule(delayMs, run) },
      line: (words: MdbWord[], _direction, address) => (unplugged.has(address) ? [] : words),
    },
  );
  if (coinChanger) machine.attach('coinChanger', coinChanger);
  if (billValidator) machine.attach('billValidator', billValidator);
  if (cashlessReader) machine.attach('cashlessReader', cashlessReader);

  const port = registerSimulatedPort(path);
  const line = withNoise(port, {}, { seed });
  const emitter = new TypedEmitter<SimulatedMachineEvent>();
  machine.onAny((event) => emitter.emit({ type: 'machine', event }));
  bus.onAny((event) => emitter.emit({ type: 'mdb', event }));

  let firmware: VmcFirmware | null = null;
  /** The vend of each product drop, by its sequence in the machine's dispense log. */
  const dropVends = new Map<number, { vendId: number; price: number; method: number }>();
  let closed = false;
  let boots = 0;
  const bootFirmware = (): void => {
    boots += 1;
    // A given first SEQ is for the first boot; every later boot starts from a random one.
    const { initialSeq, ...timings } = options.link ?? {};
    const board = new VmcFirmware({
      machine,
      bus,
      transport: line,
      timers: { schedule: (delayMs, run) => clock.schedule(delayMs, run) },
      firmware: options.firmware,
      link: boots === 1 && initialSeq !== undefined ? { ...timings, initialSeq } : timings,
      mdbPollIntervalMs: options.mdb?.pollIntervalMs,
      maxCredit: options.maxCredit,
      keepCredit: options.keepCredit,
      helloRetryMs: options.helloRetryMs,
    });
    board.onAny((event) => emitter.emit({ type: 'firmware', event }));
    board.on('dropped', ({ sequence, vendId, price, method }) => dropVends.set(sequence, { vendId, price, method }));
    firmware = board;
  };
  // The board stops the moment the power goes, wherever the cut comes from (a fault armed for a vend phase too).
  machine.on('power_lost', () => {
    firmware?.halt('power_cut');
    firmware = null;
  });
  machine.on('power_restored', () => {
    if (!closed) bootFirmware();
  });
  port.onHost((connected) => {
    emitter.emit({ type: 'host', connected });
    if (connected) firmware?.hostConnected();
  });

  let realTime: ReturnType<typeof setInterval> | null = null;
  const advance = (ms: number): void => {
    if (!(ms >= 0)) throw new RangeError(`cannot advance by ${ms} ms`);
    let left = ms;
    while (left > 0) {
      const step = Math.min(left, ADVANCE_STEP_MS);
      machine.tick(step);
      clock.advance(step);
      left -= step;
    }
  };
  const start = (): void => {
    if (realTime || closed) return;
    let last = performance.now();
    realTime = setInterval(() => {
      const now = performance.now();
      advance(now - last);
      last = now;
    }, options.tickMs ?? 50);
  };
  const stop = (): void => {
    if (realTime) clearInterval(realTime);
    realTime = null;
  };

  const powered = (): boolean => machine.powered && !closed;
  const customer: CustomerActions = {
    insertCoin: (value) => (coinChanger && powered() ? coinChanger.insertCoin(value) : 'rejected'),
    insertBill: (value) => (billValidator && powered() ? billValidator.insertBill(value) : 'rejected'),
    tapCard: (card) => (cashlessReader && powered() ? cashlessReader.tapCard(card) : 'refused'),
    removeCard: () => (cashlessReader && powered() ? cashlessReader.removeCard() : false),
    pressButton: (channel) => machine.pressButton(channel),
    pressReturnLever: () => {
      if (coinChanger && powered()) coinChanger.pressReturnLever();
    },
  };

  const service: ServiceActions = {
    openDoor: () => machine.openDoor(),
    closeDoor: () => machine.closeDoor(),
    restock: (channel, count) => machine.restock(channel, count),
    clearJam: (channel) => machine.clearJam(channel),
    setTube: (coinType, count) => {
      if (!coinChanger) throw new Error('this machine has no coin changer');
      coinChanger.setTube(coinType, count);
    },
    emptyCashBox: () => coinChanger?.emptyCashBox() ?? 0,
    emptyStacker: () => billValidator?.emptyStacker() ?? 0,
    setAmbient: (tenths) => machine.setAmbient(tenths),
  };

  const faults: SimulatedFaults = {
    jam: (channel) => machine.faults.jam(channel),
    jamProbability: (channel, probability) => machine.faults.jamProbability(channel, probability),
    emptyChannel: (channel) => machine.faults.emptyChannel(channel),
    coolingFailure: (on) => machine.faults.coolingFailure(on),
    temperatureSensor: (on) => machine.faults.temperatureSensor(on),
    motorPower: (on) => machine.faults.motorPower(on),
    dropSensor: (on) => machine.faults.dropSensor(on),
    powerCutAt: (phase, channel) => machine.faults.powerCutAt(phase, channel),
    lineNoise: (noise) => {
      line.noise = noise ?? {};
    },
    lineNoiseCounts: () => line.counts,
    openDoor: () => machine.openDoor(),
    closeDoor: () => machine.closeDoor(),
    mdbDevice: (device, connected) => {
      const address = DEVICE_ADDRESS[device];
      if (connected) unplugged.delete(address);
      else unplugged.add(address);
    },
    clearAll: () => {
      machine.faults.clearAll();
      line.noise = {};
      unplugged.clear();
    },
  };

  const state = (): SimulatedMachineState => {
    const physical = machine.state();
    const changer = coinChanger?.state() ?? null;
    const validator = billValidator?.state() ?? null;
    const reader = cashlessReader?.state() ?? null;
    const memory = new VmcMemory(nvram).read();
    return {
      path,
      boardId,
      time: physical.time,
      powered: physical.powered,
      firmwareRunning: firmware?.running ?? false,
      hostConnected: port.hostConnected,
      door: physical.door,
      temperature: physical.refrigeration.reading,
      setpoint: physical.refrigeration.setpoint,
      compressor: physical.refrigeration.compressor,
      stock: physical.channels.map((channel) => channel.stock),
      dispenseLog: physical.dispenseLog.map((record) => ({
        ...record,
        vendId: null,
        price: null,
        method: null,
        ...dropVends.get(record.sequence),
      })),
      coinTubes: changer?.tubes ?? null,
      cashBox: changer?.cashBox ?? null,
      coinsPaidOut: changer?.dispensed ?? null,
      bills: validator && { escrow: validator.escrow, stacker: validator.stacker, returned: validator.returned },
      cardSessions: reader?.sessions ?? null,
      credit: memory.credit,
      vends: memory.vends,
      machine: physical,
    };
  };

  bootFirmware();
  if (options.clock === 'real') start();

  return {
    path,
    boardId,
    machine,
    bus,
    coinChanger,
    billValidator,
    cashlessReader,
    port,
    get firmware() {
      return firmware;
    },
    get now() {
      return machine.now;
    },
    state,
    customer,
    service,
    faults,
    powerCut: () => machine.powerCut(),
    powerOn: () => machine.powerOn(),
    events: {
      on: (type, listener) => emitter.on(type, listener),
      onAny: (listener) => emitter.onAny(listener),
    },
    mdbTraffic: () => bus.traffic.map((entry) => ({ ...entry, words: [...entry.words] })),
    clearMdbTraffic: () => bus.clearTraffic(),
    advance,
    start,
    stop,
    close: () => {
      if (closed) return;
      closed = true;
      stop();
      firmware?.halt('shutdown');
      firmware = null;
      unregisterSimulatedPort(path);
    },
  };
}
