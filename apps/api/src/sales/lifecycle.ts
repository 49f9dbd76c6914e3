/**
 * An order's life as a machine sells it (ARCHITECTURE.md, the sale flow):
 *
 *   created -> paid -> vending -> completed
 *                   \-> failed -> refunded      (the vend dispensed nothing)
 *   created -> expired (never paid; a payment arriving after the expiry is refunded, never vended)
 *
 * Each rule here takes a writer (one transaction) and is idempotent by the terminal's
 * sale id, so a report sent twice changes nothing the second time; each state change
 * writes its audit row. Money moves with the payment provider outside the transaction
 * (payments/checkout.ts); these rules record what was decided.
 */
import { adjust, and, eq, gt, newId, type NewRow, type Row, type Tables } from '@vmcloud/db';
import { vendIdForSale, type DeviceOrder, type DeviceVendResult, type MachineSale } from '@vmcloud/protocol/device';
import type { ProviderName, ProviderPayment } from '../payments/provider.js';
import type { BusinessCalendar } from '../shared/business-day.js';
import { orderNumber, refundNumber } from '../shared/document-numbers.js';
import { conflict, notFound, refused } from '../shared/errors.js';
import type { Writer } from '../shared/writer.js';
import { configChanged, queueEvent } from '../devices/events.js';
import { raise } from '../devices/conditions.js';
import { issueOnCompletion, type WonGiftCode } from '../gift-codes/triggers.js';
import { FUTURE_TOLERANCE_MS } from './record.js';

export type Order = Row<Tables['orders']>;
export type Payment = Row<Tables['payments']>;
export type Refund = Row<Tables['refunds']>;
type Channel = Row<Tables['channels']>;

/** The order as a terminal sees it. */
export function deviceOrder(
  order: Order,
  extra: { qr?: Payment | null; giftCode?: WonGiftCode | null } = {},
): DeviceOrder {
  const qr = extra.qr;
  return {
    orderId: order.id,
    orderNo: order.orderNo,
    saleId: order.saleId ?? order.id,
    channel: order.channelNumber,
    price: order.price,
    vendId: order.vendId ?? 0,
    paymentMethod: order.paymentMethod,
    status: order.status,
    qr: qr?.qrContent && qr.expiresAt ? { content: qr.qrContent, expiresAt: qr.expiresAt.toISOString() } : null,
    giftCode: extra.giftCode ?? null,
  };
}

/**
 * Inserts a machine's order for `channel`'s product, numbered with the sale's local time
 * (`orderNumber`); `fields` give the rest (payment, status, times, flags).
 */
async function insertOrder(
  w: Writer,
  calendar: BusinessCalendar,
  at: Date,
  sold: { machineId: string; channel: Channel; product: { id: string; cost: number }; price: number },
  fields: Omit<
    NewRow<Tables['orders']>,
    'orderNo' | 'machineId' | 'channelId' | 'channelNumber' | 'productId' | 'price' | 'cost'
  >,
): Promise<Order> {
  const id = newId();
  return w.scope.orders.insert({
    id,
    orderNo: orderNumber(calendar, at, id),
    machineId: sold.machineId,
    channelId: sold.channel.id,
    channelNumber: sold.channel.number,
    productId: sold.product.id,
    price: sold.price,
    cost: sold.product.cost,
    ...fields,
  });
}

async function loadChannel(w: Writer, machineId: string, number: number): Promise<Channel> {
  const channel = await w.scope.channels.findOneBy({ machineId, number });
  if (!channel) throw refused('channel', `the machine has no channel ${number}`);
  return channel;
}

/** The channel's product and price, refusing a channel that cannot sell now. */
async function sellable(w: Writer, channel: Channel) {
  const product = channel.productId ? await w.scope.products.get(channel.productId) : undefined;
  if (!product) throw refused('channel', `channel ${channel.number} holds no product`);
  if (!channel.enabled)
    throw refused(
      'channel',
      `channel ${channel.number} is disabled${channel.disabledReason ? ` (${channel.disabledReason})` : ''}`,
    );
  if (product.status !== 'active') throw refused('channel', `${product.name} is discontinued`);
  if (channel.stock <= 0) throw refused('channel', `channel ${channel.number} is sold out`);
  return { product, price: channel.price ?? product.price };
}

