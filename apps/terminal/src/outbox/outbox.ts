/**
 * The outbox: every report the terminal owes the platform is written to the store first
 * (in the transaction that changes the sale), then sent in the order written, and retried
 * with exponential back-off and jitter until the platform acknowledges it. A report the
 * platform refuses for good is parked (kept, logged, not retried); everything else waits,
 * across restarts, for the platform to come back.
 */
import type { MachineSale, RecordedSale, ReportVendRequest, VendStartedRequest } from '@vmcloud/protocol/device';
import { errorMessage, type Logger } from '../log.js';
import { asPlatformError, type Platform } from '../platform/platform.js';
import type { Report, TerminalStore } from '../store/store.js';

export interface RetrySettings {
  /** The first retry's delay, ms (default 1 s). */
  minMs: number;
  /** The longest delay, ms (default 60 s). */
  maxMs: number;
}

export const DEFAULT_RETRY: RetrySettings = { minMs: 1000, maxMs: 60_000 };

/** Most sales one `recordSales` call carries (a terminal back online sends what it sold offline in a few calls). */
export const RECORD_SALES_BATCH = 50;

/**
 * The delay before attempt `failures + 1`: `minMs * 2^(failures-1)` capped at `maxMs`, of
 * which a random half is taken off ("equal jitter"), so terminals that lost the platform
 * together do not all come back at the same instant.
 */
