import { and, desc, eq, newId } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, type Caller, type TestApi } from '../testing.js';
import { calendarOf } from '../shared/business-day.js';
import { demo, dumpStock, refusedWith } from './testkit.test-helpers.js';

/** `yyyymmdd` of an instant's business day in the demo operator's time zone (Asia/Shanghai). */
const compactDay = (d: Date) => calendarOf('Asia/Shanghai').compactDayOf(d);

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] warehouse, shipments and the outbound query`, () => {
    let api: TestApi;
    let d: Awaited<ReturnType<typeof demo>>;
    let stock: Caller;
    let staff1: Caller;
    let staff2: Caller;
    let staff2Id: string;
    let s001: { id: string; cost: number };
    let s006: { id: string; cost: number; name: string };
    let shipmentId: string;
    let documentNo: string;
    /** The day of the demo's latest shipment document, `yyyymmdd`. */
    let seededDay: string;

    beforeAll(async () => {
      api = await createTestApi(dialect);
      d = await demo(api);
      stock = await api.signIn(DEMO_CODE, 'stock');
      staff1 = await api.signIn(DEMO_CODE, 'staff1');
      staff2 = await api.signIn(DEMO_CODE, 'staff2');
      staff2Id = (await d.user('staff2')).id;
      s001 = await d.product('S001');
      s006 = await d.product('S006');
      const [latest] = await d.scope.shipments.find({ orderBy: (s) => [desc(s.documentNo)], limit: 1 });
      seededDay = latest?.documentNo.slice(2, 10) ?? '';
    });
    afterAll(async () => {
      await api?.close();
    });

    it('receives goods into the warehouse and adjusts stock with a reason, audited', async () => {
      const before = await d.inWarehouse(s006.id);
      const received = await stock.warehouse.receive({
        items: [{ productId: s006.id, quantity: 10 }],
        note: '采购入库',
      });
      expect(received.lines).toEqual([
        expect.objectContaining({
          received: 10,
          before,
          after: before + 10,
          product: expect.objectContaining({ code: 'S006' }),
        }),
      ]);
      expect(await d.inWarehouse(s006.id)).toBe(before + 10);

      const adjusted = await stock.warehouse.adjust({ productId: s006.id, quantity: 2, reason: '盘点：破损' });
      expect(adjusted).toMatchObject({ before: before + 10, after: 2, change: -before - 8, reason: '盘点：破损' });
      expect(await d.inWarehouse(s006.id)).toBe(2);
      const [audit] = await d.audits('warehouse.adjust');
      expect(audit).toMatchObject({
        entity: 'warehouseStock',
        before: { productId: s006.id, quantity: before + 10 },
        after: { productId: s006.id, quantity: 2, reason: '盘点：破损' },
      });
      expect(await d.audits('warehouse.receive')).toHaveLength(1);

      await refusedWith(
        stock.warehouse.adjust({ productId: s006.id, quantity: -1, reason: 'x' }),
        'BAD_REQUEST',
        'quantity: must not be negative',
      );
      await refusedWith(
        stock.warehouse.adjust({ productId: s006.id, quantity: 1, reason: '' }),
        'BAD_REQUEST',
        'reason: is required',
      );
      await refusedWith(
        stock.warehouse.adjust({ productId: newId(), quantity: 1, reason: 'x' }),
        'NOT_FOUND',
        'Product not found',
      );

      const list = await stock.warehouse.list();
      const rows = await d.scope.warehouseStock.find();
      expect(list.lines).toHaveLength(12);
      expect(list.totals.quantity).toBe(rows.reduce((a, r) => a + r.quantity, 0));
      expect(list.lines.find((l) => l.product.code === 'S006')?.quantity).toBe(2);
      await refusedWith(staff1.warehouse.list(), 'FORBIDDEN', /^This needs permission 00113/);
    });

    it("takes a field worker's request with a document number of the day", async () => {
      await refusedWith(
        staff2.shipments.request({
          items: [
            { productId: s001.id, quantity: 1 },
            { productId: s001.id, quantity: 2 },
          ],
        }),
        'BAD_REQUEST',
        'items: must not list a product twice',
      );
      await refusedWith(staff2.shipments.request({ items: [] }), 'BAD_REQUEST', 'items: must list at least one item');
      await refusedWith(
        staff2.shipments.request({ items: [{ productId: newId(), quantity: 1 }] }),
        'NOT_FOUND',
        'Product not found',
      );
      const requested = await staff2.shipments.request({
        items: [
          { productId: s001.id, quantity: 5 },
          { productId: s006.id, quantity: 3 },
        ],
        note: '周末补货',
      });
      shipmentId = requested.id;
      documentNo = requested.documentNo;
      // Numbered within its day: after the demo's two documents of today (the first of a new
      // day, should midnight have passed since the demo was seeded).
      const day = compactDay(new Date(requested.createdAt));
      expect(documentNo).toBe(day === seededDay ? `CK${day}0003` : `CK${day}0001`);
      expect(requested).toMatchObject({ status: 'requested', staffId: staff2Id, note: '周末补货' });
      expect(requested.items.map((i) => [i.product?.code, i.quantityRequested, i.quantityShipped])).toEqual([
        ['S001', 5, 0],
        ['S006', 3, 0],
      ]);
      const [audit] = await d.scope.auditLog.find({
        where: (a) => and(eq(a.action, 'shipments.request'), eq(a.entityId, shipmentId)),
      });
      expect(audit?.after).toMatchObject({ documentNo, status: 'requested' });

      const mine = await staff2.shipments.mine();
      expect(mine.map((s) => s.documentNo)).toContain(documentNo);
      expect(mine.every((s) => s.staffId === staff2Id)).toBe(true);
      const open = await stock.shipments.list({ status: 'requested' });
      expect(open.total).toBe(2);
    });

    it('ships only approved shipments, and only what the warehouse holds, atomically', async () => {
      await refusedWith(
        stock.shipments.ship({ shipmentId }),
        'BAD_REQUEST',
        'shipmentId: this shipment is requested, not approved',
      );
      const approved = await stock.shipments.approve({ shipmentId });
      expect(approved.status).toBe('approved');
      expect(approved.approver?.username).toBe('stock');

      // The warehouse holds 2 of S006 and the request asks for 3: nothing moves.
      const before = await dumpStock(d.scope);
      await refusedWith(
        stock.shipments.ship({ shipmentId }),
        'BAD_REQUEST',
        new RegExp(`^items\\.\\d\\.quantity: the warehouse holds only 2 of ${s006.name} \\(S006\\)$`),
      );
      expect(await dumpStock(d.scope)).toEqual(before);

      await stock.warehouse.receive({ items: [{ productId: s006.id, quantity: 10 }] });
      const seeded = await d.scope.shipments.findOne((s) => eq(s.status, 'shipped'));
      await refusedWith(
        stock.shipments.ship({ shipmentId, documentNo: seeded?.documentNo }),
        'CONFLICT',
        `documentNo: ${seeded?.documentNo} is already in use`,
      );

      const warehouse = { s001: await d.inWarehouse(s001.id), s006: await d.inWarehouse(s006.id) };
      const held = { s001: await d.held(staff2Id, s001.id), s006: await d.held(staff2Id, s006.id) };
      const [first, second] = await Promise.allSettled([
        stock.shipments.ship({ shipmentId }),
        stock.shipments.ship({ shipmentId }),
      ]);
      const outcomes = [first, second].map((o) => o?.status).sort();
      expect(outcomes).toEqual(['fulfilled', 'rejected']);
      const shipped = (
        [first, second].find((o) => o?.status === 'fulfilled') as PromiseFulfilledResult<{
          status: string;
          shippedAt: string | null;
          items: { quantityShipped: number }[];
        }>
      ).value;
      expect(shipped.status).toBe('shipped');
      expect(shipped.shippedAt).not.toBeNull();
      expect(shipped.items.map((i) => i.quantityShipped)).toEqual([5, 3]);
      expect(await d.inWarehouse(s001.id)).toBe(warehouse.s001 - 5);
      expect(await d.inWarehouse(s006.id)).toBe(warehouse.s006 - 3);
      expect(await d.held(staff2Id, s001.id)).toBe(held.s001 + 5);
      expect(await d.held(staff2Id, s006.id)).toBe(held.s006 + 3);
      const audits = await d.scope.auditLog.find({
        where: (a) => and(eq(a.action, 'shipments.ship'), eq(a.entityId, shipmentId)),
      });
      expect(audits).toHaveLength(1);
      expect(audits[0]?.after).toMatchObject({ status: 'shipped', documentNo });

      await refusedWith(
        stock.shipments.ship({ shipmentId }),
        'BAD_REQUEST',
        'shipmentId: this shipment is shipped, not approved',
      );
      await refusedWith(stock.shipments.ship({ shipmentId: newId() }), 'NOT_FOUND', 'Shipment not found');
    });

    it('rejects with a reason, and lets the worker cancel only their own open request', async () => {
      const open = await d.scope.shipments.findOne((s) => eq(s.status, 'requested'));
      if (!open) throw new Error('the demo has an open request');
      const rejected = await stock.shipments.reject({ shipmentId: open.id, reason: '库存不足，下周再发' });
      expect(rejected).toMatchObject({ status: 'rejected', note: 'Rejected: 库存不足，下周再发' });
      await refusedWith(
        stock.shipments.reject({ shipmentId: open.id, reason: 'again' }),
        'BAD_REQUEST',
        'shipmentId: this shipment is rejected, not requested or approved',
      );

      const request = await staff1.shipments.request({ items: [{ productId: s001.id, quantity: 1 }] });
      await refusedWith(
        staff2.shipments.cancel({ shipmentId: request.id }),
        'FORBIDDEN',
        'Only the field worker who asked, or the warehouse, can cancel a request',
      );
      expect((await staff1.shipments.cancel({ shipmentId: request.id })).status).toBe('cancelled');
      // The operator admin, who also holds warehouse shipping, may withdraw anyone's request.
      const other = await staff2.shipments.request({ items: [{ productId: s001.id, quantity: 1 }] });
      const admin = await api.signIn(DEMO_CODE, 'admin');
      expect((await admin.shipments.cancel({ shipmentId: other.id })).status).toBe('cancelled');
      await refusedWith(
        stock.shipments.approve({ shipmentId: request.id }),
        'BAD_REQUEST',
        'shipmentId: this shipment is cancelled, not requested',
      );
    });

    it('answers the outbound query by time, staff member, product and document number, with totals', async () => {
      const all = await stock.shipments.outbound();
      // The demo shipped 8 products x 24 to staff1; this test shipped 5 + 3 to staff2.
      expect(all.totals).toMatchObject({ shipments: 2, lines: 10, quantity: 24 * 8 + 8 });
      const items = await d.scope.shipmentItems.find();
      const products = await d.scope.products.find();
      const cost = new Map(products.map((p) => [p.id, p.cost]));
      expect(all.totals.value).toBe(items.reduce((a, i) => a + i.quantityShipped * (cost.get(i.productId) ?? 0), 0));
      expect(all.rows[0]?.documentNo).toBe(documentNo);

      const mine = await stock.shipments.outbound({ staffId: staff2Id });
      expect(mine.totals).toMatchObject({ shipments: 1, quantity: 8, value: 5 * s001.cost + 3 * s006.cost });
      expect(mine.rows.map((r) => [r.documentNo, r.staff?.username, r.product?.code, r.quantity])).toEqual([
        [documentNo, 'staff2', 'S001', 5],
        [documentNo, 'staff2', 'S006', 3],
      ]);
      expect((await stock.shipments.outbound({ productId: s001.id })).totals.quantity).toBe(24 + 5);
      expect((await stock.shipments.outbound({ documentNo })).totals.shipments).toBe(1);
      expect((await stock.shipments.outbound({ documentNo: 'CK' })).totals.shipments).toBe(2);
      const recent = await stock.shipments.outbound({ from: new Date(Date.now() - 3_600_000) });
      expect(recent.totals.quantity).toBe(8);
      const old = await stock.shipments.outbound({ to: new Date(Date.now() - 3_600_000) });
      expect(old.totals.quantity).toBe(24 * 8);
      const page = await stock.shipments.outbound({ limit: 3, offset: 2 });
      expect(page.rows).toHaveLength(3);
      expect(page.totals).toEqual(all.totals);
      await refusedWith(stock.shipments.outbound({ staffId: newId() }), 'NOT_FOUND', 'User not found');
      await refusedWith(staff1.shipments.outbound(), 'FORBIDDEN', /^This needs permission 00112/);
    });

    it('shows what each field worker holds', async () => {
      const holdings = await stock.warehouse.staffInventory();
      const rows = await d.scope.staffInventory.find();
      expect(holdings.map((h) => h.staff?.username)).toEqual(['staff1', 'staff2']);
      expect(holdings.reduce((a, h) => a + h.total, 0)).toBe(rows.reduce((a, r) => a + r.quantity, 0));
      const one = await stock.warehouse.staffInventory({ staffId: staff2Id });
      expect(one).toHaveLength(1);
      expect(one[0]?.lines.find((l) => l.product?.code === 'S006')?.quantity).toBe(await d.held(staff2Id, s006.id));
    });
  });
}
