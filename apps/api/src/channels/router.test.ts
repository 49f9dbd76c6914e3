import { and, asc, eq, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi, failure } from '../testing.js';

type Channel = Row<Tables['channels']>;

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] channels and channel groups`, () => {
    let api: TestApi;
    let admin: Caller;
    let a: TenantScope;
    let b: TenantScope;
    let machineId: string;
    let otherMachineId: string;
    const channel = async (number: number, machine = machineId): Promise<Channel> => {
      const row = await a.channels.findOne((c) => and(eq(c.machineId, machine), eq(c.number, number)));
      if (!row) throw new Error(`no channel ${number}`);
      return row;
    };
    const product = async (code: string) => {
      const row = await a.products.findOne((p) => eq(p.code, code));
      if (!row) throw new Error(`no product ${code}`);
      return row;
    };
    const allChannels = () => a.channels.find({ orderBy: (c) => [asc(c.id)] });

    beforeAll(async () => {
      api = await createTestApi(dialect);
      a = api.db.forTenant(await tenantIdOf(api.db, DEMO_CODE));
      b = api.db.forTenant((await api.createOperator({ code: '200004', name: 'Channel_Rivals' })).tenantId);
      const machine = await a.machines.findOne((m) => eq(m.boardId, 'VMC2026A0001'));
      const other = await a.machines.findOne((m) => eq(m.boardId, 'VMC2026A0002'));
      machineId = machine?.id as string;
      otherMachineId = other?.id as string;
      admin = await api.signIn(DEMO_CODE, 'admin');
    });
    afterAll(async () => {
      await api?.close();
    });

    it("lists a machine's channels by number with product and stock, to its operator only", async () => {
      const channels = await admin.channels.list({ machineId });
      expect(channels).toHaveLength(20);
      const first = await channel(1);
      expect(channels[0]).toMatchObject({
        number: 1,
        productCode: 'D001',
        stock: first.stock,
        free: first.capacity - first.stock,
        specialPrice: true,
        price: (await product('D001')).price - 50,
      });
      expect(channels[18]).toMatchObject({ number: 19, enabled: false, disabledReason: '电机异响，待维修' });

      const rival = await api.signIn('200004', 'operator_admin');
      const refused = await failure(rival.channels.list({ machineId }));
      expect(refused.code).toBe('NOT_FOUND');
      expect(refused.message).toBe('Machine not found');
      const stock = await api.signIn(DEMO_CODE, 'stock');
      expect((await failure(stock.channels.list({ machineId }))).code).toBe('FORBIDDEN');
    });

    it('never sets a capacity below the stock in the channel', async () => {
      const c = await channel(2);
      expect(c.stock).toBeGreaterThan(0);
      const refused = await failure(admin.channels.setCapacity({ channelId: c.id, capacity: c.stock - 1 }));
      expect(refused.code).toBe('BAD_REQUEST');
      expect(refused.message).toBe(`capacity: less than the ${c.stock} in stock`);
      expect((await channel(2)).capacity).toBe(c.capacity);

      const result = await admin.channels.setCapacity({ channelId: c.id, capacity: c.stock });
      expect(result).toMatchObject({ capacity: c.stock, free: 0 });
      expect((await channel(2)).capacity).toBe(c.stock);
      const [audit] = await a.auditLog.find({ where: (l) => eq(l.action, 'channels.setCapacity') });
      expect(audit).toMatchObject({ entity: 'channels', entityId: c.id });
      expect(audit?.before).toMatchObject({ capacity: c.capacity });
      expect(audit?.after).toMatchObject({ capacity: c.stock });
      await admin.channels.setCapacity({ channelId: c.id, capacity: c.capacity });
    });

    it('sets a special price per channel, and back to the product price', async () => {
      const c = await channel(1);
      const d001 = await product('D001');
      await admin.channels.setPrice({ channelId: c.id, price: d001.price });
      expect(await channel(1)).toMatchObject({ price: d001.price, specialPrice: false });
      await admin.channels.setPrice({ channelId: c.id, price: 250 });
      expect(await channel(1)).toMatchObject({ price: 250, specialPrice: true });

      const grouped = await channel(2);
      const refused = await failure(admin.channels.setPrice({ channelId: grouped.id, price: 1 }));
      expect(refused.message).toBe('channelId: is in channel group "D002-组"; change the group instead');
      expect((await channel(2)).price).toBe(grouped.price);
    });

    it('keeps the product of a channel that still holds stock, and changes it once the channel is empty', async () => {
      const c = await channel(1);
      const d005 = await product('D005');
      const before = await allChannels();
      const refused = await failure(admin.channels.setProduct({ channelId: c.id, productId: d005.id }));
      expect(refused.code).toBe('BAD_REQUEST');
      expect(refused.message).toBe(`productId: channel 1 still holds ${c.stock} of another product; empty it first`);
      expect(await allChannels()).toEqual(before);

      await a.channels.update(c.id, { stock: 0 });
      const set = await admin.channels.setProduct({ channelId: c.id, productId: d005.id });
      expect(set).toMatchObject({ productCode: 'D005', price: d005.price, specialPrice: false });
      await admin.channels.setProduct({ channelId: c.id, productId: d005.id, price: d005.price + 100 });
      expect(await channel(1)).toMatchObject({ productId: d005.id, price: d005.price + 100, specialPrice: true });

      await admin.channels.setProduct({ channelId: c.id, productId: null });
      expect(await channel(1)).toMatchObject({ productId: null, price: null, specialPrice: false });
      const noProduct = await failure(admin.channels.setPrice({ channelId: c.id, price: 100 }));
      expect(noProduct.message).toBe('channelId: has no product; set one first');

      const theirs = await b.products.insert({ code: 'B001', name: 'B 的商品', price: 100 });
      const foreign = await failure(admin.channels.setProduct({ channelId: c.id, productId: theirs.id }));
      expect(foreign.code).toBe('NOT_FOUND');
      expect(foreign.message).toBe('Product not found');
      const old = await a.products.insert({ code: 'OLD1', name: '停售商品', price: 100, status: 'discontinued' });
      const discontinued = await failure(admin.channels.setProduct({ channelId: c.id, productId: old.id }));
      expect(discontinued.message).toBe('productId: is discontinued');
      expect((await channel(1)).productId).toBeNull();
    });

    it('takes a channel out of service with a reason and puts it back', async () => {
      const c = await channel(3);
      const leader = await api.signIn(DEMO_CODE, 'leader');
      await leader.channels.deactivate({ channelId: c.id, reason: '出货口卡住' });
      expect(await channel(3)).toMatchObject({ enabled: false, disabledReason: '出货口卡住' });
      const missing = await failure(leader.channels.deactivate({ channelId: c.id, reason: '  ' }));
      expect(missing.message).toBe('reason: is required');
      await leader.channels.activate({ channelId: c.id });
      expect(await channel(3)).toMatchObject({ enabled: true, disabledReason: null });
      expect(await a.auditLog.count((l) => and(eq(l.entityId, c.id), eq(l.entity, 'channels')))).toBe(2);
    });

    it('groups channels of one machine under one product and price', async () => {
      const d003 = await product('D003');
      const one = await channel(1); // empty and without a product by now
      const groups = await admin.channelGroups.list({ machineId });
      expect(groups.map((g) => g.name)).toEqual(['D001-组', 'D002-组', 'D003-组', 'D004-组', 'D005-组', 'D006-组']);
      expect(groups[0]?.channelNumbers).toEqual([7, 13, 19]);

      const elsewhere = await channel(1, otherMachineId);
      const mixed = await failure(
        admin.channelGroups.create({ machineId, name: '促销', channelIds: [one.id, elsewhere.id], productId: d003.id }),
      );
      expect(mixed.message).toBe('channelIds: channel 1 is not a channel of this machine');
      const taken = await failure(
        admin.channelGroups.create({
          machineId,
          name: '促销',
          channelIds: [one.id, (await channel(9)).id],
          productId: d003.id,
        }),
      );
      expect(taken.message).toBe('channelIds: channel 9 is already in group "D003-组"');
      expect(await a.channelGroups.count((g) => eq(g.name, '促销'))).toBe(0);

      const created = await admin.channelGroups.create({
        machineId,
        name: '促销',
        channelIds: [one.id],
        productId: d003.id,
        price: d003.price - 20,
      });
      expect(created).toMatchObject({
        price: d003.price - 20,
        discount: true,
        channelNumbers: [1],
        productCode: 'D003',
      });
      expect(await channel(1)).toMatchObject({
        channelGroupId: created.id,
        productId: d003.id,
        price: d003.price - 20,
        specialPrice: true,
      });
      const duplicate = await failure(
        admin.channelGroups.create({ machineId, name: '促销', channelIds: [one.id], productId: d003.id }),
      );
      expect(duplicate.code).toBe('CONFLICT');
      expect((await a.auditLog.find({ where: (l) => eq(l.action, 'channelGroups.create') })).length).toBe(2);
    });

    it("sets a group's price on all its channels, and refuses a new product while any of them holds stock", async () => {
      const group = await a.channelGroups.findOne((g) => and(eq(g.machineId, machineId), eq(g.name, 'D004-组')));
      if (!group) throw new Error('no group');
      await admin.channelGroups.update({ channelGroupId: group.id, price: 280 });
      const members = await a.channels.find({ where: (c) => eq(c.channelGroupId, group.id) });
      expect(members.length).toBeGreaterThan(1);
      for (const c of members) expect(c).toMatchObject({ price: 280, specialPrice: true });
      expect(await a.channelGroups.get(group.id)).toMatchObject({ price: 280, discount: true });

      const before = await allChannels();
      const d006 = await product('D006');
      const refused = await failure(admin.channelGroups.update({ channelGroupId: group.id, productId: d006.id }));
      expect(refused.code).toBe('BAD_REQUEST');
      expect(refused.message).toMatch(/^productId: channel \d+ still holds \d+ of another product; empty it first$/);
      expect(await allChannels()).toEqual(before);
      expect((await a.channelGroups.get(group.id))?.productId).toBe(group.productId);

      for (const c of members) await a.channels.update(c.id, { stock: 0 });
      await admin.channelGroups.update({ channelGroupId: group.id, productId: d006.id });
      for (const c of await a.channels.find({ where: (c) => eq(c.channelGroupId, group.id) })) {
        expect(c).toMatchObject({ productId: d006.id, price: d006.price, specialPrice: false });
      }
    });

    it('dissolves a group: its channels keep product and price', async () => {
      const group = await a.channelGroups.findOne((g) => and(eq(g.machineId, machineId), eq(g.name, 'D002-组')));
      if (!group) throw new Error('no group');
      const members = await a.channels.find({ where: (c) => eq(c.channelGroupId, group.id) });
      const result = await admin.channelGroups.dissolve({ channelGroupId: group.id });
      expect(result).toEqual({ id: group.id, channels: members.length });
      expect(await a.channelGroups.get(group.id)).toBeUndefined();
      for (const c of members) {
        expect(await a.channels.get(c.id)).toMatchObject({
          channelGroupId: null,
          productId: c.productId,
          price: c.price,
        });
      }
      const [audit] = await a.auditLog.find({
        where: (l) => and(eq(l.action, 'channelGroups.dissolve'), eq(l.entity, 'channelGroups')),
      });
      expect(audit?.before).toMatchObject({ name: 'D002-组' });
      const again = await failure(admin.channelGroups.dissolve({ channelGroupId: group.id }));
      expect(again.code).toBe('NOT_FOUND');
      expect(again.message).toBe('Channel group not found');
    });
  });
}
