import { and, asc, eq, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../shared/errors.js';
import { createTestApi, DEMO_CODE, MANUFACTURER_CODE, tenantIdOf, type TestApi } from '../testing.js';
import { channelCountOf, layOutChannels, positionOf } from './layout.js';

describe('channel layout', () => {
  it('numbers channels tray by tray, from the top tray down', () => {
    const type = { trays: 3, slotsPerTray: 4 };
    expect(channelCountOf(type)).toBe(12);
    expect([1, 4, 5, 8, 9, 12].map((n) => positionOf(type, n))).toEqual([
      { tray: 1, slot: 1 },
      { tray: 1, slot: 4 },
      { tray: 2, slot: 1 },
      { tray: 2, slot: 4 },
      { tray: 3, slot: 1 },
      { tray: 3, slot: 4 },
    ]);
    expect(channelCountOf({ trays: 99, slotsPerTray: 99 })).toBe(9801);
  });
});

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] laying out a machine's channels`, () => {
    let api: TestApi;
    let demo: TenantScope;
    let factory: TenantScope;
    let machine: Row<Tables['machines']>;
    const layout = { trays: 3, slotsPerTray: 4, defaultCapacity: 8 };
    const channelsOf = (scope: TenantScope, machineId: string) =>
      scope.channels.find({ where: (c) => eq(c.machineId, machineId), orderBy: (c) => [asc(c.number)] });

    beforeAll(async () => {
      api = await createTestApi(dialect);
      demo = api.db.forTenant(await tenantIdOf(api.db, DEMO_CODE));
      factory = api.db.forTenant(await tenantIdOf(api.db, MANUFACTURER_CODE));
      const type = await factory.machineTypes.findOne((t) => eq(t.model, 'VMC-S12'));
      if (!type) throw new Error('no machine type VMC-S12');
      // A machine the operator holds without channels, as one added before machines got them.
      machine = await demo.machines.insert({
        boardId: 'LAYOUT0001',
        typeId: type.id,
        manufacturerId: factory.tenantId,
        status: 'active',
      });
    });
    afterAll(async () => {
      await api?.close();
    });

    it('creates every channel of a machine that has none: empty, no product, in service', async () => {
      const by = (await demo.users.findOne((u) => eq(u.username, 'admin')))?.id ?? null;
      // Outside any router: in a transaction of the caller's own, as the device channel calls it.
      const created = await api.db.transaction((tx) =>
        layOutChannels(tx.forTenant(demo.tenantId), machine, layout, by),
      );
      expect(created).toBe(12);
      const channels = await channelsOf(demo, machine.id);
      expect(channels.map((c) => c.number)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      for (const c of channels) {
        expect(c).toMatchObject({
          tenantId: demo.tenantId,
          capacity: 8,
          stock: 0,
          productId: null,
          price: null,
          channelGroupId: null,
          enabled: true,
          createdBy: by,
        });
      }
      expect(await layOutChannels(demo, machine, layout, by)).toBe(0);
      expect(await demo.channels.count((c) => eq(c.machineId, machine.id))).toBe(12);
    });

    it('creates only the channels missing, and leaves those there as they are', async () => {
      const product = await demo.products.findOne((p) => eq(p.code, 'S001'));
      const at = async (number: number) => {
        const row = await demo.channels.findOne((c) => and(eq(c.machineId, machine.id), eq(c.number, number)));
        if (!row) throw new Error(`no channel ${number}`);
        return row;
      };
      const kept = await at(5);
      await demo.channels.update(kept.id, { capacity: 3, stock: 2, productId: product?.id, price: 700 });
      await demo.channels.deleteWhere((c) => and(eq(c.machineId, machine.id), eq(c.number, 3)));
      await demo.channels.deleteWhere((c) => and(eq(c.machineId, machine.id), eq(c.number, 12)));

      expect(await layOutChannels(demo, machine, layout, null)).toBe(2);
      const channels = await channelsOf(demo, machine.id);
      expect(channels.map((c) => c.number)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(await at(5)).toMatchObject({ id: kept.id, capacity: 3, stock: 2, productId: product?.id, price: 700 });
      expect(await at(3)).toMatchObject({ capacity: 8, stock: 0, productId: null, createdBy: null });

      // A type with a fourth tray: channels 13..16 are added, the others stay.
      expect(await layOutChannels(demo, machine, { ...layout, trays: 4, defaultCapacity: 6 }, null)).toBe(4);
      const grown = await channelsOf(demo, machine.id);
      expect(grown.map((c) => [c.number, c.capacity]).slice(11)).toEqual([
        [12, 8],
        [13, 6],
        [14, 6],
        [15, 6],
        [16, 6],
      ]);
      // A smaller layout removes nothing.
      expect(await layOutChannels(demo, machine, { ...layout, trays: 1 }, null)).toBe(0);
      expect(await demo.channels.count((c) => eq(c.machineId, machine.id))).toBe(16);
    });

    it("refuses a machine that is not the scope's, creating nothing", async () => {
      const error = await layOutChannels(factory, machine, layout, null).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ kind: 'not_found', message: 'Machine not found' });
      expect(await factory.channels.count((c) => eq(c.machineId, machine.id))).toBe(0);
    });
  });
}
