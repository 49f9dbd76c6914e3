import { eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { until } from '@vmcloud/protocol/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../devices/device-client.test-helpers.js';
import { watchPayments } from '../payments/checkout.js';
import { writerOf } from '../shared/writer.js';
import { createTestApi, DEMO_CODE, failure, tenantIdOf, type Caller, type TestApi } from '../testing.js';
import { settleLeasePayment } from './lease-payment.js';

/** Pays (or not) a sandbox QR on its page, as a phone would. */
async function payOnPage(qr: string, action: 'pay' | 'pay_without_notification') {
  const answer = await fetch(qr, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `action=${action}`,
    redirect: 'manual',
  });
  expect(answer.status).toBe(303);
}

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] paying a lease order online`, () => {
    let api: TestApi;
    let http: Awaited<ReturnType<typeof serve>>;
    let admin: Caller;
    let tenantId: string;
    let shift = 0;
    const now = () => new Date(Date.now() + shift);
    const scope = () => api.db.forTenant(tenantId);
    const order = async (id: string) => {
      const row = await scope().leaseOrders.get(id);
      if (!row) throw new Error(`no lease order ${id}`);
      return row;
    };
    const leaseEnd = async () => (await api.db.platform.tenants.get(tenantId))?.leaseEndsAt;
    const refundsOf = async (merchantOrderNo: string) =>
      api.db.platform.sandboxRefunds.find({ where: (r) => eq(r.refundNo, `${merchantOrderNo}-R`) });

    beforeAll(async () => {
      api = await createTestApi(dialect, { now });
      http = await serve(api);
      admin = await api.signIn(DEMO_CODE, 'admin');
      tenantId = await tenantIdOf(api.db, DEMO_CODE);
    }, 60_000);
    afterAll(async () => {
      await http?.close();
      await api?.close();
    });

    it('pays a renewal through its QR: the lease runs on, audited, and a repeated notification changes nothing', async () => {
      const before = await leaseEnd();
      const renewal = await admin.lease.renew({ months: 3 });
      const offer = await admin.lease.pay({ id: renewal.id });
      expect(offer).toMatchObject({ orderId: renewal.id, status: 'pending', fee: renewal.fee });
      expect(offer.qrContent).toMatch(new RegExp(`^${http.base}/pay/sandbox/SBX`));
      expect(offer.expiresAt?.getTime()).toBeGreaterThan(Date.now() + 29 * 60_000);
      // Asked again while it can be paid: the same QR.
      expect((await admin.lease.pay({ id: renewal.id })).qrContent).toBe(offer.qrContent);

      await payOnPage(offer.qrContent as string, 'pay');
      await until(async () => (await order(renewal.id)).status === 'paid', { timeoutMs: 10_000, intervalMs: 20 });
      const paid = await order(renewal.id);
      expect(paid.tradeNo).toMatch(/^SBX/);
      expect(paid.merchantOrderNo).toBe(`${renewal.orderNo}-1`);
      expect((await leaseEnd())?.getTime()).toBeGreaterThan(before?.getTime() ?? 0);
      const audits = await scope().auditLog.find({ where: (a) => eq(a.action, 'lease.payment') });
      expect(audits.map((a) => a.after)).toContainEqual(
        expect.objectContaining({ status: 'paid', paidOnline: { tradeNo: paid.tradeNo } }),
      );

      // The provider repeats its notification: nothing more happens.
      const endNow = await leaseEnd();
      const write = writerOf(
        { db: api.db, hub: api.services.devices.hub, requestId: null, ip: null },
        tenantId,
        null,
        't',
      );
      const provider = api.services.devices.providers.sandbox;
      if (!provider) throw new Error('no sandbox');
      const repeat = await provider.query(paid.merchantOrderNo as string);
      expect(await settleLeasePayment({ provider, now }, write, repeat)).toBe('duplicate');
      expect(await leaseEnd()).toEqual(endNow);
      expect(await refundsOf(paid.merchantOrderNo as string)).toEqual([]);
      // Paid: nothing left to pay.
      expect((await failure(admin.lease.pay({ id: renewal.id }))).code).toBe('CONFLICT');
    });

    it('refunds a payment for an order cancelled meanwhile, and leaves the lease as it was', async () => {
      const before = await leaseEnd();
      const renewal = await admin.lease.renew({ months: 1 });
      const offer = await admin.lease.pay({ id: renewal.id });
      await admin.lease.cancel({ id: renewal.id });
      await payOnPage(offer.qrContent as string, 'pay');
      const merchantOrderNo = `${renewal.orderNo}-1`;
      await until(async () => (await refundsOf(merchantOrderNo)).length === 1, { timeoutMs: 10_000, intervalMs: 20 });
      expect((await refundsOf(merchantOrderNo))[0]).toMatchObject({ amount: renewal.fee });
      expect((await order(renewal.id)).status).toBe('cancelled');
      expect(await leaseEnd()).toEqual(before);
    });

    it('a lost notification is recovered by the payments watch; an expired QR is closed and a new one made', async () => {
      const renewal = await admin.lease.renew({ months: 1 });
      const first = await admin.lease.pay({ id: renewal.id });
      // The QR expires unpaid: asked again, the old one is closed and attempt 2 offered.
      shift = 31 * 60_000;
      try {
        const second = await admin.lease.pay({ id: renewal.id });
        expect(second.qrContent).not.toBe(first.qrContent);
        expect((await order(renewal.id)).merchantOrderNo).toBe(`${renewal.orderNo}-2`);
        const closed = await api.services.devices.providers.sandbox?.query(`${renewal.orderNo}-1`);
        expect(closed?.status).toBe('closed');

        await payOnPage(second.qrContent as string, 'pay_without_notification');
        expect((await order(renewal.id)).status).toBe('pending');
        shift += (api.services.devices.settings.paymentQueryAfterSeconds + 1) * 1000;
        expect(await watchPayments({ ...api.services.devices, db: api.db, now })).toMatchObject({ leaseOrders: 1 });
      } finally {
        shift = 0;
      }
      expect((await order(renewal.id)).status).toBe('paid');
    });

    it('refuses to offer a QR for an order that is not pending, or of another tenant', async () => {
      const manufacturer = await api.signIn('000001', 'admin');
      const renewal = await admin.lease.renew({ months: 1 });
      expect((await failure(manufacturer.lease.pay({ id: renewal.id }))).code).toBe('FORBIDDEN');
      await admin.lease.cancel({ id: renewal.id });
      expect((await failure(admin.lease.pay({ id: renewal.id }))).message).toBe(
        'The lease order is cancelled, not pending',
      );
    });
  });
}
