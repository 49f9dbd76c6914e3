import { StatusErrorBit } from '@vmcloud/protocol';
import { TypedEmitter } from './emitter.js';
import { Nvram } from './nvram.js';
import { Refrigeration, type RefrigerationChange } from './refrigeration.js';
import { createRng, type Rng } from './rng.js';
import type {
  ChannelConfig,
  ChannelState,
  DispenseRecord,
  DispenseResult,
  FaultKind,
  MachineEvent,
  MachineEventOf,
  MachineEventType,
  MachineOptions,
  MachineState,
  MotorFaultCause,
  StateSource,
  VendPhase,
} from './types.js';
import { VirtualClock } from './virtual-clock.js';

/** Default motor cycle time of a spiral channel, ms. */
export const DEFAULT_DISPENSE_MS = 1200;
/** Capacity of each channel when the machine is built from a channel count. */
export const DEFAULT_CHANNEL_CAPACITY = 10;

/** Switches for the faults a test or an operator of the simulator can cause on demand. */
export interface FaultControls {
  /** The next motor cycle of `channel` stalls: the product stays, the channel reports a motor fault. */
  jam(channel: number): void;
  /** Sets the chance (0..1) that a motor cycle of `channel` stalls. */
  jamProbability(channel: number, probability: number): void;
  /** Empties `channel` physically while its stock sensor keeps reporting what it did. */
  emptyChannel(channel: number): void;
  /** The compressor runs but removes no heat. */
  coolingFailure(on?: boolean): void;
  /** The temperature sensor reads nothing usable (STATUS error bit 3). */
  temperatureSensor(on?: boolean): void;
  /** The motors have no power: every cycle stalls (STATUS error bit 5). */
  motorPower(on?: boolean): void;
  /** The drop sensor sees nothing: products fall but the cycle ends `empty` (STATUS error bit 4). */
  dropSensor(on?: boolean): void;
  /**
   * Cuts the power when the next motor cycle (of `channel`, or of any channel) reaches
   * `phase`; null disarms.
   */
  powerCutAt(phase: VendPhase | null, channel?: number): void;
  /**
   * Switches off every switchable fault (cooling, sensors, motor power, armed jams, armed
   * power cut, stall chances back to 0). What is physical stays: a jammed channel until
   * {@link Machine.clearJam}, an emptied channel until it is restocked.
   */
  clearAll(): void;
}

/** A promise for a result that will never arrive: the controller that asked has lost power. */
function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

