/**
 * The payment provider's side of a payment, for the built-in sandbox provider: the trades
 * a real provider (WeChat Pay, Alipay, UnionPay) would keep on its own servers. The
 * platform's view of the same payments is `payments` and `refunds`.
 */
import { c, platformTable } from './tenancy.js';

export const SANDBOX_TRADE_STATUSES = ['pending', 'paid', 'declined', 'closed'] as const;

/** A QR payment the sandbox provider was asked to collect. */
export const sandboxTrades = platformTable(
  'sandbox_trades',
  {
    /** The merchant's (the platform's) order number: one trade per number. */
    merchantOrderNo: c.string(64).notNull(),
    /** The provider's trade number. */
    tradeNo: c.string(32).notNull(),
    amount: c.money().notNull(),
    subject: c.string(128).notNull(),
    status: c.enum(SANDBOX_TRADE_STATUSES).notNull().default('pending'),
    /** Refunded so far, fen. */
    refunded: c.money().notNull().default(0),
    notifyUrl: c.string(500).notNull(),
    expiresAt: c.time().notNull(),
    paidAt: c.time(),
    /** When the merchant acknowledged the payment notification. */
    notifiedAt: c.time(),
    notifyAttempts: c.int().notNull().default(0),
    nextNotifyAt: c.time(),
  },
  {
    uniques: [['merchantOrderNo'], ['tradeNo']],
    indexes: [['nextNotifyAt']],
    checks: { amount: '{amount} > 0', refunded: '{refunded} >= 0 and {refunded} <= {amount}' },
  },
);

/** A refund the sandbox provider made, once per refund number. */
export const sandboxRefunds = platformTable(
  'sandbox_refunds',
  {
    tradeId: c.ref(() => sandboxTrades, 'cascade').notNull(),
    refundNo: c.string(64).notNull(),
    amount: c.money().notNull(),
  },
  { uniques: [['refundNo']], indexes: [['tradeId']], checks: { amount: '{amount} > 0' } },
);
