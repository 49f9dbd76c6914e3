/**
 * A simulated MDB cashless reader (level 1 to 3, 16-bit prices): a customer taps a card
 * with funds, the reader opens a session, approves a VEND REQUEST when the funds cover the
 * price and the card is not set to deny, charges the card on VEND SUCCESS and ends the
 * session on SESSION COMPLETE. It answers the VMC's blocks byte for byte as a real reader.
 *
 * What the negotiated level (the lower of the reader's and the VMC's SETUP level) adds:
 * level 2 and 3 REVALUE (money put on the card in a session, up to `maxCardFunds`), REVALUE
 * LIMIT and DIAGNOSTICS (this reader echoes the bytes it is sent); level 3 the optional
 * features of PERIPHERAL ID, OPTIONAL FEATURE ENABLED, and NEGATIVE VEND (the card is
 * credited for an item put back, once that feature is enabled). A lower level NAKs them, as
 * a reader that does not know them. A command the reader's state does not allow is answered
 * CMD OUT OF SEQUENCE, with the reader's state (CashlessReaderStatus) from a level 2 or 3
 * reader.
 */

import {
  CASHLESS_FUNDS_UNKNOWN,
  CashlessOptionalFeature,
  CashlessReaderOption,
  CashlessReaderStatus,
  MdbAddress,
  decodeCashlessCommand,
  encodeCashlessResponse,
  type CashlessResponse,
  type MdbIdentity,
} from '@vmcloud/protocol';
import { ACK_ANSWER, NAK_ANSWER, PeripheralBase, type PeripheralAnswer } from './peripheral.js';

export interface CashlessReaderOptions {
  /** Feature level. Default 3. */
  level?: 1 | 2 | 3;
  /** Scale factor of prices and funds, fen. Default 1. */
  scaleFactor?: number;
  /** Decimal places of the currency. Default 2 (yuan / fen). */
  decimalPlaces?: number;
  /** Country / currency code. Default 0x1156 (CNY). */
  countryCode?: number;
  /** Longest time the reader takes to answer a VEND REQUEST, seconds. Default 5. */
  maxResponseTime?: number;
  /** CashlessReaderOption bits. Default REFUNDS. */
  options?: number;
  /** POLLs answered with a bare ACK before the reader gives its decision on a VEND REQUEST. Default 0. */
  approvalPolls?: number;
  /** What the reader answers to EXPANSION REQUEST ID. */
  identity?: MdbIdentity;
  /** Most money a card may hold, fen: REVALUE and NEGATIVE VEND stop there. Default 10,000. */
  maxCardFunds?: number;
}

/** The optional features this reader offers at level 3. */
const SUPPORTED_FEATURES = CashlessOptionalFeature.NEGATIVE_VEND;

/** A card the customer taps. */
export interface CardTap {
  /** Money on the card, fen. */
  funds: number;
  /** The card's issuer refuses every vend (a blocked card). */
  deny?: boolean;
  /** The card's media id, sent in BEGIN SESSION at level 2 and 3. Default 0. */
  mediaId?: number;
}

/** One vend asked for in a session. */
export interface CashlessVendRecord {
  item: number;
  /** Price asked, fen. */
  price: number;
  /**
   * - `pending`: asked, no decision yet
   * - `approved`: approved, the VMC has not reported the dispense yet
   * - `denied`: refused (insufficient funds, a denying card, or cancelled before a decision)
   * - `dispensed`: VEND SUCCESS, the card was charged
   * - `failed`: VEND FAILURE after an approval, the card was not charged
   */
  outcome: 'pending' | 'approved' | 'denied' | 'dispensed' | 'failed';
  /** A NEGATIVE VEND: the item was put back and `dispensed` means the card was credited. */
  negative?: true;
}

/** One card session, from the tap to the end. */
export interface CashlessSessionRecord {
  /** Funds on the card at the tap, fen. */
  startFunds: number;
  /** Funds on the card now, fen. */
  funds: number;
  deny: boolean;
  /** Money put on the card by REVALUE in this session, fen. */
  revalued: number;
  vends: CashlessVendRecord[];
  /** Still open (no SESSION COMPLETE or reset yet). */
  open: boolean;
}

