import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestApi,
  DEMO_CODE,
  MANUFACTURER_CODE,
  tenantIdOf,
  type Caller,
  type TestApi,
  failure,
} from '../testing.js';

const NOW = Date.UTC(2026, 10, 22, 12);

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] factory lease orders`, () => {
    let api: TestApi;
    let maker: Caller;
    let demoId: string;

    beforeAll(async () => {
      api = await createTestApi(dialect, { now: () => new Date(NOW) });
      maker = await api.signIn(MANUFACTURER_CODE, 'maker');
      demoId = await tenantIdOf(api.db, DEMO_CODE);
    });
    afterAll(async () => {
      await api?.close();
    });

    it('lists the lease orders of every operator with the tenant each belongs to', async () => {
      await api.anonymous().platform.register({
        name: 'Gamma_Vending',
        code: '200002',
        password: 'Secret_2026',
        modules: ['user'],
        machines: 1,
        months: 1,
      });
      const all = await maker.factory.leaseOrders.list({});
      expect(all.total).toBe(2);
      expect(all.items.map((o) => o.tenant.name)).toEqual(['Gamma_Vending', 'Demo_Vending']);
      expect(all.items[0]).toMatchObject({ fee: 8000, status: 'paid' });
      const demo = await maker.factory.leaseOrders.list({ tenantId: demoId });
      expect(demo.items.map((o) => o.tenant.code)).toEqual([DEMO_CODE]);
      const page = await maker.factory.leaseOrders.list({ limit: 1, offset: 1 });
      expect(page.items.map((o) => o.tenant.code)).toEqual([DEMO_CODE]);
      const operator = await api.signIn(DEMO_CODE, 'admin');
      expect((await failure(operator.factory.leaseOrders.list({}))).code).toBe('FORBIDDEN');
    });
  });
}
