/**
 * The VMC's side of the simulated MDB bus, at byte level: it resets and sets up the coin
 * changer, bill validator and cashless reader, enables them, polls them, acknowledges their
 * answers (asking for a retransmission when a CHK is wrong), and turns what they report
 * into credit and events for the VMC firmware. Every word on the bus is recorded.
 */

import {
  BillRouting,
  BillValidatorStatus,
  CASHLESS_FUNDS_UNKNOWN,
  CASHLESS_MAX_PRICE_UNKNOWN,
  ChangerFeature,
  ChangerStatus,
  CoinRouting,
  CreditSource,
  MDB_COIN_TYPES,
  MdbAddress,
  decodeBillValidatorCommand,
  decodeBillValidatorResponse,
  decodeCashlessCommand,
  decodeCashlessResponse,
  decodeChangerCommand,
  decodeChangerResponse,
  decodePeripheralTransmission,
  encodeBillValidatorCommand,
  encodeCashlessCommand,
  encodeChangerCommand,
  encodeMasterBlock,
  encodeMasterControl,
  minorToScaled,
  scaledToMinor,
  type BillValidatorCommand,
  type CashlessCommand,
  type ChangerCommand,
  type MdbIdentity,
  type MdbWord,
} from '@vmcloud/protocol';
import { TypedEmitter } from '../machine/emitter.js';
import { planChange } from './change.js';
import type { MdbPeripheral } from './peripheral.js';

/** Which way words travel. */
export type MdbDirection = 'vmc_to_peripheral' | 'peripheral_to_vmc';

/** One transmission on the bus. */
export interface MdbTrafficEntry {
  direction: MdbDirection;
  /** The device the VMC is talking to. */
  address: number;
  /** The 9-bit words as the receiving side got them (bit 8 is the mode bit). */
  words: MdbWord[];
  /** What they mean: the decoded command or answer, ACK / RET / NAK, or why they could not be read. */
  summary: string;
}

/** Why a device is reported as failing. */
export type MdbDeviceErrorReason = 'no_response' | 'status' | 'malfunction' | 'out_of_sequence';

/** What the bus reports to the VMC firmware. Money in fen. */
export type MdbBusEvent =
  /** Money came in: a coin, a stacked bill, or the funds of a card session that began. */
  | { type: 'credit'; source: CreditSource; amount: number }
  /** A bill is held in escrow: call `escrowAccept()` or `escrowReturn()`. */
  | { type: 'escrow'; billType: number; amount: number }
  /** The bill in escrow went back to the customer. */
  | { type: 'escrow_returned'; billType: number; amount: number }
  /** The bill stacker reports itself full. */
  | { type: 'stacker_full'; bills: number }
  /** A change tube holds `tubeLowCount` coins or fewer. */
  | { type: 'tube_low'; coinType: number; value: number; count: number }
  /** The customer pressed the coin return lever. */
  | { type: 'coin_return_request' }
  /** The card session ended (the reader sent END SESSION). */
  | { type: 'cashless_session_end' }
  | { type: 'device_error'; address: number; reason: MdbDeviceErrorReason; code?: number };

/** Something that runs a callback later (a VirtualClock, or the default real timers). */
export interface MdbTimers {
  /** Runs `run` after `delayMs`; returns a function that cancels it. */
  schedule(delayMs: number, run: () => void): () => void;
}

export interface MdbBusOptions {
  /** Time between two POLL rounds of the loop started by `start()`, ms. Default 100. */
  pollIntervalMs?: number;
  /** What runs the poll loop. Default: real timers. */
  timers?: MdbTimers;
  /** How often a command is sent again when a device does not answer, NAKs or keeps sending a bad CHK; also the RETs sent per answer. Default 2. */
  retries?: number;
  /** POLLs the VMC makes while waiting for a reader's decision or for a payout to finish. Default 20. */
  maxPolls?: number;
  /** The wire between the VMC and the devices: may change the words (noise). Default: passes them unchanged. */
  line?: (words: MdbWord[], direction: MdbDirection, address: number) => MdbWord[];
  /** Most traffic entries kept; the oldest go first. Default 10,000. */
  trafficLimit?: number;
  /** A tube at or below this many coins is reported low. Default 5. */
  tubeLowCount?: number;
  /** Hold bills in escrow until `escrowAccept()` / `escrowReturn()`. Default true. */
  billEscrow?: boolean;
  /** Highest and lowest prices of the machine, fen, sent to the reader. Default: not known. */
  cashlessPrices?: { max: number; min: number };
  /** The VMC's identity, sent to the reader. */
  identity?: MdbIdentity;
}

