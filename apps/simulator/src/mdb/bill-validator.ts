/**
 * A simulated MDB bill validator (level 1): bill types with their values, an escrow
 * position that holds one bill until the VMC stacks or returns it, and a stacker (cash box)
 * with a capacity. It answers the VMC's blocks byte for byte as a real validator does.
 */

import {
  BillRouting,
  BillValidatorStatus,
  MDB_BILL_TYPES,
  MDB_MAX_POLL_LENGTH,
  MdbAddress,
  decodeBillValidatorCommand,
  encodeBillValidatorResponse,
  type BillValidatorCommand,
  type BillValidatorEvent,
  type BillValidatorResponse,
  type MdbIdentity,
} from '@vmcloud/protocol';
import { CashPeripheral, type CashDeviceKind, type CashPeripheralOptions } from './cash-peripheral.js';
import { ACK_ANSWER, type PeripheralAnswer } from './peripheral.js';

export interface BillValidatorOptions extends CashPeripheralOptions {
  /** Values in fen of bill types 0.. (at most 16). */
  billTypes: readonly number[];
  /** Bills the stacker holds. Default 500. */
  stackerCapacity?: number;
  /** Bills already in the stacker, by bill type. Default none. */
  stacked?: readonly number[];
  /** The validator can hold a bill in escrow. Default true. */
  escrow?: boolean;
  /** What the validator answers to IDENTIFICATION. */
  identity?: MdbIdentity;
}

/** What became of an inserted bill. */
export type BillOutcome = 'escrow' | 'stacked' | 'rejected';

/** The validator's physical state (a copy). */
export interface BillValidatorState {
  /** The bill held in escrow, if any. */
  escrow: { billType: number; value: number } | null;
  stacker: {
    /** Bills in the stacker. */
    bills: number;
    capacity: number;
    full: boolean;
    /** Bills per bill type. */
    counts: number[];
    /** Their total, fen. */
    total: number;
  };
  /** Values (fen) of bills given back to the customer: returned from escrow or refused. */
  returned: number[];
  /** BILL TYPE accept and escrow masks last set by the VMC (0 after a reset). */
  acceptMask: number;
  escrowMask: number;
}

const BILL_DEVICE: CashDeviceKind<BillValidatorCommand, BillValidatorResponse, BillValidatorEvent> = {
  name: 'bill',
  maxScalingFactor: 0xffff,
  decodeCommand: decodeBillValidatorCommand,
  encodeResponse: encodeBillValidatorResponse,
  justReset: { type: 'STATUS', code: BillValidatorStatus.JUST_RESET },
};

const DEFAULT_IDENTITY: MdbIdentity = {
  manufacturer: 'VMS',
  serial: '000000000002',
  model: 'SIM-BILLS',
  softwareVersion: 0x0100,
};

export class BillValidator extends CashPeripheral<BillValidatorCommand, BillValidatorResponse, BillValidatorEvent> {
  readonly address = MdbAddress.BILL_VALIDATOR;
  readonly stackerCapacity: number;
  readonly escrowCapable: boolean;
  readonly #stacked: number[];
  readonly #returned: number[] = [];
  readonly #identity: MdbIdentity;
  #escrow: number | null = null;
  #acceptMask = 0;
  #escrowMask = 0;
  /** Bills fed while every bill type was disabled, not yet reported by an acknowledged POLL. */
  #disabledAttempts = 0;

  constructor(options: BillValidatorOptions) {
    const { billTypes } = options;
    if (billTypes.length === 0 || billTypes.length > MDB_BILL_TYPES) {
      throw new RangeError(`a validator has 1..${MDB_BILL_TYPES} bill types`);
    }
    super(BILL_DEVICE, billTypes, options);
    this.stackerCapacity = options.stackerCapacity ?? 500;
    if (!Number.isInteger(this.stackerCapacity) || this.stackerCapacity < 0 || this.stackerCapacity > 0x7fff) {
      throw new RangeError('a stacker holds 0..32767 bills');
    }
    this.#stacked = this.values.map((_, billType) => options.stacked?.[billType] ?? 0);
    this.escrowCapable = options.escrow ?? true;
    this.#identity = options.identity ?? DEFAULT_IDENTITY;
  }

  // ---- the customer and the operator ----------------------------------------------------

