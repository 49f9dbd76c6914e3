/**
 * Paying a lease order online, through the payment interface sales use (payments/provider.ts):
 * the operator asks for a QR of a pending order's fee, pays it in their payment app, and
 * the provider's notification pays the order as the manufacturer's confirmation would
 * (`confirmLeaseOrder`): the lease runs, or a change of terms applies.
 *
 * - One QR at a time per order, valid LEASE_QR_MINUTES. Each QR is an attempt with a
 *   number of its own for the provider (`L...-1`, `L...-2`): asking again after the QR
 *   has expired closes the last one first (a payment that arrived meanwhile pays the
 *   order instead of a new QR being made).
 * - The provider is called outside the database's transactions; the attempt is recorded
 *   before the QR is asked for, so a notification always finds its order.
 * - A payment that cannot pay its order (the order was cancelled or confirmed meanwhile,
 *   an older attempt, another amount, or a change of terms that no longer fits) is
 *   refunded in full, with a refund number made from the attempt's, so a notification
 *   repeated is refunded once; each one is audited. A notification repeated for the
 *   payment that paid the order changes nothing.
 * - The payments watch asks the provider about an attempt that had no notification
 *   (`watchLeasePayments`), so a lost notification loses no payment.
 */
import { and, eq, isNotNull, lte, type TenantScope } from '@vmcloud/db';
import { DomainError, conflict, notFound, refused } from '../shared/errors.js';
import type { Write } from '../shared/writer.js';
import type { PaymentProvider, ProviderPayment } from '../payments/provider.js';
import { confirmLeaseOrder } from './lease.js';

/** How long a lease order's QR may be paid. */
export const LEASE_QR_MINUTES = 30;
/** A QR this close to its expiry is not offered again: a new one is made. */
const LAST_MINUTE_MS = 60_000;

/** Lease orders' numbers start with L (sales' with O): a notification says which it pays. */
export const isLeasePayment = (merchantOrderNo: string) => merchantOrderNo.startsWith('L');

/** The lease order an attempt's number belongs to (`L2026...-2` -> `L2026...`). */
const orderNoOf = (merchantOrderNo: string) => merchantOrderNo.replace(/-\d+$/, '');
const attemptOf = (merchantOrderNo: string | null) => Number(/-(\d+)$/.exec(merchantOrderNo ?? '')?.[1] ?? 0);

export interface LeasePaymentDeps {
  provider: PaymentProvider;
  /** The platform's public address, for the provider's notifications. */
  publicUrl: string;
  now: () => Date;
}

/** What the operator is shown to pay: the QR and until when it can be paid, or that the order is paid. */
export interface LeasePaymentOffer {
  orderId: string;
  orderNo: string;
  status: 'pending' | 'paid' | 'cancelled';
  fee: number;
  qrContent: string | null;
  expiresAt: Date | null;
}

const offerOf = (order: {
  id: string;
  orderNo: string;
  status: LeasePaymentOffer['status'];
  fee: number;
  qrContent: string | null;
  qrExpiresAt: Date | null;
}): LeasePaymentOffer => ({
  orderId: order.id,
  orderNo: order.orderNo,
  status: order.status,
  fee: order.fee,
  qrContent: order.status === 'pending' ? order.qrContent : null,
  expiresAt: order.status === 'pending' ? order.qrExpiresAt : null,
});

/**
 * A QR to pay the pending lease order `orderId` of the tenant `scope` belongs to: the one
 * made before while it can still be paid, else a new one. `write` writes as the caller.
 */
