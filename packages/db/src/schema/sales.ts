/** Money: orders and their payments and refunds, gift codes, turnover, settlements. */
import { users } from './access.js';
import { PAYMENT_PROVIDERS, paymentAccounts } from './keys.js';
import { machines } from './machines.js';
import { channels, products } from './stock.js';
import { c, tenantTable } from './tenancy.js';

export const PAYMENT_METHODS = ['qr', 'cash', 'card', 'gift_code', 'free'] as const;

/**
 * created -> paid -> vending -> completed. A vend that dispensed nothing -> failed, and a
 * paid one is refunded -> refunded. An order never paid ends expired.
 */
export const ORDER_STATUSES = ['created', 'paid', 'vending', 'completed', 'failed', 'refunded', 'expired'] as const;

/** One sale at a machine, whatever the payment method. */
export const orders = tenantTable(
  'orders',
  {
    orderNo: c.string(32).notNull(),
    machineId: c.ref(() => machines).notNull(),
    channelId: c.ref(() => channels, 'set null'),
    /** The channel number at the time of sale (the channel row may change later). */
    channelNumber: c.int().notNull(),
    productId: c.ref(() => products).notNull(),
    /** Unit price in fen. */
    price: c.money().notNull(),
    quantity: c.int().notNull().default(1),
    /** price x quantity, less any discount, in fen. */
    amount: c.money().notNull(),
    /** Cost of the goods sold, in fen, for profit settlement. */
    cost: c.money().notNull().default(0),
    paymentMethod: c.enum(PAYMENT_METHODS).notNull(),
    provider: c.enum(PAYMENT_PROVIDERS),
    /** The payment provider's trade number. */
    providerTradeNo: c.string(64),
    /** The vendId (u32) sent to the machine over the serial link, derived from the sale id. */
    vendId: c.bigint(),
    /** The terminal's own id for the sale: a report sent twice is one order. */
    saleId: c.string(36),
    /** The machine charged another price than the server's (`listPrice`). */
    priceMismatch: c.bool().notNull().default(false),
    /** The server's price when the machine charged another. */
    listPrice: c.money(),
    /** Reported after its period was settled: counted in the next settlement. */
    afterSettlement: c.bool().notNull().default(false),
    /** The machine's time for it was implausible; it keeps the time it was received. */
    timeCorrected: c.bool().notNull().default(false),
    status: c.enum(ORDER_STATUSES).notNull().default('created'),
    paidAt: c.time(),
    vendedAt: c.time(),
    completedAt: c.time(),
    refundedAt: c.time(),
    /** Made by the machine while offline and reported later. */
    offline: c.bool().notNull().default(false),
  },
  {
    uniques: [
      ['tenantId', 'orderNo'],
      ['machineId', 'saleId'],
    ],
    indexes: [
      ['machineId', 'vendId'],
      ['tenantId', 'createdAt', 'id'],
      ['tenantId', 'machineId', 'createdAt', 'id'],
      ['tenantId', 'productId', 'createdAt'],
      ['tenantId', 'status', 'createdAt'],
      ['tenantId', 'paymentMethod', 'createdAt'],
      ['providerTradeNo'],
    ],
    checks: {
      price: '{price} >= 0',
      quantity: '{quantity} > 0',
      amount: '{amount} >= 0',
      cost: '{cost} >= 0',
    },
  },
);

export const PAYMENT_STATUSES = ['pending', 'succeeded', 'failed', 'closed'] as const;

/** A payment attempt for an order with a provider. */
export const payments = tenantTable(
  'payments',
  {
    orderId: c.ref(() => orders).notNull(),
    provider: c.enum(PAYMENT_PROVIDERS).notNull(),
    accountId: c.ref(() => paymentAccounts),
    amount: c.money().notNull(),
    providerTradeNo: c.string(64),
    /** The QR payload the customer scans. */
    qrContent: c.string(500),
    status: c.enum(PAYMENT_STATUSES).notNull().default('pending'),
    expiresAt: c.time(),
    paidAt: c.time(),
    /** The provider's signed notification, as received. */
    notification: c.json<Record<string, unknown>>(),
  },
  {
    indexes: [
      ['tenantId', 'orderId'],
      ['tenantId', 'status', 'expiresAt'],
    ],
    uniques: [['provider', 'providerTradeNo']],
    checks: { amount: '{amount} >= 0' },
  },
);

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;