/** What the VMC learned from the coin changer. */
export interface ChangerInfo {
  level: number;
  countryCode: number;
  scalingFactor: number;
  decimalPlaces: number;
  /** Value of each coin type, fen (0: not used). */
  coinValues: number[];
  /** Bit n set: coin type n goes to a tube. */
  tubeRouting: number;
  /** Coins in each tube at the last TUBE STATUS (16 counts). */
  tubeCounts: number[];
  /** Bit n set: tube n was full at the last TUBE STATUS. */
  tubeFullMask: number;
  /** The changer chooses the coins of a payout (level 3 ALTERNATIVE PAYOUT enabled). */
  alternativePayout: boolean;
}

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

type Exchange = { kind: 'ack' } | { kind: 'nak' } | { kind: 'none' } | { kind: 'data'; bytes: Uint8Array };

const VMC_IDENTITY: MdbIdentity = {
  manufacturer: 'VMC',
  serial: '000000000000',
  model: 'VMCLOUD-SIM',
  softwareVersion: 0x0100,
};

const REAL_TIMERS: MdbTimers = {
  schedule(delayMs, run) {
    const timer = setTimeout(run, delayMs);
    return () => clearTimeout(timer);
  },
};

const ALL_TYPES = 0xffff;

export class MdbBus {
  readonly #peripherals: readonly MdbPeripheral[];
  readonly #emitter = new TypedEmitter<MdbBusEvent>();
  readonly #pollIntervalMs: number;
  readonly #timers: MdbTimers;
  readonly #retries: number;
  readonly #maxPolls: number;
  readonly #line: (words: MdbWord[], direction: MdbDirection, address: number) => MdbWord[];
  readonly #trafficLimit: number;
  readonly #tubeLowCount: number;
  readonly #billEscrow: boolean;
  readonly #cashlessPrices: { max: number; min: number } | undefined;
  readonly #identity: MdbIdentity;
  #traffic: MdbTrafficEntry[] = [];
  #ready = false;
  #changer: ChangerInfo | null = null;
  #validator: BillValidatorInfo | null = null;
  #reader: CashlessInfo | null = null;
  #accept = { coins: true, bills: true, cashless: true };
  #escrow: { billType: number; amount: number } | null = null;
  #session: { funds: number | null } | null = null;
  #vendOutcome: 'approved' | 'denied' | null = null;
  #vendItem: number | null = null;
  #lowTubes = new Set<number>();
  #settingUp = new Set<number>();
  #needsSetup = new Set<number>();
  #cancelLoop: (() => void) | null = null;
  /** Events found while handling one answer, delivered once the bus is in a settled state. */
  #pending: MdbBusEvent[] = [];

  /** @param peripherals the devices on the bus */
  constructor(peripherals: readonly MdbPeripheral[], options: MdbBusOptions = {}) {
    this.#peripherals = [...peripherals];
    this.#pollIntervalMs = options.pollIntervalMs ?? 100;
    this.#timers = options.timers ?? REAL_TIMERS;
    this.#retries = options.retries ?? 2;
    this.#maxPolls = options.maxPolls ?? 20;
    this.#line = options.line ?? ((words) => words);
    this.#trafficLimit = options.trafficLimit ?? 10_000;
    this.#tubeLowCount = options.tubeLowCount ?? 5;
    this.#billEscrow = options.billEscrow ?? true;
    this.#cashlessPrices = options.cashlessPrices;
    this.#identity = options.identity ?? VMC_IDENTITY;
  }

  // ---- events and state ----------------------------------------------------------------

  /** Calls `listener` for every event of `type`. Returns a function that removes it. */
  on<K extends MdbBusEvent['type']>(type: K, listener: (event: Extract<MdbBusEvent, { type: K }>) => void): () => void {
    return this.#emitter.on(type, listener);
  }

  /** Calls `listener` for every event. Returns a function that removes it. */
  onAny(listener: (event: MdbBusEvent) => void): () => void {
    return this.#emitter.onAny(listener);
  }

  /** Every transmission recorded so far, oldest first (at most `trafficLimit`). */
  get traffic(): readonly MdbTrafficEntry[] {
    return this.#traffic;
  }

  /** Forgets the recorded traffic. */
  clearTraffic(): void {
    this.#traffic = [];
  }

  /** What the VMC learned from each device at setup; null for a device that did not answer. */
  get devices(): {
    coinChanger: ChangerInfo | null;
    billValidator: BillValidatorInfo | null;
    cashless: CashlessInfo | null;
  } {
    const changer = this.#changer;
    const validator = this.#validator;
    return {
      coinChanger: changer && { ...changer, coinValues: [...changer.coinValues], tubeCounts: [...changer.tubeCounts] },
      billValidator: validator && {
        ...validator,
        billValues: [...validator.billValues],
        stacker: { ...validator.stacker },
      },
      cashless: this.#reader && { ...this.#reader },
    };
  }

