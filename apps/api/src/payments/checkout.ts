/**
 * Taking money for a sale and giving it back, with the provider outside the database's
 * transactions: each step is recorded in its own short transaction (sales/lifecycle.ts),
 * and the provider is called between them with the same merchant order number or refund
 * number, so a step retried after a crash or a lost answer repeats nothing.
 *
 * While a customer waits, a notification may be lost: the watch asks the provider about
 * a payment when none came in `paymentQueryAfterSeconds`, and at the QR's expiry asks once
 * more and then closes it, so that a lost notification neither loses a sale nor keeps
 * the money without a product.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { and, asc, eq, lte, type Database } from '@vmcloud/db';
import type { DeviceOrder } from '@vmcloud/protocol/device';
import { tenantCalendar } from '../shared/business-day.js';
import { notFound, refused } from '../shared/errors.js';
import { writerOf, type Write } from '../shared/writer.js';
import type { DeviceSettings } from '../devices/services.js';
import {
  attachQr,
  confirmPayment,
  deviceOrder,
  expireOrder,
  openQrOrder,
  settleRefund,
  type Refund,
} from '../sales/lifecycle.js';
import type { PaymentProvider, PaymentProviders, ProviderName, ProviderPayment } from './provider.js';
import { isLeasePayment, settleLeasePayment, watchLeasePayments } from '../tenants/lease-payment.js';

export interface CheckoutDeps {
  db: Database;
  providers: PaymentProviders;
  hub: { notify(machineIds: Iterable<string>): void };
  settings: DeviceSettings;
  now: () => Date;
}

/** The QR provider sales use: the sandbox until a real provider's adapter is configured. */
export const QR_PROVIDER: ProviderName = 'sandbox';

function providerOf(deps: CheckoutDeps, name: ProviderName): PaymentProvider {
  const provider = deps.providers[name];
  if (!provider) throw refused('provider', `${name} is not configured on this platform`);
  return provider;
}

const systemWrite = (deps: CheckoutDeps, tenantId: string, action: string, requestId: string | null = null): Write =>
  writerOf({ db: deps.db, hub: deps.hub, requestId, ip: null }, tenantId, null, action);

/**
 * A QR sale: the order and its pending payment, then the provider's QR for it. Called again
 * with the same sale id (the terminal retrying), it answers the same order and QR.
 */
export async function startQrSale(
  deps: CheckoutDeps,
  write: Write,
  tenantId: string,
  machineId: string,
  input: { saleId: string; channel: number },
): Promise<DeviceOrder> {
  const now = deps.now();
  const calendar = await tenantCalendar(deps.db.platform, tenantId);
  const provider = providerOf(deps, QR_PROVIDER);
  const expiresAt = new Date(now.getTime() + deps.settings.qrExpirySeconds * 1000);
  const { order, payment } = await write((w) =>
    openQrOrder(w, machineId, input, provider.name, expiresAt, now, calendar),
  );
  if (payment.qrContent || order.status !== 'created') return deviceOrder(order, { qr: payment });
  const qr = await provider.createQr({
    merchantOrderNo: order.orderNo,
    amount: payment.amount,
    subject: `VMCloud ${order.orderNo}`,
    expiresAt: payment.expiresAt ?? expiresAt,
    notifyUrl: `${deps.settings.publicUrl.replace(/\/+$/, '')}/pay/notify/${provider.name}/${tenantId}`,
  });
  const withQr = await write((w) => attachQr(w, payment, qr));
  return deviceOrder(order, { qr: withQr });
}

/** Sends a refund to the provider and records its answer; a refund the provider has not settled stays pending for the watch. */
export async function sendRefund(deps: CheckoutDeps, tenantId: string, refund: Refund): Promise<void> {
  const scope = deps.db.forTenant(tenantId);
  const order = await scope.orders.get(refund.orderId);
  if (!order) return;
  const provider = providerOf(deps, order.provider ?? QR_PROVIDER);
  const result = await provider.refund({
    merchantOrderNo: order.orderNo,
    refundNo: refund.refundNo,
    amount: refund.amount,
    reason: refund.reason,
  });
  await systemWrite(deps, tenantId, 'payments.refund')((w) => settleRefund(w, refund.id, result, deps.now()));
}