export const refunds = tenantTable(
  'refunds',
  {
    refundNo: c.string(32).notNull(),
    orderId: c.ref(() => orders).notNull(),
    paymentId: c.ref(() => payments),
    amount: c.money().notNull(),
    reason: c.string(255).notNull(),
    status: c.enum(REFUND_STATUSES).notNull().default('pending'),
    providerRefundNo: c.string(64),
    refundedAt: c.time(),
  },
  {
    uniques: [['tenantId', 'refundNo']],
    indexes: [
      ['tenantId', 'orderId'],
      ['tenantId', 'status'],
    ],
    checks: { amount: '{amount} > 0' },
  },
);

export const GIFT_CODE_TRIGGERS = ['manual', 'order_amount_at_least', 'every_nth_order', 'channel_group'] as const;

/** A rule that issues gift codes, by hand or on qualifying orders. */
export const giftCodeRules = tenantTable(
  'gift_code_rules',
  {
    name: c.string(64).notNull(),
    trigger: c.enum(GIFT_CODE_TRIGGERS).notNull(),
    /** The amount in fen, or the n of every n-th order, depending on the trigger. */
    threshold: c.int().notNull().default(0),
    /** `channel_group`: a vend from a channel of a group of this name (a promotion). */
    channelGroupName: c.string(32),
    /** Qualifying orders counted so far (`every_nth_order`). */
    counter: c.int().notNull().default(0),
    /** Highest price in fen of the product a code can buy. */
    value: c.money().notNull(),
    validDays: c.int().notNull(),
    enabled: c.bool().notNull().default(true),
  },
  { uniques: [['tenantId', 'name']], checks: { value: '{value} > 0', validDays: '{validDays} > 0' } },
);

export const GIFT_CODE_STATUSES = ['active', 'redeemed', 'void', 'expired'] as const;

/** A code that buys one product (up to `value`) at any of the operator's machines. */
export const giftCodes = tenantTable(
  'gift_codes',
  {
    code: c.string(32).notNull(),
    ruleId: c.ref(() => giftCodeRules, 'set null'),
    value: c.money().notNull(),
    /** How many times it can still be redeemed. */
    quantity: c.int().notNull().default(1),
    expiresAt: c.time().notNull(),
    issuedByOrderId: c.ref(() => orders, 'set null'),
    redeemedByOrderId: c.ref(() => orders, 'set null'),
    status: c.enum(GIFT_CODE_STATUSES).notNull().default('active'),
  },
  {
    uniques: [['tenantId', 'code']],
    indexes: [['tenantId', 'status', 'expiresAt']],
    checks: { value: '{value} > 0', quantity: '{quantity} >= 0' },
  },
);

export const TURNOVER_STATUSES = ['submitted', 'confirmed', 'rejected'] as const;

/** Cash and mobile takings a field worker hands in, with a document number. */
export const turnovers = tenantTable(
  'turnovers',
  {
    documentNo: c.string(32).notNull(),
    staffId: c.ref(() => users).notNull(),
    cashAmount: c.money().notNull().default(0),
    mobileAmount: c.money().notNull().default(0),
    periodStart: c.date().notNull(),
    periodEnd: c.date().notNull(),
    status: c.enum(TURNOVER_STATUSES).notNull().default('submitted'),
    confirmedBy: c.string(36),
    confirmedAt: c.time(),
    note: c.string(255),
  },
  {
    uniques: [['tenantId', 'documentNo']],
    indexes: [
      ['tenantId', 'staffId', 'periodStart'],
      ['tenantId', 'periodStart'],
    ],
    checks: { cashAmount: '{cashAmount} >= 0', mobileAmount: '{mobileAmount} >= 0' },
  },
);

export const SETTLEMENT_KINDS = ['goods', 'profit'] as const;
export const SETTLEMENT_STATUSES = ['draft', 'final'] as const;

/**
 * A closed period: a goods settlement for one field worker (issued, restocked, sold,
 * held, cash due and handed in) or a profit settlement (revenue less cost).
 */
export const settlements = tenantTable(
  'settlements',
  {
    kind: c.enum(SETTLEMENT_KINDS).notNull(),
    staffId: c.ref(() => users),
    periodStart: c.date().notNull(),
    periodEnd: c.date().notNull(),
    /** The settled figures, in fen and units, as computed at closing. */
    figures: c.json<Record<string, number>>().notNull(),
    status: c.enum(SETTLEMENT_STATUSES).notNull().default('draft'),
    settledAt: c.time(),
  },
  {
    indexes: [
      ['tenantId', 'kind', 'periodStart'],
      ['tenantId', 'staffId'],
    ],
  },
);