export async function offerLeasePayment(
  deps: LeasePaymentDeps,
  scope: TenantScope,
  write: Write,
  orderId: string,
): Promise<LeasePaymentOffer> {
  const order = await scope.leaseOrders.get(orderId);
  if (!order) throw notFound('Lease order');
  if (order.status !== 'pending') throw conflict(`The lease order is ${order.status}, not pending`);
  if (order.fee <= 0) throw refused('orderId', 'the order costs nothing: the manufacturer confirms it');
  const now = deps.now();
  if (order.qrContent && order.qrExpiresAt && order.qrExpiresAt.getTime() - now.getTime() > LAST_MINUTE_MS) {
    return offerOf(order);
  }
  if (order.merchantOrderNo) {
    // The last QR is closed before another is made: paid meanwhile, it pays the order.
    const ended = await deps.provider.close(order.merchantOrderNo);
    if (ended.status === 'paid') {
      await settleLeasePayment(deps, write, ended);
      const after = await scope.leaseOrders.get(order.id);
      if (after && after.status !== 'pending') return offerOf(after);
    }
  }
  const merchantOrderNo = `${order.orderNo}-${attemptOf(order.merchantOrderNo) + 1}`;
  const expiresAt = new Date(now.getTime() + LEASE_QR_MINUTES * 60_000);
  const recorded = await write((w) =>
    w.scope.leaseOrders.updateWhere((o) => and(eq(o.id, order.id), eq(o.status, 'pending'), eq(o.fee, order.fee)), {
      merchantOrderNo,
      qrContent: null,
      qrExpiresAt: expiresAt,
    }),
  );
  if (recorded === 0) throw conflict('The lease order changed meanwhile; look at it again');
  const qr = await deps.provider.createQr({
    merchantOrderNo,
    amount: order.fee,
    subject: `VMCloud lease ${order.orderNo}`,
    expiresAt,
    notifyUrl: `${deps.publicUrl.replace(/\/+$/, '')}/pay/notify/${deps.provider.name}/${scope.tenantId}`,
  });
  await write(async (w) => {
    await w.scope.leaseOrders.updateWhere((o) => and(eq(o.id, order.id), eq(o.merchantOrderNo, merchantOrderNo)), {
      qrContent: qr.content,
    });
    await w.audit({
      entity: 'lease_orders',
      entityId: order.id,
      after: { paymentOffered: { merchantOrderNo, fee: order.fee, expiresAt } },
    });
  });
  return offerOf({ ...order, qrContent: qr.content, qrExpiresAt: expiresAt });
}

export type LeasePaymentOutcome = 'paid' | 'duplicate' | 'refunded' | 'ignored';

/**
 * A payment the provider reports for a lease order's attempt (`write` writes for the
 * order's tenant): pays the order, changes nothing for a repeat, or is refunded.
 */
export async function settleLeasePayment(
  deps: Pick<LeasePaymentDeps, 'provider' | 'now'>,
  write: Write,
  reported: ProviderPayment,
): Promise<LeasePaymentOutcome> {
  if (reported.status !== 'paid') return 'ignored';
  const now = deps.now();
  const orderNo = orderNoOf(reported.merchantOrderNo);
  let reason: string | null = null;
  try {
    const outcome = await write(async (w) => {
      const order = await w.scope.leaseOrders.findOneBy({ orderNo });
      if (!order) throw notFound('Lease order');
      if (order.status === 'paid' && order.tradeNo !== null && order.tradeNo === reported.tradeNo) return 'duplicate';
      if (order.status !== 'pending') throw conflict(`the lease order is ${order.status}`);
      if (order.merchantOrderNo !== reported.merchantOrderNo) throw conflict('the payment is of an earlier QR');
      if (reported.amount !== order.fee) throw conflict(`paid ${reported.amount} fen of ${order.fee}`);
      await confirmLeaseOrder(w, w.scope, null, order.id, now, { tradeNo: reported.tradeNo });
      return 'paid' as const;
    });
    return outcome;
  } catch (error) {
    if (!(error instanceof DomainError) || error.kind === 'not_found') throw error;
    reason = error.message;
  }
  const refundNo = `${reported.merchantOrderNo}-R`;
  await write(async (w) => {
    const order = await w.scope.leaseOrders.findOneBy({ orderNo });
    await w.audit({
      entity: 'lease_orders',
      entityId: order?.id ?? null,
      after: {
        paymentRefunded: { merchantOrderNo: reported.merchantOrderNo, amount: reported.amount, refundNo, reason },
      },
    });
  });
  const refund = await deps.provider.refund({
    merchantOrderNo: reported.merchantOrderNo,
    refundNo,
    amount: reported.amount,
    reason: `Lease order not paid by this payment: ${reason}`,
  });
  if (refund.status === 'failed')
    throw new Error(`the refund ${refundNo} failed: ${refund.message ?? 'no reason given'}`);
  return 'refunded';
}

/**
 * The watch's part for lease orders of the tenant `scope` belongs to: an attempt with no
 * notification after `askBefore` is asked about, and settled when the provider says it
 * was paid. Returns how many it asked about.
 */
export async function watchLeasePayments(
  deps: Pick<LeasePaymentDeps, 'provider' | 'now'>,
  scope: TenantScope,
  write: Write,
  askBefore: Date,
): Promise<number> {
  const waiting = await scope.leaseOrders.find({
    where: (o) => and(eq(o.status, 'pending'), isNotNull(o.merchantOrderNo), lte(o.updatedAt, askBefore)),
    limit: 100,
  });
  for (const order of waiting) {
    const payment = await deps.provider.query(order.merchantOrderNo as string);
    if (payment.status === 'paid') await settleLeasePayment(deps, write, payment);
  }
  return waiting.length;
}
