import { eq, newId } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, MANUFACTURER_CODE, tenantIdOf, type Caller, type TestApi } from '../testing.js';
import { displayWidth, table } from './lists.js';
import { refusedWith } from './testkit.test-helpers.js';

const CODE = '200014';

describe('plain-text columns', () => {
  it('counts Chinese characters two columns wide and aligns on that', () => {
    expect(displayWidth('可口可乐 330ml')).toBe(14);
    expect(displayWidth('abc')).toBe(3);
    expect(
      table(
        ['Code', 'Product', 'Qty'],
        [
          ['D001', '可口可乐', '12'],
          ['S1', 'Oreo', '3'],
        ],
        ['left', 'left', 'right'],
      ),
    ).toEqual(['Code  Product   Qty', '-------------------', 'D001  可口可乐   12', 'S1    Oreo        3']);
  });
});

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] printable lists`, () => {
    let api: TestApi;
    let admin: Caller;
    let worker: Caller;
    let machineId: string;
    let shipmentId: string;
    let documentNo: string;

    beforeAll(async () => {
      api = await createTestApi(dialect);
      const { tenantId } = await api.createOperator({ code: CODE, name: 'Print_Vending' });
      const scope = api.db.forTenant(tenantId);
      const factory = api.db.forTenant(await tenantIdOf(api.db, MANUFACTURER_CODE));
      const type = await factory.machineTypes.findOne((t) => eq(t.model, 'VMC-S12'));
      const staff = await scope.users.findOne((u) => eq(u.username, 'field_staff'));
      if (!type || !staff) throw new Error('setup');
      const [cola, chips] = await scope.products.insertMany([
        { code: 'P01', name: '可口可乐', unit: '罐', cost: 180, price: 300 },
        { code: 'P02', name: 'Chips', unit: 'bag', cost: 400, price: 700 },
      ]);
      if (!cola || !chips) throw new Error('setup');
      const machine = await scope.machines.insert({
        boardId: 'PRINT0001',
        typeId: type.id,
        manufacturerId: await tenantIdOf(api.db, MANUFACTURER_CODE),
        name: '食堂门口',
        address: '一号食堂',
        staffId: staff.id,
        status: 'active',
      });
      machineId = machine.id;
      await scope.channels.insertMany([
        { machineId, number: 1, capacity: 10, stock: 4, productId: cola.id, price: 300 },
        { machineId, number: 2, capacity: 10, stock: 10, productId: cola.id, price: 300 },
        { machineId, number: 3, capacity: 8, stock: 0, productId: chips.id, price: 700 },
        {
          machineId,
          number: 4,
          capacity: 8,
          stock: 1,
          productId: chips.id,
          price: 700,
          enabled: false,
          disabledReason: '卡货',
        },
        { machineId, number: 5, capacity: 8, stock: 0 },
      ]);
      admin = await api.signIn(CODE, 'inventory_admin');
      worker = await api.signIn(CODE, 'field_staff');
      await admin.warehouse.receive({
        items: [
          { productId: cola.id, quantity: 50 },
          { productId: chips.id, quantity: 50 },
        ],
      });
      const request = await worker.shipments.request({
        items: [
          { productId: cola.id, quantity: 6 },
          { productId: chips.id, quantity: 12 },
        ],
      });
      shipmentId = request.id;
      documentNo = request.documentNo;
      await admin.shipments.approve({ shipmentId });
      await admin.shipments.ship({ shipmentId });
    });
    afterAll(async () => {
      await api?.close();
    });

    it("prints a shipment's list: document number, staff member, dates and items", async () => {
      const list = await admin.printLists.shipment({ shipmentId });
      expect(list.shipment).toMatchObject({ documentNo, status: 'shipped' });
      expect(list.staff?.username).toBe('field_staff');
      expect(list.lines.map((l) => [l.product?.code, l.quantityRequested, l.quantityShipped])).toEqual([
        ['P01', 6, 6],
        ['P02', 12, 12],
      ]);
      expect(list.totals).toEqual({ quantityRequested: 18, quantityShipped: 18 });
      const lines = list.text.split('\n');
      expect(lines[0]).toBe('SHIPMENT LIST 出库单');
      expect(lines).toContain(`Document No: ${documentNo}`);
      expect(lines.some((l) => l.startsWith('Staff:') && l.includes('(field_staff)'))).toBe(true);
      const header = lines.findIndex((l) => l.startsWith('#'));
      const rows = lines.slice(header, header + 5);
      expect(rows.map((r) => r.split(/\s{2,}/))).toEqual([
        ['#', 'Code', 'Product', 'Unit', 'Requested', 'Shipped'],
        [expect.stringMatching(/^-+$/)],
        ['1', 'P01', '可口可乐', '罐', '6', '6'],
        ['2', 'P02', 'Chips', 'bag', '12', '12'],
        ['', 'Total', '18', '18'],
      ]);
      expect(new Set(rows.map(displayWidth)).size).toBe(1);
      await refusedWith(admin.printLists.shipment({ shipmentId: newId() }), 'NOT_FOUND', 'Shipment not found');
    });

    it("prints a machine's restock list: per channel how many to add to fill it", async () => {
      const list = await admin.printLists.restock({ machineId });
      expect(list.machine).toMatchObject({ boardId: 'PRINT0001', name: '食堂门口' });
      expect(list.channels.map((c) => [c.number, c.product?.code ?? null, c.capacity, c.stock, c.toAdd])).toEqual([
        [1, 'P01', 10, 4, 6],
        [2, 'P01', 10, 10, 0],
        [3, 'P02', 8, 0, 8],
        [4, 'P02', 8, 1, 0],
        [5, null, 8, 0, 0],
      ]);
      expect(list.products.map((p) => [p.product.code, p.toAdd, p.held])).toEqual([
        ['P01', 6, 6],
        ['P02', 8, 12],
      ]);
      expect(list.totalToAdd).toBe(14);
      const lines = list.text.split('\n');
      expect(lines[0]).toBe('RESTOCK LIST 补货单');
      expect(lines).toContain('Machine: 食堂门口 (PRINT0001)');
      expect(
        lines
          .find((l) => l.trimStart().startsWith('4 '))
          ?.trimStart()
          .split(/\s{2,}/),
      ).toEqual(['4', 'P02', 'Chips [disabled]', '8', '1', '0']);
      expect(lines.find((l) => l.includes('Total'))?.split(/\s{2,}/)).toEqual(['', 'Total', '14']);
      await refusedWith(admin.printLists.restock({ machineId: newId() }), 'NOT_FOUND', 'Machine not found');
      // The worker sees the same list for their own machine.
      expect((await worker.restocks.plan({ machineId })).channels).toEqual(list.channels);
    });

    it('is refused where the module is not rented or the permission not held', async () => {
      await refusedWith(worker.printLists.restock({ machineId }), 'FORBIDDEN', /^This needs permission 00114/);
      // The demo operator does not rent list printing.
      const stock = await api.signIn(DEMO_CODE, 'stock');
      await refusedWith(stock.printLists.restock({ machineId }), 'FORBIDDEN', /^This needs permission 00114/);
    });
  });
}
