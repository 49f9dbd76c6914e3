import { randomUUID } from 'node:crypto';
import { eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addMonths } from './terms.js';
import {
  createTestApi,
  DEMO_CODE,
  MANUFACTURER_CODE,
  tenantIdOf,
  type Caller,
  type TestApi,
  failure,
} from '../testing.js';
import { P } from '../access/catalog.js';

const NOW = Date.UTC(2026, 10, 22, 12);

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] tenants`, () => {
    let api: TestApi;
    let maker: Caller;
    let manufacturerId: string;
    let demoId: string;

    beforeAll(async () => {
      api = await createTestApi(dialect, { now: () => new Date(NOW) });
      maker = await api.signIn(MANUFACTURER_CODE, 'maker');
      manufacturerId = await tenantIdOf(api.db, MANUFACTURER_CODE);
      demoId = await tenantIdOf(api.db, DEMO_CODE);
    });
    afterAll(async () => {
      await api?.close();
    });

    const audits = (action: string) =>
      api.db.forTenant(manufacturerId).auditLog.find({ where: (a) => eq(a.action, action) });

    it('lists the operator tenants with their lease and machines, filtered and paged', async () => {
      await api.createOperator({ code: '200001', name: 'Beta_Vending' });
      await api.createOperator({ code: '200002', name: 'Gamma_Snacks' });
      const all = await maker.tenants.list({});
      expect(all.total).toBe(3);
      expect(all.items.map((t) => t.code)).toEqual([DEMO_CODE, '200001', '200002']);
      const demo = all.items[0];
      expect(demo).toMatchObject({ name: 'Demo_Vending', machinesHeld: 3, machineQuota: 10, status: 'active' });
      expect(demo?.contactPhone).toBe('13800138000');
      expect(demo?.modules).toHaveLength(20);
      expect(Object.keys(demo ?? {})).not.toContain('users');

      expect((await maker.tenants.list({ search: 'vending' })).items.map((t) => t.code)).toEqual([DEMO_CODE, '200001']);
      // eslint-disable-next-line no-restricted-syntax -- a tenant-code prefix, not a permission code
      expect((await maker.tenants.list({ search: '20000' })).total).toBe(2);
      const page = await maker.tenants.list({ limit: 1, offset: 1 });
      expect(page.total).toBe(3);
      expect(page.items.map((t) => t.code)).toEqual(['200001']);
      expect((await maker.tenants.list({ lease: 'ended' })).total).toBe(0);
    });

    it('shows one tenant with its lease orders, and nothing for the manufacturer or an unknown id', async () => {
      const detail = await maker.tenants.detail({ tenantId: demoId });
      expect(detail.code).toBe(DEMO_CODE);
      expect(detail.leaseOrders).toHaveLength(1);
      expect(detail.leaseOrders[0]).toMatchObject({ months: 12, machines: 10, status: 'paid' });
      for (const tenantId of [manufacturerId, randomUUID()]) {
        const error = await failure(maker.tenants.detail({ tenantId }));
        expect(error.code).toBe('NOT_FOUND');
        expect(error.message).toBe('Tenant not found');
      }
    });

    it('is refused to operators', async () => {
      const admin = await api.signIn(DEMO_CODE, 'admin');
      expect((await failure(admin.tenants.list({}))).code).toBe('FORBIDDEN');
      expect((await failure(admin.tenants.suspend({ tenantId: demoId }))).code).toBe('FORBIDDEN');
    });

    it('suspends a tenant (its users may only renew) and resumes it', async () => {
      const tenantId = await tenantIdOf(api.db, '200001');
      const admin = await api.signIn('200001', 'operator_admin');
      const suspended = await maker.tenants.suspend({ tenantId });
      expect(suspended.status).toBe('suspended');
      expect((await admin.auth.me()).restricted).toBe('suspended');
      expect((await failure(maker.tenants.suspend({ tenantId }))).message).toBe(
        'tenantId: the tenant is already suspended',
      );
      expect((await maker.tenants.list({ status: 'suspended' })).items.map((t) => t.code)).toEqual(['200001']);
      await maker.tenants.resume({ tenantId });
      expect((await admin.auth.me()).restricted).toBeNull();
      const rows = await audits('tenants.suspend');
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        entityId: tenantId,
        before: { status: 'active' },
        after: { status: 'suspended' },
      });
    });

    it('extends a lease from its end and records a lease order', async () => {
      const before = await api.db.platform.tenants.get(demoId);
      const end = before?.leaseEndsAt ?? new Date(0);
      const extended = await maker.tenants.extendLease({ tenantId: demoId, months: 6 });
      // Six calendar months on, the day clamped to the month's end (31 Aug + 6 months = 28/29 Feb).
      const expected = addMonths(end, 6);
      expect(extended.leaseEndsAt).toBe(expected.toISOString());
      const orders = await api.db.forTenant(demoId).leaseOrders.find({ where: (o) => eq(o.months, 6) });
      expect(orders).toHaveLength(1);
      expect(orders[0]?.periodStart.toISOString()).toBe(end.toISOString());
      expect((await audits('tenants.extendLease'))[0]?.after).toMatchObject({ leaseEndsAt: expected.toISOString() });
    });

    it('changes the modules a tenant rents, and its users hold only the permissions of those', async () => {
      const tenantId = await tenantIdOf(api.db, '200002');
      const admin = await api.signIn('200002', 'operator_admin');
      expect((await admin.auth.me()).modules).toHaveLength(22);
      const result = await maker.tenants.setModules({ tenantId, modules: ['user', 'finance'] });
      expect(result.modules).toEqual(['user', 'finance']);
      const me = await admin.auth.me();
      expect(me.modules).toEqual(['finance', 'user']);
      expect(me.permissions).toEqual([P.user, P.finance, P.paymentAccounts, P.customFields, P.renewLease, P.auditLog]);
      const error = await failure(maker.tenants.setModules({ tenantId, modules: [] }));
      expect(error.message).toBe('modules: choose at least one module');
    });

    it('sets the machine quota, never below the machines a tenant holds', async () => {
      const error = await failure(maker.tenants.setMachineQuota({ tenantId: demoId, machineQuota: 2 }));
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toBe('machineQuota: must not be below the 3 machines the tenant holds');
      const ok = await maker.tenants.setMachineQuota({ tenantId: demoId, machineQuota: 3 });
      expect(ok.machineQuota).toBe(3);
      expect((await api.db.platform.tenants.get(demoId))?.machineQuota).toBe(3);
    });

    it('adds a tenant as registration does', async () => {
      const created = await maker.tenants.create({
        name: 'Delta_Vending',
        code: '200004',
        password: 'Secret_2026',
        modules: ['machine'],
        machines: 2,
        months: 1,
      });
      expect(created).toMatchObject({ code: '200004', machineQuota: 2, modules: ['machine'], adminUsername: 'admin' });
      expect(created.order.fee).toBe(8000 + 2 * 5000);
      await api.signIn('200004', 'admin', 'Secret_2026');
      expect(await audits('tenants.create')).toHaveLength(1);
    });

    it('deletes an unused tenant and refuses one that holds machines or has other users', async () => {
      const holds = await failure(maker.tenants.delete({ tenantId: demoId }));
      expect(holds.code).toBe('BAD_REQUEST');
      expect(holds.message).toBe('tenantId: the tenant holds machines');
      const staffed = await failure(maker.tenants.delete({ tenantId: await tenantIdOf(api.db, '200001') }));
      expect(staffed.message).toBe('tenantId: the tenant has users other than its admin');

      await api.anonymous().platform.register({
        name: 'Unused_Vending',
        code: '200005',
        password: 'Secret_2026',
        modules: ['user', 'order'],
        machines: 1,
        months: 1,
      });
      const tenantId = await tenantIdOf(api.db, '200005');
      const admin = await api.signIn('200005', 'admin', 'Secret_2026');
      await maker.tenants.delete({ tenantId });
      expect(await api.db.platform.tenants.get(tenantId)).toBeUndefined();
      const scope = api.db.forTenant(tenantId);
      for (const table of ['users', 'roles', 'rolePermissions', 'sessions', 'leaseOrders', 'auditLog'] as const) {
        expect(await scope[table].count(), table).toBe(0);
      }
      expect((await failure(admin.auth.me())).code).toBe('UNAUTHORIZED');
      const rows = await audits('tenants.delete');
      expect(rows).toHaveLength(1);
      expect(rows[0]?.before).toMatchObject({ code: '200005', name: 'Unused_Vending', leaseOrders: 1 });
      expect((await failure(maker.tenants.delete({ tenantId }))).code).toBe('NOT_FOUND');
    });
  });
}
