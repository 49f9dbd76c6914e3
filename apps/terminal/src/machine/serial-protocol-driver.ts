/**
 * The machine driver for controllers that speak the VMC serial link protocol
 * (docs/serial-protocol.md), over any byte transport: a serial port, a socket bridge to a
 * simulated machine, or a line in memory.
 */
import {
  CreditSource,
  EventCode,
  Link,
  StatusErrorBit,
  VendMethod,
  VendResult,
  encodeMessage,
  type ByteTransport,
  type LinkOptions,
  type Message,
  type MessageOf,
} from '@vmcloud/protocol';
import {
  MachineUnavailableError,
  VendOutcomeUnknownError,
  type AcceptSettings,
  type CreditReport,
  type MachineDriver,
  type MachineDriverEventName,
  type MachineDriverEvents,
  type MachineErrors,
  type MachineEvent,
  type MachineInfo,
  type MachineStatus,
  type PaymentMethod,
  type PayoutReport,
  type VendOutcome,
  type VendRequest,
  type VendResultKind,
} from './driver.js';

/** Timings and knowledge the driver starts with. Times in ms. */
export interface SerialProtocolDriverOptions {
  /** Timings of the link (ACK timeout, retransmissions). */
  link?: LinkOptions;
  /**
   * What the terminal learnt of this machine before (saved from an earlier HELLO). With it,
   * `open` on a machine that is already running and answers polls does not restart it to
   * hear its HELLO.
   */
  machine?: MachineInfo;
  /** How long `open` waits for the controller's HELLO before asking otherwise (default 1500). */
  helloTimeoutMs?: number;
  /** How long `open` and `reset` try in all before giving up (default 10000). */
  openTimeoutMs?: number;
  /** How long `poll` and `payout` wait for their answer (default 3000). */
  requestTimeoutMs?: number;
  /** Period of the driver's own status polls once open, which also notice a silent machine; 0 for none (default 1000). */
  pollIntervalMs?: number;
  /** How long `vend` keeps trying to learn a vend's outcome before rejecting (default 60000). */
  vendTimeoutMs?: number;
  /** How long to wait for a VEND_RESULT after the VEND was received before asking again (default 15000). */
  vendResultTimeoutMs?: number;
  /** Pause before asking again after a VEND was not delivered or the machine was busy (default 500). */
  retryDelayMs?: number;
  /** Releases the transport when the driver is closed (closes the port). */
  release?: () => Promise<void> | void;
}

const PAYMENT_METHOD: Readonly<Record<PaymentMethod, number>> = {
  host_paid: VendMethod.HOST_PAID,
  cash: VendMethod.CASH_CREDIT,
  card: VendMethod.CASHLESS,
  free: VendMethod.FREE,
};

const VEND_RESULT_KIND: Readonly<Record<number, VendResultKind>> = {
  [VendResult.OK]: 'ok',
  [VendResult.JAM]: 'jam',
  [VendResult.EMPTY]: 'empty',
  [VendResult.INVALID_CHANNEL]: 'invalid_channel',
  [VendResult.INSUFFICIENT_CREDIT]: 'insufficient_credit',
  [VendResult.CASHLESS_DENIED]: 'card_denied',
  [VendResult.DOOR_OPEN]: 'door_open',
  [VendResult.BUSY]: 'busy',
  [VendResult.ID_CONFLICT]: 'id_conflict',
};

const CREDIT_SOURCE: Readonly<Record<number, CreditReport['source']>> = {
  [CreditSource.COIN]: 'coin',
  [CreditSource.BILL]: 'bill',
  [CreditSource.CASHLESS]: 'card',
};

/** How many vend results the driver remembers to report each vendId once. */
const REMEMBERED_RESULTS = 64;

function machineErrors(bits: number): MachineErrors {
  const on = (bit: number): boolean => (bits & (1 << bit)) !== 0;
  return {
    coinChanger: on(StatusErrorBit.COIN_CHANGER),
    billValidator: on(StatusErrorBit.BILL_VALIDATOR),
    cashlessReader: on(StatusErrorBit.CASHLESS_READER),
    temperatureSensor: on(StatusErrorBit.TEMPERATURE_SENSOR),
    dropSensor: on(StatusErrorBit.DROP_SENSOR),
    motorPower: on(StatusErrorBit.MOTOR_POWER),
  };
}

