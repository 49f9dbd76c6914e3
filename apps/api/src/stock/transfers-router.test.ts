import { and, eq, newId } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, type Caller, type TestApi } from '../testing.js';
import { calendarOf } from '../shared/business-day.js';
import { demo, dumpStock, refusedWith } from './testkit.test-helpers.js';

/** `yyyymmdd` of an instant's business day in the demo operator's time zone (Asia/Shanghai). */
const compactDay = (d: Date) => calendarOf('Asia/Shanghai').compactDayOf(d);

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] transfers`, () => {
    let api: TestApi;
    let d: Awaited<ReturnType<typeof demo>>;
    let stock: Caller;
    let staff1: Caller;
    let staff2: Caller;
    let leader: Caller;
    let staff1Id: string;
    let staff2Id: string;
    let d001: { id: string; name: string };
    let s001: { id: string; name: string };

    beforeAll(async () => {
      api = await createTestApi(dialect);
      d = await demo(api);
      [stock, staff1, staff2, leader] = (await Promise.all(
        ['stock', 'staff1', 'staff2', 'leader'].map((u) => api.signIn(DEMO_CODE, u)),
      )) as [Caller, Caller, Caller, Caller];
      staff1Id = (await d.user('staff1')).id;
      staff2Id = (await d.user('staff2')).id;
      d001 = await d.product('D001');
      s001 = await d.product('S001');
    });
    afterAll(async () => {
      await api?.close();
    });

    it('moves stock from the caller to another field worker, with a document number', async () => {
      const from = await d.held(staff1Id, d001.id);
      const to = await d.held(staff2Id, d001.id);
      expect(to).toBe(0);
      const transfer = await staff1.transfers.create({
        toStaffId: staff2Id,
        items: [{ productId: d001.id, quantity: 4 }],
        note: '支援',
      });
      expect(transfer.documentNo).toBe(`DB${compactDay(new Date())}0001`);
      expect(transfer).toMatchObject({ fromStaffId: staff1Id, toStaffId: staff2Id, status: 'completed', note: '支援' });
      expect(transfer.items).toEqual([{ product: expect.objectContaining({ code: 'D001' }), quantity: 4 }]);
      expect(await d.held(staff1Id, d001.id)).toBe(from - 4);
      expect(await d.held(staff2Id, d001.id)).toBe(4);
      const [audit] = await d.scope.auditLog.find({
        where: (a) => and(eq(a.action, 'transfers.create'), eq(a.entityId, transfer.id)),
      });
      expect(audit?.after).toMatchObject({
        documentNo: transfer.documentNo,
        items: [
          { productId: d001.id, quantity: 4, from: { before: from, after: from - 4 }, to: { before: 0, after: 4 } },
        ],
      });
    });

    it("refuses more than held, a transfer to oneself, unknown users and others' stock, moving nothing", async () => {
      const held = await d.held(staff1Id, d001.id);
      const s001Held = await d.held(staff1Id, s001.id);
      const cases: [string, () => Promise<unknown>, string, string | RegExp][] = [
        [
          'more than held',
          () => staff1.transfers.create({ toStaffId: staff2Id, items: [{ productId: d001.id, quantity: held + 1 }] }),
          'BAD_REQUEST',
          `items.0.quantity: more than the ${held} of ${d001.name} (D001) you hold`,
        ],
        [
          'second item more than held (the first is rolled back)',
          () =>
            staff1.transfers.create({
              toStaffId: null,
              items: [
                { productId: d001.id, quantity: 1 },
                { productId: s001.id, quantity: s001Held + 1 },
              ],
            }),
          'BAD_REQUEST',
          `items.1.quantity: more than the ${s001Held} of ${s001.name} (S001) you hold`,
        ],
        [
          'to oneself',
          () => staff1.transfers.create({ toStaffId: staff1Id, items: [{ productId: d001.id, quantity: 1 }] }),
          'BAD_REQUEST',
          'toStaffId: must not be the one the stock comes from',
        ],
        [
          'unknown receiver',
          () => staff1.transfers.create({ toStaffId: newId(), items: [{ productId: d001.id, quantity: 1 }] }),
          'NOT_FOUND',
          'User not found',
        ],
        [
          'unknown product',
          () => staff1.transfers.create({ toStaffId: staff2Id, items: [{ productId: newId(), quantity: 1 }] }),
          'NOT_FOUND',
          'Product not found',
        ],
        [
          "another worker's stock",
          () =>
            staff1.transfers.create({
              fromStaffId: staff2Id,
              toStaffId: staff1Id,
              items: [{ productId: d001.id, quantity: 1 }],
            }),
          'FORBIDDEN',
          'You can only transfer stock you hold yourself',
        ],
        [
          'quantity 0',
          () => staff1.transfers.create({ toStaffId: staff2Id, items: [{ productId: d001.id, quantity: 0 }] }),
          'BAD_REQUEST',
          'items.0.quantity: must be at least 1',
        ],
      ];
      for (const [label, attempt, code, message] of cases) {
        const before = await dumpStock(d.scope);
        await refusedWith(attempt(), code as 'BAD_REQUEST', message).catch((e: unknown) => {
          throw new Error(`${label}: ${(e as Error).message}`);
        });
        expect(await dumpStock(d.scope), label).toEqual(before);
      }
    });

    it("returns stock to the warehouse, and lets the inventory admin move any worker's stock", async () => {
      const warehouse = await d.inWarehouse(d001.id);
      const back = await staff2.transfers.create({ toStaffId: null, items: [{ productId: d001.id, quantity: 1 }] });
      expect(back.to).toBeNull();
      expect(back.documentNo).toBe(`DB${compactDay(new Date())}0002`);
      expect(await d.inWarehouse(d001.id)).toBe(warehouse + 1);
      expect(await d.held(staff2Id, d001.id)).toBe(3);

      const staff2Name = (await d.user('staff2')).displayName;
      await refusedWith(
        stock.transfers.create({
          fromStaffId: staff2Id,
          toStaffId: staff1Id,
          items: [{ productId: d001.id, quantity: 4 }],
        }),
        'BAD_REQUEST',
        `items.0.quantity: more than the 3 of ${d001.name} (D001) ${staff2Name} holds`,
      );
      const moved = await stock.transfers.create({
        fromStaffId: staff2Id,
        toStaffId: staff1Id,
        items: [{ productId: d001.id, quantity: 3 }],
      });
      expect(moved.by?.username).toBe('stock');
      expect(await d.held(staff2Id, d001.id)).toBe(0);

      const returns = await stock.transfers.returns();
      expect(returns.map((t) => t.id)).toEqual([back.id]);
    });

    it('shows a field worker only their own transfers, and the inventory admin all', async () => {
      const all = await d.scope.transfers.count();
      expect(all).toBe(4); // the demo's one and this file's three
      expect((await stock.transfers.list()).total).toBe(4);
      const own = await staff2.transfers.list();
      expect(own.total).toBe(4);
      expect((await leader.transfers.list()).total).toBe(0);
      const staff1Own = await staff1.transfers.list({ from: new Date(Date.now() - 3_600_000) });
      expect(staff1Own.rows.every((t) => t.fromStaffId === staff1Id || t.toStaffId === staff1Id)).toBe(true);
      expect(staff1Own.total).toBe(2); // the demo's transfer was made ten days ago
      expect((await stock.transfers.list({ to: new Date(Date.now() - 3_600_000) })).total).toBe(1);
      expect((await stock.transfers.list({ staffId: staff1Id })).total).toBe(3);
      await refusedWith(stock.transfers.list({ staffId: newId() }), 'NOT_FOUND', 'User not found');
    });

    it('refuses a disabled receiver', async () => {
      const finance = await d.user('finance');
      await d.scope.users.update(finance.id, { status: 'disabled' });
      await refusedWith(
        staff1.transfers.create({ toStaffId: finance.id, items: [{ productId: d001.id, quantity: 1 }] }),
        'BAD_REQUEST',
        'toStaffId: this user is disabled',
      );
    });
  });
}
