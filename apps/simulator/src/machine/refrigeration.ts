/**
 * The cabinet's refrigeration: a thermostat with hysteresis switching a compressor, heat
 * leaking in from the room (much faster with the door open) and a temperature alarm.
 * Temperatures are tenths of a degree Celsius, like SET_TEMP and STATUS on the serial link.
 */

/** How the cabinet behaves. Every field has a realistic default. */
export interface RefrigerationSettings {
  /**
   * Thermostat band half-width, tenths of °C: the compressor starts at setpoint + hysteresis
   * and stops at setpoint - hysteresis. Default 10 (±1 °C).
   */
  hysteresis: number;
  /** How fast a running compressor pulls the cabinet down, tenths of °C per minute. Default 6. */
  coolingRate: number;
  /**
   * Time constant of the cabinet warming toward the room with the door closed, ms (after
   * this long, about 63% of the difference is gone). Default 2 hours.
   */
  closedTimeConstantMs: number;
  /** The same with the door open. Default 10 minutes. */
  doorOpenTimeConstantMs: number;
  /**
   * The alarm is raised when the reading stays above setpoint + this (tenths of °C)...
   * Default 50. It is armed only once the reading has been at or below that line since the
   * power came on or the setpoint changed, so a warm cabinet pulling down does not alarm.
   */
  alarmThreshold: number;
  /** ...for this long, ms. Default 15 minutes. */
  alarmDelayMs: number;
  /** Physics step, ms: the cabinet is updated once per step of machine time. Default 1000. */
  stepMs: number;
}

export const DEFAULT_REFRIGERATION: Readonly<RefrigerationSettings> = Object.freeze({
  hysteresis: 10,
  coolingRate: 6,
  closedTimeConstantMs: 2 * 60 * 60_000,
  doorOpenTimeConstantMs: 10 * 60_000,
  alarmThreshold: 50,
  alarmDelayMs: 15 * 60_000,
  stepMs: 1000,
});

/** What the rest of the machine tells the refrigeration at each step. */
export interface RefrigerationInputs {
  powered: boolean;
  doorOpen: boolean;
  /** The compressor runs but the refrigerant circuit removes no heat. */
  coolingFailure: boolean;
  /** The temperature sensor reads nothing usable. */
  sensorFault: boolean;
}

/** A change the step caused, for the machine to turn into events. */
export type RefrigerationChange = { kind: 'compressor'; on: boolean } | { kind: 'alarm'; on: boolean };

/** The cabinet's thermal state and its thermostat. */
export class Refrigeration {
  readonly settings: Readonly<RefrigerationSettings>;
  /** Room temperature around the machine, tenths of °C. */
  ambient: number;
  #setpoint: number;
  #cabinet: number;
  #compressor = false;
  #alarm = false;
  #alarmArmed = false;
  /** Since when (ms of steps) the reading has been above the alarm line; null while it is not. */
  #aboveForMs: number | null = null;

  constructor(init: {
    ambient: number;
    setpoint: number;
    temperature?: number;
    settings?: Partial<RefrigerationSettings>;
  }) {
    const settings = { ...DEFAULT_REFRIGERATION, ...init.settings };
    for (const [name, value] of Object.entries(settings)) {
      if (!Number.isFinite(value) || value < 0) throw new RangeError(`refrigeration ${name} must be >= 0`);
    }
    if (settings.stepMs <= 0 || settings.closedTimeConstantMs <= 0 || settings.doorOpenTimeConstantMs <= 0) {
      throw new RangeError('refrigeration step and time constants must be > 0');
    }
    this.settings = Object.freeze(settings);
    this.ambient = init.ambient;
    this.#setpoint = init.setpoint;
    this.#cabinet = init.temperature ?? init.ambient;
  }

  /** Target cabinet temperature, tenths of °C. */
  get setpoint(): number {
    return this.#setpoint;
  }

  /** A new target: the alarm waits until the cabinet has reached it again. */
  setSetpoint(tenths: number): RefrigerationChange[] {
    this.#setpoint = tenths;
    return this.#disarmAlarm();
  }

  #disarmAlarm(): RefrigerationChange[] {
    const changes: RefrigerationChange[] = this.#alarm ? [{ kind: 'alarm', on: false }] : [];
    this.#alarm = false;
    this.#alarmArmed = false;
    this.#aboveForMs = null;
    return changes;
  }

  /** The true cabinet air temperature, tenths of °C (not rounded). */
  get cabinet(): number {
    return this.#cabinet;
  }

  get compressor(): boolean {
    return this.#compressor;
  }

  /** The temperature alarm is raised. */
  get alarm(): boolean {
    return this.#alarm;
  }

  /** What the temperature sensor reads: whole tenths of °C, or null with a faulty sensor. */
  reading(sensorFault: boolean): number | null {
    return sensorFault ? null : Math.round(this.#cabinet);
  }

  /** The board lost power: the compressor stops and the controller forgets the alarm (no event for that). */
  powerLost(): RefrigerationChange[] {
    const changes: RefrigerationChange[] = [];
    if (this.#compressor) changes.push({ kind: 'compressor', on: false });
    this.#compressor = false;
    this.#disarmAlarm();
    return changes;
  }

  /** Advances the cabinet by one step of `dtMs`, then lets the thermostat and alarm react. */
  step(dtMs: number, inputs: RefrigerationInputs): RefrigerationChange[] {
    const s = this.settings;
    const tau = inputs.doorOpen ? s.doorOpenTimeConstantMs : s.closedTimeConstantMs;
    this.#cabinet += (this.ambient - this.#cabinet) * (1 - Math.exp(-dtMs / tau));
    if (this.#compressor && !inputs.coolingFailure) this.#cabinet -= (s.coolingRate * dtMs) / 60_000;

    const changes: RefrigerationChange[] = [];
    if (!inputs.powered) return changes;

    const reading = this.reading(inputs.sensorFault);
    // Without a reading the controller will not run the compressor blind.
    let wanted = this.#compressor;
    if (reading === null) wanted = false;
    else if (reading >= this.#setpoint + s.hysteresis) wanted = true;
    else if (reading <= this.#setpoint - s.hysteresis) wanted = false;
    if (wanted !== this.#compressor) {
      this.#compressor = wanted;
      changes.push({ kind: 'compressor', on: wanted });
    }

    // Without a reading the alarm is neither raised nor cleared: the sensor fault is reported instead.
    if (reading !== null) {
      if (reading > this.#setpoint + s.alarmThreshold) {
        if (this.#alarmArmed) {
          this.#aboveForMs = this.#aboveForMs === null ? 0 : this.#aboveForMs + dtMs;
          if (!this.#alarm && this.#aboveForMs >= s.alarmDelayMs) {
            this.#alarm = true;
            changes.push({ kind: 'alarm', on: true });
          }
        }
      } else {
        this.#alarmArmed = true;
        this.#aboveForMs = null;
        if (this.#alarm) {
          this.#alarm = false;
          changes.push({ kind: 'alarm', on: false });
        }
      }
    }
    return changes;
  }
}
