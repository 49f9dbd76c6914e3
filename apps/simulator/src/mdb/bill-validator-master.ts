/**
 * The VMC's side of the bill validator: setup, the bill types accepted (and held in
 * escrow), the stacker, POLL, and stacking or returning the bill in escrow.
 */

import {
  BillRouting,
  BillValidatorStatus,
  CreditSource,
  MdbAddress,
  decodeBillValidatorResponse,
  encodeBillValidatorCommand,
  scaledToMinor,
  type BillValidatorCommand,
} from '@vmcloud/protocol';
import { DeviceMaster, type MdbMasterBus } from './master.js';
import type { Exchange } from './wire.js';

/** What the VMC learned from the bill validator. */
export interface BillValidatorInfo {
  level: number;
  countryCode: number;
  scalingFactor: number;
  decimalPlaces: number;
  /** Value of each bill type, fen (0: not used). */
  billValues: number[];
  stackerCapacity: number;
  escrow: boolean;
  /** The last STACKER answer. */
  stacker: { full: boolean; bills: number };
}

export class BillValidatorMaster extends DeviceMaster<BillValidatorInfo> {
  /** Bills are accepted (BILL TYPE enables every known bill type). */
  accepting = true;
  readonly #billEscrow: boolean;
  #escrow: { billType: number; amount: number } | null = null;

  constructor(bus: MdbMasterBus, options: { billEscrow: boolean }) {
    super(MdbAddress.BILL_VALIDATOR, bus);
    this.#billEscrow = options.billEscrow;
  }

  /** The bill held in escrow, as reported by the validator. */
  get escrow(): { billType: number; amount: number } | null {
    return this.#escrow && { ...this.#escrow };
  }

  /** Sends BILL TYPE: every known bill type accepted (and held in escrow when asked), or none. */
  sendBillType(): void {
    const validator = this.info;
    if (!validator) return;
    const known = validator.billValues.reduce(
      (mask, value, billType) => (value > 0 ? mask | (1 << billType) : mask),
      0,
    );
    const acceptMask = this.accepting ? known : 0;
    this.#command({
      type: 'BILL_TYPE',
      acceptMask,
      escrowMask: this.#billEscrow && validator.escrow ? acceptMask : 0,
    });
  }

  /** Stacks (`stack`) or returns the bill held in escrow, then POLLs. False if no bill is held or ESCROW failed. */
  escrowCommand(stack: boolean): boolean {
    if (!this.info || !this.#escrow) return false;
    if (this.#command({ type: 'ESCROW', stack }).kind !== 'ack') return false;
    this.poll();
    return true;
  }

  poll(): void {
    const validator = this.info;
    const answer = this.#command({ type: 'POLL' });
    if (answer.kind !== 'data') return;
    const poll = decodeBillValidatorResponse('POLL', answer.bytes);
    if (!poll.ok || poll.response.type !== 'POLL') return;
    let stacked = false;
    for (const event of poll.response.events) {
      if (event.type === 'BILL') {
        const amount = validator?.billValues[event.billType] ?? 0;
        const { billType } = event;
        if (event.routing === BillRouting.ESCROW) {
          this.#escrow = { billType, amount };
          this.bus.report({ type: 'escrow', billType, amount });
        } else if (event.routing === BillRouting.STACKED) {
          if (this.#escrow?.billType === billType) this.#escrow = null;
          stacked = true;
          if (amount > 0) this.bus.report({ type: 'credit', source: CreditSource.BILL, amount });
        } else if (event.routing === BillRouting.RETURNED) {
          if (this.#escrow?.billType === billType) this.#escrow = null;
          this.bus.report({ type: 'escrow_returned', billType, amount });
        }
      } else if (event.type === 'STATUS') {
        if (event.code === BillValidatorStatus.JUST_RESET) {
          this.#escrow = null;
          this.justReset();
        } else if (
          event.code !== BillValidatorStatus.BILL_REJECTED &&
          event.code !== BillValidatorStatus.BUSY &&
          event.code !== BillValidatorStatus.DISABLED
        ) {
          this.bus.report({ type: 'device_error', address: this.address, reason: 'status', code: event.code });
        }
      }
    }
    if (stacked) this.#readStacker();
  }

  protected reset(): Exchange {
    return this.#command({ type: 'RESET' });
  }

  protected configure(): void {
    this.#escrow = null;
    const answer = this.#command({ type: 'SETUP' });
    const config = answer.kind === 'data' ? decodeBillValidatorResponse('SETUP', answer.bytes) : null;
    if (!config?.ok || config.response.type !== 'CONFIG' || config.response.scalingFactor === 0) {
      this.setInfo(null);
      return;
    }
    const { level, countryCode, scalingFactor, decimalPlaces, stackerCapacity, escrow, billCredits } = config.response;
    this.setInfo({
      level,
      countryCode,
      scalingFactor,
      decimalPlaces,
      billValues: billCredits.map((credit) => scaledToMinor(credit, scalingFactor)),
      stackerCapacity,
      escrow,
      stacker: { full: false, bills: 0 },
    });
    this.#readStacker();
    this.sendBillType();
  }

  #command(command: BillValidatorCommand): Exchange {
    return this.exchange(encodeBillValidatorCommand(command));
  }

  #readStacker(): void {
    const validator = this.info;
    if (!validator) return;
    const answer = this.#command({ type: 'STACKER' });
    if (answer.kind !== 'data') return;
    const stacker = decodeBillValidatorResponse('STACKER', answer.bytes);
    if (!stacker.ok || stacker.response.type !== 'STACKER') return;
    const wasFull = validator.stacker.full;
    validator.stacker = { full: stacker.response.full, bills: stacker.response.bills };
    if (stacker.response.full && !wasFull) this.bus.report({ type: 'stacker_full', bills: stacker.response.bills });
  }
}
