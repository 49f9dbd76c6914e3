import { randomUUID } from 'node:crypto';
import { asc, eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { describe, expect, it } from 'vitest';
import { manufacturerTestbed } from '../tenants/manufacturer.test-helpers.js';
import { failure, tenantIdOf } from '../testing.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] factory machines`, () => {
    const bed = manufacturerTestbed(dialect);

    describe('machine types and machines', () => {
      let typeId: string;

      it('creates, updates and deletes a machine type; a type machines were built of stays', async () => {
        const type = await bed.maker.factory.machineTypes.create({
          model: 'VMC-C24',
          name: '冷饮机 24 货道',
          trays: 4,
          slotsPerTray: 6,
          defaultCapacity: 12,
          refrigerated: true,
        });
        typeId = type.id;
        expect(type).toMatchObject({
          model: 'VMC-C24',
          trays: 4,
          slotsPerTray: 6,
          defaultCapacity: 12,
          channelCount: 24,
          refrigerated: true,
        });
        expect(type).not.toHaveProperty('channelCapacity');
        const dup = await failure(
          bed.maker.factory.machineTypes.create({
            model: 'VMC-C24',
            name: 'x',
            trays: 1,
            slotsPerTray: 1,
            defaultCapacity: 1,
          }),
        );
        expect(dup.code).toBe('CONFLICT');
        expect(dup.message).toBe('model: is taken');
        const updated = await bed.maker.factory.machineTypes.update({ typeId, defaultCapacity: 10 });
        expect(updated).toMatchObject({ trays: 4, slotsPerTray: 6, defaultCapacity: 10, channelCount: 24 });

        const types = await bed.maker.factory.machineTypes.list();
        expect(types.map((t) => t.model)).toEqual(['VMC-C20', 'VMC-C24', 'VMC-S12']);
        expect(types.map((t) => [t.model, t.trays, t.slotsPerTray, t.channelCount, t.defaultCapacity])).toEqual([
          ['VMC-C20', 4, 5, 20, 10],
          ['VMC-C24', 4, 6, 24, 10],
          ['VMC-S12', 3, 4, 12, 8],
        ]);
        const sold = types.find((t) => t.model === 'VMC-C20');
        const used = await failure(bed.maker.factory.machineTypes.delete({ typeId: sold?.id ?? '' }));
        expect(used.message).toBe('typeId: 2 machines of this type were built');

        const spare = await bed.maker.factory.machineTypes.create({
          model: 'TMP-1',
          name: 'tmp',
          trays: 1,
          slotsPerTray: 1,
          defaultCapacity: 1,
        });
        await bed.maker.factory.machineTypes.delete({ typeId: spare.id });
        expect(await bed.scope().machineTypes.get(spare.id)).toBeUndefined();
        expect(await bed.audits('factory.machineTypes.delete')).toHaveLength(1);
      });

      it('refuses a layout out of range, naming the field and the bound', async () => {
        const type = { model: 'BAD-1', name: 'bad', trays: 2, slotsPerTray: 2, defaultCapacity: 5 };
        for (const [patch, message] of [
          [{ trays: 0 }, 'trays: must be at least 1'],
          [{ trays: 100 }, 'trays: must be at most 99'],
          [{ trays: 2.5 }, 'trays: must be a whole number'],
          [{ slotsPerTray: 0 }, 'slotsPerTray: must be at least 1'],
          [{ slotsPerTray: 100 }, 'slotsPerTray: must be at most 99'],
          [{ defaultCapacity: 0 }, 'defaultCapacity: must be at least 1'],
          [{ defaultCapacity: 1001 }, 'defaultCapacity: must be at most 1000'],
        ] as const) {
          const bad = await failure(bed.maker.factory.machineTypes.create({ ...type, ...patch }));
          expect(bad.code).toBe('BAD_REQUEST');
          expect(bad.message).toBe(message);
        }
        const wide = await bed.maker.factory.machineTypes.create({ ...type, trays: 99, slotsPerTray: 99 });
        expect(wide.channelCount).toBe(9801);
        const over = await failure(bed.maker.factory.machineTypes.update({ typeId: wide.id, slotsPerTray: 100 }));
        expect(over.message).toBe('slotsPerTray: must be at most 99');
        await bed.maker.factory.machineTypes.delete({ typeId: wide.id });
      });

      it('adds machines by board id, unique across the platform, each with the channels of its type', async () => {
        const added = await bed.maker.factory.machines.add({
          boardId: 'VMC2026C0001',
          typeId,
          price: 1_990_000,
          nameplateNo: ' C24-2026-0001 ',
        });
        expect(added).toMatchObject({
          boardId: 'VMC2026C0001',
          nameplateNo: 'C24-2026-0001',
          model: 'VMC-C24',
          status: 'in_stock',
          soldTo: null,
        });
        // 4 trays of 6: channels 1..24 in tray order, empty, at the type's default capacity.
        const channels = await bed.scope().channels.find({
          where: (c) => eq(c.machineId, added?.id ?? ''),
          orderBy: (c) => [asc(c.number)],
        });
        expect(channels.map((c) => c.number)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
        for (const c of channels) {
          expect(c).toMatchObject({ capacity: 10, stock: 0, productId: null, price: null, enabled: true });
        }
        expect((await bed.audits('factory.machines.add'))[0]?.after).toMatchObject({ channels: 24 });

        await bed.maker.factory.machines.add({
          boardId: 'VMC2026C0002',
          typeId,
          price: 1_990_000,
          nameplateNo: 'C24-2026-0002',
        });
        await bed.maker.factory.machines.add({ boardId: 'VMC2026C0003', typeId });
        for (const boardId of ['VMC2026C0001', 'VMC2026A0001']) {
          const dup = await failure(bed.maker.factory.machines.add({ boardId, typeId }));
          expect(dup.code).toBe('CONFLICT');
          expect(dup.message).toBe('boardId: is taken');
        }
        // A nameplate number is unique on the platform too, in any case, the demo operator's included.
        for (const nameplateNo of ['c24-2026-0001', 'C20-2026-000118']) {
          const dup = await failure(bed.maker.factory.machines.add({ boardId: 'VMC2026C0009', typeId, nameplateNo }));
          expect(dup.code).toBe('CONFLICT');
          expect(dup.message).toBe('nameplateNo: is taken');
        }
        const long = await failure(
          bed.maker.factory.machines.add({ boardId: 'VMC2026C0009', typeId, nameplateNo: 'N'.repeat(33) }),
        );
        expect(long.message).toBe('nameplateNo: must be at most 32 characters');
        const bad = await failure(bed.maker.factory.machines.add({ boardId: 'no way!', typeId }));
        expect(bad.message).toBe('boardId: must be 4-32 letters, digits, dashes or underscores');
        expect(await bed.scope().machines.count()).toBe(3);
        expect(await bed.scope().channels.count()).toBe(3 * 24);
        expect((await bed.audits('factory.machines.add'))[0]?.after).toMatchObject({ boardId: 'VMC2026C0001' });
      });

      it('lists the machines built, in stock and sold, with the operator holding each and nothing of its own', async () => {
        const all = await bed.maker.factory.machines.list({});
        expect(all.total).toBe(6);
        expect(all.items.map((m) => [m.boardId, m.status, m.soldTo?.name ?? null])).toEqual([
          ['VMC2026C0001', 'in_stock', null],
          ['VMC2026C0002', 'in_stock', null],
          ['VMC2026C0003', 'in_stock', null],
          ['VMC2026A0001', 'sold', 'Demo_Vending'],
          ['VMC2026A0002', 'sold', 'Demo_Vending'],
          ['VMC2026B0001', 'sold', 'Demo_Vending'],
        ]);
        const sold = all.items[3];
        expect(sold?.machineSalePrice).toBe(1_880_000);
        expect(Object.keys(sold ?? {}).sort()).toEqual(
          [
            'id',
            'boardId',
            'nameplateNo',
            'typeId',
            'model',
            'typeName',
            'price',
            'status',
            'createdAt',
            'soldTo',
            'soldAt',
            'machineSalePrice',
          ].sort(),
        );
        expect(JSON.stringify(all)).not.toContain('图书馆');

        const page = await bed.maker.factory.machines.list({ limit: 2, offset: 2 });
        expect(page.items.map((m) => m.boardId)).toEqual(['VMC2026C0003', 'VMC2026A0001']);
        expect((await bed.maker.factory.machines.list({ status: 'sold' })).total).toBe(3);
        expect((await bed.maker.factory.machines.list({ boardId: 'a000' })).total).toBe(2);
        expect(sold?.nameplateNo).toBe('C20-2026-000118');
        expect(JSON.stringify(all)).not.toContain('HD-001');
        const byNameplate = await bed.maker.factory.machines.list({ nameplateNo: 'c24-2026' });
        expect(byNameplate.items.map((m) => m.boardId)).toEqual(['VMC2026C0001', 'VMC2026C0002']);
        expect((await bed.maker.factory.machines.list({ nameplateNo: '2026-0002' })).total).toBe(1);
        expect((await bed.maker.factory.machines.list({ nameplateNo: 's12', status: 'sold' })).total).toBe(1);
        expect((await bed.maker.factory.machines.list({ nameplateNo: 'C24', boardId: 'C0002' })).total).toBe(1);
        expect((await bed.maker.factory.machines.list({ operatorId: bed.demoId })).total).toBe(3);
        expect((await bed.maker.factory.machines.list({ typeId })).total).toBe(3);
      });

      it('sells a machine to an operator within its quota; the operator holds it from then on', async () => {
        const { tenantId: operatorId } = await bed.api.createOperator({ code: '200001', name: 'Beta_Vending' });
        await bed.maker.tenants.setMachineQuota({ tenantId: operatorId, machineQuota: 1 });
        const inStock = (await bed.maker.factory.machines.list({ status: 'in_stock' })).items;
        const [first, second] = inStock;
        if (!first || !second) throw new Error('machines missing');

        const sold = await bed.maker.factory.machines.sell({ machineId: first.id, operatorId, price: 1_800_000 });
        expect(sold).toMatchObject({
          id: first.id,
          status: 'sold',
          soldTo: { tenantId: operatorId, name: 'Beta_Vending' },
        });
        expect(sold?.machineSalePrice).toBe(1_800_000);
        expect(await bed.scope().machines.get(first.id)).toBeUndefined();
        const held = await bed.api.db.forTenant(operatorId).machines.get(first.id);
        expect(held).toMatchObject({
          boardId: first.boardId,
          status: 'active',
          manufacturerId: bed.manufacturerId,
          price: 1_990_000,
        });
        // Its channels moved with it: the operator's rows now, the same ids, none left behind.
        const channels = await bed.api.db
          .forTenant(operatorId)
          .channels.find({ where: (c) => eq(c.machineId, first.id), orderBy: (c) => [asc(c.number)] });
        expect(channels.map((c) => [c.number, c.tenantId])).toEqual(
          Array.from({ length: 24 }, (_, i) => [i + 1, operatorId]),
        );
        expect(await bed.scope().channels.count((c) => eq(c.machineId, first.id))).toBe(0);
        expect((await bed.audits('factory.machines.sell'))[0]?.after).toMatchObject({ channels: 24 });
        const sales = await bed.scope().machineSales.find({ where: (s) => eq(s.machineId, first.id) });
        expect(sales.map((s) => [s.operatorId, s.price])).toEqual([[operatorId, 1_800_000]]);
        // Held since its machine sale, with no service PIN of the previous holder.
        expect(held?.heldSince).toEqual(sales[0]?.soldAt);
        expect(held?.servicePin).toBeNull();
        expect((await bed.audits('factory.machines.sell'))[0]?.after).toMatchObject({ holder: operatorId });

        const full = await failure(bed.maker.factory.machines.sell({ machineId: second.id, operatorId }));
        expect(full.code).toBe('BAD_REQUEST');
        expect(full.message).toBe('operatorId: the operator already holds 1 of the 1 machines its lease allows');
        expect(await bed.scope().machines.get(second.id)).toBeDefined();

        // A machine the operator holds cannot be sold again, nor can one be sold to the manufacturer.
        const again = await failure(bed.maker.factory.machines.sell({ machineId: first.id, operatorId: bed.demoId }));
        expect(again.code).toBe('NOT_FOUND');
        expect(again.message).toBe('Machine not found');
        const toSelf = await failure(
          bed.maker.factory.machines.sell({ machineId: second.id, operatorId: bed.manufacturerId }),
        );
        expect(toSelf.message).toBe('Tenant not found');
        const unknown = await failure(bed.maker.factory.machines.sell({ machineId: randomUUID(), operatorId }));
        expect(unknown.code).toBe('NOT_FOUND');

        const operatorMe = await (await bed.api.signIn('200001', 'operator_admin')).auth.me();
        expect(operatorMe.tenant.code).toBe('200001');
        expect((await bed.maker.factory.machines.list({ operatorId })).items.map((m) => m.boardId)).toEqual([
          first.boardId,
        ]);
      });

      it('lets the operator stock a machine it bought: a product in a channel, then a restock', async () => {
        const admin = await bed.api.signIn('200001', 'operator_admin');
        const [machine] = (await admin.machines.list({})).items;
        if (!machine) throw new Error('the operator holds no machine');
        expect(machine).toMatchObject({ boardId: 'VMC2026C0001', nameplateNo: 'C24-2026-0001', deviceNo: null });
        const channels = await admin.channels.list({ machineId: machine.id });
        expect(channels.map((c) => c.number)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
        const channel = channels[6];
        if (!channel) throw new Error('no channel 7');

        const product = await admin.products.create({
          code: 'W001',
          name: '矿泉水 550ml',
          spec: null,
          unit: '瓶',
          cost: 90,
          price: 200,
          description: null,
        });
        expect(await admin.channels.setProduct({ channelId: channel.id, productId: product.id })).toMatchObject({
          number: 7,
          productCode: 'W001',
          price: 200,
          capacity: 10,
          stock: 0,
        });
        const operator = bed.api.db.forTenant(await tenantIdOf(bed.api.db, '200001'));
        const worker = await operator.users.findOne((u) => eq(u.username, 'field_staff'));
        if (!worker) throw new Error('no field worker');
        await admin.machines.assignStaff({ machineId: machine.id, staffId: worker.id });
        await operator.staffInventory.insert({ staffId: worker.id, productId: product.id, quantity: 12 });
        const staff = await bed.api.signIn('200001', 'field_staff');
        await staff.restocks.create({
          machineId: machine.id,
          channelId: channel.id,
          productId: product.id,
          quantity: 8,
        });
        expect(await operator.channels.get(channel.id)).toMatchObject({ stock: 8, productId: product.id });
        const over = await failure(
          staff.restocks.create({ machineId: machine.id, channelId: channel.id, productId: product.id, quantity: 3 }),
        );
        expect(over.message).toBe("quantity: more than the channel's free capacity of 2");
      });

      it('removes a machine in stock and changes its price, but not one it sold', async () => {
        const [machine] = (await bed.maker.factory.machines.list({ status: 'in_stock' })).items;
        if (!machine) throw new Error('no machine in stock');
        const priced = await bed.maker.factory.machines.setPrice({ machineId: machine.id, price: 100 });
        expect(priced?.price).toBe(100);
        await bed.maker.factory.machines.remove({ machineId: machine.id });
        expect(await bed.scope().machines.get(machine.id)).toBeUndefined();
        const demoMachine = await bed.api.db
          .forTenant(bed.demoId)
          .machines.findOne((m) => eq(m.boardId, 'VMC2026A0001'));
        const sold = await failure(bed.maker.factory.machines.remove({ machineId: demoMachine?.id ?? '' }));
        expect(sold.code).toBe('NOT_FOUND');
        expect(await bed.api.db.forTenant(bed.demoId).machines.get(demoMachine?.id ?? '')).toBeDefined();
      });
    });
  });
}
