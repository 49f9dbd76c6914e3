/**
 * The sale state machine: one sale at a time, from a button press (or a gift code, or a
 * remote vend pushed by the platform) to the product in the tray and the report in the
 * outbox. It knows the machine only through `MachineDriver` and the platform only through
 * `Platform`; every step is journaled in the store before it is acted on, so a sale that
 * was vending when the terminal died is settled on the next start with the same vendId
 * (the machine answers from its memory and never dispenses twice).
 *
 *   idle -> selecting -> awaiting_payment -> vending -> done | failed -> idle
 *
 * Cash (credit at the machine covers the price) and card (a card session is open) sales go
 * straight to vending; a QR sale waits for the payment (an event, or polling as a
 * fallback) until its QR code expires or the customer cancels.
 */
import { randomUUID } from 'node:crypto';
import type { DeviceOrder, DevicePaymentMethod, MachineSale } from '@vmcloud/protocol/device';
import {
  vendIdForSale,
  type CreditReport,
  type MachineDriver,
  type MachineEvent,
  type MachineInfo,
  type MachineStatus,
  type PaymentMethod,
  type VendOutcome,
} from '../machine/driver.js';
import { errorMessage, type Logger } from '../log.js';
import { asPlatformError, type Platform } from '../platform/platform.js';
import type { SaleRecord, TerminalStore } from '../store/store.js';

export type SaleMachineState = 'idle' | 'selecting' | 'awaiting_payment' | 'vending' | 'done' | 'failed';

/** What the outbox must offer the sale machine: a nudge after a report was written. */
export interface ReportSender {
  kick(): void;
}

export interface SaleMachineOptions {
  driver: MachineDriver;
  platform: Platform;
  store: TerminalStore;
  outbox: ReportSender;
  logger: Logger;
  now?: () => number;
  newSaleId?: () => string;
  /** Whether the platform answers now (QR and gift codes need it). Default: always. */
  online?: () => boolean;
  /** How often the order's status is asked while a QR code waits to be paid, ms (default 3 s). */
  qrPollMs?: number;
  /** How long to wait before asking again for a vend whose outcome is unknown, ms (default 5 s). */
  vendRetryMs?: number;
  /**
   * How long a card session counts after the card was tapped, ms (default 60 s): the driver
   * does not say when a customer walks away with the card, and the next customer's button
   * must not become a card vend the reader will deny.
   */
  cardSessionMs?: number;
}

/** A QR code on show: what to display and until when. */
export interface QrView {
  saleId: string;
  orderNo: string | null;
  content: string;
  expiresAt: string;
  secondsLeft: number;
}

const CHANNEL_FAULTS = new Set(['jam', 'empty']);

export class SaleMachine {
  readonly #driver: MachineDriver;
  readonly #platform: Platform;
  readonly #store: TerminalStore;
  readonly #outbox: ReportSender;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #newSaleId: () => string;
  readonly #online: () => boolean;
  readonly #qrPollMs: number;
  readonly #vendRetryMs: number;
  readonly #cardSessionMs: number;

  #state: SaleMachineState = 'idle';
  #current: string | undefined;
  /** Cash credit in the machine, fen. */
  #credit = 0;
  /** Until when a card session counts, epoch ms (0: none). */
  #cardSessionUntil = 0;
  #started = false;
  #expiryTimer: NodeJS.Timeout | undefined;
  #pollTimer: NodeJS.Timeout | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #work: Promise<void> = Promise.resolve();
  #idleWaiters: (() => void)[] = [];

