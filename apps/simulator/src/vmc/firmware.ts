/**
 * The VMC firmware: the program on the machine's controller board. It speaks the serial
 * protocol of docs/serial-protocol.md to the host (the terminal) through a `Link`, drives the
 * machine's motors and reads its sensors, and masters the MDB bus to the coin changer, bill
 * validator and cashless reader.
 */

import {
  CreditSource,
  EventCode,
  Link,
  MdbAddress,
  PROTOCOL_VERSION,
  StatusErrorBit,
  VendMethod,
  VendResult,
  type ByteTransport,
  type LinkOptions,
  type LinkStats,
  type Message,
  type MessageOf,
  type ReceivedFrame,
} from '@vmcloud/protocol';
import { TypedEmitter } from '../machine/emitter.js';
import type { Machine } from '../machine/machine.js';
import { protocolEvent, vendResultCode } from '../machine/protocol-map.js';
import type { DispenseResult, MachineEvent } from '../machine/types.js';
import type { MdbBus, MdbBusEvent, MdbTimers } from '../mdb/bus.js';
import { VmcMemory, updateVend, type AcceptFlags, type VendRecord } from './memory.js';

/** The firmware version the simulated board reports in HELLO. */
export const DEFAULT_FIRMWARE_VERSION = 'SIM-1.0';

/** STATUS `temperature` when the temperature sensor gives no reading (STATUS error bit 3 is set too). */
export const NO_TEMPERATURE = -32768;

export interface VmcFirmwareOptions {
  /** The machine the board sits in (motors, sensors, door, keypad, refrigeration, NVRAM). */
  machine: Machine;
  /** The MDB bus, as the board masters it. */
  bus: MdbBus;
  /** The serial line to the host. */
  transport: ByteTransport;
  /** The board's timers (the MDB poll loop runs on them): the machine's clock. */
  timers: MdbTimers;
  /** Firmware version sent in HELLO, up to 8 ASCII characters. Default 'SIM-1.0'. */
  firmware?: string;
  /** Link timings. The first SEQ is random at every boot; `initialSeq` sets it for the first boot only. */
  link?: LinkOptions;
  /** Time between two MDB poll rounds, ms of machine time. Default 100. */
  mdbPollIntervalMs?: number;
  /**
   * Most cash credit the board holds, fen: a bill that would take the credit above it is
   * given back from escrow. Default 10,000 (100 yuan).
   */
  maxCredit?: number;
  /**
   * Keep the cash credit through a power cut (in NVRAM), as real boards usually do.
   * Default true; false: the credit is lost with the power.
   */
  keepCredit?: boolean;
  /** Wall-clock ms between two HELLOs while no host has acknowledged one. Default 1000. */
  helloRetryMs?: number;
}

/** How a vend ended, as the firmware reported it to the host. */
export interface FirmwareVendEvent {
  type: 'vend';
  vendId: number;
  channel: number;
  price: number;
  method: number;
  /** The VEND_RESULT `result` (a VendResult). */
  result: number;
  /** VEND_RESULT `credit`, fen. */
  credit: number;
  /**
   * The board asked the machine for a motor cycle for this VEND (false for a refusal, or a
   * result answered from memory). The machine may still have refused it before the motor
   * turned (a latched jam, a channel its sensor says is empty).
   */
  motorRan: boolean;
  /** The result was answered from the vend memory: nothing was done again. */
  replayed: boolean;
}

/** What the firmware did, for whoever watches the board. */
export type FirmwareEvent =
  /** The board booted and sent HELLO; `powerRestored`: it found it had lost power while running. */
  | { type: 'boot'; powerRestored: boolean }
  /** The board stopped: its power was cut, it is restarting after RESET, or it was shut down. */
  | { type: 'halt'; reason: 'power_cut' | 'reset' | 'shutdown' }
  /** A new message from the host (duplicates are not reported). */
  | { type: 'received'; message: Message }
  /** A message to the host was ACKed (`delivered`) or given up. */
  | { type: 'sent'; message: Message; delivered: boolean }
  | FirmwareVendEvent
  /** The cash credit changed (coins or bills in, a vend, a payout), fen. */
  | { type: 'credit'; credit: number }
  /** A PAYOUT ended. */
  | { type: 'payout'; paid: number; remaining: number }
  /** The coin return lever paid `paid` fen of the cash credit back; `remaining` stays as credit. */
  | { type: 'coin_returned'; paid: number; remaining: number }
  /**
   * A product fell during the motor cycle of a VEND: `sequence` is its entry in the machine's
   * dispense log, `at` the machine time of the drop, `sensed` whether the drop sensor saw it.
   */
  | {
      type: 'dropped';
      vendId: number;
      channel: number;
      price: number;
      method: number;
      sequence: number;
      at: number;
      sensed: boolean;
    };