export async function orderBySale(
  w: Pick<Writer, 'scope'>,
  machineId: string,
  saleId: string,
): Promise<Order | undefined> {
  return w.scope.orders.findOneBy({ machineId, saleId });
}

async function setStatus(w: Writer, order: Order, patch: Partial<Order> & { status: Order['status'] }): Promise<Order> {
  const { id: _id, tenantId: _t, ...values } = patch as Order;
  await w.scope.orders.update(order.id, values);
  const after = { ...order, ...patch };
  await w.audit({ entity: 'orders', entityId: order.id, before: { status: order.status }, after: values });
  return after;
}

// --- QR orders ----------------------------------------------------------------------------------

export interface OpenedQrOrder {
  order: Order;
  payment: Payment;
  /** False when the sale id had its order already (a retried call). */
  created: boolean;
}

/**
 * Opens a QR order for one channel at the platform's price, with its pending payment
 * expiring at `expiresAt`. The same sale id again answers the same order.
 */
export async function openQrOrder(
  w: Writer,
  machineId: string,
  input: { saleId: string; channel: number },
  provider: ProviderName,
  expiresAt: Date,
  now: Date,
  calendar: BusinessCalendar,
): Promise<OpenedQrOrder> {
  const existing = await orderBySale(w, machineId, input.saleId);
  if (existing) {
    if (existing.paymentMethod !== 'qr' || existing.channelNumber !== input.channel) {
      throw conflict(`saleId: sale ${input.saleId} is another order already`);
    }
    const payment = await w.scope.payments.findOneBy({ orderId: existing.id });
    if (!payment) throw new Error(`order ${existing.id} has no payment`);
    return { order: existing, payment, created: false };
  }
  const channel = await loadChannel(w, machineId, input.channel);
  const { product, price } = await sellable(w, channel);
  const order = await insertOrder(
    w,
    calendar,
    now,
    { machineId, channel, product, price },
    {
      amount: price,
      paymentMethod: 'qr',
      provider,
      vendId: vendIdForSale(input.saleId),
      saleId: input.saleId,
      status: 'created',
    },
  );
  const payment = await w.scope.payments.insert({
    orderId: order.id,
    provider,
    amount: price,
    status: 'pending',
    expiresAt,
  });
  await w.audit({ entity: 'orders', entityId: order.id, after: order });
  return { order, payment, created: true };
}

/** Keeps the QR the provider made for the payment. */
export async function attachQr(
  w: Writer,
  payment: Payment,
  qr: { content: string; tradeNo: string | null },
): Promise<Payment> {
  const patch = { qrContent: qr.content, providerTradeNo: payment.providerTradeNo ?? qr.tradeNo };
  await w.scope.payments.update(payment.id, patch);
  return { ...payment, ...patch };
}

export type PaymentOutcome =
  /** Paid in time: the order is paid and the machine told. */
  | { outcome: 'paid'; order: Order }
  /** Known already: nothing changed. */
  | { outcome: 'duplicate'; order: Order }
  /** Paid after the order expired: recorded, and refunded (`refund` to send). */
  | { outcome: 'late'; order: Order; refund: Refund };

/**
 * Records a payment the provider reports (a verified notification, or a query's answer):
 * within the QR's time it pays the order and tells the machine; after it, the money is
 * refunded and nothing is vended; reported again, it changes nothing. A payment of
 * another amount than the order's is refused.
 */