function machineEvent(code: number, value: number): MachineEvent {
  switch (code) {
    case EventCode.DOOR_OPENED:
      return { type: 'door_opened' };
    case EventCode.DOOR_CLOSED:
      return { type: 'door_closed' };
    case EventCode.TEMPERATURE_ALARM:
      return { type: 'temperature_alarm', temperature: value };
    case EventCode.POWER_RESTORED:
      return { type: 'power_restored' };
    case EventCode.BILL_STACKER_FULL:
      return { type: 'bill_stacker_full' };
    case EventCode.COIN_TUBE_LOW:
      return { type: 'coin_tube_low', value };
    case EventCode.MOTOR_FAULT:
      return { type: 'motor_fault', channel: value };
    case EventCode.COIN_RETURNED:
      return { type: 'coin_returned', amount: value };
    default:
      return { type: 'unknown', code, value };
  }
}

function vendOutcome(message: MessageOf<'VEND_RESULT'>): VendOutcome {
  const result = VEND_RESULT_KIND[message.result];
  return {
    vendId: message.vendId,
    channel: message.channel,
    // A result code this terminal does not know: nothing is known to have dropped.
    result: result ?? 'jam',
    dispensed: message.result === VendResult.OK,
    credit: message.credit,
  };
}

/** A vend waiting for its result. */
interface PendingVend {
  readonly message: MessageOf<'VEND'>;
  readonly promise: Promise<VendOutcome>;
  resolve(outcome: VendOutcome): void;
  reject(error: Error): void;
  settled: boolean;
  /** The board answered BUSY: ask again after a pause. */
  busy: boolean;
  /** Ends the current wait early (a result came, the link came back up, the machine rebooted). */
  wake: () => void;
}

type Listener<E extends MachineDriverEventName> = (payload: MachineDriverEvents[E]) => void;

