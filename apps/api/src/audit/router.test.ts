import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, MANUFACTURER_CODE, tenantIdOf, type Caller, type TestApi } from '../testing.js';

const NOW = Date.UTC(2026, 10, 22, 12);

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] factory audit log`, () => {
    let api: TestApi;
    let admin: Caller;
    let maker: Caller;
    let manufacturerId: string;
    let demoId: string;

    beforeAll(async () => {
      api = await createTestApi(dialect, { now: () => new Date(NOW) });
      admin = await api.signIn(MANUFACTURER_CODE, 'admin');
      maker = await api.signIn(MANUFACTURER_CODE, 'maker');
      manufacturerId = await tenantIdOf(api.db, MANUFACTURER_CODE);
      demoId = await tenantIdOf(api.db, DEMO_CODE);
    });
    afterAll(async () => {
      await api?.close();
    });

    const factory = () => api.db.forTenant(manufacturerId);

    beforeAll(async () => {
      // Something to page through: the sign-ins above, a machine type, two machines built and one sold.
      const type = await maker.factory.machineTypes.create({
        model: 'AUD-1',
        name: 'audit',
        channelCount: 1,
        channelCapacity: 1,
      });
      const machine = await maker.factory.machines.add({ boardId: 'AUDIT0001', typeId: type.id, price: 100 });
      await maker.factory.machines.add({ boardId: 'AUDIT0002', typeId: type.id });
      await maker.factory.machines.sell({ machineId: machine?.id ?? '', operatorId: demoId });
      await api.anonymous().platform.register({
        name: 'Gamma_Vending',
        code: '200002',
        password: 'Secret_2026',
        modules: ['user'],
        machines: 1,
        months: 1,
      });
    });

    it('pages through the manufacturer’s own audit log, newest first', async () => {
      const first = await admin.factory.auditLog.list({ limit: 3 });
      expect(first.items).toHaveLength(3);
      expect(first.nextCursor).not.toBeNull();
      const second = await admin.factory.auditLog.list({ limit: 3, cursor: first.nextCursor });
      const ids = new Set(first.items.map((a) => a.id));
      expect(second.items.some((a) => ids.has(a.id))).toBe(false);
      const times = [...first.items, ...second.items].map((a) => a.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
      const total = await factory().auditLog.count();
      let seen = 0;
      let cursor: string | null = null;
      do {
        const page: { items: unknown[]; nextCursor: string | null } = await admin.factory.auditLog.list({
          limit: 7,
          cursor,
        });
        seen += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toBe(total);
      const sells = await admin.factory.auditLog.list({ action: 'factory.machines.sell' });
      expect(sells.items).toHaveLength(1);
      expect(sells.items[0]?.username).toBe('maker');
      // Rows of other tenants never appear.
      const registered = await admin.factory.auditLog.list({ action: 'platform.register' });
      expect(registered.items).toHaveLength(0);
    });
  });
}