export async function confirmPayment(
  w: Writer,
  reported: ProviderPayment & { raw?: Record<string, unknown> },
  now: Date,
  calendar: BusinessCalendar,
): Promise<PaymentOutcome> {
  const order = await w.scope.orders.findOneBy({ orderNo: reported.merchantOrderNo });
  if (!order) throw notFound('Order');
  const payment = await w.scope.payments.findOneBy({ orderId: order.id });
  if (!payment) throw notFound('Payment');
  if (payment.status === 'succeeded') return { outcome: 'duplicate', order };
  if (reported.amount !== payment.amount) {
    throw refused('amount', `the provider reports ${reported.amount} fen paid, the order is ${payment.amount} fen`);
  }
  const paidAt = reported.paidAt ?? now;
  await w.scope.payments.update(payment.id, {
    status: 'succeeded',
    paidAt,
    providerTradeNo: reported.tradeNo ?? payment.providerTradeNo,
    notification: reported.raw ?? null,
  });
  const inTime =
    order.status === 'created' && payment.expiresAt !== null && paidAt.getTime() <= payment.expiresAt.getTime();
  if (inTime) {
    const paid = await setStatus(w, order, {
      status: 'paid',
      paidAt,
      providerTradeNo: reported.tradeNo ?? order.providerTradeNo,
    });
    await queueEvent(
      w,
      order.machineId,
      { type: 'payment', saleId: order.saleId ?? order.id, orderId: order.id, status: 'paid' },
      now,
    );
    return { outcome: 'paid', order: paid };
  }
  // Too late: the customer was told the QR expired, and the machine vends nothing.
  const late = await setStatus(w, order, {
    status: order.status === 'created' ? 'expired' : order.status,
    paidAt,
    providerTradeNo: reported.tradeNo ?? order.providerTradeNo,
  });
  const refund = await openRefund(
    w,
    late,
    { ...payment, status: 'succeeded' },
    'paid after the QR code expired',
    now,
    calendar,
  );
  return { outcome: 'late', order: late, refund };
}

/** Ends an order whose QR expired unpaid: the payment is closed, the order expired, the machine told. */
export async function expireOrder(w: Writer, order: Order, payment: Payment, now: Date): Promise<Order> {
  if (order.status !== 'created') return order;
  await w.scope.payments.update(payment.id, { status: 'closed' });
  const expired = await setStatus(w, order, { status: 'expired' });
  await queueEvent(
    w,
    order.machineId,
    { type: 'payment', saleId: order.saleId ?? order.id, orderId: order.id, status: 'expired' },
    now,
  );
  return expired;
}

// --- Refunds ------------------------------------------------------------------------------------

/**
 * Opens a refund of what is left of the order's payment, never more than was paid (less
 * what earlier refunds returned). Answers the refund to send to the provider.
 */
export async function openRefund(
  w: Writer,
  order: Order,
  payment: Payment,
  reason: string,
  now: Date,
  calendar: BusinessCalendar,
): Promise<Refund> {
  const earlier = await w.scope.refunds.find({ where: (r) => eq(r.orderId, order.id) });
  const pending = earlier.find((r) => r.status === 'pending');
  if (pending) return pending;
  const refunded = earlier.filter((r) => r.status === 'succeeded').reduce((sum, r) => sum + r.amount, 0);
  const amount = payment.amount - refunded;
  if (amount <= 0) throw conflict('refund: the order was refunded in full already');
  const id = newId();
  const refund = await w.scope.refunds.insert({
    id,
    refundNo: refundNumber(calendar, now, id),
    orderId: order.id,
    paymentId: payment.id,
    amount,
    reason: reason.slice(0, 255),
    status: 'pending',
  });
  await w.audit({ entity: 'refunds', entityId: refund.id, after: refund });
  return refund;
}