  /** The bill held in escrow, as reported by the validator. */
  get escrow(): { billType: number; amount: number } | null {
    return this.#escrow && { ...this.#escrow };
  }

  /** The open card session; `funds` is null when the reader does not know them. */
  get cashlessSession(): { funds: number | null } | null {
    return this.#session && { ...this.#session };
  }

  // ---- setup and polling ---------------------------------------------------------------

  /**
   * Resets and sets up every device as a VMC does at power-up: RESET, the POLL that
   * answers JUST RESET, SETUP and the identification exchanges, then the status reads and
   * the enables of `setAccept` (all on by default). A device that does not answer is left out.
   */
  setup(): void {
    this.#ready = true;
    this.#setupChanger(true);
    this.#setupValidator(true);
    this.#setupReader(true);
    this.#flush();
  }

  /** One round of POLLs: the coin changer, the bill validator, the cashless reader. Sets the bus up first if needed. */
  pollOnce(): void {
    if (!this.#ready) this.setup();
    if (this.#changer) this.#pollChanger();
    if (this.#validator) this.#pollValidator();
    if (this.#reader) this.#pollReader();
    this.#flush();
  }

  /** Starts polling every `pollIntervalMs` (setting the bus up first if needed). */
  start(): void {
    if (this.#cancelLoop) return;
    if (!this.#ready) this.setup();
    const tick = (): void => {
      this.#cancelLoop = this.#timers.schedule(this.#pollIntervalMs, tick);
      this.pollOnce();
    };
    this.#cancelLoop = this.#timers.schedule(this.#pollIntervalMs, tick);
  }

  /** Stops the poll loop. */
  stop(): void {
    this.#cancelLoop?.();
    this.#cancelLoop = null;
  }

  /** Whether the poll loop runs. */
  get running(): boolean {
    return this.#cancelLoop !== null;
  }

  // ---- operations for the VMC firmware ---------------------------------------------------

  /**
   * Enables or disables each kind of payment (SET_ACCEPT): COIN TYPE to the changer, BILL
   * TYPE to the validator, READER ENABLE / DISABLE to the reader.
   */
  setAccept(flags: { coins: boolean; bills: boolean; cashless: boolean }): void {
    if (!this.#ready) this.setup();
    this.#accept = { ...flags };
    if (this.#changer) this.#sendCoinType();
    if (this.#validator) this.#sendBillType();
    if (this.#reader) this.#sendReaderEnable();
    this.#flush();
  }

  /** Stacks the bill held in escrow; its credit follows from the next POLL (made at once). False if no bill is held. */
  escrowAccept(): boolean {
    return this.#escrowCommand(true);
  }

  /** Gives the bill held in escrow back to the customer. False if no bill is held. */
  escrowReturn(): boolean {
    return this.#escrowCommand(false);
  }

  /**
   * Pays `amount` fen as change from the tubes and returns what was paid (less when the
   * tubes cannot make the amount). A level 3 changer chooses the coins (ALTERNATIVE
   * PAYOUT); a level 2 changer is told which coins to DISPENSE.
   */
  payout(amount: number): number {
    if (!Number.isInteger(amount) || amount < 0) throw new RangeError(`a payout is whole fen, got ${amount}`);
    if (!this.#ready) this.setup();
    const changer = this.#changer;
    if (!changer || amount === 0) return 0;
    const paid = changer.alternativePayout ? this.#alternativePayout(changer, amount) : this.#dispense(changer, amount);
    this.#readTubes();
    this.#flush();
    return paid;
  }

  /**
   * Asks the reader to approve `item` at `price` fen in the open card session (VEND
   * REQUEST) and polls for its decision. 'denied' without asking when there is no session
   * or the price cannot be sent at the reader's scale factor; a reader that does not decide
   * within `maxPolls` POLLs is sent VEND CANCEL.
   */
  cashlessVend(price: number, item: number): 'approved' | 'denied' {
    if (!Number.isInteger(item) || item < 0 || item > 0xffff) throw new RangeError(`an item number is 0..65535`);
    if (!this.#ready) this.setup();
    const reader = this.#reader;
    if (!reader || !this.#session) return 'denied';
    const scaled = minorToScaled(price, reader.scaleFactor);
    if (scaled === undefined) return 'denied';
    this.#vendOutcome = null;
    this.#vendItem = null;
    const sent = this.#readerCommand({ type: 'VEND_REQUEST', price: scaled, item });
    if (sent.kind === 'ack' || sent.kind === 'data') {
      for (let i = 0; i < this.#maxPolls && this.#decision() === null && this.#session; i++) this.#pollReader();
      if (this.#decision() === null) this.#readerCommand({ type: 'VEND_CANCEL' });
    }
    const outcome = this.#decision() ?? 'denied';
    if (outcome === 'approved') this.#vendItem = item;
    this.#flush();
    return outcome;
  }

  /** The reader's decision on the last VEND REQUEST, once it has given one. */
  #decision(): 'approved' | 'denied' | null {
    return this.#vendOutcome;
  }

  /** Tells the reader whether the approved vend was dispensed (VEND SUCCESS: charge the card) or not (VEND FAILURE). */
  cashlessVendResult(success: boolean): void {
    const item = this.#vendItem;
    if (item === null || !this.#reader) return;
    this.#vendItem = null;
    this.#readerCommand(success ? { type: 'VEND_SUCCESS', item } : { type: 'VEND_FAILURE' });
    this.#flush();
  }

  /** Ends the card session (SESSION COMPLETE) and polls until the reader answers END SESSION. */
  cashlessSessionComplete(): void {
    if (!this.#reader || !this.#session) return;
    this.#vendItem = null;
    this.#readerCommand({ type: 'SESSION_COMPLETE' });
    for (let i = 0; i < this.#maxPolls && this.#session; i++) this.#pollReader();
    this.#flush();
  }

  // ---- the wire --------------------------------------------------------------------------

  #record(direction: MdbDirection, address: number, words: MdbWord[], summary: string): void {
    this.#traffic.push({ direction, address, words: [...words], summary });
    if (this.#traffic.length > this.#trafficLimit) this.#traffic.splice(0, this.#traffic.length - this.#trafficLimit);
  }

  /** Puts words on the bus and returns the answer as the VMC receives it (empty: no answer). */
  #transmit(address: number, words: MdbWord[], summary: string, command: Uint8Array): MdbWord[] {
    const sent = this.#line([...words], 'vmc_to_peripheral', address);
    this.#record('vmc_to_peripheral', address, sent, summary);
    let answer: MdbWord[] = [];
    for (const peripheral of this.#peripherals) {
      const words = peripheral.receive(sent);
      if (answer.length === 0 && words.length > 0) answer = words;
    }
    if (answer.length === 0) return [];
    const received = this.#line([...answer], 'peripheral_to_vmc', address);
    if (received.length === 0) return [];
    this.#record('peripheral_to_vmc', address, received, describeAnswer(address, command, received));
    return received;
  }

  /**
   * One command and its answer: sends the block, asks again with RET while the answer is
   * unreadable, ACKs a data answer, and sends the command again when the device stays
   * silent, NAKs or keeps sending bad answers.
   */
  #exchange(address: number, command: Uint8Array): Exchange {
    const block = encodeMasterBlock(command);
    const summary = describeCommand(address, command);
    let last: Exchange = { kind: 'none' };
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      let answer = this.#transmit(address, block, summary, command);
      if (answer.length === 0) continue;
      let reply = decodePeripheralTransmission(answer);
      for (let ret = 0; !reply.ok && ret < this.#retries; ret++) {
        answer = this.#transmit(address, encodeMasterControl('RET'), 'RET', command);
        if (answer.length === 0) break;
        reply = decodePeripheralTransmission(answer);
      }
      if (!reply.ok) continue;
      if (reply.kind === 'control') {
        if (reply.control === 'ACK') return { kind: 'ack' };
        last = { kind: 'nak' };
        continue;
      }
      this.#transmit(address, encodeMasterControl('ACK'), 'ACK', command);
      return { kind: 'data', bytes: reply.bytes };
    }
    if (last.kind === 'none') this.#pending.push({ type: 'device_error', address, reason: 'no_response' });
    return last;
  }

  /** A device that does not answer its RESET at setup is simply not fitted: no error for it. */
  #forgetNoResponse(address: number): void {
    this.#pending = this.#pending.filter(
      (event) => event.type !== 'device_error' || event.address !== address || event.reason !== 'no_response',
    );
  }

  #flush(): void {
    for (const address of [...this.#needsSetup]) {
      this.#needsSetup.delete(address);
      if (address === MdbAddress.COIN_CHANGER) this.#setupChanger(false);
      if (address === MdbAddress.BILL_VALIDATOR) this.#setupValidator(false);
      if (address === MdbAddress.CASHLESS) this.#setupReader(false);
    }
    const events = this.#pending;
    this.#pending = [];
    for (const event of events) this.#emitter.emit(event);
  }

  // ---- coin changer ----------------------------------------------------------------------

  #changerCommand(command: ChangerCommand): Exchange {
    return this.#exchange(MdbAddress.COIN_CHANGER, encodeChangerCommand(command));
  }

  #setupChanger(reset: boolean): void {
    this.#settingUp.add(MdbAddress.COIN_CHANGER);
    try {
      if (reset) {
        if (this.#changerCommand({ type: 'RESET' }).kind !== 'ack') {
          this.#changer = null;
          this.#forgetNoResponse(MdbAddress.COIN_CHANGER);
          return;
        }
        this.#pollChanger();
      }
      const answer = this.#changerCommand({ type: 'SETUP' });
      const config = answer.kind === 'data' ? decodeChangerResponse('SETUP', answer.bytes) : null;
      if (!config?.ok || config.response.type !== 'CONFIG' || config.response.scalingFactor === 0) {
        this.#changer = null;
        return;
      }
      const { level, countryCode, scalingFactor, decimalPlaces, tubeRouting, coinCredits } = config.response;
      const changer: ChangerInfo = {
        level,
        countryCode,
        scalingFactor,
        decimalPlaces,
        coinValues: Array.from({ length: MDB_COIN_TYPES }, (_, coinType) =>
          scaledToMinor(coinCredits[coinType] ?? 0, scalingFactor),
        ),
        tubeRouting,
        tubeCounts: new Array<number>(MDB_COIN_TYPES).fill(0),
        tubeFullMask: 0,
        alternativePayout: false,
      };
      if (level >= 3) {
        const id = this.#changerCommand({ type: 'IDENTIFICATION' });
        const identity = id.kind === 'data' ? decodeChangerResponse('IDENTIFICATION', id.bytes) : null;
        if (
          identity?.ok &&
          identity.response.type === 'IDENTIFICATION' &&
          identity.response.features & ChangerFeature.ALTERNATIVE_PAYOUT
        ) {
          const enabled = this.#changerCommand({ type: 'FEATURE_ENABLE', features: ChangerFeature.ALTERNATIVE_PAYOUT });
          changer.alternativePayout = enabled.kind === 'ack';
        }
      }
      this.#changer = changer;
      this.#readTubes();
      this.#sendCoinType();
    } finally {
      this.#settingUp.delete(MdbAddress.COIN_CHANGER);
    }
  }

  #sendCoinType(): void {
    const changer = this.#changer;
    if (!changer) return;
    const known = changer.coinValues.reduce((mask, value, coinType) => (value > 0 ? mask | (1 << coinType) : mask), 0);
    this.#changerCommand({
      type: 'COIN_TYPE',
      acceptMask: this.#accept.coins ? known : 0,
      manualDispenseMask: ALL_TYPES,
    });
  }

  #readTubes(): void {
    const changer = this.#changer;
    if (!changer) return;
    const answer = this.#changerCommand({ type: 'TUBE_STATUS' });
    if (answer.kind !== 'data') return;
    const status = decodeChangerResponse('TUBE_STATUS', answer.bytes);
    if (!status.ok || status.response.type !== 'TUBE_STATUS') return;
    changer.tubeCounts = status.response.counts;
    changer.tubeFullMask = status.response.fullMask;
    changer.coinValues.forEach((value, coinType) => {
      if (value === 0 || (changer.tubeRouting & (1 << coinType)) === 0) return;
      const count = changer.tubeCounts[coinType] ?? 0;
      if (count <= this.#tubeLowCount) {
        if (!this.#lowTubes.has(coinType)) this.#pending.push({ type: 'tube_low', coinType, value, count });
        this.#lowTubes.add(coinType);
      } else {
        this.#lowTubes.delete(coinType);
      }
    });
  }

  /** POLLs the changer and acts on what it reports. Returns whether it said it is busy paying out. */
  #pollChanger(): boolean {
    const changer = this.#changer;
    const answer = this.#changerCommand({ type: 'POLL' });
    if (answer.kind !== 'data') return false;
    const poll = decodeChangerResponse('POLL', answer.bytes);
    if (!poll.ok || poll.response.type !== 'POLL') return false;
    let busy = false;
    for (const event of poll.response.events) {
      switch (event.type) {
        case 'COIN_DEPOSITED': {
          if (!changer) break;
          if (event.routing === CoinRouting.TUBES) changer.tubeCounts[event.coinType] = event.tubeCount;
          const amount = changer.coinValues[event.coinType] ?? 0;
          if ((event.routing === CoinRouting.TUBES || event.routing === CoinRouting.CASH_BOX) && amount > 0) {
            this.#pending.push({ type: 'credit', source: CreditSource.COIN, amount });
          }
          break;
        }
        case 'COINS_DISPENSED_MANUALLY':
          if (changer) changer.tubeCounts[event.coinType] = event.tubeCount;
          break;
        case 'SLUGS':
          break;
        case 'STATUS':
          if (event.code === ChangerStatus.JUST_RESET) {
            if (!this.#settingUp.has(MdbAddress.COIN_CHANGER)) this.#needsSetup.add(MdbAddress.COIN_CHANGER);
          } else if (event.code === ChangerStatus.PAYOUT_BUSY || event.code === ChangerStatus.BUSY) {
            busy = true;
          } else if (event.code === ChangerStatus.ESCROW_REQUEST) {
            this.#pending.push({ type: 'coin_return_request' });
          } else {
            this.#pending.push({
              type: 'device_error',
              address: MdbAddress.COIN_CHANGER,
              reason: 'status',
              code: event.code,
            });
          }
          break;
      }
    }
    return busy;
  }

  /** Level 3: the changer chooses the coins; the VMC follows the payout and reads what was paid. */
  #alternativePayout(changer: ChangerInfo, amount: number): number {
    let paid = 0;
    while (paid < amount) {
      const value = Math.min(Math.floor((amount - paid) / changer.scalingFactor), 0xff);
      if (value === 0) break;
      if (this.#changerCommand({ type: 'ALTERNATIVE_PAYOUT', value }).kind !== 'ack') break;
      // PAYOUT VALUE POLL answers the value paid since the last one while the payout runs, ACK
      // alone once it is over; the VMC gives up after `maxPolls` answers in a row without progress.
      for (let idle = 0; idle < this.#maxPolls;) {
        const progress = this.#changerCommand({ type: 'PAYOUT_VALUE_POLL' });
        if (progress.kind !== 'data') break;
        const decoded = decodeChangerResponse('PAYOUT_VALUE_POLL', progress.bytes);
        idle = decoded.ok && decoded.response.type === 'PAYOUT_VALUE' && decoded.response.value > 0 ? 0 : idle + 1;
      }
      let counts: number[] | null = null;
      for (let i = 0; i < this.#maxPolls && !counts; i++) {
        const status = this.#changerCommand({ type: 'PAYOUT_STATUS' });
        if (status.kind === 'data') {
          const decoded = decodeChangerResponse('PAYOUT_STATUS', status.bytes);
          if (decoded.ok && decoded.response.type === 'PAYOUT_STATUS') counts = decoded.response.counts;
          else break;
        } else if (status.kind !== 'ack') {
          break;
        }
      }
      if (!counts) break;
      const round = counts.reduce((sum, count, coinType) => sum + count * (changer.coinValues[coinType] ?? 0), 0);
      paid += round;
      if (round === 0) break;
    }
    return paid;
  }

  /** Level 2: the VMC chooses the coins from the tube counts and DISPENSEs them type by type. */
  #dispense(changer: ChangerInfo, amount: number): number {
    this.#readTubes();
    const before = [...changer.tubeCounts];
    const available = before.map((count, coinType) => ((changer.tubeRouting >> coinType) & 1 ? count : 0));
    const plan = planChange(amount, changer.coinValues, available);
    const order = plan
      .map((_, coinType) => coinType)
      .sort((a, b) => (changer.coinValues[b] ?? 0) - (changer.coinValues[a] ?? 0));
    for (const coinType of order) {
      let left = plan[coinType] ?? 0;
      while (left > 0) {
        const count = Math.min(left, 15);
        if (this.#changerCommand({ type: 'DISPENSE', coinType, count }).kind !== 'ack') return this.#paidSince(before);
        left -= count;
        for (let i = 0; i < this.#maxPolls && this.#pollChanger(); i++);
      }
    }
    return this.#paidSince(before);
  }

  #paidSince(before: readonly number[]): number {
    const changer = this.#changer;
    if (!changer) return 0;
    this.#readTubes();
    return before.reduce((sum, count, coinType) => {
      const gone = count - (changer.tubeCounts[coinType] ?? 0);
      return sum + Math.max(0, gone) * (changer.coinValues[coinType] ?? 0);
    }, 0);
  }

  // ---- bill validator ---------------------------------------------------------------------

  #validatorCommand(command: BillValidatorCommand): Exchange {
    return this.#exchange(MdbAddress.BILL_VALIDATOR, encodeBillValidatorCommand(command));
  }

  #setupValidator(reset: boolean): void {
    this.#settingUp.add(MdbAddress.BILL_VALIDATOR);
    try {
      if (reset) {
        if (this.#validatorCommand({ type: 'RESET' }).kind !== 'ack') {
          this.#validator = null;
          this.#forgetNoResponse(MdbAddress.BILL_VALIDATOR);
          return;
        }
        this.#pollValidator();
      }
      this.#escrow = null;
      const answer = this.#validatorCommand({ type: 'SETUP' });
      const config = answer.kind === 'data' ? decodeBillValidatorResponse('SETUP', answer.bytes) : null;
      if (!config?.ok || config.response.type !== 'CONFIG' || config.response.scalingFactor === 0) {
        this.#validator = null;
        return;
      }
      const { level, countryCode, scalingFactor, decimalPlaces, stackerCapacity, escrow, billCredits } =
        config.response;
      this.#validator = {
        level,
        countryCode,
        scalingFactor,
        decimalPlaces,
        billValues: billCredits.map((credit) => scaledToMinor(credit, scalingFactor)),
        stackerCapacity,
        escrow,
        stacker: { full: false, bills: 0 },
      };
      this.#readStacker();
      this.#sendBillType();
    } finally {
      this.#settingUp.delete(MdbAddress.BILL_VALIDATOR);
    }
  }

  #sendBillType(): void {
    const validator = this.#validator;
    if (!validator) return;
    const known = validator.billValues.reduce(
      (mask, value, billType) => (value > 0 ? mask | (1 << billType) : mask),
      0,
    );
    const acceptMask = this.#accept.bills ? known : 0;
    this.#validatorCommand({
      type: 'BILL_TYPE',
      acceptMask,
      escrowMask: this.#billEscrow && validator.escrow ? acceptMask : 0,
    });
  }

  #readStacker(): void {
    const validator = this.#validator;
    if (!validator) return;
    const answer = this.#validatorCommand({ type: 'STACKER' });
    if (answer.kind !== 'data') return;
    const stacker = decodeBillValidatorResponse('STACKER', answer.bytes);
    if (!stacker.ok || stacker.response.type !== 'STACKER') return;
    const wasFull = validator.stacker.full;
    validator.stacker = { full: stacker.response.full, bills: stacker.response.bills };
    if (stacker.response.full && !wasFull) this.#pending.push({ type: 'stacker_full', bills: stacker.response.bills });
  }

  #pollValidator(): void {
    const validator = this.#validator;
    const answer = this.#validatorCommand({ type: 'POLL' });
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
          this.#pending.push({ type: 'escrow', billType, amount });
        } else if (event.routing === BillRouting.STACKED) {
          if (this.#escrow?.billType === billType) this.#escrow = null;
          stacked = true;
          if (amount > 0) this.#pending.push({ type: 'credit', source: CreditSource.BILL, amount });
        } else if (event.routing === BillRouting.RETURNED) {
          if (this.#escrow?.billType === billType) this.#escrow = null;
          this.#pending.push({ type: 'escrow_returned', billType, amount });
        }
      } else if (event.type === 'STATUS') {
        if (event.code === BillValidatorStatus.JUST_RESET) {
          this.#escrow = null;
          if (!this.#settingUp.has(MdbAddress.BILL_VALIDATOR)) this.#needsSetup.add(MdbAddress.BILL_VALIDATOR);
        } else if (
          event.code !== BillValidatorStatus.BILL_REJECTED &&
          event.code !== BillValidatorStatus.BUSY &&
          event.code !== BillValidatorStatus.DISABLED
        ) {
          this.#pending.push({
            type: 'device_error',
            address: MdbAddress.BILL_VALIDATOR,
            reason: 'status',
            code: event.code,
          });
        }
      }
    }
    if (stacked) this.#readStacker();
  }

  #escrowCommand(stack: boolean): boolean {
    if (!this.#validator || !this.#escrow) return false;
    if (this.#validatorCommand({ type: 'ESCROW', stack }).kind !== 'ack') {
      this.#flush();
      return false;
    }
    this.#pollValidator();
    this.#flush();
    return true;
  }

  // ---- cashless reader --------------------------------------------------------------------

  /** Sends a reader command; a data answer (the reader may answer any command with one of its responses) is acted on. */
  #readerCommand(command: CashlessCommand): Exchange {
    const answer = this.#exchange(MdbAddress.CASHLESS, encodeCashlessCommand(command));
    if (answer.kind === 'data') this.#onReaderData(answer.bytes);
    return answer;
  }

  #setupReader(reset: boolean): void {
    this.#settingUp.add(MdbAddress.CASHLESS);
    try {
      if (reset) {
        if (this.#readerCommand({ type: 'RESET' }).kind !== 'ack') {
          this.#reader = null;
          this.#forgetNoResponse(MdbAddress.CASHLESS);
          return;
        }
        this.#pollReader();
      }
      this.#session = null;
      this.#reader = null;
      this.#readerCommand({ type: 'SETUP_CONFIG', vmcLevel: 3, displayColumns: 0, displayRows: 0, displayInfo: 0 });
      const reader = this.#reader as CashlessInfo | null;
      if (!reader) return;
      const prices = this.#cashlessPrices;
      const maxPrice = prices ? minorToScaled(prices.max, reader.scaleFactor) : undefined;
      const minPrice = prices ? minorToScaled(prices.min, reader.scaleFactor) : undefined;
      this.#readerCommand({
        type: 'SETUP_PRICES',
        maxPrice: maxPrice ?? CASHLESS_MAX_PRICE_UNKNOWN,
        minPrice: minPrice ?? 0,
      });
      this.#readerCommand({ type: 'REQUEST_ID', ...this.#identity });
      this.#sendReaderEnable();
    } finally {
      this.#settingUp.delete(MdbAddress.CASHLESS);
    }
  }

  #sendReaderEnable(): void {
    this.#readerCommand({ type: this.#accept.cashless ? 'READER_ENABLE' : 'READER_DISABLE' });
  }

  #pollReader(): void {
    this.#readerCommand({ type: 'POLL' });
  }

  #onReaderData(bytes: Uint8Array): void {
    const decoded = decodeCashlessResponse(bytes);
    if (!decoded.ok) return;
    const response = decoded.response;
    switch (response.type) {
      case 'JUST_RESET':
        this.#session = null;
        if (!this.#settingUp.has(MdbAddress.CASHLESS)) this.#needsSetup.add(MdbAddress.CASHLESS);
        break;
      case 'READER_CONFIG':
        if (response.scaleFactor === 0) break;
        this.#reader = {
          level: response.level,
          countryCode: response.countryCode,
          scaleFactor: response.scaleFactor,
          decimalPlaces: response.decimalPlaces,
          maxResponseTime: response.maxResponseTime,
          options: response.options,
        };
        break;
      case 'BEGIN_SESSION': {
        const scale = this.#reader?.scaleFactor ?? 1;
        const funds = response.funds === CASHLESS_FUNDS_UNKNOWN ? null : scaledToMinor(response.funds, scale);
        this.#session = { funds };
        this.#pending.push({ type: 'credit', source: CreditSource.CASHLESS, amount: funds ?? 0 });
        break;
      }
      case 'SESSION_CANCEL_REQUEST':
        this.#vendItem = null;
        this.#readerCommand({ type: 'SESSION_COMPLETE' });
        break;
      case 'VEND_APPROVED':
        this.#vendOutcome = 'approved';
        break;
      case 'VEND_DENIED':
        this.#vendOutcome = 'denied';
        break;
      case 'END_SESSION':
        if (this.#session) this.#pending.push({ type: 'cashless_session_end' });
        this.#session = null;
        this.#vendItem = null;
        break;
      case 'MALFUNCTION':
        this.#pending.push({
          type: 'device_error',
          address: MdbAddress.CASHLESS,
          reason: 'malfunction',
          code: response.code,
        });
        break;
      case 'OUT_OF_SEQUENCE':
        this.#pending.push({ type: 'device_error', address: MdbAddress.CASHLESS, reason: 'out_of_sequence' });
        break;
      case 'CANCELLED':
      case 'PERIPHERAL_ID':
        break;
    }
  }
}