  /**
   * A customer feeds a bill of `value` fen. A bill type the VMC holds in escrow waits there
   * for ESCROW; other enabled bill types are stacked at once. The bill is given back when
   * its value is unknown, its type is not enabled, a bill is already in escrow, or the
   * stacker is full. Bills fed while every bill type is disabled are counted, and the next
   * POLL reports the count since the last one in a single "attempts while disabled" byte.
   */
  insertBill(value: number): BillOutcome {
    if (this.#escrow !== null) {
      this.#returned.push(value);
      return 'rejected';
    }
    const billType = this.values.findIndex((billValue) => billValue === value);
    if (billType < 0) {
      this.#returned.push(value);
      this.events.push({ type: 'STATUS', code: BillValidatorStatus.BILL_REJECTED });
      return 'rejected';
    }
    if (this.#acceptMask === 0) {
      this.#returned.push(value);
      this.#disabledAttempts++;
      return 'rejected';
    }
    if ((this.#acceptMask & (1 << billType)) === 0) {
      this.#returned.push(value);
      this.events.push({ type: 'BILL', routing: BillRouting.DISABLED_REJECTED, billType });
      return 'rejected';
    }
    if (this.#stackerBills() >= this.stackerCapacity) {
      this.#returned.push(value);
      this.events.push({ type: 'STATUS', code: BillValidatorStatus.BILL_REJECTED });
      return 'rejected';
    }
    if (this.escrowCapable && (this.#escrowMask & (1 << billType)) !== 0) {
      this.#escrow = billType;
      this.events.push({ type: 'BILL', routing: BillRouting.ESCROW, billType });
      return 'escrow';
    }
    this.#stack(billType);
    return 'stacked';
  }

  /** The operator empties the stacker (cash collection). Returns what was in it, fen. */
  emptyStacker(): number {
    const total = this.#total();
    this.#stacked.fill(0);
    return total;
  }

  /** The physical state (a copy). */
  state(): BillValidatorState {
    const bills = this.#stackerBills();
    return {
      escrow: this.#escrow === null ? null : { billType: this.#escrow, value: this.values[this.#escrow] ?? 0 },
      stacker: {
        bills,
        capacity: this.stackerCapacity,
        full: bills >= this.stackerCapacity,
        counts: [...this.#stacked],
        total: this.#total(),
      },
      returned: [...this.#returned],
      acceptMask: this.#acceptMask,
      escrowMask: this.#escrowMask,
    };
  }

  #stackerBills(): number {
    return this.#stacked.reduce((sum, count) => sum + count, 0);
  }

  #total(): number {
    return this.#stacked.reduce((sum, count, billType) => sum + count * (this.values[billType] ?? 0), 0);
  }

  #stack(billType: number): void {
    this.#stacked[billType] = (this.#stacked[billType] ?? 0) + 1;
    this.events.push({ type: 'BILL', routing: BillRouting.STACKED, billType });
  }

  // ---- the bus ---------------------------------------------------------------------------

  protected config(): BillValidatorResponse {
    return {
      type: 'CONFIG',
      level: 1,
      countryCode: this.countryCode,
      scalingFactor: this.scalingFactor,
      decimalPlaces: this.decimalPlaces,
      stackerCapacity: this.stackerCapacity,
      securityLevels: 0,
      escrow: this.escrowCapable,
      billCredits: this.credits(),
    };
  }

  protected command(command: Exclude<BillValidatorCommand, { type: 'RESET' | 'SETUP' }>): PeripheralAnswer {
    switch (command.type) {
      case 'SECURITY':
        return ACK_ANSWER;
      case 'POLL':
        return this.#poll();
      case 'BILL_TYPE':
        this.#acceptMask = command.acceptMask;
        this.#escrowMask = command.escrowMask;
        return ACK_ANSWER;
      case 'ESCROW': {
        const billType = this.#escrow;
        if (billType === null) {
          this.events.push({ type: 'STATUS', code: BillValidatorStatus.INVALID_ESCROW_REQUEST });
          return ACK_ANSWER;
        }
        this.#escrow = null;
        if (command.stack) {
          this.#stack(billType);
        } else {
          this.#returned.push(this.values[billType] ?? 0);
          this.events.push({ type: 'BILL', routing: BillRouting.RETURNED, billType });
        }
        return ACK_ANSWER;
      }
      case 'STACKER': {
        const bills = this.#stackerBills();
        return this.data({ type: 'STACKER', full: bills >= this.stackerCapacity, bills: Math.min(bills, 0x7fff) });
      }
      case 'IDENTIFICATION':
        return this.data({ type: 'IDENTIFICATION', ...this.#identity });
    }
  }

  protected reset(): void {
    // A bill held in escrow is given back on reset.
    if (this.#escrow !== null) this.#returned.push(this.values[this.#escrow] ?? 0);
    this.#escrow = null;
    this.#acceptMask = 0;
    this.#escrowMask = 0;
    this.#disabledAttempts = 0;
  }

  #poll(): PeripheralAnswer {
    const queued = this.events.slice(0, MDB_MAX_POLL_LENGTH);
    const events = queued.map((event) => ({ ...event }));
    // The attempts while disabled since the last acknowledged POLL, as one count (at most 31 a byte).
    const attempts = Math.min(this.#disabledAttempts, 0x1f);
    const reported = attempts > 0 && events.length < MDB_MAX_POLL_LENGTH ? attempts : 0;
    if (reported > 0) events.push({ type: 'DISABLED_INSERTIONS', count: reported });
    if (events.length === 0) return ACK_ANSWER;
    return this.data({ type: 'POLL', events }, () => {
      this.events.splice(0, queued.length);
      this.#disabledAttempts -= reported;
    });
  }
}