/** The firmware event of one type. */
export type FirmwareEventOf<K extends FirmwareEvent['type']> = Extract<FirmwareEvent, { type: K }>;

/** A vend the board is working on. */
interface VendInFlight {
  vendId: number;
  channel: number;
  price: number;
  method: number;
}

const DEVICE_BITS: readonly { address: number; bit: number; device: 'coinChanger' | 'billValidator' | 'cashless' }[] = [
  { address: MdbAddress.COIN_CHANGER, bit: StatusErrorBit.COIN_CHANGER, device: 'coinChanger' },
  { address: MdbAddress.BILL_VALIDATOR, bit: StatusErrorBit.BILL_VALIDATOR, device: 'billValidator' },
  { address: MdbAddress.CASHLESS, bit: StatusErrorBit.CASHLESS_READER, device: 'cashless' },
];

function isKnownMethod(method: number): boolean {
  return (Object.values(VendMethod) as number[]).includes(method);
}

/**
 * The controller board's firmware. It boots as soon as it is made: a new `Link` with a fresh
 * random SEQ, HELLO (sent again every `helloRetryMs` until a host ACKs one), EVENT power
 * restored if the board lost power while it was running, then the MDB devices are reset,
 * set up and polled.
 *
 * Host messages:
 * - POLL: STATUS (door, temperature, compressor running, error bits of the machine and of
 *   MDB devices that fail to answer, credit), as the reply to that POLL.
 * - VEND: VEND_RESULT as a frame of its own once the motor cycle ends. Method 0 (host
 *   paid) and 3 (free) dispense at once; 1 (cash) takes the price from the cash credit
 *   (INSUFFICIENT_CREDIT when short, given back when nothing dropped); 2 (cashless) asks the
 *   reader (MDB VEND REQUEST), dispenses only on VEND APPROVED, then sends VEND SUCCESS or
 *   VEND FAILURE; the card session is completed (SESSION COMPLETE) after every cashless
 *   vend, approved or not. An unknown method is refused as INVALID_CHANNEL.
 * - SET_ACCEPT: enables / disables coins, bills and the card reader (kept in NVRAM).
 * - PAYOUT: pays the cash credit back as change from the coin tubes; PAYOUT_RESULT tells
 *   what was paid and what could not be (that part stays as credit).
 * - SET_TEMP: the cabinet setpoint. RESET: the board restarts (HELLO again).
 *
 * Exactly-once: the last 64 vends are kept in NVRAM. A vend is recorded before its motor
 * starts (`started`), marked `dropped` the moment the drop sensor sees the product, and
 * `done` with its result. A VEND whose vendId is remembered with the same channel, price and
 * method is answered from memory: `done` with the stored VEND_RESULT; `dropped` (the power
 * went after the drop) with OK, nothing dispensed again; `started` (the power went before
 * anything dropped) by running the vend now, without charging the cash credit twice. The
 * same vendId with other parameters gets ID_CONFLICT. Every result is final for its vendId
 * except BUSY (another vend was running: nothing was recorded) and ID_CONFLICT; a new
 * attempt after a refusal takes a new vendId. A VEND for the vend the board is working on
 * is ignored: its VEND_RESULT is on its way.
 *
 * Reports: SELECTION on a keypad press; CREDIT on money in (source coin, bill or cashless
 * session; `credit` is the total the customer can spend: cash credit plus the funds of an
 * open card session); EVENT on door opened / closed, temperature alarm (value: reading),
 * power restored, bill stacker full (value: bills), coin tube low (value: coin value, fen),
 * motor fault (value: channel) and coin returned (value: fen paid back).
 *
 * Cash credit is kept in NVRAM with the vends (unless `keepCredit` is false), so a power cut
 * does not take the customer's money. A bill in escrow is stacked unless bills are
 * disabled or it would take the credit above `maxCredit`; then it is given back. The coin
 * return lever gives back a bill held in escrow and pays the cash credit back from the coin
 * tubes, as PAYOUT does, then reports EVENT coin returned with the fen paid back.
 *
 * Power: {@link halt} stops the board at once (link closed, timers stopped, nothing more
 * written); the next board boots from the same NVRAM.
 */