function delay(ms: number, wake: (cancel: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    wake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * A machine driver over the VMC serial link protocol. It listens on the transport from the
 * moment it is made (so a HELLO sent before `open` is not missed); `open` learns who the
 * machine is, from its HELLO, or by restarting a silent machine whose identity is not known.
 *
 * On every HELLO the driver forgets the controller's last frame (it rebooted), and asks
 * again for every vend still waiting, so that the controller's memory of its last vends
 * tells what happened. VEND_RESULTs are matched to vends by vendId; a VEND_RESULT repeated
 * for the same vendId settles the vend once and is reported once.
 *
 * A vend is asked again, in a new frame with the same vendId, when its VEND was not
 * delivered, when no VEND_RESULT came within `vendResultTimeoutMs`, when the link comes back
 * up and when the controller reboots. BUSY is not taken as a vend's outcome (the motor
 * running may be this very vend, asked by an earlier run of the terminal): the vend is asked
 * again after `retryDelayMs` until another result comes or `vendTimeoutMs` is up.
 */
export class SerialProtocolDriver implements MachineDriver {
  readonly #link: Link;
  readonly #options: Required<Omit<SerialProtocolDriverOptions, 'link' | 'machine' | 'release'>>;
  readonly #known: MachineInfo | undefined;
  readonly #release: (() => Promise<void> | void) | undefined;
  readonly #listeners = new Map<MachineDriverEventName, Set<(payload: never) => void>>();

  #info: MachineInfo | undefined;
  #opened = false;
  #closed = false;
  #linkUp = true;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #heartbeatBusy = false;

  readonly #vends = new Map<number, PendingVend>();
  /** Results reported lately, by vendId, to report each once. */
  readonly #reported = new Map<number, number>();
  readonly #helloWaiters = new Set<(info: MachineInfo) => void>();
  readonly #statusWaiters = new Set<(status: MachineStatus) => void>();
  readonly #payoutWaiters: ((report: PayoutReport) => void)[] = [];

  /** Starts listening on `transport`; the driver does not own it unless `release` is given. */
  constructor(transport: ByteTransport, options: SerialProtocolDriverOptions = {}) {
    this.#options = {
      helloTimeoutMs: options.helloTimeoutMs ?? 1500,
      openTimeoutMs: options.openTimeoutMs ?? 10_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 3000,
      pollIntervalMs: options.pollIntervalMs ?? 1000,
      vendTimeoutMs: options.vendTimeoutMs ?? 60_000,
      vendResultTimeoutMs: options.vendResultTimeoutMs ?? 15_000,
      retryDelayMs: options.retryDelayMs ?? 500,
    };
    this.#known = options.machine;
    this.#release = options.release;
    this.#link = new Link(transport, options.link);
    this.#link.on('message', (message) => this.#receive(message));
    this.#link.on('down', (undelivered) => this.#down(undelivered));
    this.#link.on('up', () => this.#up());
  }

  /** Who the machine is, once known. */
  get info(): MachineInfo | undefined {
    return this.#info;
  }

  /** Counters of the serial link (frames sent, retransmitted, received, duplicates, NAKs, noise). */
  get linkStats(): Link['stats'] {
    return this.#link.stats;
  }

  on<E extends MachineDriverEventName>(event: E, listener: Listener<E>): this {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener as (payload: never) => void);
    return this;
  }

  off<E extends MachineDriverEventName>(event: E, listener: Listener<E>): this {
    this.#listeners.get(event)?.delete(listener as (payload: never) => void);
    return this;
  }

  async open(): Promise<MachineInfo> {
    this.#assertOpen();
    if (this.#opened && this.#info !== undefined) return this.#info;
    const deadline = Date.now() + this.#options.openTimeoutMs;
    let info = this.#info;
    if (info === undefined) {
      const hello = this.#waitHello(this.#options.helloTimeoutMs);
      // A machine that booted before the terminal came has said HELLO already: see whether it answers.
      const status = await this.#requestStatus(this.#options.helloTimeoutMs).catch(() => undefined);
      info = this.#info ?? (await hello);
      if (info === undefined && status !== undefined && this.#known !== undefined) info = this.#known;
    }
    while (info === undefined && Date.now() < deadline && !this.#closed) {
      // Nobody knows who the machine is: restart it so that it introduces itself.
      const hello = this.#waitHello(Math.max(0, deadline - Date.now()));
      const sent = await this.#link.send({ type: 'RESET' });
      if (!sent.delivered) await delay(this.#options.retryDelayMs, () => undefined);
      info = this.#info ?? (sent.delivered ? await hello : undefined);
    }
    if (info === undefined) {
      throw new MachineUnavailableError(
        this.#closed ? 'the driver was closed' : `the machine did not answer within ${this.#options.openTimeoutMs} ms`,
      );
    }
    this.#info = info;
    this.#opened = true;
    this.#startHeartbeat();
    return info;
  }

  vend(request: VendRequest): Promise<VendOutcome> {
    if (this.#closed) return Promise.reject(new MachineUnavailableError('the driver is closed'));
    const method = PAYMENT_METHOD[request.method];
    if (method === undefined) return Promise.reject(new RangeError(`unknown payment method ${String(request.method)}`));
    const message: MessageOf<'VEND'> = {
      type: 'VEND',
      vendId: request.vendId,
      channel: request.channel,
      price: request.price,
      method,
    };
    try {
      encodeMessage(message);
    } catch (error) {
      return Promise.reject(error);
    }
    const existing = this.#vends.get(request.vendId);
    if (existing !== undefined) {
      const same =
        existing.message.channel === message.channel &&
        existing.message.price === message.price &&
        existing.message.method === message.method;
      return same
        ? existing.promise
        : Promise.reject(new RangeError(`vend ${request.vendId} is already under way with other parameters`));
    }
    let resolve: (outcome: VendOutcome) => void = () => undefined;
    let reject: (error: Error) => void = () => undefined;
    const promise = new Promise<VendOutcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const pending: PendingVend = {
      message,
      promise,
      resolve,
      reject,
      settled: false,
      busy: false,
      wake: () => undefined,
    };
    this.#vends.set(request.vendId, pending);
    void this.#runVend(pending);
    return promise;
  }

  async poll(): Promise<MachineStatus> {
    this.#assertOpen();
    return this.#requestStatus(this.#options.requestTimeoutMs);
  }

  async payout(): Promise<PayoutReport> {
    this.#assertOpen();
    let waiter: ((report: PayoutReport) => void) | undefined;
    const answer = new Promise<PayoutReport>((resolve) => {
      waiter = resolve;
      this.#payoutWaiters.push(resolve);
    });
    const forget = (): void => {
      const index = waiter === undefined ? -1 : this.#payoutWaiters.indexOf(waiter);
      if (index >= 0) this.#payoutWaiters.splice(index, 1);
    };
    const sent = await this.#link.send({ type: 'PAYOUT' });
    if (!sent.delivered) {
      forget();
      throw new MachineUnavailableError('the payout request did not reach the machine');
    }
    const report = await this.#within(answer, this.#options.requestTimeoutMs);
    if (report === undefined) {
      forget();
      throw new MachineUnavailableError(`no payout result within ${this.#options.requestTimeoutMs} ms`);
    }
    return report;
  }

  async setAccept(settings: AcceptSettings): Promise<void> {
    await this.#deliver({
      type: 'SET_ACCEPT',
      coins: settings.coins,
      bills: settings.bills,
      cashless: settings.cashless,
    });
  }

  async setTemperature(tenths: number): Promise<void> {
    await this.#deliver({ type: 'SET_TEMP', target: tenths });
  }

  async reset(): Promise<MachineInfo> {
    this.#assertOpen();
    const hello = this.#waitHello(this.#options.openTimeoutMs);
    await this.#deliver({ type: 'RESET' });
    const info = await hello;
    if (info === undefined) {
      throw new MachineUnavailableError(
        `the machine did not introduce itself within ${this.#options.openTimeoutMs} ms`,
      );
    }
    return info;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#link.close();
    for (const pending of this.#vends.values()) {
      pending.settled = true;
      pending.reject(new VendOutcomeUnknownError(pending.message.vendId, 'the driver was closed'));
      pending.wake();
    }
    this.#vends.clear();
    await this.#release?.();
  }

  // ---- vends -----------------------------------------------------------------------------

  async #runVend(pending: PendingVend): Promise<void> {
    const { vendId } = pending.message;
    const deadline = Date.now() + this.#options.vendTimeoutMs;
    // A wake (a result, BUSY, HELLO, the link up again) is heard from the moment an attempt is
    // sent, not only once its wait has begun: it may come in the same chunk as the VEND's ACK,
    // before the code after `send` runs, and must still end the wait that follows.
    let woken = false;
    let cancel: (() => void) | undefined;
    pending.wake = () => {
      woken = true;
      cancel?.();
    };
    const wait = (ms: number): Promise<void> => {
      if (woken) return Promise.resolve();
      return delay(Math.min(ms, deadline - Date.now()), (stop) => {
        cancel = stop;
      }).finally(() => {
        cancel = undefined;
      });
    };
    while (!pending.settled && !this.#closed && Date.now() < deadline) {
      woken = false;
      // Every attempt is a new frame with the same vendId: the machine dispenses at most once for it.
      const sent = await this.#link.send(pending.message);
      if (pending.settled || this.#closed) break;
      await wait(sent.delivered ? this.#options.vendResultTimeoutMs : this.#options.retryDelayMs);
      if (pending.busy && !pending.settled) {
        pending.busy = false;
        woken = false;
        await wait(this.#options.retryDelayMs);
      }
    }
    if (pending.settled) return;
    pending.settled = true;
    this.#vends.delete(vendId);
    pending.reject(
      new VendOutcomeUnknownError(
        vendId,
        this.#closed ? 'the driver was closed' : `no result from the machine within ${this.#options.vendTimeoutMs} ms`,
      ),
    );
  }

  #vendResult(message: MessageOf<'VEND_RESULT'>): void {
    const outcome = vendOutcome(message);
    const pending = this.#vends.get(message.vendId);
    if (pending !== undefined && !pending.settled) {
      if (message.result === VendResult.BUSY) {
        // Busy: another motor is running, perhaps this very vend asked by an earlier run. Ask again shortly.
        pending.busy = true;
        pending.wake();
      } else {
        pending.settled = true;
        this.#vends.delete(message.vendId);
        pending.resolve(outcome);
        pending.wake();
      }
    }
    if (this.#reported.get(message.vendId) === message.result) return;
    this.#reported.delete(message.vendId);
    this.#reported.set(message.vendId, message.result);
    if (this.#reported.size > REMEMBERED_RESULTS) {
      const oldest = this.#reported.keys().next();
      if (oldest.done !== true) this.#reported.delete(oldest.value);
    }
    this.#emit('vend_result', outcome);
  }

  // ---- receiving -------------------------------------------------------------------------

  #receive(message: Message): void {
    switch (message.type) {
      case 'HELLO':
        this.#hello(message);
        break;
      case 'STATUS': {
        const status: MachineStatus = {
          doorOpen: message.doorOpen,
          temperature: message.temperature,
          cooling: message.cooling,
          errors: machineErrors(message.errors),
          credit: message.credit,
        };
        for (const waiter of [...this.#statusWaiters]) waiter(status);
        this.#statusWaiters.clear();
        this.#emit('status', status);
        break;
      }
      case 'VEND_RESULT':
        this.#vendResult(message);
        break;
      case 'CREDIT':
        this.#emit('credit', {
          source: CREDIT_SOURCE[message.source] ?? 'coin',
          amount: message.amount,
          credit: message.credit,
        });
        break;
      case 'PAYOUT_RESULT':
        this.#payoutWaiters.shift()?.({ paid: message.paid, remaining: message.remaining });
        break;
      case 'SELECTION':
        this.#emit('selection', { channel: message.channel });
        break;
      case 'EVENT':
        this.#emit('event', machineEvent(message.code, message.value));
        break;
      default:
        // Host-to-machine messages are not expected from the machine; the link has ACKed them already.
        break;
    }
  }

  #hello(message: MessageOf<'HELLO'>): void {
    this.#link.forgetPeer();
    const info: MachineInfo = {
      boardId: message.boardId,
      firmware: message.firmware,
      channelCount: message.channelCount,
      protocolVersion: message.version,
    };
    const rebooted = this.#opened;
    this.#info = info;
    for (const waiter of [...this.#helloWaiters]) waiter(info);
    this.#helloWaiters.clear();
    this.#emit('hello', info);
    if (rebooted) this.#emit('rebooted', info);
    // The controller's memory of its last vends says what became of every vend still waiting.
    for (const pending of this.#vends.values()) pending.wake();
  }

  #down(undelivered: Message): void {
    if (!this.#linkUp) return;
    this.#linkUp = false;
    this.#emit('link_down', { undelivered: undelivered.type });
  }

  #up(): void {
    if (this.#linkUp) return;
    this.#linkUp = true;
    this.#emit('link_up', {});
    for (const pending of this.#vends.values()) pending.wake();
  }

  // ---- helpers ---------------------------------------------------------------------------

  #emit<E extends MachineDriverEventName>(event: E, payload: MachineDriverEvents[E]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<E>)(payload);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new MachineUnavailableError('the driver is closed');
  }

  async #deliver(message: Message): Promise<void> {
    this.#assertOpen();
    const sent = await this.#link.send(message);
    if (!sent.delivered)
      throw new MachineUnavailableError(`${message.type} did not reach the machine (${sent.reason})`);
  }

  /** The next HELLO, or undefined after `ms`. */
  #waitHello(ms: number): Promise<MachineInfo | undefined> {
    let waiter: ((info: MachineInfo) => void) | undefined;
    const hello = new Promise<MachineInfo>((resolve) => {
      waiter = resolve;
      this.#helloWaiters.add(resolve);
    });
    return this.#within(hello, ms).finally(() => {
      if (waiter !== undefined) this.#helloWaiters.delete(waiter);
    });
  }

  async #requestStatus(timeoutMs: number): Promise<MachineStatus> {
    let waiter: ((status: MachineStatus) => void) | undefined;
    const answer = new Promise<MachineStatus>((resolve) => {
      waiter = resolve;
      this.#statusWaiters.add(resolve);
    });
    const forget = (): void => {
      if (waiter !== undefined) this.#statusWaiters.delete(waiter);
    };
    const sent = await this.#link.send({ type: 'POLL' });
    if (!sent.delivered) {
      forget();
      throw new MachineUnavailableError('the poll did not reach the machine');
    }
    const status = await this.#within(answer, timeoutMs);
    forget();
    if (status === undefined) throw new MachineUnavailableError(`no status from the machine within ${timeoutMs} ms`);
    return status;
  }

  /** The promise's value, or undefined when `ms` pass first. */
  #within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
      void promise.then((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }

  #startHeartbeat(): void {
    if (this.#options.pollIntervalMs <= 0 || this.#heartbeat !== undefined) return;
    this.#heartbeat = setInterval(() => {
      if (this.#heartbeatBusy || this.#closed) return;
      this.#heartbeatBusy = true;
      void this.#link.send({ type: 'POLL' }).finally(() => {
        this.#heartbeatBusy = false;
      });
    }, this.#options.pollIntervalMs);
  }
}