export function retryDelay(failures: number, settings: RetrySettings, random: () => number = Math.random): number {
  const exponential = Math.min(settings.maxMs, settings.minMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

export interface OutboxOptions {
  store: TerminalStore;
  platform: Platform;
  logger: Logger;
  now?: () => number;
  retry?: RetrySettings;
  random?: () => number;
  /** The platform acknowledged a report; `answer` is what it said. */
  onAcknowledged?: (report: Report, answer: unknown) => void;
  /** Each answer or failure to reach the platform. */
  onReachable?: (reachable: boolean) => void;
}

export class Outbox {
  readonly #store: TerminalStore;
  readonly #platform: Platform;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #retry: RetrySettings;
  readonly #random: () => number;
  readonly #onAcknowledged: OutboxOptions['onAcknowledged'];
  readonly #onReachable: OutboxOptions['onReachable'];
  #running = false;
  #started = false;
  #timer: NodeJS.Timeout | undefined;
  #pumping: Promise<void> | undefined;
  /** A batch was refused: send the report in front alone, to learn which one the platform refuses. */
  #alone = false;

  constructor(options: OutboxOptions) {
    this.#store = options.store;
    this.#platform = options.platform;
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#retry = options.retry ?? DEFAULT_RETRY;
    this.#random = options.random ?? Math.random;
    this.#onAcknowledged = options.onAcknowledged;
    this.#onReachable = options.onReachable;
  }

  /** Starts sending what is waiting (from an earlier run too). */
  start(): void {
    this.#started = true;
    this.kick();
  }

  stop(): void {
    this.#started = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Reports waiting to go out. */
  depth(): number {
    return this.#store.outboxDepth();
  }

  /** Something was written: send it now unless the report in front is waiting out its back-off. */
  kick(): void {
    if (!this.#started || this.#running) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pumping = this.#pump();
  }

  /** The platform answers again: the report in front goes now instead of after its back-off. */
  retryNow(): void {
    const next = this.#store.nextReport();
    if (next && next.nextAttemptAt > this.#now()) {
      this.#store.db.prepare('UPDATE outbox SET next_attempt_at = ? WHERE id = ?').run(this.#now(), next.id);
    }
    this.kick();
  }

  /** Resolves once the outbox has sent what it can now (empty, or waiting out a back-off). */
  async settled(): Promise<void> {
    while (this.#pumping) {
      const pumping = this.#pumping;
      await pumping;
      if (this.#pumping === pumping) break;
    }
  }

  async #pump(): Promise<void> {
    this.#running = true;
    try {
      while (this.#started) {
        const report = this.#store.nextReport();
        if (!report) return;
        const wait = report.nextAttemptAt - this.#now();
        if (wait > 0) {
          this.#timer = setTimeout(() => {
            this.#timer = undefined;
            this.kick();
          }, wait);
          return;
        }
        await this.#send(this.#batchFrom(report));
      }
    } finally {
      this.#running = false;
    }
  }

  /** The report in front, with the sales reports right behind it that can go in the same call. */
  #batchFrom(report: Report): [Report, ...Report[]] {
    if (report.kind !== 'recordSales' || this.#alone) return [report];
    const batch: [Report, ...Report[]] = [report];
    for (const next of this.#store.waitingReports(report.id + 1, RECORD_SALES_BATCH - 1)) {
      if (next.kind !== 'recordSales') break;
      batch.push(next);
    }
    return batch;
  }

  async #send(reports: [Report, ...Report[]]): Promise<void> {
    const [report] = reports;
    let answers: unknown[];
    try {
      answers = await this.#deliver(reports);
    } catch (thrown) {
      const error = asPlatformError(thrown);
      this.#onReachable?.(error.code !== 'NETWORK');
      if (!error.transient && reports.length > 1) {
        this.#alone = true;
        this.#logger.warn('report_batch_refused', { reports: reports.length, code: error.code, error: error.message });
        return;
      }
      if (!error.transient) {
        this.#store.parkReport(report.id, `${error.code}: ${error.message}`);
        this.#logger.error('report_parked', {
          report: report.id,
          kind: report.kind,
          saleId: report.saleId,
          code: error.code,
          error: error.message,
        });
        return;
      }
      const delay = retryDelay(report.attempts + 1, this.#retry, this.#random);
      this.#store.recordAttempt(report.id, this.#now() + delay, `${error.code}: ${error.message}`);
      this.#logger.warn('report_retry', {
        report: report.id,
        kind: report.kind,
        saleId: report.saleId,
        attempts: report.attempts + 1,
        retryInMs: delay,
        code: error.code,
        error: error.message,
      });
      return;
    }
    this.#onReachable?.(true);
    this.#alone = false;
    const now = this.#now();
    this.#store.transaction(() => {
      reports.forEach((sent, index) => {
        this.#store.deleteReport(sent.id);
        if (sent.kind === 'vendStarted') return;
        const orderId = orderIdOf(answers[index]);
        const sale = this.#store.getSale(sent.saleId);
        if (sale) {
          this.#store.updateSale(
            sent.saleId,
            { acknowledgedAt: now, ...(orderId && sale.orderId === null ? { orderId } : {}) },
            now,
          );
        }
      });
    });
    const depth = this.depth();
    reports.forEach((sent, index) => {
      this.#logger.info('report_sent', { report: sent.id, kind: sent.kind, saleId: sent.saleId, depth });
      try {
        this.#onAcknowledged?.(sent, answers[index]);
      } catch (error) {
        this.#logger.error('report_ack_handler_failed', { error: errorMessage(error) });
      }
    });
  }

  /** Sends the reports in one call; the answer to each, in order. */
  async #deliver(reports: [Report, ...Report[]]): Promise<unknown[]> {
    const [report] = reports;
    switch (report.kind) {
      case 'recordSales': {
        const answer = await this.#platform.recordSales({ sales: reports.map((sent) => sent.payload as MachineSale) });
        return reports.map((sent) => {
          const recorded = answer.sales.find((sale) => sale.saleId === sent.saleId);
          if (recorded?.status === 'not_recorded') {
            this.#logger.warn('sale_not_recorded', { saleId: sent.saleId, flags: recorded.flags });
          }
          return recorded;
        });
      }
      case 'vendStarted':
        return [await this.#platform.vendStarted(report.payload as VendStartedRequest)];
      case 'reportVend':
        return [await this.#platform.reportVend(report.payload as ReportVendRequest)];
    }
  }
}

function orderIdOf(answer: unknown): string | null {
  const orderId = (answer as Partial<RecordedSale> | undefined)?.orderId;
  return typeof orderId === 'string' ? orderId : null;
}
