/**
 * The VMC's side of the simulated MDB bus, at byte level: one master for each device (the
 * coin changer, bill validator and cashless reader) resets, sets up, enables and polls it
 * over the wire, and what they learn becomes credit and events for the VMC firmware. Every
 * word on the bus is recorded in the traffic log.
 */

import type { MdbIdentity, MdbWord } from '@vmcloud/protocol';
import { TypedEmitter } from '../machine/emitter.js';
import { BillValidatorMaster, type BillValidatorInfo } from './bill-validator-master.js';
import { CashlessReaderMaster, type CashlessInfo } from './cashless-reader-master.js';
import { CoinChangerMaster, type ChangerInfo } from './coin-changer-master.js';
import type { DeviceMaster, MdbBusEvent, MdbMasterBus } from './master.js';
import type { MdbPeripheral } from './peripheral.js';
import { MdbTrafficLog, type MdbDirection, type MdbTrafficEntry } from './traffic.js';
import { MdbWire, type Exchange } from './wire.js';

export type { BillValidatorInfo } from './bill-validator-master.js';
export type { CashlessInfo } from './cashless-reader-master.js';
export type { ChangerInfo } from './coin-changer-master.js';
export type { MdbBusEvent, MdbDeviceErrorReason } from './master.js';
export { formatMdbWords, type MdbDirection, type MdbTrafficEntry } from './traffic.js';

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

export class MdbBus {
  readonly #emitter = new TypedEmitter<MdbBusEvent>();
  readonly #pollIntervalMs: number;
  readonly #timers: MdbTimers;
  readonly #traffic: MdbTrafficLog;
  readonly #wire: MdbWire;
  readonly #changer: CoinChangerMaster;
  readonly #validator: BillValidatorMaster;
  readonly #reader: CashlessReaderMaster;
  #ready = false;
  #needsSetup = new Set<DeviceMaster<unknown>>();
  #cancelLoop: (() => void) | null = null;
  /** Events found while handling one answer, delivered once the bus is in a settled state. */
  #pending: MdbBusEvent[] = [];