/** Records the provider's answer to a refund: succeeded, the order is refunded and its machine told. */
export async function settleRefund(
  w: Writer,
  refundId: string,
  result: { status: 'succeeded' | 'pending' | 'failed'; providerRefundNo: string | null },
  now: Date,
): Promise<Order | undefined> {
  const refund = await w.scope.refunds.get(refundId);
  if (!refund || refund.status !== 'pending' || result.status === 'pending') return undefined;
  await w.scope.refunds.update(refund.id, {
    status: result.status,
    providerRefundNo: result.providerRefundNo,
    refundedAt: result.status === 'succeeded' ? now : null,
  });
  await w.audit({
    entity: 'refunds',
    entityId: refund.id,
    before: { status: 'pending' },
    after: { status: result.status },
  });
  const order = await w.scope.orders.get(refund.orderId);
  if (!order || result.status !== 'succeeded') return order;
  const refunded = await setStatus(w, order, { status: 'refunded', refundedAt: now });
  await queueEvent(
    w,
    order.machineId,
    { type: 'payment', saleId: order.saleId ?? order.id, orderId: order.id, status: 'refunded' },
    now,
  );
  return refunded;
}

// --- Vending ------------------------------------------------------------------------------------

/** A paid order is being vended. */
export async function startVend(w: Writer, machineId: string, saleId: string): Promise<Order> {
  const order = await orderBySale(w, machineId, saleId);
  if (!order) throw notFound('Order');
  if (order.status === 'paid') return setStatus(w, order, { status: 'vending' });
  if (order.status === 'created') throw refused('saleId', 'the order is not paid');
  return order;
}

/** What a vend's end leaves to do after the transaction: a refund to send. */
export interface VendEnd {
  order: Order;
  refund: Refund | null;
  giftCode: WonGiftCode | null;
}

/**
 * Takes a sold product off the channel's count, unless the sale was made before the
 * channel's last restock (that restock counted the channel after it); never below zero.
 */
async function takeFromStock(w: Writer, channel: Channel | undefined, soldAt: Date, quantity: number): Promise<void> {
  if (!channel) return;
  if (channel.restockedAt && soldAt.getTime() < channel.restockedAt.getTime()) return;
  await w.scope.channels.update(channel.id, { stock: adjust(-quantity, { min: 0 }) });
}

/**
 * A vend that dispensed nothing says something about its channel: a jam or a motor fault
 * disables it here and on the machine until someone re-enables it; an empty channel is
 * sold out whatever the count said. Raises the alarm and tells the terminal.
 */
async function channelTrouble(
  w: Writer,
  machineId: string,
  channelNumber: number,
  result: DeviceVendResult,
  now: Date,
) {
  const channel = await w.scope.channels.findOneBy({ machineId, number: channelNumber });
  if (!channel) return;
  if (result === 'jam') {
    await w.scope.channels.update(channel.id, {
      enabled: false,
      disabledReason: 'jammed: check the motor and re-enable',
    });
    await raise(
      w.scope,
      machineId,
      {
        kind: 'jam',
        severity: 'critical',
        message: `Channel ${channelNumber} jammed; it is disabled until re-enabled`,
        channelNumber,
      },
      now,
    );
    await configChanged(w, [machineId], now);
  } else if (result === 'empty') {
    await w.scope.channels.update(channel.id, { stock: 0 });
    await raise(
      w.scope,
      machineId,
      {
        kind: 'channel_empty',
        severity: 'warning',
        message: `Channel ${channelNumber} is empty though its count said otherwise`,
        channelNumber,
      },
      now,
    );
    await configChanged(w, [machineId], now);
  }
}

/**
 * The end of the vend of an order the platform created (QR, gift code, remote vend): a
 * product dropped completes it (stock down by one, a gift code won when a rule says so);
 * nothing dropped fails it, and a paid one is refunded. Reported twice, it changes nothing.
 */