  readonly #onSelection = ({ channel }: { channel: number }): void => {
    void this.select(channel);
  };
  readonly #onCredit = (report: CreditReport): void => {
    if (report.source === 'card') {
      this.#cardSessionUntil = this.#now() + this.#cardSessionMs;
      this.#logger.info('card_session', { amount: report.amount });
    } else {
      this.#credit = report.credit;
      this.#logger.info('credit', { source: report.source, amount: report.amount, credit: report.credit });
    }
  };
  /**
   * The controller's STATUS carries the cash credit it holds: that is the credit, whatever
   * CREDIT reports a bad line lost on the way (the link gives up on a message it cannot
   * deliver). Taken while no sale is under way; a sale's outcome sets it after a vend.
   */
  readonly #onStatus = (status: MachineStatus): void => {
    if (this.#state !== 'idle' || status.credit === this.#credit) return;
    this.#logger.info('credit', { source: 'status', amount: status.credit - this.#credit, credit: status.credit });
    this.#credit = status.credit;
  };
  readonly #onEvent = (event: MachineEvent): void => {
    if (event.type === 'coin_returned') this.#credit = Math.max(0, this.#credit - event.amount);
  };
  readonly #onRebooted = (info: MachineInfo): void => {
    this.#credit = 0;
    this.#cardSessionUntil = 0;
    this.#logger.warn('machine_rebooted', { boardId: info.boardId });
  };

  constructor(options: SaleMachineOptions) {
    this.#driver = options.driver;
    this.#platform = options.platform;
    this.#store = options.store;
    this.#outbox = options.outbox;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#newSaleId = options.newSaleId ?? randomUUID;
    this.#online = options.online ?? (() => true);
    this.#qrPollMs = options.qrPollMs ?? 3000;
    this.#vendRetryMs = options.vendRetryMs ?? 5000;
    this.#cardSessionMs = options.cardSessionMs ?? 60_000;
  }

  get state(): SaleMachineState {
    return this.#state;
  }

  /** The sale under way, if any. */
  get sale(): SaleRecord | undefined {
    return this.#current === undefined ? undefined : this.#store.getSale(this.#current);
  }

  /** The QR code to show while a QR sale waits for its payment. */
  qr(): QrView | undefined {
    const sale = this.sale;
    if (this.#state !== 'awaiting_payment' || !sale || sale.qrContent === null || sale.qrExpiresAt === null)
      return undefined;
    return {
      saleId: sale.saleId,
      orderNo: sale.orderNo,
      content: sale.qrContent,
      expiresAt: new Date(sale.qrExpiresAt).toISOString(),
      secondsLeft: Math.max(0, Math.ceil((sale.qrExpiresAt - this.#now()) / 1000)),
    };
  }

  /**
   * Listens to the machine and settles what an earlier run left: sales journaled as vending
   * are vended again with their own vendId; a QR code still valid is shown again.
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    this.#driver.on('selection', this.#onSelection);
    this.#driver.on('credit', this.#onCredit);
    this.#driver.on('status', this.#onStatus);
    this.#driver.on('event', this.#onEvent);
    this.#driver.on('rebooted', this.#onRebooted);
    // The machine is this run's own only once the journal is settled.
    this.#enter('selecting');
    const waiting = this.#store.salesInState('awaiting_payment');
    let resume: SaleRecord | undefined;
    for (const sale of waiting) {
      if (sale.qrExpiresAt !== null && sale.qrExpiresAt > this.#now() && resume === undefined) resume = sale;
      else await this.#recoverLapsed(sale);
    }
    await this.#run(async () => {
      const settled = await this.#settlePending();
      if (settled && resume && this.#store.getSale(resume.saleId)?.state === 'awaiting_payment') {
        this.#awaitPayment(resume);
      }
    });
  }

  /** Stops listening and waiting; the journal keeps whatever is under way for the next start. */
  stop(): void {
    this.#started = false;
    this.#driver.off('selection', this.#onSelection);
    this.#driver.off('credit', this.#onCredit);
    this.#driver.off('status', this.#onStatus);
    this.#driver.off('event', this.#onEvent);
    this.#driver.off('rebooted', this.#onRebooted);
    this.#clearPaymentTimers();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
  }

  /** Resolves when no sale is under way (after what was started so far). */
  async idle(): Promise<void> {
    await this.#work;
    if (this.#state === 'idle') return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** A customer chose a channel (a button on the machine, or the kiosk screen). */
  select(channel: number): Promise<void> {
    if (!this.#isFree('selection', { channel })) return Promise.resolve();
    const refusal = this.#refusal(channel);
    if (refusal) {
      this.#logger.info('selection_refused', { channel, reason: refusal });
      return Promise.resolve();
    }
    const view = this.#store.channel(channel);
    const price = view?.price ?? 0;
    this.#enter('selecting');
    if (this.#cardSessionUntil > this.#now()) return this.#run(() => this.#machineSale(channel, price, 'card'));
    if (this.#credit >= price) return this.#run(() => this.#machineSale(channel, price, 'cash'));
    return this.#run(() => this.#qrSale(channel));
  }

  /** A customer typed a gift code for a channel. */
  redeemGiftCode(channel: number, code: string): Promise<void> {
    if (!this.#isFree('gift_code', { channel })) return Promise.resolve();
    const refusal = this.#refusal(channel) ?? this.#methodRefusal('gift_code');
    if (refusal) {
      this.#logger.info('selection_refused', { channel, method: 'gift_code', reason: refusal });
      return Promise.resolve();
    }
    this.#enter('selecting');
    return this.#run(() => this.#giftCodeSale(channel, code));
  }

  /** The customer walked away from the QR code. */
  cancel(): void {
    const sale = this.sale;
    if (this.#state !== 'awaiting_payment' || !sale) return;
    this.#endWithoutVend(sale, 'cancelled');
  }

  /** A payment event for a sale (pushed by the platform). */
  payment(saleId: string, status: 'paid' | 'expired' | 'refunded'): void {
    const waiting = this.#state === 'awaiting_payment' && this.#current === saleId;
    if (status === 'paid' && waiting) {
      this.#paid(saleId, 'event');
      return;
    }
    if (status === 'expired' && waiting) {
      const sale = this.sale;
      if (sale) this.#endWithoutVend(sale, 'expired');
      return;
    }
    this.#logger.info('payment_noted', { saleId, status, vends: false });
  }

  /** An order paid elsewhere (the customer's phone) that the platform asks this machine to vend. */
  remoteVend(order: DeviceOrder): void {
    if (this.#state === 'awaiting_payment' && this.#current === order.saleId) {
      this.#paid(order.saleId, 'remote_vend');
      return;
    }
    if (this.#store.getSale(order.saleId)) {
      this.#logger.info('remote_vend_duplicate', { saleId: order.saleId });
      return;
    }
    const now = this.#now();
    const sale = this.#store.transaction(() => {
      const record = this.#store.insertSale({
        saleId: order.saleId,
        vendId: order.vendId,
        kind: 'order',
        channel: order.channel,
        price: order.price,
        method: order.paymentMethod,
        vendMethod: 'host_paid',
        state: 'vending',
        orderId: order.orderId,
        orderNo: order.orderNo,
        createdAt: now,
      });
      this.#store.enqueueReport('vendStarted', order.saleId, { saleId: order.saleId, at: iso(now) }, now);
      return record;
    });
    this.#outbox.kick();
    this.#logSale(sale, { remote: true, queued: this.#state !== 'idle' });
    if (this.#state === 'idle' && this.#started) {
      this.#enter('selecting', sale.saleId);
      void this.#run(() => this.#settlePending().then(() => undefined));
    }
  }

  // ---- flows ----

  async #machineSale(channel: number, price: number, method: 'cash' | 'card'): Promise<void> {
    const saleId = this.#newSaleId();
    const now = this.#now();
    const sale = this.#store.insertSale({
      saleId,
      vendId: vendIdForSale(saleId),
      kind: 'machine_sale',
      channel,
      price,
      method,
      vendMethod: method,
      state: 'vending',
      createdAt: now,
    });
    if (await this.#vend(sale)) await this.#settlePending();
  }

  async #qrSale(channel: number): Promise<void> {
    const refusal = this.#methodRefusal('qr');
    if (refusal) {
      this.#logger.info('selection_refused', { channel, method: 'qr', reason: refusal });
      await this.#settlePending();
      return;
    }
    const saleId = this.#newSaleId();
    this.#enter('selecting', saleId);
    this.#logger.info('sale', { saleId, state: 'selecting', channel, method: 'qr' });
    let order: DeviceOrder;
    try {
      order = await this.#platform.createOrder({ saleId, channel, paymentMethod: 'qr' });
    } catch (thrown) {
      const error = asPlatformError(thrown);
      this.#logger.warn('sale', {
        saleId,
        state: 'failed',
        channel,
        method: 'qr',
        reason: 'order_not_created',
        code: error.code,
        error: error.message,
      });
      await this.#settlePending();
      return;
    }
    if (!order.qr) {
      this.#logger.error('sale', { saleId, state: 'failed', channel, method: 'qr', reason: 'order_without_qr' });
      await this.#settlePending();
      return;
    }
    const sale = this.#store.insertSale({
      saleId,
      vendId: order.vendId,
      kind: 'order',
      channel,
      price: order.price,
      method: 'qr',
      vendMethod: 'host_paid',
      state: 'awaiting_payment',
      orderId: order.orderId,
      orderNo: order.orderNo,
      qrContent: order.qr.content,
      qrExpiresAt: Date.parse(order.qr.expiresAt),
      createdAt: this.#now(),
    });
    this.#awaitPayment(sale);
  }

  #awaitPayment(sale: SaleRecord): void {
    this.#enter('awaiting_payment', sale.saleId);
    const expiresAt = sale.qrExpiresAt ?? this.#now();
    this.#logSale(sale);
    this.#logger.info('qr', {
      saleId: sale.saleId,
      orderNo: sale.orderNo,
      content: sale.qrContent,
      expiresAt: iso(expiresAt),
    });
    this.#expiryTimer = setTimeout(
      () => {
        const current = this.sale;
        if (this.#state === 'awaiting_payment' && current?.saleId === sale.saleId)
          this.#endWithoutVend(current, 'expired');
      },
      Math.max(0, expiresAt - this.#now()),
    );
    this.#pollTimer = setInterval(() => void this.#pollOrder(sale.saleId), this.#qrPollMs);
  }

  async #pollOrder(saleId: string): Promise<void> {
    if (this.#state !== 'awaiting_payment' || this.#current !== saleId) return;
    let order: DeviceOrder;
    try {
      order = await this.#platform.orderStatus({ saleId });
    } catch (error) {
      this.#logger.log({ type: 'order_status_failed', level: 'debug', saleId, error: errorMessage(error) });
      return;
    }
    if (this.#state !== 'awaiting_payment' || this.#current !== saleId) return;
    if (order.status === 'paid' || order.status === 'vending') this.#paid(saleId, 'poll');
    else if (order.status === 'expired' || order.status === 'failed' || order.status === 'refunded') {
      const sale = this.sale;
      if (sale) this.#endWithoutVend(sale, order.status === 'expired' ? 'expired' : `order_${order.status}`);
    }
  }

  #paid(saleId: string, via: string): void {
    this.#clearPaymentTimers();
    const now = this.#now();
    const sale = this.#store.transaction(() => {
      const record = this.#store.updateSale(saleId, { state: 'vending' }, now);
      this.#store.enqueueReport('vendStarted', saleId, { saleId, at: iso(now) }, now);
      return record;
    });
    this.#outbox.kick();
    this.#logger.info('payment', { saleId, status: 'paid', via });
    void this.#run(async () => {
      if (await this.#vend(sale)) await this.#settlePending();
    });
  }

  async #giftCodeSale(channel: number, code: string): Promise<void> {
    const saleId = this.#newSaleId();
    this.#enter('selecting', saleId);
    this.#logger.info('sale', { saleId, state: 'selecting', channel, method: 'gift_code' });
    let order: DeviceOrder;
    try {
      order = await this.#platform.redeemGiftCode({ saleId, code, channel });
    } catch (thrown) {
      const error = asPlatformError(thrown);
      const reason = error.transient ? 'gift_code_unavailable' : 'gift_code_refused';
      this.#logger.warn('sale', {
        saleId,
        state: 'failed',
        channel,
        method: 'gift_code',
        reason,
        code: error.code,
        error: error.message,
      });
      await this.#settlePending();
      return;
    }
    const sale = this.#store.insertSale({
      saleId,
      vendId: order.vendId,
      kind: 'order',
      channel: order.channel,
      price: order.price,
      method: 'gift_code',
      vendMethod: 'free',
      state: 'vending',
      orderId: order.orderId,
      orderNo: order.orderNo,
      createdAt: this.#now(),
    });
    if (await this.#vend(sale)) await this.#settlePending();
  }

  /**
   * Asks the machine for the sale's vend (again, after a crash or an unknown outcome: same
   * vendId). True once the outcome is journaled; false when it stays unknown (a retry is
   * scheduled, and the machine stays busy with this sale).
   */
  async #vend(sale: SaleRecord): Promise<boolean> {
    this.#enter('vending', sale.saleId);
    this.#logSale(sale);
    let outcome: VendOutcome;
    try {
      outcome = await this.#driver.vend({
        vendId: sale.vendId,
        channel: sale.channel,
        price: sale.price,
        method: sale.vendMethod,
      });
    } catch (error) {
      // Unknown outcome (or the machine away): the sale stays vending; ask again later, same vendId.
      this.#logger.warn('vend_outcome_unknown', {
        saleId: sale.saleId,
        vendId: sale.vendId,
        retryInMs: this.#vendRetryMs,
        error: errorMessage(error),
      });
      if (this.#started) {
        this.#retryTimer = setTimeout(() => {
          this.#retryTimer = undefined;
          void this.#run(async () => {
            const again = this.#store.getSale(sale.saleId);
            if (again?.state !== 'vending' || (await this.#vend(again))) await this.#settlePending();
          });
        }, this.#vendRetryMs);
      }
      return false;
    }
    this.#settle(sale, outcome);
    if (outcome.dispensed && sale.vendMethod === 'cash' && outcome.credit > 0) await this.#payChange();
    return true;
  }

  /** Journals the vend's outcome and its report in one transaction. */
  #settle(sale: SaleRecord, outcome: VendOutcome): void {
    const now = this.#now();
    const state = outcome.dispensed ? 'done' : 'failed';
    const fault = CHANNEL_FAULTS.has(outcome.result);
    const settled = this.#store.transaction(() => {
      const record = this.#store.updateSale(
        sale.saleId,
        { state, result: outcome.result, dispensed: outcome.dispensed, soldAt: now },
        now,
      );
      if (sale.kind === 'machine_sale') {
        const report: MachineSale = {
          saleId: sale.saleId,
          channel: sale.channel,
          vendId: sale.vendId,
          price: sale.price,
          paymentMethod: sale.method as MachineSale['paymentMethod'],
          result: outcome.result,
          dispensed: outcome.dispensed,
          soldAt: iso(now),
        };
        this.#store.enqueueReport('recordSales', sale.saleId, report, now);
      } else {
        this.#store.enqueueReport(
          'reportVend',
          sale.saleId,
          {
            saleId: sale.saleId,
            vendId: sale.vendId,
            result: outcome.result,
            dispensed: outcome.dispensed,
            at: iso(now),
          },
          now,
        );
      }
      if (fault) this.#store.blockChannel(sale.channel, outcome.result, now);
      return record;
    });
    this.#outbox.kick();
    this.#credit = outcome.credit;
    if (sale.vendMethod === 'card') this.#cardSessionUntil = 0;
    this.#enter(state, sale.saleId);
    this.#logSale(settled);
    if (fault) this.#logger.warn('channel_disabled', { channel: sale.channel, reason: outcome.result });
  }

  async #payChange(): Promise<void> {
    try {
      const payout = await this.#driver.payout();
      this.#credit = payout.remaining;
      this.#logger.info('change_paid', { paid: payout.paid, remaining: payout.remaining });
    } catch (error) {
      this.#logger.warn('change_not_paid', { error: errorMessage(error) });
    }
  }

  /**
   * Vends the sales the journal holds as vending (left by an earlier run, or remote vends
   * queued), then leaves the machine idle. The caller holds the machine (state not idle).
   * False when a vend's outcome stayed unknown (the machine stays busy with it).
   */
  async #settlePending(): Promise<boolean> {
    while (this.#started) {
      const next = this.#store.salesInState('vending')[0];
      if (!next) {
        this.#enter('idle');
        return true;
      }
      if (!(await this.#vend(next))) return false;
    }
    return false;
  }

  /** A QR sale that ended unpaid: expired or cancelled. Nothing vends. */
  #endWithoutVend(sale: SaleRecord, reason: string): void {
    this.#clearPaymentTimers();
    const ended = this.#store.updateSale(sale.saleId, { state: 'failed', reason }, this.#now());
    this.#enter('failed', sale.saleId);
    this.#logSale(ended);
    void this.#run(() => this.#settlePending().then(() => undefined));
  }

  /** A QR code found unpaid and expired at start: the platform may have been paid meanwhile. */
  async #recoverLapsed(sale: SaleRecord): Promise<void> {
    let paid = false;
    // Offline, the platform refunds what was paid and never vended; the start does not wait for it.
    if (this.#online()) {
      try {
        const order = await this.#platform.orderStatus({ saleId: sale.saleId });
        paid = order.status === 'paid';
      } catch (error) {
        this.#logger.warn('order_status_failed', { saleId: sale.saleId, error: errorMessage(error) });
      }
    }
    const now = this.#now();
    if (paid) {
      this.#store.transaction(() => {
        this.#store.updateSale(sale.saleId, { state: 'vending' }, now);
        this.#store.enqueueReport('vendStarted', sale.saleId, { saleId: sale.saleId, at: iso(now) }, now);
      });
      this.#outbox.kick();
      return;
    }
    this.#logSale(this.#store.updateSale(sale.saleId, { state: 'failed', reason: 'expired' }, now));
  }

  // ---- helpers ----

  #isFree(what: string, fields: Record<string, unknown>): boolean {
    if (this.#state === 'idle' && this.#started) return true;
    this.#logger.info('selection_ignored', { ...fields, what, state: this.#state, saleId: this.#current });
    return false;
  }

  #refusal(channel: number): string | undefined {
    const cached = this.#store.cachedConfig();
    if (!cached) return 'no_config';
    const view = this.#store.channel(channel);
    if (!view) return 'unknown_channel';
    if (!view.enabled) return `disabled:${view.disabledReason ?? 'disabled'}`;
    if (view.price === null) return 'no_product';
    if (view.stock <= 0) return 'sold_out';
    return undefined;
  }

  #methodRefusal(method: DevicePaymentMethod): string | undefined {
    const offered = this.#store.cachedConfig()?.config.settings.paymentMethods ?? [];
    if (!offered.includes(method)) return `${method}_not_offered`;
    if (!this.#online()) {
      this.#logger.warn(`${method}_unavailable_offline`, {
        method,
        message: `${method === 'qr' ? 'QR payment' : 'Gift codes'} need the platform, which does not answer; cash and card still sell`,
      });
      return 'offline';
    }
    return undefined;
  }

  /** Runs flows one after another. */
  #run(flow: () => Promise<void>): Promise<void> {
    const next = this.#work.then(flow).catch((error: unknown) => {
      this.#logger.error('sale_machine_error', { error: errorMessage(error) });
      if (this.#state !== 'vending') this.#enter('idle');
    });
    this.#work = next;
    return next;
  }

  #enter(state: SaleMachineState, saleId?: string): void {
    this.#state = state;
    this.#current = state === 'idle' ? undefined : (saleId ?? this.#current);
    if (state === 'idle') {
      for (const resolve of this.#idleWaiters.splice(0)) resolve();
    }
  }

  #clearPaymentTimers(): void {
    if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
    if (this.#pollTimer) clearInterval(this.#pollTimer);
    this.#expiryTimer = undefined;
    this.#pollTimer = undefined;
  }

  #logSale(sale: SaleRecord, extra: Record<string, unknown> = {}): void {
    this.#logger.info('sale', {
      saleId: sale.saleId,
      state: sale.state,
      channel: sale.channel,
      price: sale.price,
      method: sale.method,
      vendId: sale.vendId,
      ...(sale.orderId === null ? {} : { orderId: sale.orderId }),
      ...(sale.result === null ? {} : { result: sale.result, dispensed: sale.dispensed }),
      ...(sale.reason === null ? {} : { reason: sale.reason }),
      ...extra,
    });
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export type { PaymentMethod };
