/**
 * The sandbox payment provider: a stand-in for WeChat Pay, Alipay and UnionPay that runs
 * inside the platform, so that a sale can be paid end to end without a merchant account.
 *
 * Its QR code encodes the URL of a small page (`/pay/sandbox/<tradeNo>`, see
 * http/payment-pages.ts) where a person or a test pays or declines. Once paid it sends a
 * signed notification to the merchant's notify URL, as a real provider does, and keeps
 * retrying with back-off until the merchant acknowledges it. Its trades are kept in the
 * database (`sandbox_trades`), so a restart loses none and several API instances share them.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { and, asc, eq, isNotNull, isNull, lte, type DbHandle, type Row, type Tables } from '@vmcloud/db';
import type {
  CreatedQr,
  CreateQrRequest,
  PaymentProvider,
  ProviderPayment,
  ProviderRefund,
  RefundRequest,
  VerifiedNotification,
} from './provider.js';

type Trade = Row<Tables['sandboxTrades']>;

export const SANDBOX_SIGNATURE_HEADER = 'x-sandbox-signature';
export const SANDBOX_TIMESTAMP_HEADER = 'x-sandbox-timestamp';

export interface SandboxOptions {
  db: DbHandle;
  now: () => Date;
  /** The platform's address as customers' phones reach it: the QR encodes `${publicUrl()}/pay/sandbox/<tradeNo>`. */
  publicUrl: () => string;
  /** The key notifications are signed with (HMAC-SHA256). */
  secret: Buffer;
  /** First retry of an unacknowledged notification after this, doubling up to 5 minutes (default 1000). */
  retryMs?: number;
  /** Sends a notification; `fetch` by default. */
  post?: (url: string, headers: Record<string, string>, body: string) => Promise<{ status: number; body: string }>;
}

/** The sandbox's notification key, derived from the platform's signing key. */
export function sandboxSecret(platformKey: KeyObject): Buffer {
  return createHash('sha256')
    .update('vmcloud sandbox notifications\n')
    .update(platformKey.export({ type: 'pkcs8', format: 'der' }))
    .digest();
}

const ACK = JSON.stringify({ code: 'SUCCESS' });

function payment(trade: Trade): ProviderPayment {
  return {
    status: trade.status,
    merchantOrderNo: trade.merchantOrderNo,
    tradeNo: trade.tradeNo,
    amount: trade.amount,
    paidAt: trade.paidAt,
  };
}

async function defaultPost(url: string, headers: Record<string, string>, body: string) {
  const response = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: await response.text() };
}

export class SandboxProvider implements PaymentProvider {
  readonly name = 'sandbox' as const;
  readonly acknowledgement = { status: 200, contentType: 'application/json', body: ACK };
  readonly #options: SandboxOptions;
  readonly #retryMs: number;
  readonly #post: NonNullable<SandboxOptions['post']>;

  constructor(options: SandboxOptions) {
    this.#options = options;
    this.#retryMs = options.retryMs ?? 1000;
    this.#post = options.post ?? defaultPost;
  }

