import { testDialects } from '@vmcloud/db/testing';
import { describe, expect, it } from 'vitest';
import { GAMMA, manufacturerTestbed } from './manufacturer.test-helpers.js';
import { DEMO_CODE, failure } from '../testing.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] factory lease orders`, () => {
    const bed = manufacturerTestbed(dialect);

    it('lists the lease orders of every operator with the tenant each belongs to', async () => {
      await bed.api.anonymous().platform.register(GAMMA);
      const all = await bed.maker.factory.leaseOrders.list({});
      expect(all.total).toBe(2);
      expect(all.items.map((o) => o.tenant.name)).toEqual(['Gamma_Vending', 'Demo_Vending']);
      expect(all.items[0]).toMatchObject({ fee: 8000, status: 'pending' }); // until paid or confirmed
      const demo = await bed.maker.factory.leaseOrders.list({ tenantId: bed.demoId });
      expect(demo.items.map((o) => o.tenant.code)).toEqual([DEMO_CODE]);
      const page = await bed.maker.factory.leaseOrders.list({ limit: 1, offset: 1 });
      expect(page.items.map((o) => o.tenant.code)).toEqual([DEMO_CODE]);
      const operator = await bed.api.signIn(DEMO_CODE, 'admin');
      expect((await failure(operator.factory.leaseOrders.list({}))).code).toBe('FORBIDDEN');
    });
  });
}