  /** @param peripherals the devices on the bus */
  constructor(peripherals: readonly MdbPeripheral[], options: MdbBusOptions = {}) {
    this.#pollIntervalMs = options.pollIntervalMs ?? 100;
    this.#timers = options.timers ?? REAL_TIMERS;
    this.#traffic = new MdbTrafficLog(options.trafficLimit ?? 10_000);
    this.#wire = new MdbWire(peripherals, {
      line: options.line ?? ((words) => words),
      retries: options.retries ?? 2,
      log: this.#traffic,
    });
    const bus: MdbMasterBus = {
      exchange: (address, command) => this.#exchange(address, command),
      report: (event) => this.#pending.push(event),
      forgetNoResponse: (address) => this.#forgetNoResponse(address),
      setupAgain: (master) => this.#needsSetup.add(master),
    };
    const maxPolls = options.maxPolls ?? 20;
    this.#changer = new CoinChangerMaster(bus, { maxPolls, tubeLowCount: options.tubeLowCount ?? 5 });
    this.#validator = new BillValidatorMaster(bus, { billEscrow: options.billEscrow ?? true });
    this.#reader = new CashlessReaderMaster(bus, {
      maxPolls,
      prices: options.cashlessPrices,
      identity: options.identity ?? VMC_IDENTITY,
    });
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
    return this.#traffic.entries;
  }

  /** Forgets the recorded traffic. */
  clearTraffic(): void {
    this.#traffic.clear();
  }

  /** What the VMC learned from each device at setup; null for a device that did not answer. */
  get devices(): {
    coinChanger: ChangerInfo | null;
    billValidator: BillValidatorInfo | null;
    cashless: CashlessInfo | null;
  } {
    const changer = this.#changer.info;
    const validator = this.#validator.info;
    const reader = this.#reader.info;
    return {
      coinChanger: changer && { ...changer, coinValues: [...changer.coinValues], tubeCounts: [...changer.tubeCounts] },
      billValidator: validator && {
        ...validator,
        billValues: [...validator.billValues],
        stacker: { ...validator.stacker },
      },
      cashless: reader && { ...reader },
    };
  }

  /** The bill held in escrow, as reported by the validator. */
  get escrow(): { billType: number; amount: number } | null {
    return this.#validator.escrow;
  }

  /** The open card session; `funds` is null when the reader does not know them. */
  get cashlessSession(): { funds: number | null } | null {
    return this.#reader.session;
  }

  // ---- setup and polling ---------------------------------------------------------------

  /**
   * Resets and sets up every device as a VMC does at power-up: RESET, the POLL that
   * answers JUST RESET, SETUP and the identification exchanges, then the status reads and
   * the enables of `setAccept` (all on by default). A device that does not answer is left out.
   */
  setup(): void {
    this.#ready = true;
    for (const master of this.#masters()) master.setup(true);
    this.#flush();
  }

  /** One round of POLLs: the coin changer, the bill validator, the cashless reader. Sets the bus up first if needed. */
  pollOnce(): void {
    if (!this.#ready) this.setup();
    for (const master of this.#masters()) if (master.info) master.poll();
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
    this.#changer.accepting = flags.coins;
    this.#validator.accepting = flags.bills;
    this.#reader.accepting = flags.cashless;
    if (this.#changer.info) this.#changer.sendCoinType();
    if (this.#validator.info) this.#validator.sendBillType();
    if (this.#reader.info) this.#reader.sendEnable();
    this.#flush();
  }

  /** Stacks the bill held in escrow; its credit follows from the next POLL (made at once). False if no bill is held. */
  escrowAccept(): boolean {
    return this.#settled(() => this.#validator.escrowCommand(true));
  }

  /** Gives the bill held in escrow back to the customer. False if no bill is held. */
  escrowReturn(): boolean {
    return this.#settled(() => this.#validator.escrowCommand(false));
  }

  /**
   * Pays `amount` fen as change from the tubes and returns what was paid (less when the
   * tubes cannot make the amount). A level 3 changer chooses the coins (ALTERNATIVE
   * PAYOUT); a level 2 changer is told which coins to DISPENSE.
   */
  payout(amount: number): number {
    if (!Number.isInteger(amount) || amount < 0) throw new RangeError(`a payout is whole fen, got ${amount}`);
    if (!this.#ready) this.setup();
    return this.#settled(() => this.#changer.payout(amount));
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
    return this.#settled(() => this.#reader.vend(price, item));
  }

  /** Tells the reader whether the approved vend was dispensed (VEND SUCCESS: charge the card) or not (VEND FAILURE). */
  cashlessVendResult(success: boolean): void {
    this.#settled(() => this.#reader.vendResult(success));
  }

  /**
   * Credits the card of the open session with `price` fen for `item` put back (level 3
   * NEGATIVE VEND, when the reader enabled that feature); then {@link cashlessVendResult}.
   */
  cashlessNegativeVend(price: number, item: number): 'approved' | 'denied' {
    if (!Number.isInteger(item) || item < 0 || item > 0xffff) throw new RangeError(`an item number is 0..65535`);
    if (!this.#ready) this.setup();
    return this.#settled(() => this.#reader.negativeVend(price, item));
  }

  /** Puts `amount` fen on the card of the open session (level 2 and 3 REVALUE). */
  cashlessRevalue(amount: number): 'approved' | 'denied' {
    if (!this.#ready) this.setup();
    return this.#settled(() => this.#reader.revalue(amount));
  }

  /** How many fen may still go on the card of the open session (REVALUE LIMIT); null when not known. */
  cashlessRevalueLimit(): number | null {
    if (!this.#ready) this.setup();
    return this.#settled(() => this.#reader.revalueLimit());
  }

  /** Sends DIAGNOSTICS to the reader (level 2 and 3); its DIAGNOSTICS RESPONSE bytes, or null. */
  cashlessDiagnostics(data: readonly number[]): number[] | null {
    if (!this.#ready) this.setup();
    return this.#settled(() => this.#reader.diagnostics(data));
  }

  /** Ends the card session (SESSION COMPLETE) and polls until the reader answers END SESSION. */
  cashlessSessionComplete(): void {
    this.#settled(() => this.#reader.sessionComplete());
  }

  // ---- the masters' bus ------------------------------------------------------------------

  #masters(): DeviceMaster<unknown>[] {
    return [this.#changer, this.#validator, this.#reader];
  }

  #exchange(address: number, command: Uint8Array): Exchange {
    const answer = this.#wire.exchange(address, command);
    if (answer.kind === 'none') this.#pending.push({ type: 'device_error', address, reason: 'no_response' });
    return answer;
  }

  /** A device that does not answer its RESET at setup is simply not fitted: no error for it. */
  #forgetNoResponse(address: number): void {
    this.#pending = this.#pending.filter(
      (event) => event.type !== 'device_error' || event.address !== address || event.reason !== 'no_response',
    );
  }

  /** Runs one operation, then brings the bus to a settled state. */
  #settled<T>(operation: () => T): T {
    const result = operation();
    this.#flush();
    return result;
  }

  /** Sets up again the devices that reset on their own, then delivers the events found. */
  #flush(): void {
    for (const master of [...this.#needsSetup]) {
      this.#needsSetup.delete(master);
      master.setup(false);
    }
    const events = this.#pending;
    this.#pending = [];
    for (const event of events) this.#emitter.emit(event);
  }
}
