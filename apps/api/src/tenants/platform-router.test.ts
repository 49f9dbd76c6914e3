import { eq, like, sealedAt } from '@vmcloud/db';
import { REGISTRATIONS } from '../auth/throttle.js';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../seed/index.js';
import { createTestApi, DEMO_CODE, tenantIdOf, type TestApi, failure } from '../testing.js';
import { P } from '../access/catalog.js';

const NOW = Date.UTC(2026, 10, 22, 12);

const valid = {
  name: 'Acme_Vending',
  code: '200001',
  password: 'Secret_2026',
  modules: ['user', 'machine', 'order'],
  machines: 10,
  months: 12 as const,
};

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] platform`, () => {
    let api: TestApi;
    const clock = NOW;

    beforeAll(async () => {
      api = await createTestApi(dialect, { now: () => new Date(clock) });
    });
    afterAll(async () => {
      await api?.close();
    });

    it('offers the enabled modules, the machine rent, the discount tiers and the periods', async () => {
      const offer = await api.anonymous().platform.offer();
      expect(offer.modules).toHaveLength(22);
      expect(offer.modules[0]).toEqual({ code: 'user', name: '用户管理', description: null, monthlyRent: 3000 });
      expect(offer.machineMonthlyRent).toBe(5000);
      expect(offer.discountTiers).toEqual([
        { minMachines: 10, discountBasisPoints: 500 },
        { minMachines: 50, discountBasisPoints: 1000 },
        { minMachines: 100, discountBasisPoints: 1500 },
      ]);
      expect(offer.months).toEqual([1, 3, 6, 12, 24, 36]);
    });

    it('quotes a lease: months x (modules + machines x machine rent) x (1 - volume discount), in fen', async () => {
      const quote = await api.anonymous().platform.quote({ modules: valid.modules, machines: 10, months: 12 });
      // user 3000 + machine 8000 + order 6000 = 17000; 10 machines x 5000 = 50000;
      // 12 x 67000 = 804000; 10 machines reach the 5 % tier: 804000 x 0.95 = 763800.
      expect(quote).toMatchObject({
        months: 12,
        machines: 10,
        moduleMonthlyRent: 17_000,
        machineMonthlyRent: 5000,
        discountBasisPoints: 500,
        gross: 804_000,
        fee: 763_800,
      });
      const small = await api.anonymous().platform.quote({ modules: ['user'], machines: 9, months: 1 });
      expect(small.fee).toBe(3000 + 9 * 5000);
      expect(small.discountBasisPoints).toBe(0);
    });

    it('refuses each invalid class with BAD_REQUEST naming the field, and creates nothing', async () => {
      const tenantsBefore = await api.db.platform.tenants.count();
      const cases: [Record<string, unknown>, string][] = [
        [{ name: '' }, 'name: is required'],
        [{ name: 'Acme-Vending' }, 'name: may contain only Chinese characters, Latin letters and underscores'],
        [{ name: 'Acme$' }, 'name: may contain only Chinese characters, Latin letters and underscores'],
        [{ name: 'Acme2' }, 'name: may contain only Chinese characters, Latin letters and underscores'],
        [{ name: 'A'.repeat(26) }, 'name: must be at most 25 characters'],
        // eslint-disable-next-line no-restricted-syntax -- a five-digit tenant code, not a permission code
        [{ code: '12345' }, 'code: must be exactly 6 digits'],
        [{ code: '1234567' }, 'code: must be exactly 6 digits'],
        [{ code: '12a456' }, 'code: must be exactly 6 digits'],
        [{ password: 'short_1' }, 'password: must be 8-25 letters, digits or underscores'],
        [{ password: 'has space 123' }, 'password: must be 8-25 letters, digits or underscores'],
        [{ modules: [] }, 'modules: choose at least one module'],
        [{ modules: ['user', 'user'] }, 'modules: lists a module twice'],
        [{ machines: 0 }, 'machines: must be at least 1'],
        [{ machines: 1.5 }, 'machines: must be a whole number of machines'],
        [{ months: undefined }, 'months: choose a lease period'],
        [{ months: 2 }, 'months: must be one of 1, 3, 6, 12, 24, 36 months'],
        [{ name: 'Demo_Vending' }, 'name: is taken'],
        [{ name: 'demo_VENDING' }, 'name: is taken'],
        [{ code: DEMO_CODE }, 'code: is taken'],
        [{ timeZone: 'Mars/Olympus' }, 'timeZone: must be an IANA time zone such as Asia/Shanghai'],
      ];
      for (const [change, message] of cases) {
        const error = await failure(api.anonymous().platform.register({ ...valid, ...change } as typeof valid));
        expect(error.code, JSON.stringify(change)).toBe('BAD_REQUEST');
        expect(error.message.startsWith(message), `${JSON.stringify(change)}: ${error.message}`).toBe(true);
      }
      expect(await api.db.platform.tenants.count()).toBe(tenantsBefore);
    });

    it('accepts 25 Chinese characters, Latin letters and underscores as a name', async () => {
      const result = await api.anonymous().platform.register({
        ...valid,
        name: '华'.repeat(20) + 'Ab_c_',
        code: '200009',
        modules: ['user'],
        machines: 1,
        months: 1,
      });
      expect(result.tenant.name).toHaveLength(25);
      expect(result.tenant.timeZone).toBe('Asia/Shanghai');
      expect(result.order.fee).toBe(3000 + 5000);
    });

    it('registers: tenant, admin, roles and modules; the admin signs in and holds exactly the rented modules', async () => {
      const result = await api
        .anonymous({ ip: '10.1.2.3' })
        .platform.register({ ...valid, contactName: '李经理', contactPhone: '13900139000' });
      expect(result.tenant).toMatchObject({
        code: '200001',
        name: 'Acme_Vending',
        machineQuota: 10,
        // Nothing runs before the fee is paid.
        leaseStartsAt: null,
        leaseEndsAt: null,
      });
      expect(result.adminUsername).toBe('admin');
      expect(result.tenant.timeZone).toBe('Asia/Shanghai');
      expect(result.order).toMatchObject({
        fee: 763_800,
        status: 'pending',
        paidAt: null,
        trial: false,
        months: 12,
        machines: 10,
      });

      const tenantId = await tenantIdOf(api.db, '200001');
      const tenant = await api.db.platform.tenants.get(tenantId);
      expect(tenant?.contactPhone).not.toContain('13900139000');
      expect(
        await api.keyring.decrypt(tenant?.contactPhone ?? '', sealedAt('tenants', 'contactPhone', { id: tenantId })),
      ).toBe('13900139000');
      const scope = api.db.forTenant(tenantId);
      expect((await scope.roles.find()).map((r) => r.key).sort()).toEqual(
        ['operator_admin', 'group_admin', 'field_staff', 'inventory_admin', 'finance_admin'].sort(),
      );
      expect(await scope.users.count()).toBe(1);
      const orders = await scope.leaseOrders.find();
      expect(orders).toHaveLength(1);
      expect(orders[0]?.moduleCodes).toEqual(['user', 'machine', 'order']);

      const audit = await scope.auditLog.find({ where: (a) => eq(a.action, 'platform.register') });
      expect(audit).toHaveLength(1);
      expect(audit[0]?.ip).toBe('10.1.2.3');
      expect(audit[0]?.after).toMatchObject({ code: '200001', fee: 763_800 });
      expect(JSON.stringify(audit[0])).not.toContain('Secret_2026');

      const admin = await api.signIn('200001', 'admin', 'Secret_2026');
      // Until the order is paid or confirmed the tenant can only see, pay or cancel its lease.
      expect((await admin.auth.me()).restricted).toBe('expired');
      expect((await failure(admin.machines.list({}))).code).toBe('FORBIDDEN');
      expect((await admin.lease.status()).orders).toMatchObject([{ status: 'pending' }]);
      const maker = await api.signIn('000001', 'maker');
      const confirmed = await maker.factory.leaseOrders.confirm({ tenantId, id: orders[0]?.id ?? '' });
      expect(confirmed).toMatchObject({
        status: 'paid',
        periodEnd: new Date(Date.UTC(2027, 10, 22, 12)).toISOString(),
      });
      expect((await api.db.platform.tenants.get(tenantId))?.leaseEndsAt?.toISOString()).toBe(confirmed.periodEnd);
      const confirmations = await api.db
        .forTenant(await tenantIdOf(api.db, '000001'))
        .auditLog.find({ where: (a) => eq(a.action, 'factory.leaseOrders.confirm') });
      expect(confirmations).toHaveLength(1);
      expect(confirmations[0]?.after).toMatchObject({ status: 'paid', fee: 763_800 });
      expect((await failure(maker.factory.leaseOrders.confirm({ tenantId, id: orders[0]?.id ?? '' }))).code).toBe(
        'CONFLICT',
      );
      const me = await admin.auth.me();
      expect(me.tenant.name).toBe('Acme_Vending');
      expect(me.restricted).toBeNull();
      expect(me.modules).toEqual(['machine', 'order', 'user']);
      // user: 00101, 00127; machine: 00104, 00125, 00126; order: 00109, 00124; renewing and the audit log, whatever is rented: 00128, 00129.
      expect(me.permissions).toEqual([
        P.user,
        P.machine,
        P.order,
        P.giftCodes,
        P.ads,
        P.alarms,
        P.customFields,
        P.renewLease,
        P.auditLog,
      ]);
    });

    it('keeps the time zone a tenant registers with, where its business days are cut', async () => {
      const result = await api
        .anonymous()
        .platform.register({ ...valid, name: 'Gotham_Vending', code: '200010', timeZone: 'America/New_York' });
      expect(result.tenant.timeZone).toBe('America/New_York');
      const admin = await api.signIn('200010', 'admin', valid.password);
      expect((await admin.auth.me()).tenant.timeZone).toBe('America/New_York');
    });

    it('throttles registrations per source address, a burst and refused ones (a taken code) included', async () => {
      const from = api.anonymous({ ip: '10.9.0.1' });
      const burst = await Promise.allSettled(
        Array.from({ length: 20 }, (_, i) =>
          from.platform.register({
            ...valid,
            name: `Burst_${'abcdefghijklmnopqrst'[i]}`,
            code: String(300_000 + i),
            trial: false,
          }),
        ),
      );
      const opened = burst.filter((r) => r.status === 'fulfilled');
      expect(opened).toHaveLength(REGISTRATIONS.limit);
      for (const r of burst) {
        if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('TOO_MANY_REQUESTS');
      }
      // Asking whether a code is taken counts too, and stays refused for this address.
      const probe = await failure(from.platform.register({ ...valid, name: 'Probe_Vending', code: '300000' }));
      expect(probe.code).toBe('TOO_MANY_REQUESTS');
      expect(probe.message).toMatch(/^Too many registrations from this address; try again in \d+ min$/);
      expect(await api.db.platform.tenants.count((t) => like(t.code, '3%'))).toBe(REGISTRATIONS.limit);
      // Another address is not held back.
      const other = await failure(
        api.anonymous({ ip: '10.9.0.2' }).platform.register({ ...valid, name: 'Other_Vending', code: '300000' }),
      );
      expect(other.message).toBe('code: is taken');
    });

    it('registers the one-time free trial: fee 0, one month, the modules and machines chosen', async () => {
      const result = await api.anonymous().platform.register({
        name: 'Trial_Vending',
        code: '200002',
        adminUsername: 'boss',
        password: 'Secret_2026',
        modules: ['machine', 'channel'],
        machines: 3,
        trial: true,
      });
      expect(result.order).toMatchObject({ fee: 0, trial: true, months: 1, machines: 3, status: 'paid' });
      expect(result.tenant.leaseEndsAt).toBe(new Date(Date.UTC(2026, 11, 22, 12)).toISOString());
      const tenant = await api.db.platform.tenants.get(await tenantIdOf(api.db, '200002'));
      expect(tenant?.trialUsed).toBe(true);
      const me = await (await api.signIn('200002', 'boss', 'Secret_2026')).auth.me();
      expect(me.modules).toEqual(['channel', 'machine']);
    });

    it('lets the admin of an expired tenant renew, and then use the rest of the platform', async () => {
      const { tenantId } = await api.createOperator({ code: '200003', name: 'Lapsed_Vending' });
      await api.db.platform.tenants.update(tenantId, { leaseEndsAt: new Date(NOW - 86_400_000) });
      const admin = await api.signIn('200003', 'operator_admin');
      expect((await admin.auth.me()).restricted).toBe('expired');
      const refused = await failure(
        admin.auth.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: 'Renewed_2026' }),
      );
      expect(refused.code).toBe('FORBIDDEN');

      const status = await admin.lease.status();
      expect(status.restricted).toBe('expired');
      const quote = await admin.lease.quote({ months: 3 });
      // All 22 modules 73500 + 10 machines x 5000 = 123500 a month; x 3 = 370500; 5 % off = 351975.
      expect(quote.fee).toBe(351_975);
      expect(quote.periodStart).toBe(new Date(NOW).toISOString());

      const order = await admin.lease.renew({ months: 3 });
      expect(order).toMatchObject({ fee: 351_975, months: 3, machines: 10, status: 'pending', trial: false });
      // A renewal buys nothing until it is paid or confirmed; one pending order at a time, which may be cancelled.
      expect((await api.db.platform.tenants.get(tenantId))?.leaseEndsAt?.getTime()).toBe(NOW - 86_400_000);
      expect((await admin.auth.me()).restricted).toBe('expired');
      expect((await failure(admin.lease.renew({ months: 1 }))).code).toBe('CONFLICT');
      await admin.lease.cancel({ id: order.id });
      const again = await admin.lease.renew({ months: 3 });
      const maker = await api.signIn('000001', 'maker');
      const paid = await maker.factory.leaseOrders.confirm({ tenantId, id: again.id });
      expect(paid.periodEnd).toBe(new Date(Date.UTC(2027, 1, 22, 12)).toISOString());
      const tenant = await api.db.platform.tenants.get(tenantId);
      expect(tenant?.leaseEndsAt?.toISOString()).toBe(paid.periodEnd);
      const audit = await api.db.forTenant(tenantId).auditLog.find({ where: (a) => eq(a.action, 'lease.renew') });
      expect(audit).toHaveLength(2);
      expect(audit[0]?.after).toMatchObject({ fee: 351_975, status: 'pending' });

      expect((await admin.auth.me()).restricted).toBeNull();
      await admin.auth.changePassword({ currentPassword: DEMO_PASSWORD, newPassword: 'Renewed_2026' });
    });

    it('renews a running lease from its end, and refuses renewal to users without the permission', async () => {
      const tenantId = await tenantIdOf(api.db, DEMO_CODE);
      const before = await api.db.platform.tenants.get(tenantId);
      const admin = await api.signIn(DEMO_CODE, 'admin');
      const order = await admin.lease.renew({ months: 1 });
      expect(order.periodStart).toBe(before?.leaseEndsAt?.toISOString());
      const staff = await api.signIn(DEMO_CODE, 'staff1');
      expect((await failure(staff.lease.renew({ months: 1 }))).code).toBe('FORBIDDEN');
      const maker = await api.signIn('000001', 'maker');
      expect((await failure(maker.lease.renew({ months: 1 }))).code).toBe('FORBIDDEN');
    });
  });
}