function checkProbability(probability: number): void {
  if (!(probability >= 0 && probability <= 1)) throw new RangeError(`probability must be in 0..1, got ${probability}`);
}

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a whole number >= 0, got ${value}`);
}

function checkTenths(name: string, value: number): void {
  if (!Number.isInteger(value) || value < -32768 || value > 32767) {
    throw new RangeError(`${name} must be whole tenths of °C in i16 range, got ${value}`);
  }
}

/**
 * One physical vending machine: channels with motors, stock and a drop sensor, a door switch,
 * a keypad and a refrigerated cabinet, driven by its own clock.
 *
 * Time passes only through {@link tick} (tests) or the real-time driver {@link start} (CLI):
 * a motor cycle of `dispenseMs` > 0 ends when that much machine time has passed; a cycle of
 * 0 ms ends on its own, without any tick.
 *
 * Power: after {@link powerCut} nothing powered works until {@link powerOn}; a motor cycle in
 * flight stops where it was and its `dispense` promise never settles (the controller that
 * awaited it is gone), and so does a `dispense` asked for while the power is off. What was
 * physically done stays done. The {@link nvram} survives and is handed to the next boot.
 */
export class Machine {
  /** The controller board id. */
  readonly boardId: string;
  /** The board's non-volatile memory, the same object across power cuts. */
  readonly nvram: Nvram;
  /** Faults on demand. */
  readonly faults: FaultControls;

  readonly #clock: VirtualClock;
  readonly #rng: Rng;
  readonly #events = new TypedEmitter<MachineEvent>();
  readonly #channels: ChannelState[];
  readonly #fridge: Refrigeration;
  readonly #log: DispenseRecord[] = [];
  readonly #peripherals = new Map<string, StateSource>();

  #powered = true;
  /** Bumped by every power cut: work started under an older epoch is abandoned. */
  #epoch = 0;
  #doorOpen = false;
  #motorRunning: number | null = null;
  #coolingFailure = false;
  #sensorFault = false;
  #motorPowerFault = false;
  #dropSensorFault = false;
  #armedCut: { phase: VendPhase; channel?: number } | null = null;
  #realTime: ReturnType<typeof setInterval> | null = null;

  constructor(options: MachineOptions) {
    if (!/^[\x20-\x7e]{1,16}$/.test(options.boardId)) {
      throw new RangeError(
        `boardId must be 1 to 16 printable ASCII characters, got ${JSON.stringify(options.boardId)}`,
      );
    }
    this.boardId = options.boardId;
    this.nvram = options.nvram ?? new Nvram();
    this.#clock = new VirtualClock(options.startTime ?? 0);
    this.#rng = options.rng ?? createRng(options.seed ?? 1);

    const dispenseMs = options.dispenseMs ?? DEFAULT_DISPENSE_MS;
    const jamProbability = options.jamProbability ?? 0;
    const configs: readonly ChannelConfig[] =
      typeof options.channels === 'number'
        ? Array.from({ length: options.channels }, () => ({ capacity: DEFAULT_CHANNEL_CAPACITY }))
        : options.channels;
    if (configs.length < 1 || configs.length > 0xffff) throw new RangeError('a machine has 1 to 65535 channels');
    this.#channels = configs.map((config, index) => {
      const state: ChannelState = {
        channel: index + 1,
        capacity: config.capacity,
        stock: config.stock ?? config.capacity,
        reportedStock: 0,
        dispenseMs: config.dispenseMs ?? dispenseMs,
        jamProbability: config.jamProbability ?? jamProbability,
        jammed: false,
        jamArmed: false,
        motorCycles: 0,
      };
      checkCount(`channel ${state.channel} capacity`, state.capacity);
      checkCount(`channel ${state.channel} stock`, state.stock);
      if (state.stock > state.capacity) throw new RangeError(`channel ${state.channel} stock exceeds its capacity`);
      if (!(state.dispenseMs >= 0)) throw new RangeError(`channel ${state.channel} dispenseMs must be >= 0`);
      checkProbability(state.jamProbability);
      state.reportedStock = state.stock;
      return state;
    });

    const ambient = options.ambient ?? 250;
    const setpoint = options.setpoint ?? 40;
    checkTenths('ambient', ambient);
    checkTenths('setpoint', setpoint);
    this.#fridge = new Refrigeration({
      ambient,
      setpoint,
      temperature: options.temperature,
      settings: options.refrigeration,
    });
    this.#scheduleRefrigerationStep();
    this.faults = this.#faultControls();
  }

  // ---- time ----------------------------------------------------------------------------

  /** Machine time, ms. */
  get now(): number {
    return this.#clock.now;
  }

  /** Lets `ms` of machine time pass: motor cycles finish, the cabinet warms or cools. */
  tick(ms: number): void {
    this.#clock.advance(ms);
  }

  /** Runs machine time at the speed of the wall clock, advancing every `intervalMs`. */
  start(intervalMs = 100): void {
    if (this.#realTime) return;
    let last = performance.now();
    this.#realTime = setInterval(() => {
      const now = performance.now();
      this.tick(now - last);
      last = now;
    }, intervalMs);
  }

  /** Stops the real-time driver. */
  stop(): void {
    if (!this.#realTime) return;
    clearInterval(this.#realTime);
    this.#realTime = null;
  }

  /** The real-time driver is running. */
  get running(): boolean {
    return this.#realTime !== null;
  }

  // ---- events --------------------------------------------------------------------------

  /** Calls `listener` (synchronously) for every event of `type`. Returns a function that removes it. */
  on<K extends MachineEventType>(type: K, listener: (event: MachineEventOf<K>) => void): () => void {
    return this.#events.on(type, listener);
  }

  /** Calls `listener` for every event. Returns a function that removes it. */
  onAny(listener: (event: MachineEvent) => void): () => void {
    return this.#events.onAny(listener);
  }

  #emit<K extends MachineEventType>(
    type: K,
    payload: Omit<MachineEventOf<K>, 'type' | 'at'> = {} as Omit<MachineEventOf<K>, 'type' | 'at'>,
  ): void {
    this.#events.emit({ type, at: this.#clock.now, ...payload } as MachineEventOf<K>);
  }

  // ---- channels and motors -------------------------------------------------------------

  /** Number of channels; they are numbered 1..channelCount. */
  get channelCount(): number {
    return this.#channels.length;
  }

  #channel(channel: number): ChannelState | undefined {
    return Number.isInteger(channel) ? this.#channels[channel - 1] : undefined;
  }

  #requireChannel(channel: number): ChannelState {
    const state = this.#channel(channel);
    if (!state) throw new RangeError(`no channel ${channel} (channels are 1..${this.#channels.length})`);
    return state;
  }

  /**
   * Runs one motor cycle of `channel` and tells how it ended. Checked first, in this order,
   * without moving anything: `invalid_channel`, `busy` (another motor turning), `door_open`,
   * `jam` (the channel's motor fault is latched until {@link clearJam}), `empty` (the channel's
   * sensor says empty). Then the motor turns for the channel's `dispenseMs` and the cycle ends
   * `ok` (a product fell: it is logged and the stock drops by one), `jam` (the motor stalled:
   * the product stays, the channel reports a motor fault) or `empty` (nothing fell).
   */
  dispense(channel: number): Promise<DispenseResult> {
    if (!this.#powered) return never();
    const state = this.#channel(channel);
    if (!state) return Promise.resolve('invalid_channel');
    if (this.#motorRunning !== null) return Promise.resolve('busy');
    if (this.#doorOpen) return Promise.resolve('door_open');
    if (state.jammed) return Promise.resolve('jam');
    if (state.reportedStock === 0) return Promise.resolve('empty');

    const epoch = this.#epoch;
    this.#motorRunning = state.channel;
    if (!this.#reachPhase(state, 'before_motor', epoch)) return never();

    state.motorCycles++;
    // One draw per motor start, whatever the outcome, so a seed replays the same stalls.
    const draw = this.#rng();
    const cause: MotorFaultCause | null = this.#motorPowerFault
      ? 'motor_power'
      : state.jamArmed || draw < state.jamProbability
        ? 'jam'
        : null;
    if (!this.#reachPhase(state, 'motor_running', epoch)) return never();

    return new Promise<DispenseResult>((resolve) => {
      this.#after(state.dispenseMs, () => {
        if (epoch !== this.#epoch) return;
        this.#motorRunning = null;
        if (cause) {
          if (cause === 'jam') {
            state.jamArmed = false;
            state.jammed = true;
          }
          this.#emit('motor_fault', { channel: state.channel, cause });
          resolve('jam');
          return;
        }
        if (state.stock === 0) {
          resolve('empty');
          return;
        }
        state.stock--;
        state.reportedStock = Math.max(0, state.reportedStock - 1);
        const record: DispenseRecord = {
          sequence: this.#log.length + 1,
          channel: state.channel,
          at: this.#clock.now,
          sensed: !this.#dropSensorFault,
        };
        this.#log.push(record);
        this.#emit('product_dropped', { record: { ...record } });
        if (!this.#reachPhase(state, 'after_drop', epoch)) return;
        resolve(record.sensed ? 'ok' : 'empty');
      });
    });
  }

  /** Emits the phase, then fires a power cut armed for it; false if the power is gone. */
  #reachPhase(state: ChannelState, phase: VendPhase, epoch: number): boolean {
    this.#emit('vend_phase', { channel: state.channel, phase });
    const armed = this.#armedCut;
    if (
      epoch === this.#epoch &&
      armed &&
      armed.phase === phase &&
      (armed.channel === undefined || armed.channel === state.channel)
    ) {
      this.#armedCut = null;
      this.powerCut();
    }
    return epoch === this.#epoch;
  }

  /** Runs `run` after `ms` of machine time; at once (as a microtask) for 0 ms. */
  #after(ms: number, run: () => void): void {
    if (ms <= 0) queueMicrotask(run);
    else this.#clock.schedule(ms, run);
  }

  /** Frees a stalled motor: the channel stops reporting a motor fault. The product is still in the channel. */
  clearJam(channel: number): void {
    const state = this.#requireChannel(channel);
    if (!state.jammed) return;
    state.jammed = false;
    this.#emit('motor_fault_cleared', { channel: state.channel });
  }

  /**
   * Loads `count` products into `channel`. Refuses (RangeError, nothing loaded) if they do
   * not fit. The channel's stock sensor sees the true stock again afterwards.
   */
  restock(channel: number, count: number): void {
    const state = this.#requireChannel(channel);
    checkCount('count', count);
    if (state.stock + count > state.capacity) {
      throw new RangeError(`channel ${channel} holds ${state.stock} of ${state.capacity}: ${count} more do not fit`);
    }
    state.stock += count;
    state.reportedStock = state.stock;
    this.#emit('restocked', { channel: state.channel, count, stock: state.stock });
  }

  // ---- door, keypad --------------------------------------------------------------------

  /** Opens the service door (no event if it is already open). */
  openDoor(): void {
    if (this.#doorOpen) return;
    this.#doorOpen = true;
    this.#emit('door_opened');
  }

  /** Closes the service door (no event if it is already closed). */
  closeDoor(): void {
    if (!this.#doorOpen) return;
    this.#doorOpen = false;
    this.#emit('door_closed');
  }

  get doorOpen(): boolean {
    return this.#doorOpen;
  }

  /**
   * A customer presses the button of `channel`. Returns whether the keypad registered it
   * (it does not without power). Throws RangeError for a button the machine does not have.
   */
  pressButton(channel: number): boolean {
    const state = this.#requireChannel(channel);
    if (!this.#powered) return false;
    this.#emit('button_pressed', { channel: state.channel });
    return true;
  }

  // ---- refrigeration -------------------------------------------------------------------

  /** Sets the cabinet's target temperature, tenths of °C (what SET_TEMP asks for). */
  setSetpoint(tenths: number): void {
    checkTenths('setpoint', tenths);
    const changes = this.#fridge.setSetpoint(tenths);
    this.#emit('setpoint_changed', { setpoint: tenths });
    this.#applyRefrigeration(changes);
  }

  /** Sets the room temperature around the machine, tenths of °C. */
  setAmbient(tenths: number): void {
    checkTenths('ambient', tenths);
    this.#fridge.ambient = tenths;
  }

  /** What the temperature sensor reads, whole tenths of °C; null with a faulty sensor. */
  temperature(): number | null {
    return this.#fridge.reading(this.#sensorFault);
  }

  #scheduleRefrigerationStep(): void {
    const stepMs = this.#fridge.settings.stepMs;
    this.#clock.schedule(stepMs, () => {
      this.#applyRefrigeration(
        this.#fridge.step(stepMs, {
          powered: this.#powered,
          doorOpen: this.#doorOpen,
          coolingFailure: this.#coolingFailure,
          sensorFault: this.#sensorFault,
        }),
      );
      this.#scheduleRefrigerationStep();
    });
  }

  #applyRefrigeration(changes: RefrigerationChange[]): void {
    for (const change of changes) {
      if (change.kind === 'compressor') {
        this.#emit('compressor', { on: change.on, cabinet: this.#fridge.cabinet });
      } else {
        const temperature = Math.round(this.#fridge.cabinet);
        const setpoint = this.#fridge.setpoint;
        if (change.on) this.#emit('temperature_alarm', { temperature, setpoint });
        else this.#emit('temperature_normal', { temperature, setpoint });
      }
    }
  }

  // ---- power ---------------------------------------------------------------------------

  get powered(): boolean {
    return this.#powered;
  }

  /**
   * Cuts the machine's power now. A motor stops where it is; a dispense in flight never
   * settles; the compressor stops; the controller forgets its alarm. Physical state (stock,
   * the dispense log, jams, the door) and the NVRAM stay.
   */
  powerCut(): void {
    if (!this.#powered) return;
    this.#powered = false;
    this.#epoch++;
    this.#motorRunning = null;
    this.#applyRefrigeration(this.#fridge.powerLost());
    this.#emit('power_lost');
  }

  /** Restores power (the controller boots again with the same {@link nvram}). */
  powerOn(): void {
    if (this.#powered) return;
    this.#powered = true;
    this.#emit('power_restored');
  }

  // ---- faults --------------------------------------------------------------------------

  #fault(fault: FaultKind, active: boolean, extra: { channel?: number; value?: number } = {}): void {
    this.#emit('fault', { fault, active, ...extra });
  }

  #faultControls(): FaultControls {
    return {
      jam: (channel) => {
        const state = this.#requireChannel(channel);
        state.jamArmed = true;
        this.#fault('jam', true, { channel: state.channel });
      },
      jamProbability: (channel, probability) => {
        const state = this.#requireChannel(channel);
        checkProbability(probability);
        state.jamProbability = probability;
        this.#fault('jam_probability', probability > 0, { channel: state.channel, value: probability });
      },
      emptyChannel: (channel) => {
        const state = this.#requireChannel(channel);
        state.stock = 0;
        this.#fault('empty_channel', true, { channel: state.channel });
      },
      coolingFailure: (on = true) => {
        this.#coolingFailure = on;
        this.#fault('cooling_failure', on);
      },
      temperatureSensor: (on = true) => {
        this.#sensorFault = on;
        this.#fault('temperature_sensor', on);
      },
      motorPower: (on = true) => {
        this.#motorPowerFault = on;
        this.#fault('motor_power', on);
      },
      dropSensor: (on = true) => {
        this.#dropSensorFault = on;
        this.#fault('drop_sensor', on);
      },
      powerCutAt: (phase, channel) => {
        if (channel !== undefined) this.#requireChannel(channel);
        this.#armedCut = phase === null ? null : channel === undefined ? { phase } : { phase, channel };
        this.#fault('power_cut', phase !== null, channel === undefined ? {} : { channel });
      },
      clearAll: () => {
        const f = this.faults;
        if (this.#coolingFailure) f.coolingFailure(false);
        if (this.#sensorFault) f.temperatureSensor(false);
        if (this.#motorPowerFault) f.motorPower(false);
        if (this.#dropSensorFault) f.dropSensor(false);
        if (this.#armedCut) f.powerCutAt(null);
        for (const state of this.#channels) {
          if (state.jamArmed) {
            state.jamArmed = false;
            this.#fault('jam', false, { channel: state.channel });
          }
          if (state.jamProbability > 0) f.jamProbability(state.channel, 0);
        }
      },
    };
  }

  /** STATUS `errors` bits owned by this machine: temperature sensor, drop sensor, motor power. */
  errorBits(): number {
    let bits = 0;
    if (this.#sensorFault) bits |= 1 << StatusErrorBit.TEMPERATURE_SENSOR;
    if (this.#dropSensorFault) bits |= 1 << StatusErrorBit.DROP_SENSOR;
    if (this.#motorPowerFault) bits |= 1 << StatusErrorBit.MOTOR_POWER;
    return bits;
  }

  // ---- state ---------------------------------------------------------------------------

  /**
   * Adds a part whose state shows under `name` in {@link state}'s `peripherals` (the cash
   * box, coin tubes, bill stacker of the MDB devices). Returns a function that detaches it.
   */
  attach(name: string, source: StateSource): () => void {
    if (this.#peripherals.has(name)) throw new Error(`a part named ${name} is already attached`);
    this.#peripherals.set(name, source);
    return () => {
      if (this.#peripherals.get(name) === source) this.#peripherals.delete(name);
    };
  }

  /** The dispense log: every product that physically fell, oldest first (a copy). */
  dispenseLog(): DispenseRecord[] {
    return this.#log.map((record) => ({ ...record }));
  }

  /** A snapshot of everything physical, readable at any time (a copy). */
  state(): MachineState {
    const peripherals: Record<string, unknown> = {};
    for (const [name, source] of this.#peripherals) peripherals[name] = source.state();
    return {
      boardId: this.boardId,
      time: this.#clock.now,
      powered: this.#powered,
      door: this.#doorOpen ? 'open' : 'closed',
      motorRunning: this.#motorRunning,
      channels: this.#channels.map((channel) => ({ ...channel })),
      jammedChannels: this.#channels.filter((channel) => channel.jammed).map((channel) => channel.channel),
      dispenseLog: this.dispenseLog(),
      refrigeration: {
        ambient: this.#fridge.ambient,
        setpoint: this.#fridge.setpoint,
        cabinet: this.#fridge.cabinet,
        reading: this.temperature(),
        compressor: this.#fridge.compressor,
        alarm: this.#fridge.alarm,
      },
      faults: {
        coolingFailure: this.#coolingFailure,
        temperatureSensor: this.#sensorFault,
        motorPower: this.#motorPowerFault,
        dropSensor: this.#dropSensorFault,
        emptyChannels: this.#channels
          .filter((channel) => channel.reportedStock > channel.stock)
          .map((channel) => channel.channel),
        armedJams: this.#channels.filter((channel) => channel.jamArmed).map((channel) => channel.channel),
        powerCutAt: this.#armedCut && { ...this.#armedCut },
      },
      errorBits: this.errorBits(),
      peripherals,
    };
  }
}