/**
 * A provider's notification: verified, then recorded (a payment in time pays the order
 * and tells the machine; a late one is refunded). Answers what the provider expects; a
 * forged or malformed one is refused and changes nothing.
 */
export async function receiveNotification(
  deps: CheckoutDeps,
  providerName: string,
  tenantId: string,
  headers: IncomingHttpHeaders,
  body: string,
): Promise<{ status: number; contentType: string; body: string }> {
  const provider = deps.providers[providerName as ProviderName];
  if (!provider) throw notFound('Payment provider');
  const notice = provider.verifyNotification(headers, body);
  if (!(await deps.db.platform.tenants.get(tenantId))) throw notFound('Tenant');
  if (isLeasePayment(notice.merchantOrderNo)) {
    await settleLeasePayment({ provider, now: deps.now }, systemWrite(deps, tenantId, 'lease.payment'), notice);
  } else {
    await settlePayment(deps, tenantId, notice, 'payments.notify');
  }
  return provider.acknowledgement;
}

async function settlePayment(
  deps: CheckoutDeps,
  tenantId: string,
  reported: ProviderPayment & { raw?: Record<string, unknown> },
  action: string,
): Promise<void> {
  const calendar = await tenantCalendar(deps.db.platform, tenantId);
  const result = await systemWrite(deps, tenantId, action)((w) => confirmPayment(w, reported, deps.now(), calendar));
  if (result.outcome === 'late') await sendRefund(deps, tenantId, result.refund);
}

/**
 * The payments watch, run often by a job: asks the provider about QR payments that have
 * waited `paymentQueryAfterSeconds` without a notification, closes those past their
 * expiry (recording a payment the provider had taken after all), and sends again the
 * refunds a provider has not settled; and asks about lease orders' payments the same way
 * (tenants/lease-payment.ts).
 */
export async function watchPayments(deps: CheckoutDeps) {
  const now = deps.now();
  const askBefore = new Date(now.getTime() - deps.settings.paymentQueryAfterSeconds * 1000);
  let asked = 0;
  let expired = 0;
  let paid = 0;
  let refunds = 0;
  let leaseOrders = 0;
  const leaseProvider = deps.providers[QR_PROVIDER];
  for (const tenant of await deps.db.platform.tenants.find()) {
    const scope = deps.db.forTenant(tenant.id);
    if (leaseProvider) {
      leaseOrders += await watchLeasePayments(
        { provider: leaseProvider, now: deps.now },
        scope,
        systemWrite(deps, tenant.id, 'lease.payment'),
        askBefore,
      );
    }
    const waiting = await scope.payments.find({
      where: (p) => and(eq(p.status, 'pending'), lte(p.createdAt, askBefore)),
      orderBy: (p) => [asc(p.createdAt)],
      limit: 200,
    });
    for (const payment of waiting) {
      const provider = deps.providers[payment.provider];
      const order = await scope.orders.get(payment.orderId);
      if (!provider || !order) continue;
      asked++;
      const due = payment.expiresAt !== null && payment.expiresAt.getTime() <= now.getTime();
      let state = await provider.query(order.orderNo);
      if (state.status !== 'paid' && due) state = await provider.close(order.orderNo);
      if (state.status === 'paid') {
        await settlePayment(deps, tenant.id, state, 'payments.query');
        paid++;
      } else if (due || state.status === 'declined' || state.status === 'closed') {
        await systemWrite(deps, tenant.id, 'payments.expire')((w) => expireOrder(w, order, payment, deps.now()));
        expired++;
      }
    }
    const stuck = await scope.refunds.find({
      where: (r) => and(eq(r.status, 'pending'), lte(r.createdAt, askBefore)),
      limit: 100,
    });
    for (const refund of stuck) {
      await sendRefund(deps, tenant.id, refund);
      refunds++;
    }
  }
  return { asked, paid, expired, refunds, leaseOrders };
}