export async function finishVend(
  w: Writer,
  machineId: string,
  report: { saleId: string; result: DeviceVendResult; dispensed: boolean; at: Date },
  now: Date,
  calendar: BusinessCalendar,
): Promise<VendEnd> {
  const order = await orderBySale(w, machineId, report.saleId);
  if (!order) throw notFound('Order');
  if (order.status === 'completed' || order.status === 'failed' || order.status === 'refunded') {
    return { order, refund: null, giftCode: null };
  }
  if (order.status !== 'paid' && order.status !== 'vending') {
    throw refused('saleId', `the order is ${order.status}, not paid`);
  }
  const channel = order.channelId ? await w.scope.channels.get(order.channelId) : undefined;
  if (report.dispensed) {
    const at = report.at.getTime() > now.getTime() + FUTURE_TOLERANCE_MS ? now : report.at;
    const completed = await setStatus(w, order, { status: 'completed', vendedAt: at, completedAt: now });
    await takeFromStock(w, channel, at, order.quantity);
    const giftCode = await issueOnCompletion(w, completed, channel ?? null, now);
    return { order: completed, refund: null, giftCode };
  }
  const failed = await setStatus(w, order, { status: 'failed' });
  await channelTrouble(w, machineId, order.channelNumber, report.result, now);
  let refund: Refund | null = null;
  if (order.paymentMethod === 'qr') {
    const payment = await w.scope.payments.findOneBy({ orderId: order.id });
    if (payment?.status === 'succeeded') {
      refund = await openRefund(w, failed, payment, `vend failed: ${report.result}`, now, calendar);
    }
  } else if (order.paymentMethod === 'gift_code') {
    await restoreGiftCode(w, order);
  }
  return { order: failed, refund, giftCode: null };
}

// --- Sales made at the machine -----------------------------------------------------------------

export interface RecordedMachineSale {
  saleId: string;
  order: Order | null;
  flags: string[];
  giftCode: WonGiftCode | null;
}

/** How far back a machine's clock may place a sale before it is taken as wrong. */
export const PLAUSIBLE_PAST_MS = 400 * 86_400_000;

async function inSettledPeriod(w: Writer, at: Date, calendar: BusinessCalendar): Promise<boolean> {
  // One prepared lookup: a tenant has a final settlement a period, a few a year.
  const finals = await w.scope.settlements.findAllBy({ status: 'final' });
  if (finals.length === 0) return false;
  const day = calendar.dayOf(at);
  return finals.some((s) => s.periodStart <= day && s.periodEnd >= day);
}

/**
 * Records a sale the machine made and was paid for itself (cash, card) or gave (free), as
 * it happened and at the price the machine charged. Never refused for what it says: a
 * price other than the platform's is flagged `price_mismatch`; one in a period already
 * settled is flagged `after_settlement`, for the next settlement; one with a time the
 * machine's clock cannot have right keeps the time it was received, flagged
 * `time_corrected`. A vend that dispensed nothing took no money and makes no order (its
 * channel trouble is still acted on). The same sale id again answers the same order.
 */
export async function recordMachineSale(
  w: Writer,
  machineId: string,
  sale: MachineSale,
  now: Date,
  calendar: BusinessCalendar,
): Promise<RecordedMachineSale> {
  const existing = await orderBySale(w, machineId, sale.saleId);
  if (existing) return { saleId: sale.saleId, order: existing, flags: flagsOf(existing), giftCode: null };
  if (!sale.dispensed) {
    await channelTrouble(w, machineId, sale.channel, sale.result, now);
    return { saleId: sale.saleId, order: null, flags: [], giftCode: null };
  }
  const machine = await w.scope.machines.get(machineId);
  if (!machine) throw notFound('Machine');
  const channel = await w.scope.channels.findOneBy({ machineId, number: sale.channel });
  const product = channel?.productId ? await w.scope.products.get(channel.productId) : undefined;
  if (!channel || !product) {
    throw refused('channel', `channel ${sale.channel} holds no product on the platform; the sale cannot be matched`);
  }
  const soldAt = new Date(sale.soldAt);
  const implausible =
    Number.isNaN(soldAt.getTime()) ||
    soldAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS ||
    soldAt.getTime() < now.getTime() - PLAUSIBLE_PAST_MS;
  const at = implausible ? now : soldAt;
  const listPrice = channel.price ?? product.price;
  const price = sale.paymentMethod === 'free' ? 0 : sale.price;
  const priceMismatch = sale.paymentMethod !== 'free' && price !== listPrice;
  const afterSettlement = await inSettledPeriod(w, at, calendar);
  const order = await insertOrder(
    w,
    calendar,
    at,
    { machineId, channel, product, price },
    {
      amount: price,
      paymentMethod: sale.paymentMethod,
      vendId: sale.vendId,
      saleId: sale.saleId,
      status: 'completed',
      paidAt: at,
      vendedAt: at,
      completedAt: at,
      offline: at.getTime() < now.getTime() - 60_000,
      priceMismatch,
      listPrice: priceMismatch ? listPrice : null,
      afterSettlement,
      timeCorrected: implausible,
      createdAt: at,
    },
  );
  await w.audit({ entity: 'orders', entityId: order.id, after: order });
  await takeFromStock(w, channel, at, 1);
  const giftCode = await issueOnCompletion(w, order, channel, now);
  return { saleId: sale.saleId, order, flags: flagsOf(order), giftCode };
}

