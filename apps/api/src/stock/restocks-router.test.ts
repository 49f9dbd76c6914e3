import { and, eq, newId } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, type Caller, type TestApi } from '../testing.js';
import { demo, dumpStock, refusedWith, STOCK_TABLES } from './testkit.test-helpers.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] restocks`, () => {
    let api: TestApi;
    let d: Awaited<ReturnType<typeof demo>>;
    let staff1: Caller;
    let staff2: Caller;
    let staff1Id: string;
    let staff2Id: string;
    /** staff1's first machine and its last channel (empty, capacity 10, product D002). */
    let machineId: string;
    let channelId: string;
    let productId: string;
    /** A channel of staff1's other machine. */
    let otherChannelId: string;

    beforeAll(async () => {
      api = await createTestApi(dialect);
      d = await demo(api);
      staff1 = await api.signIn(DEMO_CODE, 'staff1');
      staff2 = await api.signIn(DEMO_CODE, 'staff2');
      staff1Id = (await d.user('staff1')).id;
      staff2Id = (await d.user('staff2')).id;
      const machine = await d.scope.machines.findOne((m) => eq(m.boardId, 'VMC2026A0001'));
      const other = await d.scope.machines.findOne((m) => eq(m.boardId, 'VMC2026A0002'));
      if (!machine || !other) throw new Error('demo machines missing');
      machineId = machine.id;
      const channel = await d.scope.channels.findOne((c) => and(eq(c.machineId, machine.id), eq(c.number, 20)));
      const otherChannel = await d.scope.channels.findOne((c) => and(eq(c.machineId, other.id), eq(c.number, 20)));
      if (!channel?.productId || !otherChannel) throw new Error('demo channels missing');
      channelId = channel.id;
      productId = channel.productId;
      otherChannelId = otherChannel.id;
      expect(channel.stock).toBe(0);
      expect(channel.capacity).toBe(10);
      // Leave staff1 holding 2 of the channel's product: less than the channel's free room.
      const held = await d.held(staff1Id, productId);
      expect(held).toBeGreaterThan(2);
      await staff1.transfers.create({ toStaffId: staff2Id, items: [{ productId, quantity: held - 2 }] });
      expect(await d.held(staff1Id, productId)).toBe(2);
    });
    afterAll(async () => {
      await api?.close();
    });

    it('refuses each invalid restock with its reason and leaves every stock table byte-identical', async () => {
      const valid = { machineId, channelId, productId, quantity: 1 };
      const d003 = await d.product('D003');
      // staff1's first channel whose product they hold more of than the channel has room for.
      const channels = await d.scope.channels.find({ where: (c) => eq(c.machineId, machineId) });
      let crowded: { id: string; productId: string; free: number } | undefined;
      for (const c of channels) {
        if (!c.productId || !c.enabled || c.stock === 0) continue;
        const free = c.capacity - c.stock;
        if ((await d.held(staff1Id, c.productId)) > free) crowded = { id: c.id, productId: c.productId, free };
      }
      if (!crowded) throw new Error('no channel with less room than staff1 holds');
      const holding = await d.held(staff1Id, productId);
      const product = await d.scope.products.get(productId);

      const cases: [string, () => Promise<unknown>, string, string | RegExp][] = [
        [
          'wrong staff member',
          () => staff2.restocks.create(valid),
          'FORBIDDEN',
          'machineId: this machine is not assigned to you',
        ],
        [
          'unknown machine',
          () => staff1.restocks.create({ ...valid, machineId: newId() }),
          'NOT_FOUND',
          'Machine not found',
        ],
        [
          'unknown channel',
          () => staff1.restocks.create({ ...valid, channelId: newId() }),
          'NOT_FOUND',
          'Channel not found',
        ],
        [
          'channel of another machine',
          () => staff1.restocks.create({ ...valid, channelId: otherChannelId }),
          'BAD_REQUEST',
          'channelId: is not a channel of this machine',
        ],
        [
          'unknown product',
          () => staff1.restocks.create({ ...valid, productId: newId() }),
          'NOT_FOUND',
          'Product not found',
        ],
        [
          "not the channel's product",
          () => staff1.restocks.create({ ...valid, productId: d003.id }),
          'BAD_REQUEST',
          `productId: ${d003.name} (D003) is not the product of channel 20`,
        ],
        [
          'quantity 0',
          () => staff1.restocks.create({ ...valid, quantity: 0 }),
          'BAD_REQUEST',
          'quantity: must be at least 1',
        ],
        [
          'quantity -3',
          () => staff1.restocks.create({ ...valid, quantity: -3 }),
          'BAD_REQUEST',
          'quantity: must be at least 1',
        ],
        [
          'quantity 1.5',
          () => staff1.restocks.create({ ...valid, quantity: 1.5 }),
          'BAD_REQUEST',
          'quantity: must be a whole number',
        ],
        [
          'more than held',
          () => staff1.restocks.create({ ...valid, quantity: holding + 1 }),
          'BAD_REQUEST',
          `quantity: more than the ${holding} of ${product?.name} (${product?.code}) you hold`,
        ],
        [
          'more than the free capacity',
          () =>
            staff1.restocks.create({
              machineId,
              channelId: crowded.id,
              productId: crowded.productId,
              quantity: crowded.free + 1,
            }),
          'BAD_REQUEST',
          `quantity: more than the channel's free capacity of ${crowded.free}`,
        ],
        [
          'more than the free capacity of an empty channel',
          () => staff1.restocks.create({ ...valid, quantity: 11 }),
          'BAD_REQUEST',
          "quantity: more than the channel's free capacity of 10",
        ],
      ];
      for (const [label, attempt, code, message] of cases) {
        const before = await dumpStock(d.scope);
        const audits = await d.scope.auditLog.count();
        const error = await refusedWith(attempt(), code as 'BAD_REQUEST', message).catch((e: unknown) => {
          throw new Error(`${label}: ${(e as Error).message}`);
        });
        expect(error.message, label).not.toContain('Internal');
        expect(await dumpStock(d.scope), label).toEqual(before);
        expect(await d.scope.auditLog.count(), label).toBe(audits);
      }
    });

    it('changes exactly the channel, the personal stock and the history, together', async () => {
      const before = await dumpStock(d.scope);
      const result = await staff1.restocks.create({ machineId, channelId, productId, quantity: 2 });
      expect(result.channel).toMatchObject({ id: channelId, number: 20, capacity: 10, stock: 2 });
      expect(result.held).toBe(0);
      const after = await dumpStock(d.scope);

      const changed = STOCK_TABLES.filter((t) => before[t] !== after[t]);
      expect(changed.sort()).toEqual(['channels', 'restocks', 'staffInventory']);

      type Rows = { id: string; [k: string]: unknown }[];
      const diff = (table: (typeof STOCK_TABLES)[number]) => {
        const old = new Map((JSON.parse(before[table]) as Rows).map((r) => [r.id, JSON.stringify(r)]));
        const now = JSON.parse(after[table]) as Rows;
        return {
          added: now.filter((r) => !old.has(r.id)),
          changed: now.filter((r) => old.has(r.id) && old.get(r.id) !== JSON.stringify(r)),
          removed: [...old.keys()].filter((id) => !now.some((r) => r.id === id)),
        };
      };
      const channels = diff('channels');
      expect(channels.added).toEqual([]);
      expect(channels.removed).toEqual([]);
      expect(channels.changed.map((r) => [r.id, r.stock, r.updatedBy])).toEqual([[channelId, 2, staff1Id]]);
      const inventory = diff('staffInventory');
      expect(inventory.changed.map((r) => [r.staffId, r.productId, r.quantity])).toEqual([[staff1Id, productId, 0]]);
      expect(inventory.added).toEqual([]);
      const history = diff('restocks');
      expect(history.changed).toEqual([]);
      expect(history.added).toHaveLength(1);
      expect(history.added[0]).toMatchObject({
        staffId: staff1Id,
        machineId,
        channelId,
        productId,
        quantity: 2,
        stockBefore: 0,
        stockAfter: 2,
      });
      expect(result.restock.id).toBe(history.added[0]?.id);

      const [audit] = await d.scope.auditLog.find({
        where: (a) => and(eq(a.action, 'restocks.create'), eq(a.entityId, result.restock.id)),
      });
      expect(audit?.entity).toBe('restocks');
      expect(audit?.userId).toBe(staff1Id);
      expect(audit?.after).toMatchObject({ quantity: 2, stockBefore: 0, stockAfter: 2, held: { before: 2, after: 0 } });
    });

    it('lets only one of two racing restocks take the last unit held', async () => {
      await staff2.transfers.create({ toStaffId: staff1Id, items: [{ productId, quantity: 1 }] });
      expect(await d.held(staff1Id, productId)).toBe(1);
      const attempts = await Promise.allSettled([
        staff1.restocks.create({ machineId, channelId, productId, quantity: 1 }),
        staff1.restocks.create({ machineId, channelId, productId, quantity: 1 }),
      ]);
      expect(attempts.map((a) => a.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = attempts.find((a) => a.status === 'rejected') as PromiseRejectedResult;
      expect((refused.reason as Error).message).toMatch(/^quantity: more than the 0 of .* you hold$/);
      expect(await d.held(staff1Id, productId)).toBe(0);
      expect((await d.scope.channels.get(channelId))?.stock).toBe(3);
      expect(await d.scope.restocks.count((r) => eq(r.channelId, channelId))).toBe(2);
    });

    it("shows a worker their inventory, their machine's restock list and their history", async () => {
      const mine = await staff1.restocks.myInventory();
      const rows = await d.scope.staffInventory.find({ where: (t) => eq(t.staffId, staff1Id) });
      expect(mine.total).toBe(rows.reduce((a, r) => a + r.quantity, 0));
      expect(mine.lines.every((l) => l.quantity > 0)).toBe(true);

      const plan = await staff1.restocks.plan({ machineId });
      const lane = plan.channels.find((c) => c.number === 20);
      expect(lane).toMatchObject({ capacity: 10, stock: 3, toAdd: 7, enabled: true });
      expect(plan.channels.find((c) => c.number === 19)).toMatchObject({ enabled: false, toAdd: 0 });
      expect(plan.totalToAdd).toBe(plan.channels.reduce((a, c) => a + c.toAdd, 0));
      expect(plan.text).toContain('VMC2026A0001');
      await refusedWith(
        staff2.restocks.plan({ machineId }),
        'FORBIDDEN',
        'machineId: this machine is not assigned to you',
      );

      const history = await staff1.restocks.history({ machineId });
      expect(history.map((h) => [h.channelId, h.quantity, h.stockAfter]).slice(0, 2)).toEqual([
        [channelId, 1, 3],
        [channelId, 2, 2],
      ]);
      expect(history.every((h) => h.staffId === staff1Id)).toBe(true);
    });
  });
}