/** The reader's state (a copy). */
export interface CashlessReaderState {
  enabled: boolean;
  /** What CMD OUT OF SEQUENCE would report now. */
  status: CashlessReaderStatus;
  /** The optional features the VMC enabled (CashlessOptionalFeature bits). */
  features: number;
  /** The open session, if any. */
  session: CashlessSessionRecord | null;
  /** Every session since the reader was made, oldest first. */
  sessions: CashlessSessionRecord[];
}

const DEFAULT_IDENTITY: MdbIdentity = {
  manufacturer: 'VMS',
  serial: '000000000003',
  model: 'SIM-READER',
  softwareVersion: 0x0100,
};

export class CashlessReader extends PeripheralBase {
  readonly address = MdbAddress.CASHLESS;
  readonly level: 1 | 2 | 3;
  readonly scaleFactor: number;
  readonly decimalPlaces: number;
  readonly countryCode: number;
  readonly #maxResponseTime: number;
  readonly #options: number;
  readonly #approvalPolls: number;
  readonly #identity: MdbIdentity;
  readonly #maxCardFunds: number;
  readonly #sessions: CashlessSessionRecord[] = [];
  #session: (CashlessSessionRecord & { mediaId: number }) | null = null;
  #vend: CashlessVendRecord | null = null;
  #decision: { response: CashlessResponse; pollsLeft: number } | null = null;
  #queue: CashlessResponse[] = [{ type: 'JUST_RESET' }];
  #enabled = false;
  /** SETUP config data received since the last reset: the reader left the Inactive state. */
  #setUp = false;
  #features = 0;
  #vmcLevel = 1;

  constructor(options: CashlessReaderOptions = {}) {
    super();
    this.level = options.level ?? 3;
    this.scaleFactor = options.scaleFactor ?? 1;
    if (!Number.isInteger(this.scaleFactor) || this.scaleFactor < 1 || this.scaleFactor > 0xff) {
      throw new RangeError('a reader scale factor is 1..255');
    }
    this.decimalPlaces = options.decimalPlaces ?? 2;
    this.countryCode = options.countryCode ?? 0x1156;
    this.#maxResponseTime = options.maxResponseTime ?? 5;
    this.#options = options.options ?? CashlessReaderOption.REFUNDS;
    this.#approvalPolls = Math.max(0, options.approvalPolls ?? 0);
    this.#identity = options.identity ?? DEFAULT_IDENTITY;
    this.#maxCardFunds = options.maxCardFunds ?? 10_000;
  }

  // ---- the customer ------------------------------------------------------------------------

  /**
   * A customer taps a card: the reader opens a session and reports BEGIN SESSION on the next
   * POLL. Refused while the reader is disabled or a session is already open.
   */
  tapCard(card: CardTap): 'session' | 'refused' {
    if (!this.#enabled || this.#session) return 'refused';
    if (!Number.isInteger(card.funds) || card.funds < 0) throw new RangeError('card funds are whole fen, 0 or more');
    const session = {
      startFunds: card.funds,
      funds: card.funds,
      deny: card.deny ?? false,
      revalued: 0,
      vends: [],
      open: true,
      mediaId: card.mediaId ?? 0,
    };
    this.#session = session;
    this.#sessions.push(session);
    const funds = Math.min(Math.floor(card.funds / this.scaleFactor), CASHLESS_FUNDS_UNKNOWN - 1);
    this.#queue.push(
      this.#negotiatedLevel() >= 2
        ? { type: 'BEGIN_SESSION', funds, mediaId: session.mediaId, paymentType: 0, paymentData: 0 }
        : { type: 'BEGIN_SESSION', funds },
    );
    return 'session';
  }

