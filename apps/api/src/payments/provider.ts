/**
 * What the platform asks of a QR payment provider, shaped after the real ones (WeChat Pay
 * Native, Alipay precreate, UnionPay QR): create a QR code with an expiry, query a
 * payment, close it, refund it, and verify the asynchronous notification the provider
 * sends when the customer pays. Every call is idempotent by the merchant order number
 * (the order's `orderNo`) or the refund number, so a retry after a lost answer is safe.
 *
 * The built-in `sandbox` provider (sandbox.ts) is the default; the adapters for the real
 * providers implement the same interface.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { PAYMENT_PROVIDERS } from '@vmcloud/db/schema';

export type ProviderName = (typeof PAYMENT_PROVIDERS)[number];

export interface CreateQrRequest {
  /** Unique per payment on the platform; the same number again answers the same QR. */
  merchantOrderNo: string;
  /** Fen. */
  amount: number;
  /** What the customer sees in their payment app. */
  subject: string;
  expiresAt: Date;
  /** Where the provider posts its notification. */
  notifyUrl: string;
}

export interface CreatedQr {
  /** What the QR code encodes. */
  content: string;
  /** The provider's trade number, when it gives one at creation. */
  tradeNo: string | null;
}

/** A payment as the provider knows it. */
export interface ProviderPayment {
  status: 'pending' | 'paid' | 'declined' | 'closed' | 'unknown';
  merchantOrderNo: string;
  tradeNo: string | null;
  /** Fen; what the customer paid when paid. */
  amount: number;
  paidAt: Date | null;
}

export interface RefundRequest {
  merchantOrderNo: string;
  /** Unique per refund: the same number again is the same refund. */
  refundNo: string;
  amount: number;
  reason: string;
}

export interface ProviderRefund {
  status: 'succeeded' | 'pending' | 'failed';
  providerRefundNo: string | null;
  /** Why it failed, in the provider's words. */
  message?: string;
}

/** A notification that verified: the payment it reports. */
export interface VerifiedNotification extends ProviderPayment {
  /** The notification as received, kept with the payment. */
  raw: Record<string, unknown>;
}

export interface PaymentProvider {
  readonly name: ProviderName;
  createQr(request: CreateQrRequest): Promise<CreatedQr>;
  query(merchantOrderNo: string): Promise<ProviderPayment>;
  /** Closes an unpaid payment so it can no longer be paid; answers the payment as it ends (paid if it was paid first). */
  close(merchantOrderNo: string): Promise<ProviderPayment>;
  refund(request: RefundRequest): Promise<ProviderRefund>;
  /** The payment a notification reports, or an Error when its signature or shape is wrong. */
  verifyNotification(headers: IncomingHttpHeaders, body: string): VerifiedNotification;
  /** What to answer the provider once the notification is handled, so it stops retrying. */
  readonly acknowledgement: { status: number; contentType: string; body: string };
}

/** The providers the platform can take payments through, by name. */
export type PaymentProviders = Partial<Record<ProviderName, PaymentProvider>>;