export class VmcFirmware {
  readonly #machine: Machine;
  readonly #bus: MdbBus;
  readonly #transport: ByteTransport;
  readonly #timers: MdbTimers;
  readonly #memory: VmcMemory;
  readonly #firmware: string;
  readonly #linkOptions: LinkOptions;
  readonly #pollIntervalMs: number;
  readonly #maxCredit: number;
  readonly #keepCredit: boolean;
  readonly #helloRetryMs: number;
  readonly #events = new TypedEmitter<FirmwareEvent>();

  #link: Link;
  /** Bumped at every boot and halt: work of an older boot stops where it is. */
  #generation = 0;
  #running = false;
  #unsubscribe: (() => void)[] = [];
  #cancelPoll: (() => void) | null = null;
  #helloTimer: ReturnType<typeof setTimeout> | undefined;
  /** A HELLO is waiting for its ACK. */
  #helloInFlight = false;
  #vend: VendInFlight | null = null;
  #deviceErrors = 0;
  #roundErrors: Set<number> | null = null;

  constructor(options: VmcFirmwareOptions) {
    this.#machine = options.machine;
    this.#bus = options.bus;
    this.#transport = options.transport;
    this.#timers = options.timers;
    this.#memory = new VmcMemory(options.machine.nvram);
    this.#firmware = options.firmware ?? DEFAULT_FIRMWARE_VERSION;
    this.#linkOptions = options.link ?? {};
    this.#pollIntervalMs = options.mdbPollIntervalMs ?? 100;
    this.#maxCredit = options.maxCredit ?? 10_000;
    this.#keepCredit = options.keepCredit ?? true;
    this.#helloRetryMs = options.helloRetryMs ?? 1000;
    this.#link = this.#boot();
  }

  // ---- outside view ------------------------------------------------------------------------

  /** Whether the board runs (false after {@link halt}). */
  get running(): boolean {
    return this.#running;
  }

  /** The link of the current boot. */
  get link(): Link {
    return this.#link;
  }

  /** Counters of the current boot's link. */
  get linkStats(): LinkStats {
    return this.#link.stats;
  }

  /** Cash credit held for the customer, fen. */
  get credit(): number {
    return this.#memory.read().credit;
  }

  /** The vends remembered in NVRAM, oldest first (a copy). */
  vends(): VendRecord[] {
    return this.#memory.read().vends;
  }

  /** The STATUS `errors` bits now. */
  errorBits(): number {
    return this.#machine.errorBits() | this.#deviceErrors;
  }

  /** Calls `listener` for every event of `type`. Returns a function that removes it. */
  on<K extends FirmwareEvent['type']>(type: K, listener: (event: FirmwareEventOf<K>) => void): () => void {
    return this.#events.on(type, listener);
  }

  /** Calls `listener` for every event. Returns a function that removes it. */
  onAny(listener: (event: FirmwareEvent) => void): () => void {
    return this.#events.onAny(listener);
  }