  /**
   * The customer takes the card away before choosing: the reader asks the VMC to end the
   * session (SESSION CANCEL REQUEST). Returns false when there is no session to cancel or a
   * vend is under way.
   */
  removeCard(): boolean {
    if (!this.#session || this.#vend) return false;
    this.#queue.push({ type: 'SESSION_CANCEL_REQUEST' });
    return true;
  }

  /** The reader's state (a copy). */
  state(): CashlessReaderState {
    const copy = (session: CashlessSessionRecord): CashlessSessionRecord => ({
      startFunds: session.startFunds,
      funds: session.funds,
      deny: session.deny,
      revalued: session.revalued,
      vends: session.vends.map((vend) => ({ ...vend })),
      open: session.open,
    });
    return {
      enabled: this.#enabled,
      status: this.#status(),
      features: this.#features,
      session: this.#session ? copy(this.#session) : null,
      sessions: this.#sessions.map(copy),
    };
  }

  #negotiatedLevel(): number {
    return Math.min(this.level, this.#vmcLevel);
  }

  /** The reader's state, as CMD OUT OF SEQUENCE reports it. */
  #status(): CashlessReaderStatus {
    if (!this.#setUp) return CashlessReaderStatus.INACTIVE;
    if (this.#session) {
      if (!this.#vend) return CashlessReaderStatus.SESSION_IDLE;
      return this.#vend.negative ? CashlessReaderStatus.NEGATIVE_VEND : CashlessReaderStatus.VEND;
    }
    return this.#enabled ? CashlessReaderStatus.ENABLED : CashlessReaderStatus.DISABLED;
  }

  /** CMD OUT OF SEQUENCE; a level 2 or 3 reader adds its state. */
  #outOfSequence(): PeripheralAnswer {
    return this.#data(
      this.level >= 2 ? { type: 'OUT_OF_SEQUENCE', status: this.#status() } : { type: 'OUT_OF_SEQUENCE' },
    );
  }

  /** A vend request (NEGATIVE VEND when `negative`): ACK now, the decision on a later POLL. */
  #vendRequest(price: number, item: number, negative: boolean): PeripheralAnswer {
    const session = this.#session;
    if (!session || this.#vend) return this.#outOfSequence();
    const amount = price * this.scaleFactor;
    const vend: CashlessVendRecord = {
      item,
      price: amount,
      outcome: 'pending',
      ...(negative ? { negative: true } : {}),
    };
    session.vends.push(vend);
    this.#vend = vend;
    const approve =
      !session.deny && (negative ? session.funds + amount <= this.#maxCardFunds : session.funds >= amount);
    this.#decision = {
      response: approve ? { type: 'VEND_APPROVED', amount: price } : { type: 'VEND_DENIED' },
      pollsLeft: this.#approvalPolls,
    };
    return ACK_ANSWER;
  }

  #endSession(): void {
    if (this.#session) this.#session.open = false;
    this.#session = null;
    this.#vend = null;
    this.#decision = null;
  }

  // ---- the bus ---------------------------------------------------------------------------

  protected answer(bytes: Uint8Array): PeripheralAnswer {
    const decoded = decodeCashlessCommand(bytes);
    if (!decoded.ok) return NAK_ANSWER;
    const command = decoded.command;
    switch (command.type) {
      case 'RESET':
        this.#endSession();
        this.#enabled = false;
        this.#setUp = false;
        this.#features = 0;
        this.#vmcLevel = 1;
        this.#queue = [{ type: 'JUST_RESET' }];
        return ACK_ANSWER;
      case 'SETUP_CONFIG':
        this.#vmcLevel = command.vmcLevel;
        this.#setUp = true;
        return this.#data({
          type: 'READER_CONFIG',
          level: this.level,
          countryCode: this.countryCode,
          scaleFactor: this.scaleFactor,
          decimalPlaces: this.decimalPlaces,
          maxResponseTime: this.#maxResponseTime,
          options: this.#options,
        });
      case 'SETUP_PRICES':
      case 'CASH_SALE':
        return ACK_ANSWER;
      case 'POLL':
        return this.#poll();
      case 'VEND_REQUEST':
        return this.#vendRequest(command.price, command.item, false);
      case 'NEGATIVE_VEND_REQUEST':
        if (this.#negotiatedLevel() < 3) return NAK_ANSWER;
        if ((this.#features & CashlessOptionalFeature.NEGATIVE_VEND) === 0) return this.#outOfSequence();
        return this.#vendRequest(command.price, command.item, true);
      case 'VEND_CANCEL': {
        const vend = this.#vend;
        if (vend && (vend.outcome === 'pending' || vend.outcome === 'approved')) vend.outcome = 'denied';
        this.#vend = null;
        this.#decision = null;
        this.#queue = this.#queue.filter((response) => response.type !== 'VEND_APPROVED');
        return this.#data({ type: 'VEND_DENIED' });
      }
      case 'VEND_SUCCESS': {
        const vend = this.#vend;
        if (!this.#session || vend?.outcome !== 'approved') return this.#outOfSequence();
        this.#session.funds += vend.negative ? vend.price : -vend.price;
        vend.outcome = 'dispensed';
        this.#vend = null;
        return ACK_ANSWER;
      }
      case 'VEND_FAILURE': {
        const vend = this.#vend;
        if (vend?.outcome !== 'approved') return this.#outOfSequence();
        vend.outcome = 'failed';
        this.#vend = null;
        return ACK_ANSWER;
      }
      case 'SESSION_COMPLETE':
        this.#endSession();
        this.#queue = this.#queue.filter((response) => response.type !== 'SESSION_CANCEL_REQUEST');
        this.#queue.push({ type: 'END_SESSION' });
        return ACK_ANSWER;
      case 'READER_ENABLE':
        if (!this.#setUp) return this.#outOfSequence();
        this.#enabled = true;
        return ACK_ANSWER;
      case 'READER_DISABLE':
        this.#enabled = false;
        return ACK_ANSWER;
      case 'READER_CANCEL':
        this.#queue.push({ type: 'CANCELLED' });
        return ACK_ANSWER;
      case 'REQUEST_ID':
        return this.#data({
          type: 'PERIPHERAL_ID',
          ...this.#identity,
          ...(this.#negotiatedLevel() >= 3 ? { features: SUPPORTED_FEATURES } : {}),
        });
      case 'OPTIONAL_FEATURE_ENABLE':
        if (this.#negotiatedLevel() < 3) return NAK_ANSWER;
        this.#features = command.features & SUPPORTED_FEATURES;
        return ACK_ANSWER;
      case 'REVALUE_REQUEST':
        return this.#revalue(command.amount);
      case 'REVALUE_LIMIT_REQUEST': {
        if (this.#negotiatedLevel() < 2) return NAK_ANSWER;
        const session = this.#session;
        if (!session || this.#vend) return this.#outOfSequence();
        const room = session.deny ? 0 : Math.max(0, this.#maxCardFunds - session.funds);
        return this.#data({
          type: 'REVALUE_LIMIT_AMOUNT',
          amount: Math.min(Math.floor(room / this.scaleFactor), 0xffff),
        });
      }
      case 'DIAGNOSTICS':
        if (this.#negotiatedLevel() < 2) return NAK_ANSWER;
        return this.#data({ type: 'DIAGNOSTICS_RESPONSE', data: command.data });
    }
  }

  /** REVALUE REQUEST: the money goes on the card at once when it fits under `maxCardFunds`. */
  #revalue(scaled: number): PeripheralAnswer {
    if (this.#negotiatedLevel() < 2) return NAK_ANSWER;
    const session = this.#session;
    if (!session || this.#vend) return this.#outOfSequence();
    const amount = scaled * this.scaleFactor;
    if (session.deny || session.funds + amount > this.#maxCardFunds) return this.#data({ type: 'REVALUE_DENIED' });
    session.funds += amount;
    session.revalued += amount;
    return this.#data({ type: 'REVALUE_APPROVED' });
  }

  #data(response: CashlessResponse, onAck?: () => void): PeripheralAnswer {
    return { kind: 'data', bytes: encodeCashlessResponse(response), onAck };
  }

  #poll(): PeripheralAnswer {
    const decision = this.#decision;
    if (decision) {
      if (decision.pollsLeft > 0) {
        decision.pollsLeft--;
      } else {
        this.#decision = null;
        this.#queue.push(decision.response);
        const vend = this.#vend;
        if (vend) {
          vend.outcome = decision.response.type === 'VEND_APPROVED' ? 'approved' : 'denied';
          if (vend.outcome === 'denied') this.#vend = null;
        }
      }
    }
    const next = this.#queue[0];
    if (!next) return ACK_ANSWER;
    return this.#data(next, () => {
      if (this.#queue[0] === next) this.#queue.shift();
    });
  }
}