  get #trades() {
    return this.#options.db.platform.sandboxTrades;
  }

  async #trade(merchantOrderNo: string): Promise<Trade | undefined> {
    return this.#trades.findOneBy({ merchantOrderNo });
  }

  /** The trade behind a pay page, by its trade number. */
  async tradeByNo(tradeNo: string): Promise<Trade | undefined> {
    return this.#trades.findOneBy({ tradeNo });
  }

  async createQr(request: CreateQrRequest): Promise<CreatedQr> {
    let trade = await this.#trade(request.merchantOrderNo);
    if (!trade) {
      try {
        trade = await this.#trades.insert({
          merchantOrderNo: request.merchantOrderNo,
          tradeNo: `SBX${randomBytes(12).toString('hex').toUpperCase()}`,
          amount: request.amount,
          subject: request.subject.slice(0, 128),
          notifyUrl: request.notifyUrl,
          expiresAt: request.expiresAt,
        });
      } catch (error) {
        // Created by a concurrent call with the same number: answer that one.
        trade = await this.#trade(request.merchantOrderNo);
        if (!trade) throw error;
      }
    }
    return { content: this.payPageUrl(trade.tradeNo), tradeNo: trade.tradeNo };
  }

  payPageUrl(tradeNo: string): string {
    return `${this.#options.publicUrl().replace(/\/+$/, '')}/pay/sandbox/${tradeNo}`;
  }

  async query(merchantOrderNo: string): Promise<ProviderPayment> {
    const trade = await this.#trade(merchantOrderNo);
    return trade ? payment(trade) : { status: 'unknown', merchantOrderNo, tradeNo: null, amount: 0, paidAt: null };
  }

  async close(merchantOrderNo: string): Promise<ProviderPayment> {
    const trade = await this.#trade(merchantOrderNo);
    if (!trade) return { status: 'unknown', merchantOrderNo, tradeNo: null, amount: 0, paidAt: null };
    await this.#trades.updateWhere((t) => and(eq(t.id, trade.id), eq(t.status, 'pending')), { status: 'closed' });
    return payment((await this.#trades.get(trade.id)) ?? trade);
  }

  async refund(request: RefundRequest): Promise<ProviderRefund> {
    const { db } = this.#options;
    return db.transaction(async (tx) => {
      const trades = tx.platform.sandboxTrades;
      const refunds = tx.platform.sandboxRefunds;
      const done = await refunds.findOneBy({ refundNo: request.refundNo });
      if (done) return { status: 'succeeded', providerRefundNo: done.id };
      const trade = await trades.findOneBy({ merchantOrderNo: request.merchantOrderNo });
      if (!trade || trade.status !== 'paid') {
        return { status: 'failed', providerRefundNo: null, message: 'the trade was not paid' };
      }
      if (request.amount <= 0 || trade.refunded + request.amount > trade.amount) {
        return { status: 'failed', providerRefundNo: null, message: 'the refund exceeds what was paid' };
      }
      const refund = await refunds.insert({ tradeId: trade.id, refundNo: request.refundNo, amount: request.amount });
      await trades.update(trade.id, { refunded: trade.refunded + request.amount });
      return { status: 'succeeded', providerRefundNo: refund.id };
    });
  }

  /** Signs a notification body as the sandbox sends it. */
  signNotification(timestamp: string, body: string): string {
    return createHmac('sha256', this.#options.secret).update(`${timestamp}\n${body}`).digest('base64');
  }

  verifyNotification(headers: IncomingHttpHeaders, body: string): VerifiedNotification {
    const signature = headers[SANDBOX_SIGNATURE_HEADER];
    const timestamp = headers[SANDBOX_TIMESTAMP_HEADER];
    if (typeof signature !== 'string' || typeof timestamp !== 'string')
      throw new Error('the notification is not signed');
    const expected = Buffer.from(this.signNotification(timestamp, body), 'base64');
    const given = Buffer.from(signature, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new Error('the notification’s signature does not verify');
    }
    let raw: Record<string, unknown>;
    try {
      raw = JSON.parse(body) as Record<string, unknown>;
    } catch {
      throw new Error('the notification is not JSON');
    }
    const { merchantOrderNo, tradeNo, amount, status, paidAt } = raw;
    if (typeof merchantOrderNo !== 'string' || typeof tradeNo !== 'string' || typeof amount !== 'number') {
      throw new Error('the notification lacks merchantOrderNo, tradeNo or amount');
    }
    if (status !== 'paid') throw new Error(`the notification reports status ${String(status)}`);
    const paid = typeof paidAt === 'string' ? new Date(paidAt) : null;
    if (!paid || Number.isNaN(paid.getTime())) throw new Error('the notification lacks paidAt');
    return { status: 'paid', merchantOrderNo, tradeNo, amount, paidAt: paid, raw };
  }

  /**
   * The customer's choice on the pay page: pay (then notify), decline, or pay while the
   * notification is lost (to try what the platform does without one). Only a pending
   * trade changes; answers the trade as it now stands.
   */
  async act(tradeNo: string, action: 'pay' | 'decline' | 'pay_without_notification'): Promise<Trade | undefined> {
    const trade = await this.tradeByNo(tradeNo);
    if (!trade) return undefined;
    const now = this.#options.now();
    const patch =
      action === 'decline'
        ? { status: 'declined' as const }
        : {
            status: 'paid' as const,
            paidAt: now,
            // A lost notification is one the sandbox never sends.
            nextNotifyAt: action === 'pay' ? now : null,
            notifiedAt: action === 'pay' ? null : now,
          };
    await this.#trades.updateWhere((t) => and(eq(t.id, trade.id), eq(t.status, 'pending')), patch);
    const after = await this.#trades.get(trade.id);
    if (after?.status === 'paid' && after.nextNotifyAt) void this.deliverDue().catch(() => undefined);
    return after;
  }

  #delivering: Promise<number> | undefined;

  /** Sends the notifications that are due; returns how many were acknowledged. */
  deliverDue(): Promise<number> {
    this.#delivering ??= this.#deliver().finally(() => (this.#delivering = undefined));
    return this.#delivering;
  }

  async #deliver(): Promise<number> {
    const now = this.#options.now();
    const due = await this.#trades.find({
      where: (t) =>
        and(eq(t.status, 'paid'), isNull(t.notifiedAt), isNotNull(t.nextNotifyAt), lte(t.nextNotifyAt, now)),
      orderBy: (t) => [asc(t.nextNotifyAt)],
      limit: 100,
    });
    let acknowledged = 0;
    for (const trade of due) {
      const body = JSON.stringify({
        merchantOrderNo: trade.merchantOrderNo,
        tradeNo: trade.tradeNo,
        amount: trade.amount,
        status: 'paid',
        paidAt: trade.paidAt?.toISOString(),
      });
      const timestamp = String(Date.now());
      let ok = false;
      try {
        const answer = await this.#post(
          trade.notifyUrl,
          {
            'content-type': 'application/json',
            [SANDBOX_TIMESTAMP_HEADER]: timestamp,
            [SANDBOX_SIGNATURE_HEADER]: this.signNotification(timestamp, body),
          },
          body,
        );
        ok = answer.status === 200 && answer.body.includes('SUCCESS');
      } catch {
        ok = false;
      }
      const attempts = trade.notifyAttempts + 1;
      const at = this.#options.now();
      if (ok) {
        acknowledged++;
        await this.#trades.update(trade.id, { notifiedAt: at, notifyAttempts: attempts, nextNotifyAt: null });
      } else {
        const delay = Math.min(this.#retryMs * 2 ** Math.min(attempts - 1, 16), 300_000);
        await this.#trades.update(trade.id, { notifyAttempts: attempts, nextNotifyAt: new Date(at.getTime() + delay) });
      }
    }
    return acknowledged;
  }
}
