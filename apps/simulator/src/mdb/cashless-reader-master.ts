/**
 * The VMC's side of the cashless reader: setup (config, prices, identity), enabling it,
 * POLL, and a card vend: VEND REQUEST, the reader's decision, VEND SUCCESS or FAILURE and
 * SESSION COMPLETE.
 */

import {
  CASHLESS_FUNDS_UNKNOWN,
  CASHLESS_MAX_PRICE_UNKNOWN,
  CreditSource,
  MdbAddress,
  decodeCashlessResponse,
  encodeCashlessCommand,
  minorToScaled,
  scaledToMinor,
  type CashlessCommand,
  type MdbIdentity,
} from '@vmcloud/protocol';
import { DeviceMaster, type MdbMasterBus } from './master.js';
import type { Exchange } from './wire.js';

/** What the VMC learned from the cashless reader. */
export interface CashlessInfo {
  level: number;
  countryCode: number;
  scaleFactor: number;
  decimalPlaces: number;
  /** Seconds. */
  maxResponseTime: number;
  options: number;
}

export interface CashlessReaderMasterOptions {
  /** POLLs the VMC makes while waiting for the reader's decision or the end of a session. */
  maxPolls: number;
  /** Highest and lowest prices of the machine, fen, sent to the reader; undefined: not known. */
  prices: { max: number; min: number } | undefined;
  /** The VMC's identity, sent to the reader. */
  identity: MdbIdentity;
}

export class CashlessReaderMaster extends DeviceMaster<CashlessInfo> {
  /** The reader is enabled (READER ENABLE), or disabled (READER DISABLE). */
  accepting = true;
  readonly #options: CashlessReaderMasterOptions;
  #session: { funds: number | null } | null = null;
  #vendOutcome: 'approved' | 'denied' | null = null;
  #vendItem: number | null = null;

  constructor(bus: MdbMasterBus, options: CashlessReaderMasterOptions) {
    super(MdbAddress.CASHLESS, bus);
    this.#options = options;
  }

  /** The open card session; `funds` is null when the reader does not know them. */
  get session(): { funds: number | null } | null {
    return this.#session && { ...this.#session };
  }

  /** Sends READER ENABLE or READER DISABLE. */
  sendEnable(): void {
    this.#command({ type: this.accepting ? 'READER_ENABLE' : 'READER_DISABLE' });
  }

  /**
   * Asks the reader to approve `item` at `price` fen in the open card session (VEND REQUEST)
   * and polls for its decision. 'denied' without asking when there is no session or the
   * price cannot be sent at the reader's scale factor; a reader that does not decide within
   * `maxPolls` POLLs is sent VEND CANCEL.
   */
  vend(price: number, item: number): 'approved' | 'denied' {
    const reader = this.info;
    if (!reader || !this.#session) return 'denied';
    const scaled = minorToScaled(price, reader.scaleFactor);
    if (scaled === undefined) return 'denied';
    this.#vendOutcome = null;
    this.#vendItem = null;
    const sent = this.#command({ type: 'VEND_REQUEST', price: scaled, item });
    if (sent.kind === 'ack' || sent.kind === 'data') {
      for (let i = 0; i < this.#options.maxPolls && this.#decision() === null && this.#session; i++) this.poll();
      if (this.#decision() === null) this.#command({ type: 'VEND_CANCEL' });
    }
    const outcome = this.#decision() ?? 'denied';
    if (outcome === 'approved') this.#vendItem = item;
    return outcome;
  }

  /** Tells the reader whether the approved vend was dispensed (VEND SUCCESS: charge the card) or not (VEND FAILURE). */
  vendResult(success: boolean): void {
    const item = this.#vendItem;
    if (item === null || !this.info) return;
    this.#vendItem = null;
    this.#command(success ? { type: 'VEND_SUCCESS', item } : { type: 'VEND_FAILURE' });
  }

  /** Ends the card session (SESSION COMPLETE) and polls until the reader answers END SESSION. */
  sessionComplete(): void {
    if (!this.info || !this.#session) return;
    this.#vendItem = null;
    this.#command({ type: 'SESSION_COMPLETE' });
    for (let i = 0; i < this.#options.maxPolls && this.#session; i++) this.poll();
  }

  poll(): void {
    this.#command({ type: 'POLL' });
  }

  protected reset(): Exchange {
    return this.#command({ type: 'RESET' });
  }

  protected configure(): void {
    this.#session = null;
    this.setInfo(null);
    this.#command({ type: 'SETUP_CONFIG', vmcLevel: 3, displayColumns: 0, displayRows: 0, displayInfo: 0 });
    const reader = this.info;
    if (!reader) return;
    const { prices, identity } = this.#options;
    const maxPrice = prices ? minorToScaled(prices.max, reader.scaleFactor) : undefined;
    const minPrice = prices ? minorToScaled(prices.min, reader.scaleFactor) : undefined;
    this.#command({
      type: 'SETUP_PRICES',
      maxPrice: maxPrice ?? CASHLESS_MAX_PRICE_UNKNOWN,
      minPrice: minPrice ?? 0,
    });
    this.#command({ type: 'REQUEST_ID', ...identity });
    this.sendEnable();
  }

  /** The reader's decision on the last VEND REQUEST, once it has given one. */
  #decision(): 'approved' | 'denied' | null {
    return this.#vendOutcome;
  }

  /** Sends a reader command; a data answer (the reader may answer any command with one of its responses) is acted on. */
  #command(command: CashlessCommand): Exchange {
    const answer = this.exchange(encodeCashlessCommand(command));
    if (answer.kind === 'data') this.#onData(answer.bytes);
    return answer;
  }

  #onData(bytes: Uint8Array): void {
    const decoded = decodeCashlessResponse(bytes);
    if (!decoded.ok) return;
    const response = decoded.response;
    switch (response.type) {
      case 'JUST_RESET':
        this.#session = null;
        this.justReset();
        break;
      case 'READER_CONFIG':
        if (response.scaleFactor === 0) break;
        this.setInfo({
          level: response.level,
          countryCode: response.countryCode,
          scaleFactor: response.scaleFactor,
          decimalPlaces: response.decimalPlaces,
          maxResponseTime: response.maxResponseTime,
          options: response.options,
        });
        break;
      case 'BEGIN_SESSION': {
        const scale = this.info?.scaleFactor ?? 1;
        const funds = response.funds === CASHLESS_FUNDS_UNKNOWN ? null : scaledToMinor(response.funds, scale);
        this.#session = { funds };
        this.bus.report({ type: 'credit', source: CreditSource.CASHLESS, amount: funds ?? 0 });
        break;
      }
      case 'SESSION_CANCEL_REQUEST':
        this.#vendItem = null;
        this.#command({ type: 'SESSION_COMPLETE' });
        break;
      case 'VEND_APPROVED':
        this.#vendOutcome = 'approved';
        break;
      case 'VEND_DENIED':
        this.#vendOutcome = 'denied';
        break;
      case 'END_SESSION':
        if (this.#session) this.bus.report({ type: 'cashless_session_end' });
        this.#session = null;
        this.#vendItem = null;
        break;
      case 'MALFUNCTION':
        this.bus.report({ type: 'device_error', address: this.address, reason: 'malfunction', code: response.code });
        break;
      case 'OUT_OF_SEQUENCE':
        this.bus.report({ type: 'device_error', address: this.address, reason: 'out_of_sequence' });
        break;
      case 'CANCELLED':
      case 'PERIPHERAL_ID':
        break;
    }
  }
}
