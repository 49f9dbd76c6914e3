/**
 * Two restocks racing for a channel's last free units: both read the channel while it has
 * room, and only the guarded UPDATE (fill only while stock + quantity <= capacity) stops the
 * second. On MySQL the two transactions really run at once (SQLite's are serial); without
 * the guard the second one would break the table's CHECK and fail as an internal error.
 */
import { and, eq, gt } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, type TestApi } from '../testing.js';
import { demo } from './testkit.test-helpers.js';

const ROUNDS = 5;

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] restocks racing for the last free units`, () => {
    let api: TestApi;
    let d: Awaited<ReturnType<typeof demo>>;

    beforeAll(async () => {
      api = await createTestApi(dialect);
      d = await demo(api);
    });
    afterAll(async () => {
      await api?.close();
    });

    it('lets exactly one of two restocks at once fill the channel, and refuses the other', async () => {
      const staff1Id = (await d.user('staff1')).id;
      const machine = await d.scope.machines.findOne((m) => eq(m.staffId, staff1Id));
      if (!machine) throw new Error('the demo assigns staff1 a machine');
      const channels = await d.scope.channels.find({
        where: (c) => and(eq(c.machineId, machine.id), eq(c.enabled, true), gt(c.capacity, 3)),
        orderBy: (c) => [c.number],
      });
      // Two sessions of the field worker: two phones, or one request sent twice.
      const first = await api.signIn(DEMO_CODE, 'staff1');
      const second = await api.signIn(DEMO_CODE, 'staff1');
      let rounds = 0;
      for (const channel of channels) {
        if (!channel.productId || rounds === ROUNDS) continue;
        rounds += 1;
        const productId = channel.productId;
        // Two units of room left, and the worker holding plenty.
        await d.scope.channels.update(channel.id, { stock: channel.capacity - 2 });
        const holding = (t: Parameters<Parameters<typeof d.scope.staffInventory.findOne>[0]>[0]) =>
          and(eq(t.staffId, staff1Id), eq(t.productId, productId));
        if (await d.scope.staffInventory.findOne(holding)) {
          await d.scope.staffInventory.updateWhere(holding, { quantity: 10 });
        } else {
          await d.scope.staffInventory.insert({ staffId: staff1Id, productId, quantity: 10 });
        }
        const restocksBefore = await d.scope.restocks.count((r) => eq(r.channelId, channel.id));

        const input = { machineId: machine.id, channelId: channel.id, productId, quantity: 2 };
        const outcomes = await Promise.allSettled([first.restocks.create(input), second.restocks.create(input)]);

        const done = outcomes.filter((o) => o.status === 'fulfilled');
        const refused = outcomes.flatMap((o) =>
          o.status === 'rejected' ? [o.reason as Error & { code?: string }] : [],
        );
        expect(done, `channel ${channel.number}`).toHaveLength(1);
        expect(refused.map((e) => ({ code: e.code, message: e.message }))).toEqual([
          { code: 'BAD_REQUEST', message: "quantity: more than the channel's free capacity of 0" },
        ]);
        const after = await d.scope.channels.get(channel.id);
        expect(after?.stock).toBe(channel.capacity);
        expect(await d.held(staff1Id, productId)).toBe(8);
        expect(await d.scope.restocks.count((r) => eq(r.channelId, channel.id))).toBe(restocksBefore + 1);
      }
      expect(rounds).toBe(ROUNDS);
    });
  });
}
