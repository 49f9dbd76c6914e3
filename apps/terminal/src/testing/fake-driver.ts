/**
 * A machine driver for tests of the sale logic: it remembers every vendId it answered and
 * never dispenses twice for one (as the controller does), keeps cash credit and stock per
 * channel, and can be told to jam, run empty, deny a card, or lose a vend's outcome.
 */
import { EventEmitter } from 'node:events';
import {
  VendOutcomeUnknownError,
  type AcceptSettings,
  type MachineDriver,
  type MachineDriverEventName,
  type MachineDriverEvents,
  type MachineInfo,
  type MachineStatus,
  type PayoutReport,
  type VendOutcome,
  type VendRequest,
  type VendResultKind,
} from '../machine/driver.js';

export class FakeDriver implements MachineDriver {
  readonly info: MachineInfo;
  readonly #events = new EventEmitter();
  /** Every vend asked, in order (retries included). */
  readonly requests: VendRequest[] = [];
  /** The channels that dispensed, in order: one entry per product in the tray. */
  readonly dispensed: number[] = [];
  readonly #memory = new Map<number, VendOutcome>();
  /** Results to give the next vends of a channel (then `ok`). */
  readonly results = new Map<number, VendResultKind[]>();
  credit = 0;
  /** The next `n` vends dispense (or not) but their outcome is lost: they reject unknown. */
  loseOutcomes = 0;
  cardDenied = false;
  payouts: PayoutReport[] = [];
  status: MachineStatus = {
    doorOpen: false,
    temperature: 45,
    cooling: true,
    errors: {
      coinChanger: false,
      billValidator: false,
      cashlessReader: false,
      temperatureSensor: false,
      dropSensor: false,
      motorPower: false,
    },
    credit: 0,
  };
  pollFails = false;
  closed = false;

  constructor(info: Partial<MachineInfo> = {}) {
    this.info = { boardId: 'FAKE0001', firmware: 'FAKE-1', channelCount: 6, protocolVersion: 1, ...info };
  }

  async open(): Promise<MachineInfo> {
    return this.info;
  }

  async vend(request: VendRequest): Promise<VendOutcome> {
    this.requests.push(request);
    let outcome = this.#memory.get(request.vendId);
    if (!outcome) {
      outcome = this.#perform(request);
      this.#memory.set(request.vendId, outcome);
      this.emit('vend_result', outcome);
    }
    if (this.loseOutcomes > 0) {
      this.loseOutcomes -= 1;
      throw new VendOutcomeUnknownError(request.vendId, 'the test lost it');
    }
    return { ...outcome, credit: this.credit };
  }

  #perform(request: VendRequest): VendOutcome {
    const refuse = (result: VendResultKind): VendOutcome => ({
      vendId: request.vendId,
      channel: request.channel,
      result,
      dispensed: false,
      credit: this.credit,
    });
    if (request.channel < 1 || request.channel > this.info.channelCount) return refuse('invalid_channel');
    if (request.method === 'cash' && this.credit < request.price) return refuse('insufficient_credit');
    if (request.method === 'card' && this.cardDenied) return refuse('card_denied');
    const queued = this.results.get(request.channel)?.shift() ?? 'ok';
    if (queued !== 'ok') return refuse(queued);
    if (request.method === 'cash') this.credit -= request.price;
    this.dispensed.push(request.channel);
    return { vendId: request.vendId, channel: request.channel, result: 'ok', dispensed: true, credit: this.credit };
  }

  async poll(): Promise<MachineStatus> {
    if (this.pollFails) throw new Error('the machine does not answer');
    return { ...this.status, credit: this.credit };
  }

  async payout(): Promise<PayoutReport> {
    const report = { paid: this.credit, remaining: 0 };
    this.credit = 0;
    this.payouts.push(report);
    return report;
  }

  /** Every payment device setting asked, in order. */
  readonly accepts: AcceptSettings[] = [];

  async setAccept(settings: AcceptSettings): Promise<void> {
    this.accepts.push(settings);
  }

  async setTemperature(_tenths: number): Promise<void> {}

  async reset(): Promise<MachineInfo> {
    return this.info;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** A customer inserts cash. */
  insert(amount: number, source: 'coin' | 'bill' = 'coin'): void {
    this.credit += amount;
    this.emit('credit', { source, amount, credit: this.credit });
  }

  /** A customer presents a card. */
  presentCard(funds = 10_000): void {
    this.emit('credit', { source: 'card', amount: funds, credit: this.credit });
  }

  press(channel: number): void {
    this.emit('selection', { channel });
  }

  emit<E extends MachineDriverEventName>(event: E, payload: MachineDriverEvents[E]): void {
    this.#events.emit(event, payload);
  }

  on<E extends MachineDriverEventName>(event: E, listener: (payload: MachineDriverEvents[E]) => void): this {
    this.#events.on(event, listener);
    return this;
  }

  off<E extends MachineDriverEventName>(event: E, listener: (payload: MachineDriverEvents[E]) => void): this {
    this.#events.off(event, listener);
    return this;
  }
}
