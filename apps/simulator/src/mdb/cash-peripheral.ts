/**
 * What the simulated coin changer and bill validator do alike: each knows its coin or bill
 * types as values in fen that are whole credits at its scaling factor, queues the events it
 * reports on POLL, answers RESET by dropping them for JUST RESET, and SETUP with its config.
 */

import { ACK_ANSWER, NAK_ANSWER, PeripheralBase, commonFactor, type PeripheralAnswer } from './peripheral.js';

/** Currency settings of a cash device; each has a default. */
export interface CashPeripheralOptions {
  /** Scaling factor of credits, fen. Default: the largest that divides every value. */
  scalingFactor?: number;
  /** Decimal places of the currency. Default 2 (yuan / fen). */
  decimalPlaces?: number;
  /** Country / currency code. Default 0x1156 (CNY). */
  countryCode?: number;
}

/** The commands every cash device answers here; the others are the device's own. */
type SharedCommand = 'RESET' | 'SETUP';

/** What sets a kind of cash device apart on the bus: its codec and limits. */
export interface CashDeviceKind<Command, Response, Event> {
  /** `coin` or `bill`, for the error messages. */
  name: string;
  /** The largest scaling factor the device's SETUP answer can carry. */
  maxScalingFactor: number;
  decodeCommand(bytes: Uint8Array): { ok: true; command: Command } | { ok: false };
  encodeResponse(response: Response): Uint8Array;
  /** The STATUS event JUST RESET. */
  justReset: Readonly<Event>;
}

export abstract class CashPeripheral<Command extends { type: string }, Response, Event> extends PeripheralBase {
  readonly scalingFactor: number;
  readonly decimalPlaces: number;
  readonly countryCode: number;
  /** Value in fen of each coin or bill type. */
  protected readonly values: number[];
  /** What the next POLLs report, oldest first. */
  protected events: Event[];
  readonly #kind: CashDeviceKind<Command, Response, Event>;

  /** @throws RangeError when a value is not a whole credit (0..255) at the scaling factor */
  constructor(
    kind: CashDeviceKind<Command, Response, Event>,
    values: readonly number[],
    options: CashPeripheralOptions,
  ) {
    super();
    this.#kind = kind;
    this.values = [...values];
    this.scalingFactor = options.scalingFactor ?? commonFactor(this.values);
    for (const value of this.values) {
      const credit = value / this.scalingFactor;
      if (!Number.isInteger(credit) || credit < 0 || credit > 0xff || this.scalingFactor > kind.maxScalingFactor) {
        throw new RangeError(
          `${kind.name} value ${value} is not a whole credit (0..255) at scaling factor ${this.scalingFactor}`,
        );
      }
    }
    this.decimalPlaces = options.decimalPlaces ?? 2;
    this.countryCode = options.countryCode ?? 0x1156;
    this.events = [{ ...kind.justReset }];
  }

  /** Each coin or bill type's value in credits, as SETUP sends them. */
  protected credits(): number[] {
    return this.values.map((value) => value / this.scalingFactor);
  }

  protected answer(bytes: Uint8Array): PeripheralAnswer {
    const decoded = this.#kind.decodeCommand(bytes);
    if (!decoded.ok) return NAK_ANSWER;
    const { command } = decoded;
    switch (command.type) {
      case 'RESET':
        this.reset();
        this.events = [{ ...this.#kind.justReset }];
        return ACK_ANSWER;
      case 'SETUP':
        return this.data(this.config());
      default:
        return this.command(command as Exclude<Command, { type: SharedCommand }>);
    }
  }

  /** A data answer; `onAck` runs when the VMC acknowledges it. */
  protected data(response: Response, onAck?: () => void): PeripheralAnswer {
    return { kind: 'data', bytes: this.#kind.encodeResponse(response), onAck };
  }

  /** What a RESET does besides queueing JUST RESET. */
  protected abstract reset(): void;
  /** The answer to SETUP. */
  protected abstract config(): Response;
  /** The answer to every other command. */
  protected abstract command(command: Exclude<Command, { type: SharedCommand }>): PeripheralAnswer;
}
