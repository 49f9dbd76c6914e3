import { testDialects } from '@vmcloud/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { GAMMA, manufacturerTestbed } from '../tenants/manufacturer.test-helpers.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] factory audit log`, () => {
    const bed = manufacturerTestbed(dialect);

    beforeAll(async () => {
      // Something to page through: the sign-ins above, a machine type, two machines built and one sold.
      const type = await bed.maker.factory.machineTypes.create({
        model: 'AUD-1',
        name: 'audit',
        trays: 1,
        slotsPerTray: 1,
        defaultCapacity: 1,
      });
      const machine = await bed.maker.factory.machines.add({ boardId: 'AUDIT0001', typeId: type.id, price: 100 });
      await bed.maker.factory.machines.add({ boardId: 'AUDIT0002', typeId: type.id });
      await bed.maker.factory.machines.sell({ machineId: machine?.id ?? '', operatorId: bed.demoId });
      await bed.api.anonymous().platform.register(GAMMA);
    });

    it('pages through the manufacturer’s own audit log, newest first', async () => {
      const first = await bed.admin.factory.auditLog.list({ limit: 3 });
      expect(first.items).toHaveLength(3);
      expect(first.nextCursor).not.toBeNull();
      const second = await bed.admin.factory.auditLog.list({ limit: 3, cursor: first.nextCursor });
      const ids = new Set(first.items.map((a) => a.id));
      expect(second.items.some((a) => ids.has(a.id))).toBe(false);
      const times = [...first.items, ...second.items].map((a) => a.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
      const total = await bed.scope().auditLog.count();
      let seen = 0;
      let cursor: string | null = null;
      do {
        const page: { items: unknown[]; nextCursor: string | null } = await bed.admin.factory.auditLog.list({
          limit: 7,
          cursor,
        });
        seen += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toBe(total);
      const sells = await bed.admin.factory.auditLog.list({ action: 'factory.machines.sell' });
      expect(sells.items).toHaveLength(1);
      expect(sells.items[0]?.username).toBe('maker');
      // Rows of other tenants never appear.
      const registered = await bed.admin.factory.auditLog.list({ action: 'platform.register' });
      expect(registered.items).toHaveLength(0);
    });
  });
}