export function flagsOf(order: Order): string[] {
  const flags: string[] = [];
  if (order.priceMismatch) flags.push('price_mismatch');
  if (order.afterSettlement) flags.push('after_settlement');
  if (order.timeCorrected) flags.push('time_corrected');
  return flags;
}

// --- Gift codes at the machine -----------------------------------------------------------------

/**
 * A customer redeems a gift code for a channel: the code buys one product priced up to its
 * value, at any of the operator's machines, once per use it has, before it expires, even
 * when many machines try it at once (the use is taken by one conditional update). The
 * order is paid by the code; the same sale id again answers the same order.
 */
export async function redeemGiftCode(
  w: Writer,
  machineId: string,
  input: { saleId: string; code: string; channel: number },
  now: Date,
  calendar: BusinessCalendar,
): Promise<Order> {
  const existing = await orderBySale(w, machineId, input.saleId);
  if (existing) return existing;
  const channel = await loadChannel(w, machineId, input.channel);
  const { product, price } = await sellable(w, channel);
  const code = input.code.trim().toUpperCase();
  const gift = await w.scope.giftCodes.findOneBy({ code });
  if (!gift) throw refused('code', 'is not a gift code of this operator');
  if (gift.status !== 'active' || gift.quantity <= 0) throw refused('code', 'has been used');
  if (gift.expiresAt.getTime() <= now.getTime()) throw refused('code', 'has expired');
  if (price > gift.value) throw refused('code', `buys a product of up to ${gift.value} fen; this one is ${price} fen`);
  const taken = await w.scope.giftCodes.updateWhere(
    (g) => and(eq(g.id, gift.id), eq(g.status, 'active'), gt(g.quantity, 0), gt(g.expiresAt, now)),
    { quantity: adjust(-1) },
  );
  if (taken === 0) throw refused('code', 'has been used');
  const order = await insertOrder(
    w,
    calendar,
    now,
    { machineId, channel, product, price },
    {
      amount: 0,
      paymentMethod: 'gift_code',
      vendId: vendIdForSale(input.saleId),
      saleId: input.saleId,
      status: 'paid',
      paidAt: now,
    },
  );
  const left = await w.scope.giftCodes.get(gift.id);
  if (left && left.quantity === 0) {
    await w.scope.giftCodes.update(gift.id, { status: 'redeemed', redeemedByOrderId: order.id });
  }
  await w.audit({ entity: 'orders', entityId: order.id, after: { ...order, giftCodeId: gift.id } });
  return order;
}

/** A gift-code order whose vend failed gives the code its use back. */
async function restoreGiftCode(w: Writer, order: Order): Promise<void> {
  const gift = await w.scope.giftCodes.findOne((g) => eq(g.redeemedByOrderId, order.id));
  if (gift) {
    await w.scope.giftCodes.update(gift.id, { quantity: adjust(1), status: 'active', redeemedByOrderId: null });
    return;
  }
  const audit = await w.scope.auditLog.findOne((a) => and(eq(a.entity, 'orders'), eq(a.entityId, order.id)));
  const giftCodeId = (audit?.after as { giftCodeId?: string } | null)?.giftCodeId;
  if (giftCodeId) await w.scope.giftCodes.update(giftCodeId, { quantity: adjust(1) });
}
