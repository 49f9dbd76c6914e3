import { eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, failure, tenantIdOf, type TestApi } from '../testing.js';
import { P } from '../access/catalog.js';
import { quoteLease } from './fee.js';
import { remainingMonths } from './lease-change.js';

const NOW = Date.UTC(2026, 10, 22, 12);
const DAY = 86_400_000;

describe('remainingMonths', () => {
  it('counts the rest of a lease in whole months, a started month in full', () => {
    const now = new Date(NOW);
    expect(remainingMonths(now, new Date(NOW + DAY))).toBe(1);
    expect(remainingMonths(now, new Date(Date.UTC(2026, 11, 22, 12)))).toBe(1);
    expect(remainingMonths(now, new Date(Date.UTC(2026, 11, 22, 13)))).toBe(2);
    expect(remainingMonths(now, new Date(NOW + 40 * DAY))).toBe(2);
    expect(remainingMonths(now, new Date(Date.UTC(2027, 10, 22, 12)))).toBe(12);
  });
});

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] changing the terms of a lease`, () => {
    let api: TestApi;
    let tenantId: string;
    const leaseEnd = new Date(NOW + 40 * DAY);

    beforeAll(async () => {
      api = await createTestApi(dialect, { now: () => new Date(NOW) });
      ({ tenantId } = await api.createOperator({
        code: '300001',
        name: 'Change_Vending',
        modules: ['user', 'product', 'order'],
      }));
      await api.db.platform.tenants.update(tenantId, { leaseEndsAt: leaseEnd });
    });
    afterAll(async () => {
      await api?.close();
    });

    /** What the fee function charges for `modules` and `machines` over `months`. */
    async function feeOf(modules: string[], machines: number, months: number): Promise<number> {
      const offer = await api.anonymous().platform.offer();
      const rents = modules.map((code) => offer.modules.find((m) => m.code === code)?.monthlyRent ?? NaN);
      return quoteLease({
        months,
        machines,
        moduleRents: rents,
        machineMonthlyRent: offer.machineMonthlyRent,
        tiers: offer.discountTiers,
      }).fee;
    }

    const auditOf = (tenant: string, action: string) =>
      api.db.forTenant(tenant).auditLog.find({ where: (a) => eq(a.action, action) });

    it('quotes the difference of the fee function over the rest of the lease, in whole months', async () => {
      const admin = await api.signIn('300001', 'operator_admin');
      const quote = await admin.lease.quoteChange({ modules: ['user', 'product', 'order', 'finance'], machines: 20 });
      // 40 days left: 2 months, the second one started.
      expect(quote.months).toBe(2);
      expect(quote.periodEnd).toBe(leaseEnd.toISOString());
      const current = await feeOf(['user', 'product', 'order'], 10, 2);
      const changed = await feeOf(['user', 'product', 'order', 'finance'], 20, 2);
      expect(quote.current.fee).toBe(current);
      expect(quote.changed.fee).toBe(changed);
      expect(quote.difference).toBe(changed - current);
      expect(quote.fee).toBe(changed - current);
      expect(quote.fee).toBeGreaterThan(0);
    });

    it('orders a change pending until confirmed, which replaces modules and quota and keeps the end', async () => {
      const admin = await api.signIn('300001', 'operator_admin');
      const products = await admin.products.list({});
      expect(products.total).toBeGreaterThanOrEqual(0);
      const quote = await admin.lease.quoteChange({ modules: ['user', 'order', 'finance'], machines: 20 });
      const order = await admin.lease.change({ modules: ['user', 'order', 'finance'], machines: 20 });
      expect(order).toMatchObject({
        kind: 'change',
        status: 'pending',
        machines: 20,
        moduleCodes: ['user', 'order', 'finance'],
        months: 2,
        fee: quote.fee,
        periodEnd: leaseEnd.toISOString(),
      });

      // Nothing changes until it is paid or confirmed; one pending order at a time.
      const status = await admin.lease.status();
      expect(status.machineQuota).toBe(10);
      expect(status.modules.map((m) => m.code).sort()).toEqual(['order', 'product', 'user']);
      expect(status.orders[0]).toMatchObject({ id: order.id, kind: 'change', status: 'pending' });
      expect((await failure(admin.lease.change({ modules: ['user'], machines: 10 }))).code).toBe('CONFLICT');
      expect((await failure(admin.lease.renew({ months: 1 }))).code).toBe('CONFLICT');
      const pending = await auditOf(tenantId, 'lease.change');
      expect(pending).toHaveLength(1);
      expect(pending[0]?.before).toMatchObject({ machineQuota: 10 });
      expect(pending[0]?.after).toMatchObject({ kind: 'change', machines: 20, fee: quote.fee, status: 'pending' });

      const maker = await api.signIn('000001', 'maker');
      const listed = await maker.factory.leaseOrders.list({ tenantId });
      expect(listed.items[0]).toMatchObject({ id: order.id, kind: 'change' });
      const paid = await maker.factory.leaseOrders.confirm({ tenantId, id: order.id });
      expect(paid).toMatchObject({ kind: 'change', status: 'paid', periodEnd: leaseEnd.toISOString() });

      const tenant = await api.db.platform.tenants.get(tenantId);
      expect(tenant?.machineQuota).toBe(20);
      expect(tenant?.leaseEndsAt?.toISOString()).toBe(leaseEnd.toISOString());
      const after = await admin.lease.status();
      expect(after.modules.map((m) => m.code).sort()).toEqual(['finance', 'order', 'user']);
      expect(after.orders[0]).toMatchObject({ id: order.id, kind: 'change', status: 'paid' });

      // The module given up takes its permissions with it at the next call.
      const me = await admin.auth.me();
      expect(me.modules).not.toContain('product');
      expect(me.modules).toContain('finance');
      expect((await failure(admin.products.list({}))).code).toBe('FORBIDDEN');
      expect(me.permissions).toContain(P.finance);
      expect(me.permissions).not.toContain(P.product);

      const makerId = await tenantIdOf(api.db, '000001');
      const confirmed = (await auditOf(makerId, 'factory.leaseOrders.confirm')).filter((a) => a.entityId === order.id);
      expect(confirmed).toHaveLength(1);
      expect(confirmed[0]?.before).toMatchObject({ status: 'pending', machineQuota: 10 });
      expect(confirmed[0]?.after).toMatchObject({ status: 'paid', kind: 'change', machineQuota: 20 });
      expect((confirmed[0]?.after as { modules: string[] }).modules.sort()).toEqual(['finance', 'order', 'user']);
    });

    it('charges nothing for a cheaper change and refunds nothing', async () => {
      const admin = await api.signIn('300001', 'operator_admin');
      const quote = await admin.lease.quoteChange({ modules: ['user'], machines: 10 });
      expect(quote.difference).toBeLessThan(0);
      expect(quote.fee).toBe(0);
      const order = await admin.lease.change({ modules: ['user'], machines: 10 });
      expect(order).toMatchObject({ kind: 'change', status: 'pending', fee: 0 });
      const maker = await api.signIn('000001', 'maker');
      await maker.factory.leaseOrders.confirm({ tenantId, id: order.id });
      const status = await admin.lease.status();
      expect(status.modules.map((m) => m.code)).toEqual(['user']);
      expect(status.machineQuota).toBe(10);
      expect(status.leaseEndsAt).toBe(leaseEnd.toISOString());
    });

    it('cancels a pending change, which then changes nothing', async () => {
      const admin = await api.signIn('300001', 'operator_admin');
      const order = await admin.lease.change({ modules: ['user', 'machine'], machines: 12 });
      const cancelled = await admin.lease.cancel({ id: order.id });
      expect(cancelled).toMatchObject({ kind: 'change', status: 'cancelled' });
      const status = await admin.lease.status();
      expect(status.modules.map((m) => m.code)).toEqual(['user']);
      expect(status.machineQuota).toBe(10);
      const audit = await auditOf(tenantId, 'lease.cancel');
      expect(audit.at(-1)?.after).toMatchObject({ status: 'cancelled', kind: 'change' });
      const maker = await api.signIn('000001', 'maker');
      expect((await failure(maker.factory.leaseOrders.confirm({ tenantId, id: order.id }))).code).toBe('CONFLICT');
    });

    it('refuses terms equal to the current ones, unknown modules and a count out of bounds, naming the field', async () => {
      const admin = await api.signIn('300001', 'operator_admin');
      const same = await failure(admin.lease.change({ modules: ['user'], machines: 10 }));
      expect(same.code).toBe('BAD_REQUEST');
      expect(same.message).toMatch(/^modules: /);
      expect((await failure(admin.lease.quoteChange({ modules: [], machines: 10 }))).message).toBe(
        'modules: choose at least one module',
      );
      expect((await failure(admin.lease.quoteChange({ modules: ['nope'], machines: 10 }))).message).toMatch(
        /^modules\.0: /,
      );
      expect((await failure(admin.lease.quoteChange({ modules: ['user'], machines: 0 }))).message).toMatch(
        /^machines: /,
      );
      expect((await failure(admin.lease.quoteChange({ modules: ['user'], machines: 1.5 }))).message).toMatch(
        /^machines: /,
      );
      expect((await failure(admin.lease.quoteChange({ modules: ['user'], machines: 100_001 }))).message).toMatch(
        /^machines: /,
      );
    });

    it('refuses a machine count below the machines the tenant holds', async () => {
      const admin = await api.signIn(DEMO_CODE, 'admin');
      const status = await admin.lease.status();
      expect(status.machinesHeld).toBe(3);
      const modules = status.modules.map((m) => m.code);
      for (const call of [
        () => admin.lease.quoteChange({ modules, machines: 2 }),
        () => admin.lease.change({ modules, machines: 2 }),
      ]) {
        const error = await failure(call());
        expect(error.code).toBe('BAD_REQUEST');
        expect(error.message).toBe('machines: must not be below the 3 machines the tenant holds');
      }
      const ok = await admin.lease.quoteChange({ modules, machines: 3 });
      expect(ok.machinesHeld).toBe(3);
    });

    it('refuses a change of an ended lease (renew first) and to users without the permission', async () => {
      const { tenantId: lapsed } = await api.createOperator({ code: '300002', name: 'Lapsed_Change' });
      await api.db.platform.tenants.update(lapsed, { leaseEndsAt: new Date(NOW - DAY) });
      const admin = await api.signIn('300002', 'operator_admin');
      for (const call of [
        () => admin.lease.quoteChange({ modules: ['user'], machines: 10 }),
        () => admin.lease.change({ modules: ['user'], machines: 10 }),
      ]) {
        const error = await failure(call());
        expect(error.code).toBe('PRECONDITION_FAILED');
        expect(error.message).toMatch(/renew it first/);
      }
      expect(await api.db.forTenant(lapsed).leaseOrders.count()).toBe(0);
      const staff = await api.signIn(DEMO_CODE, 'staff1');
      expect((await failure(staff.lease.change({ modules: ['user'], machines: 10 }))).code).toBe('FORBIDDEN');
    });

    it('refuses to confirm a change below the machines the tenant has come to hold since it was ordered', async () => {
      const admin = await api.signIn('300001', 'operator_admin');
      const order = await admin.lease.change({ modules: ['user'], machines: 1 });
      const demoId = await tenantIdOf(api.db, DEMO_CODE);
      const [model] = await api.db.forTenant(demoId).machines.find({ limit: 1 });
      if (!model) throw new Error('the demo has no machine');
      const scope = api.db.forTenant(tenantId);
      for (const boardId of ['CHG000001', 'CHG000002']) {
        await scope.machines.insert({
          boardId,
          typeId: model.typeId,
          manufacturerId: model.manufacturerId,
          status: 'active',
        });
      }
      const maker = await api.signIn('000001', 'maker');
      const error = await failure(maker.factory.leaseOrders.confirm({ tenantId, id: order.id }));
      expect(error.code).toBe('CONFLICT');
      expect(error.message).toMatch(/holds 2 machines, more than the 1/);
      expect((await api.db.platform.tenants.get(tenantId))?.machineQuota).toBe(10);
      expect((await scope.leaseOrders.get(order.id))?.status).toBe('pending');
      await admin.lease.cancel({ id: order.id });
    });
  });
}
