import type { RefrigerationSettings } from './refrigeration.js';
import type { Nvram } from './nvram.js';
import type { Rng } from './rng.js';

/**
 * How one motor cycle ended, or why it did not start.
 * - `ok`: the drop sensor saw the product fall.
 * - `jam`: the motor stalled (or the channel's motor is latched faulty, or the motors have no
 *   power); nothing dropped.
 * - `empty`: nothing dropped: the channel's sensor says it is empty (the motor is not started),
 *   or the motor turned and the drop sensor saw nothing.
 * - `invalid_channel`: no such channel; nothing moved.
 * - `door_open`: the machine does not vend with its door open; nothing moved.
 * - `busy`: another motor is running; nothing moved.
 */
export type DispenseResult = 'ok' | 'jam' | 'empty' | 'invalid_channel' | 'door_open' | 'busy';

/**
 * The moments of a motor cycle at which a test can cut the power:
 * - `before_motor`: the vend was accepted, the motor is about to start. A cut here moves nothing.
 * - `motor_running`: the motor has just started. A cut here stops it; nothing drops.
 * - `after_drop`: the product has fallen past the drop sensor (it is in the dispense log and
 *   the channel's stock is one less); the result has not reached the caller yet.
 */
export type VendPhase = 'before_motor' | 'motor_running' | 'after_drop';

/** Why a channel reports a motor fault. */
export type MotorFaultCause = 'jam' | 'motor_power';

/** One channel as the machine is built / loaded. */
export interface ChannelConfig {
  /** How many products the channel holds. */
  capacity: number;
  /** Products in the channel at start. Default: full (= capacity). */
  stock?: number;
  /** How long one motor cycle takes, ms. Default: the machine's `dispenseMs`. */
  dispenseMs?: number;
  /** Chance (0..1) that the motor stalls on a cycle. Default: the machine's `jamProbability`. */
  jamProbability?: number;
}

export interface MachineOptions {
  /** The controller board id (up to 16 ASCII characters, as HELLO carries it). */
  boardId: string;
  /** The channels, channel 1 first; or a count of identical channels (capacity 10, full). */
  channels: number | readonly ChannelConfig[];
  /** Seed for every random decision (motor stalls). Default 1. */
  seed?: number;
  /** A random source to use instead of one made from `seed`: numbers in [0, 1). */
  rng?: Rng;
  /** Room temperature, tenths of °C. Default 250 (25 °C). */
  ambient?: number;
  /** Cabinet target temperature, tenths of °C. Default 40 (4 °C). */
  setpoint?: number;
  /** Cabinet temperature at start, tenths of °C. Default: ambient (a machine just switched on). */
  temperature?: number;
  /** Motor cycle time for channels that do not set their own, ms. Default 1200. */
  dispenseMs?: number;
  /** Stall chance for channels that do not set their own. Default 0. */
  jamProbability?: number;
  /** Fine tuning of the refrigeration physics. */
  refrigeration?: Partial<RefrigerationSettings>;
  /** The board's non-volatile memory. Default: a new, empty, in-memory one. */
  nvram?: Nvram;
  /** The machine clock's reading at creation, ms. Default 0. */
  startTime?: number;
}

/** A product that physically fell out of a channel. */
export interface DispenseRecord {
  /** 1 for the first product this machine dropped, then 2, 3, ... */
  sequence: number;
  channel: number;
  /** Machine time of the drop, ms. */
  at: number;
  /** The drop sensor saw it (false only with a faulty drop sensor). */
  sensed: boolean;
}

export interface ChannelState {
  channel: number;
  capacity: number;
  /** Products physically in the channel. */
  stock: number;
  /** What the channel's stock sensor says is in it; differs from `stock` only with the `empty_channel` fault. */
  reportedStock: number;
  dispenseMs: number;
  jamProbability: number;
  /** The motor stalled and the channel reports a motor fault until {@link Machine.clearJam}. */
  jammed: boolean;
  /** A stall has been set up for this channel's next motor cycle. */
  jamArmed: boolean;
  /** How many times the motor was started. */
  motorCycles: number;
}

export interface RefrigerationState {
  ambient: number;
  setpoint: number;
  /** The true cabinet air temperature, tenths of °C (not rounded). */
  cabinet: number;
  /** What the temperature sensor reads, whole tenths of °C; null with a faulty sensor. */
  reading: number | null;
  compressor: boolean;
  alarm: boolean;
}

export interface FaultState {
  coolingFailure: boolean;
  temperatureSensor: boolean;
  motorPower: boolean;
  dropSensor: boolean;
  /** Channels whose sensor says stocked while they are physically emptier. */
  emptyChannels: number[];
  /** Channels whose next motor cycle will stall. */
  armedJams: number[];
  /** A power cut waiting for a phase of a motor cycle. */
  powerCutAt: { phase: VendPhase; channel?: number } | null;
}

/** Everything about the machine's physical state at one moment (a copy). */
export interface MachineState {
  boardId: string;
  /** Machine time, ms. */
  time: number;
  powered: boolean;
  door: 'open' | 'closed';
  /** The channel whose motor is turning, or null. */
  motorRunning: number | null;
  channels: ChannelState[];
  jammedChannels: number[];
  dispenseLog: DispenseRecord[];
  refrigeration: RefrigerationState;
  faults: FaultState;
  /** STATUS `errors` bits this machine owns: temperature sensor, drop sensor, motor power. */
  errorBits: number;
  /** The state of attached parts (cash box, coin tubes, bill stacker...), by name. */
  peripherals: Record<string, unknown>;
}

/** Something whose state shows in {@link MachineState.peripherals}. */
export interface StateSource {
  state(): unknown;
}

/** The named faults that can be switched on demand. */
export type FaultKind =
  | 'jam'
  | 'jam_probability'
  | 'empty_channel'
  | 'cooling_failure'
  | 'temperature_sensor'
  | 'motor_power'
  | 'drop_sensor'
  | 'power_cut';

interface MachineEventPayloads {
  door_opened: object;
  door_closed: object;
  /** A channel button on the keypad was pressed (only registers with power on). */
  button_pressed: { channel: number };
  /** A motor cycle reached a phase. A listener may call {@link Machine.powerCut} here. */
  vend_phase: { channel: number; phase: VendPhase };
  product_dropped: { record: DispenseRecord };
  /** A motor stalled; the channel reports a motor fault. */
  motor_fault: { channel: number; cause: MotorFaultCause };
  motor_fault_cleared: { channel: number };
  restocked: { channel: number; count: number; stock: number };
  compressor: { on: boolean; cabinet: number };
  /** The reading stayed above setpoint + threshold for the alarm delay. */
  temperature_alarm: { temperature: number; setpoint: number };
  temperature_normal: { temperature: number; setpoint: number };
  setpoint_changed: { setpoint: number };
  /** A fault was switched on or off. */
  fault: { fault: FaultKind; active: boolean; channel?: number; value?: number };
  power_lost: object;
  power_restored: object;
}

/** The machine's event names. */
export type MachineEventType = keyof MachineEventPayloads;

/** Every physical event, tagged with its `type` and the machine time `at` (ms). */
export type MachineEvent = {
  [K in MachineEventType]: { type: K; at: number } & MachineEventPayloads[K];
}[MachineEventType];

/** The event of one type. */
export type MachineEventOf<K extends MachineEventType> = Extract<MachineEvent, { type: K }>;