  /**
   * The power is gone: the board stops where it is. The link is closed, the timers stop,
   * nothing more is sent or written to NVRAM. A motor cycle in flight is the machine's to stop.
   */
  halt(reason: 'power_cut' | 'shutdown' = 'power_cut'): void {
    if (!this.#running) return;
    this.#stop();
    this.#events.emit({ type: 'halt', reason });
  }

  /**
   * A host opened the serial port (its DTR line came up): the board announces itself with
   * HELLO again, so that a host that starts after the board learns who it is talking to.
   */
  hostConnected(): void {
    if (this.#running) this.#sendHello(this.#generation);
  }

  // ---- boot and stop -----------------------------------------------------------------------

  #boot(): Link {
    const generation = ++this.#generation;
    const { initialSeq: _firstBootSeq, ...timings } = this.#linkOptions;
    const link = new Link(this.#transport, generation === 1 ? this.#linkOptions : timings);
    this.#link = link;
    this.#running = true;
    this.#vend = null;
    this.#deviceErrors = 0;
    link.on('message', (message, frame) => {
      if (generation !== this.#generation) return;
      this.#events.emit({ type: 'received', message });
      this.#onMessage(message, frame, generation);
    });

    let powerRestored = false;
    const image = this.#memory.update((memory) => {
      powerRestored = memory.running;
      memory.running = true;
      if (!this.#keepCredit) memory.credit = 0;
    });

    this.#sendHello(generation);
    if (powerRestored) this.#send({ type: 'EVENT', code: EventCode.POWER_RESTORED, value: 0 }, generation);

    this.#unsubscribe = [
      this.#machine.onAny((event) => this.#onMachineEvent(event, generation)),
      this.#bus.onAny((event) => this.#onBusEvent(event, generation)),
    ];
    this.#pollRound(() => {
      this.#bus.setup();
      if (!image.accept.coins || !image.accept.bills || !image.accept.cashless) this.#bus.setAccept(image.accept);
    });
    this.#schedulePoll(generation);
    this.#events.emit({ type: 'boot', powerRestored });
    return link;
  }

  #stop(): void {
    this.#generation++;
    this.#running = false;
    this.#link.close();
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
    this.#unsubscribe = [];
    this.#cancelPoll?.();
    this.#cancelPoll = null;
    clearTimeout(this.#helloTimer);
    this.#helloInFlight = false;
    this.#vend = null;
  }

  /** RESET from the host: the board restarts as after a clean power-up (no power restored). */
  #reset(): void {
    this.#memory.update((memory) => {
      memory.running = false;
    });
    this.#stop();
    this.#events.emit({ type: 'halt', reason: 'reset' });
    // The restart takes a moment: the ACK of RESET is already on the wire.
    setImmediate(() => {
      if (!this.#running) this.#boot();
    });
  }

  #sendHello(generation: number): void {
    clearTimeout(this.#helloTimer);
    if (this.#helloInFlight) return;
    this.#helloInFlight = true;
    void this.#send(
      {
        type: 'HELLO',
        version: PROTOCOL_VERSION,
        boardId: this.#machine.boardId,
        firmware: this.#firmware,
        channelCount: this.#machine.channelCount,
      },
      generation,
    ).then((delivered) => {
      if (generation !== this.#generation) return;
      this.#helloInFlight = false;
      if (delivered) return;
      clearTimeout(this.#helloTimer);
      this.#helloTimer = setTimeout(() => {
        if (generation === this.#generation) this.#sendHello(generation);
      }, this.#helloRetryMs);
    });
  }

  /** Sends a message to the host; resolves whether it was ACKed. Nothing is sent for an older boot. */
  async #send(message: Message, generation: number, inReplyTo?: ReceivedFrame): Promise<boolean> {
    if (generation !== this.#generation) return false;
    const outcome = await this.#link.send(message, inReplyTo ? { inReplyTo } : {});
    if (generation === this.#generation) this.#events.emit({ type: 'sent', message, delivered: outcome.delivered });
    return outcome.delivered;
  }

  // ---- MDB polling -------------------------------------------------------------------------

  #schedulePoll(generation: number): void {
    this.#cancelPoll = this.#timers.schedule(this.#pollIntervalMs, () => {
      if (generation !== this.#generation) return;
      this.#schedulePoll(generation);
      this.#pollRound(() => this.#bus.pollOnce());
    });
  }

  /**
   * Runs one round of MDB work and updates the device error bits: a device that failed in
   * the round is in error, a device the board knows that answered is not.
   */
  #pollRound<T>(work: () => T): T {
    const errors = new Set<number>();
    this.#roundErrors = errors;
    let value: T;
    try {
      value = work();
    } finally {
      this.#roundErrors = null;
    }
    if (this.#running) this.#updateDeviceErrors(errors);
    return value;
  }

  #updateDeviceErrors(errors: ReadonlySet<number>): void {
    const devices = this.#bus.devices;
    for (const { address, bit, device } of DEVICE_BITS) {
      if (errors.has(address)) this.#deviceErrors |= 1 << bit;
      else if (devices[device] !== null) this.#deviceErrors &= ~(1 << bit);
    }
  }

  // ---- money -------------------------------------------------------------------------------

  /** What the customer can spend now: cash credit plus the funds of an open card session, fen. */
  #totalCredit(cash = this.credit): number {
    return Math.min(0xffffffff, cash + (this.#bus.cashlessSession?.funds ?? 0));
  }

  #setCredit(change: (credit: number) => number): number {
    const image = this.#memory.update((memory) => {
      memory.credit = Math.max(0, change(memory.credit));
    });
    this.#events.emit({ type: 'credit', credit: image.credit });
    return image.credit;
  }

  // ---- events from the machine and the bus ---------------------------------------------------

  #onMachineEvent(event: MachineEvent, generation: number): void {
    if (generation !== this.#generation) return;
    if (event.type === 'button_pressed') {
      void this.#send({ type: 'SELECTION', channel: event.channel }, generation);
      return;
    }
    if (event.type === 'product_dropped') {
      const vend = this.#vend;
      if (!vend || vend.channel !== event.record.channel) return;
      if (event.record.sensed) this.#memory.update((memory) => updateVend(memory, vend.vendId, { state: 'dropped' }));
      const { sequence, at, sensed } = event.record;
      this.#events.emit({ type: 'dropped', ...vend, sequence, at, sensed });
      return;
    }
    // The `power_restored` event is the board's own to send, after HELLO, from what NVRAM says.
    if (event.type === 'power_restored') return;
    const report = protocolEvent(event);
    if (report) void this.#send({ type: 'EVENT', code: report.code, value: report.value }, generation);
  }

  #onBusEvent(event: MdbBusEvent, generation: number): void {
    if (generation !== this.#generation) return;
    switch (event.type) {
      case 'credit': {
        if (event.source === CreditSource.CASHLESS) {
          void this.#send(
            { type: 'CREDIT', source: event.source, amount: event.amount, credit: this.#totalCredit() },
            generation,
          );
          return;
        }
        const cash = this.#setCredit((credit) => credit + event.amount);
        void this.#send(
          { type: 'CREDIT', source: event.source, amount: event.amount, credit: this.#totalCredit(cash) },
          generation,
        );
        return;
      }
      case 'escrow':
        // Decided outside the bus's own delivery of the event.
        queueMicrotask(() => {
          if (generation !== this.#generation) return;
          const held = this.#bus.escrow;
          if (!held || held.billType !== event.billType) return;
          const accept = this.#memory.read().accept.bills && this.credit + held.amount <= this.#maxCredit;
          this.#pollRound(() => (accept ? this.#bus.escrowAccept() : this.#bus.escrowReturn()));
        });
        return;
      case 'coin_return_request':
        queueMicrotask(() => this.#coinReturn(generation));
        return;
      case 'stacker_full':
        void this.#send({ type: 'EVENT', code: EventCode.BILL_STACKER_FULL, value: event.bills }, generation);
        return;
      case 'tube_low':
        void this.#send({ type: 'EVENT', code: EventCode.COIN_TUBE_LOW, value: event.value }, generation);
        return;
      case 'device_error':
        this.#roundErrors?.add(event.address);
        if (!this.#roundErrors) {
          const entry = DEVICE_BITS.find((device) => device.address === event.address);
          if (entry) this.#deviceErrors |= 1 << entry.bit;
        }
        return;
      case 'escrow_returned':
      case 'cashless_session_end':
      case 'slugs':
        return;
    }
  }

  /**
   * The coin return lever: a bill held in escrow goes back, the cash credit is paid back
   * from the coin tubes (what they cannot pay stays as credit), and the host hears EVENT
   * coin returned with the fen paid back. The funds of a card session are not touched.
   */
  #coinReturn(generation: number): void {
    if (generation !== this.#generation) return;
    if (this.#bus.escrow) this.#pollRound(() => this.#bus.escrowReturn());
    const owed = this.credit;
    if (owed === 0 || generation !== this.#generation) return;
    const paid = this.#pollRound(() => this.#bus.payout(owed));
    if (generation !== this.#generation || paid === 0) return;
    const remaining = this.#setCredit((credit) => credit - paid);
    this.#events.emit({ type: 'coin_returned', paid, remaining });
    void this.#send({ type: 'EVENT', code: EventCode.COIN_RETURNED, value: paid }, generation);
  }

  // ---- host messages -----------------------------------------------------------------------

  #onMessage(message: Message, frame: ReceivedFrame, generation: number): void {
    switch (message.type) {
      case 'POLL':
        void this.#send(this.#status(), generation, frame);
        return;
      case 'VEND':
        void this.#onVend(message, generation);
        return;
      case 'SET_ACCEPT': {
        const accept: AcceptFlags = { coins: message.coins, bills: message.bills, cashless: message.cashless };
        this.#memory.update((memory) => {
          memory.accept = accept;
        });
        this.#pollRound(() => this.#bus.setAccept(accept));
        return;
      }
      case 'PAYOUT':
        this.#payout(frame, generation);
        return;
      case 'SET_TEMP':
        this.#machine.setSetpoint(message.target);
        return;
      case 'RESET':
        this.#reset();
        return;
      default:
        // Messages a host does not send (STATUS, HELLO...) are ACKed by the link and ignored.
        return;
    }
  }

  #status(): MessageOf<'STATUS'> {
    const machine = this.#machine.state();
    return {
      type: 'STATUS',
      doorOpen: machine.door === 'open',
      temperature: machine.refrigeration.reading ?? NO_TEMPERATURE,
      cooling: machine.refrigeration.compressor,
      errors: this.errorBits(),
      credit: this.#totalCredit(),
    };
  }

  #payout(frame: ReceivedFrame, generation: number): void {
    const owed = this.credit;
    const paid = this.#pollRound(() => this.#bus.payout(owed));
    if (generation !== this.#generation) return;
    const remaining = this.#setCredit((credit) => credit - paid);
    this.#events.emit({ type: 'payout', paid, remaining });
    void this.#send({ type: 'PAYOUT_RESULT', paid, remaining }, generation, frame);
  }

  // ---- vends -------------------------------------------------------------------------------

  async #onVend(vend: MessageOf<'VEND'>, generation: number): Promise<void> {
    const { vendId, channel, price, method } = vend;
    const known = this.#memory.vend(vendId);
    if (known) {
      if (known.channel !== channel || known.price !== price || known.method !== method) {
        this.#answer(vend, VendResult.ID_CONFLICT, this.#totalCredit(), generation, {
          motorRan: false,
          replayed: false,
        });
        return;
      }
      if (this.#vend?.vendId === vendId) return;
      if (known.state === 'done') {
        this.#answer(vend, known.result ?? VendResult.OK, known.credit ?? this.#totalCredit(), generation, {
          motorRan: false,
          replayed: true,
        });
        return;
      }
      if (this.#vend) {
        this.#answer(vend, VendResult.BUSY, this.#totalCredit(), generation, { motorRan: false, replayed: false });
        return;
      }
      if (known.state === 'dropped') {
        // The product fell before the power went: the sale is complete.
        this.#finish(vend, VendResult.OK, generation, { motorRan: false, replayed: true });
        return;
      }
      // `started`: nothing dropped before the power went; the vend runs now.
      await this.#run(vend, known.charged > 0, generation);
      return;
    }
    if (this.#vend) {
      this.#answer(vend, VendResult.BUSY, this.#totalCredit(), generation, { motorRan: false, replayed: false });
      return;
    }

    const refusal = this.#refusal(vend);
    if (refusal !== null) {
      this.#record(vend, { state: 'done', result: refusal, credit: this.#totalCredit(), charged: 0 });
      this.#answer(vend, refusal, this.#totalCredit(), generation, { motorRan: false, replayed: false });
      return;
    }
    this.#record(vend, { state: 'started', result: null, credit: null, charged: 0 });
    await this.#run(vend, false, generation);
  }

  /** Why a new vend is refused before anything moves, or null. */
  #refusal(vend: MessageOf<'VEND'>): number | null {
    if (!isKnownMethod(vend.method)) return VendResult.INVALID_CHANNEL;
    if (vend.channel < 1 || vend.channel > this.#machine.channelCount) return VendResult.INVALID_CHANNEL;
    if (this.#machine.doorOpen) return VendResult.DOOR_OPEN;
    if (vend.method === VendMethod.CASH_CREDIT && this.credit < vend.price) return VendResult.INSUFFICIENT_CREDIT;
    return null;
  }

  #record(vend: MessageOf<'VEND'>, fields: Pick<VendRecord, 'state' | 'result' | 'credit' | 'charged'>): void {
    const { vendId, channel, price, method } = vend;
    this.#memory.update((memory) => {
      memory.vends.push({ vendId, channel, price, method, ...fields });
    });
  }

  /**
   * Runs a recorded vend: payment, the motor cycle, the result. `charged`: the cash credit
   * was already taken for it (before a power cut).
   */
  async #run(vend: MessageOf<'VEND'>, charged: boolean, generation: number): Promise<void> {
    const { vendId, channel, price, method } = vend;
    this.#vend = { vendId, channel, price, method };
    let cashless = false;

    if (method === VendMethod.CASHLESS) {
      const decision = this.#pollRound(() => this.#bus.cashlessVend(price, channel));
      if (generation !== this.#generation) return;
      if (decision === 'denied') {
        this.#pollRound(() => this.#bus.cashlessSessionComplete());
        this.#finish(vend, VendResult.CASHLESS_DENIED, generation, { motorRan: false, replayed: false });
        return;
      }
      cashless = true;
    } else if (method === VendMethod.CASH_CREDIT && !charged) {
      if (this.credit < price) {
        this.#finish(vend, VendResult.INSUFFICIENT_CREDIT, generation, { motorRan: false, replayed: false });
        return;
      }
      // The price and the record of what was taken go to NVRAM in one write.
      const image = this.#memory.update((memory) => {
        memory.credit -= price;
        updateVend(memory, vendId, { charged: price });
      });
      this.#events.emit({ type: 'credit', credit: image.credit });
    }

    const dispensed: DispenseResult = await this.#machine.dispense(channel);
    if (generation !== this.#generation) return;
    const result = vendResultCode(dispensed);
    if (cashless) {
      this.#pollRound(() => {
        this.#bus.cashlessVendResult(result === VendResult.OK);
        this.#bus.cashlessSessionComplete();
      });
      if (generation !== this.#generation) return;
    }
    this.#finish(vend, result, generation, { motorRan: true, replayed: false });
  }

  /**
   * Records the result of a vend (giving back cash taken for it when nothing was dispensed)
   * and sends VEND_RESULT.
   */
  #finish(
    vend: MessageOf<'VEND'>,
    result: number,
    generation: number,
    how: { motorRan: boolean; replayed: boolean },
  ): void {
    if (generation !== this.#generation) return;
    const { vendId } = vend;
    let refunded = false;
    const image = this.#memory.update((memory) => {
      const record = memory.vends.find((entry) => entry.vendId === vendId);
      if (!record) return;
      if (result !== VendResult.OK && record.charged > 0) {
        memory.credit += record.charged;
        record.charged = 0;
        refunded = true;
      }
      record.state = 'done';
      record.result = result;
      record.credit = this.#totalCredit(memory.credit);
    });
    if (refunded) this.#events.emit({ type: 'credit', credit: image.credit });
    this.#vend = null;
    const credit = image.vends.find((entry) => entry.vendId === vendId)?.credit ?? this.#totalCredit(image.credit);
    this.#answer(vend, result, credit, generation, how);
  }

  #answer(
    vend: MessageOf<'VEND'>,
    result: number,
    credit: number,
    generation: number,
    how: { motorRan: boolean; replayed: boolean },
  ): void {
    const { vendId, channel, price, method } = vend;
    this.#events.emit({ type: 'vend', vendId, channel, price, method, result, credit, ...how });
    void this.#send({ type: 'VEND_RESULT', vendId, channel, result, credit }, generation);
  }
}