// ---- traffic summaries ------------------------------------------------------------------

function describeFields(message: { type: string }): string {
  const fields = Object.entries(message)
    .filter(([key]) => key !== 'type')
    .map(([key, value]) => {
      if (Array.isArray(value)) {
        const items = value.map((item: unknown) =>
          typeof item === 'object' && item !== null && 'type' in item
            ? describeFields(item as { type: string })
            : String(item),
        );
        return `${key}=[${items.join(', ')}]`;
      }
      return `${key}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
    });
  return fields.length > 0 ? `${message.type} ${fields.join(' ')}` : message.type;
}

function describeCommand(address: number, bytes: Uint8Array): string {
  const decoded =
    address === MdbAddress.COIN_CHANGER
      ? decodeChangerCommand(bytes)
      : address === MdbAddress.BILL_VALIDATOR
        ? decodeBillValidatorCommand(bytes)
        : decodeCashlessCommand(bytes);
  return decoded.ok ? describeFields(decoded.command) : `unreadable command (${decoded.error})`;
}

function describeAnswer(address: number, command: Uint8Array, words: MdbWord[]): string {
  const transmission = decodePeripheralTransmission(words);
  if (!transmission.ok) return `unreadable (${transmission.error})`;
  if (transmission.kind === 'control') return transmission.control;
  const bytes = transmission.bytes;
  const decoded = decodeAnswer(address, command, bytes);
  return decoded.ok ? describeFields(decoded.response) : `unreadable answer (${decoded.error})`;
}

function decodeAnswer(
  address: number,
  command: Uint8Array,
  bytes: Uint8Array,
): { ok: true; response: { type: string } } | { ok: false; error: string } {
  if (address === MdbAddress.CASHLESS) return decodeCashlessResponse(bytes);
  if (address === MdbAddress.COIN_CHANGER) {
    const sent = decodeChangerCommand(command);
    return sent.ok ? decodeChangerResponse(sent.command.type, bytes) : sent;
  }
  const sent = decodeBillValidatorCommand(command);
  return sent.ok ? decodeBillValidatorResponse(sent.command.type, bytes) : sent;
}

/** Words as hex, a `*` after each word that has the mode bit: `13* 00 00 64 00 01 78`. */
export function formatMdbWords(words: readonly MdbWord[]): string {
  return words
    .map((word) => `${(word & 0xff).toString(16).padStart(2, '0').toUpperCase()}${word & 0x100 ? '*' : ''}`)
    .join(' ');
}
