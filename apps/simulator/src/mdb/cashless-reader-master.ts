/**
 * The VMC's side of the cashless reader: setup (config, prices, identity, and at level 3 the
 * optional features it uses), enabling it, POLL, and a card vend: VEND REQUEST, the
 * reader's decision, VEND SUCCESS or FAILURE and SESSION COMPLETE. At level 2 and 3 it can
 * also put money on the card (REVALUE, REVALUE LIMIT) and ask for DIAGNOSTICS; at level 3 a
 * NEGATIVE VEND credits the card for an item put back. A CMD OUT OF SEQUENCE is read with
 * the reader's state: a reader that says it is Inactive is set up again, a session the
 * reader no longer has is ended.
 */

import {
  CASHLESS_FUNDS_UNKNOWN,
  CASHLESS_MAX_PRICE_UNKNOWN,
  CashlessOptionalFeature,
  CashlessReaderStatus,
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
  /** The level 3 optional features the VMC enabled (CashlessOptionalFeature bits). */
  features: number;
}

/** The optional features this VMC uses when a level 3 reader offers them. */
const VMC_FEATURES = CashlessOptionalFeature.NEGATIVE_VEND;

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
  #revalueOutcome: 'approved' | 'denied' | null = null;
  #revalueLimit: number | null = null;
  #diagnostics: number[] | null = null;
  /** The optional features of the last PERIPHERAL ID. */
  #offered = 0;
  /** The state the reader gave with its last CMD OUT OF SEQUENCE. */
  #lastOutOfSequence: number | null = null;
  /** The answer to the last command was CMD OUT OF SEQUENCE. */
  #refused = false;

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
    return this.#vendRequest(price, item, false);
  }

  /**
   * NEGATIVE VEND (level 3, once the reader enabled the feature): the customer put `item`
   * back and the card is to be credited with `price` fen; the reader's decision as for
   * {@link vend}, then {@link vendResult} (VEND SUCCESS: the card is credited).
   */
  negativeVend(price: number, item: number): 'approved' | 'denied' {
    if (((this.info?.features ?? 0) & CashlessOptionalFeature.NEGATIVE_VEND) === 0) return 'denied';
    return this.#vendRequest(price, item, true);
  }

  /**
   * REVALUE (level 2 and 3): puts `amount` fen on the card of the open session. The reader
   * answers at once or on a later POLL; 'denied' without asking when there is no session or
   * the amount cannot be sent at the reader's scale factor.
   */
  revalue(amount: number): 'approved' | 'denied' {
    const reader = this.info;
    if (!reader || reader.level < 2 || !this.#session) return 'denied';
    const scaled = minorToScaled(amount, reader.scaleFactor);
    if (scaled === undefined || scaled > 0xffff) return 'denied';
    this.#revalueOutcome = null;
    const sent = this.#command({ type: 'REVALUE_REQUEST', amount: scaled });
    if (sent.kind === 'ack') {
      for (let i = 0; i < this.#options.maxPolls && this.#revalueOutcome === null && this.#session; i++) this.poll();
    }
    return this.#revalueOutcome ?? 'denied';
  }

  /** REVALUE LIMIT (level 2 and 3): how many fen may still go on the card of the open session; null when unknown. */
  revalueLimit(): number | null {
    const reader = this.info;
    if (!reader || reader.level < 2 || !this.#session) return null;
    this.#revalueLimit = null;
    const sent = this.#command({ type: 'REVALUE_LIMIT_REQUEST' });
    if (sent.kind === 'ack') {
      for (let i = 0; i < this.#options.maxPolls && this.#revalueLimit === null && this.#session; i++) this.poll();
    }
    return this.#revalueLimit;
  }

  /** DIAGNOSTICS (level 2 and 3): manufacturer-defined bytes to the reader; its DIAGNOSTICS RESPONSE bytes, or null. */
  diagnostics(data: readonly number[]): number[] | null {
    const reader = this.info;
    if (!reader || reader.level < 2) return null;
    this.#diagnostics = null;
    this.#command({ type: 'DIAGNOSTICS', data: [...data] });
    return this.#diagnostics;
  }

  /** The reader's state given with its last CMD OUT OF SEQUENCE (a CashlessReaderStatus), or null. */
  get lastOutOfSequence(): number | null {
    return this.#lastOutOfSequence;
  }

  #vendRequest(price: number, item: number, negative: boolean): 'approved' | 'denied' {
    const reader = this.info;
    if (!reader || !this.#session) return 'denied';
    const scaled = minorToScaled(price, reader.scaleFactor);
    if (scaled === undefined) return 'denied';
    this.#vendOutcome = null;
    this.#vendItem = null;
    const sent = this.#command(
      negative ? { type: 'NEGATIVE_VEND_REQUEST', price: scaled, item } : { type: 'VEND_REQUEST', price: scaled, item },
    );
    // CMD OUT OF SEQUENCE: the reader will not decide on this request.
    if (this.#refused) return 'denied';
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
    this.#offered = 0;
    this.#command({ type: 'REQUEST_ID', ...identity });
    const features = reader.level >= 3 ? this.#offered & VMC_FEATURES : 0;
    if (features !== 0 && this.#command({ type: 'OPTIONAL_FEATURE_ENABLE', features }).kind === 'ack') {
      reader.features = features;
    }
    this.sendEnable();
  }

  /**
   * CMD OUT OF SEQUENCE: the reader refused a command in its state. With the state (level
   * 2 and 3) the VMC catches up: an Inactive reader lost its setup and is set up again; a
   * reader without a session ends the VMC's; a refused vend is denied.
   */
  #outOfSequence(status: number | undefined): void {
    this.#lastOutOfSequence = status ?? null;
    this.#refused = true;
    this.bus.report({
      type: 'device_error',
      address: this.address,
      reason: 'out_of_sequence',
      ...(status === undefined ? {} : { code: status }),
    });
    if (status === undefined) return;
    if (status === CashlessReaderStatus.INACTIVE) {
      this.#session = null;
      this.#vendItem = null;
      this.justReset();
      return;
    }
    const sessionGone = status === CashlessReaderStatus.DISABLED || status === CashlessReaderStatus.ENABLED;
    if (sessionGone && this.#session) {
      this.#session = null;
      this.#vendItem = null;
      this.bus.report({ type: 'cashless_session_end' });
    }
  }

  /** The reader's decision on the last VEND REQUEST, once it has given one. */
  #decision(): 'approved' | 'denied' | null {
    return this.#vendOutcome;
  }

  /** Sends a reader command; a data answer (the reader may answer any command with one of its responses) is acted on. */
  #command(command: CashlessCommand): Exchange {
    this.#refused = false;
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
          features: 0,
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
        this.#outOfSequence(response.status);
        break;
      case 'PERIPHERAL_ID':
        this.#offered = response.features ?? 0;
        break;
      case 'REVALUE_APPROVED':
        this.#revalueOutcome = 'approved';
        break;
      case 'REVALUE_DENIED':
        this.#revalueOutcome = 'denied';
        break;
      case 'REVALUE_LIMIT_AMOUNT':
        this.#revalueLimit = scaledToMinor(response.amount, this.info?.scaleFactor ?? 1);
        break;
      case 'DIAGNOSTICS_RESPONSE':
        this.#diagnostics = response.data;
        break;
      case 'CANCELLED':
        break;
    }
  }
}
