import { randomUUID } from 'node:crypto';
import { eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { describe, expect, it } from 'vitest';
import { manufacturerTestbed } from '../tenants/manufacturer.test-helpers.js';
import { failure } from '../testing.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] factory machines`, () => {
    const bed = manufacturerTestbed(dialect);

    describe('machine types and machines', () => {
      let typeId: string;

      it('creates, updates and deletes a machine type; a type machines were built of stays', async () => {
        const type = await bed.maker.factory.machineTypes.create({
          model: 'VMC-C24',
          name: '冷饮机 24 货道',
          channelCount: 24,
          channelCapacity: 12,
          refrigerated: true,
        });
        typeId = type.id;
        expect(type).toMatchObject({ model: 'VMC-C24', channelCount: 24, refrigerated: true });
        const dup = await failure(
          bed.maker.factory.machineTypes.create({ model: 'VMC-C24', name: 'x', channelCount: 1, channelCapacity: 1 }),
        );
        expect(dup.code).toBe('CONFLICT');
        expect(dup.message).toBe('model: is taken');
        const updated = await bed.maker.factory.machineTypes.update({ typeId, channelCapacity: 10 });
        expect(updated.channelCapacity).toBe(10);

        const types = await bed.maker.factory.machineTypes.list();
        expect(types.map((t) => t.model)).toEqual(['VMC-C20', 'VMC-C24', 'VMC-S12']);
        const sold = types.find((t) => t.model === 'VMC-C20');
        const used = await failure(bed.maker.factory.machineTypes.delete({ typeId: sold?.id ?? '' }));
        expect(used.message).toBe('typeId: 2 machines of this type were built');

        const spare = await bed.maker.factory.machineTypes.create({
          model: 'TMP-1',
          name: 'tmp',
          channelCount: 1,
          channelCapacity: 1,
        });
        await bed.maker.factory.machineTypes.delete({ typeId: spare.id });
        expect(await bed.scope().machineTypes.get(spare.id)).toBeUndefined();
        expect(await bed.audits('factory.machineTypes.delete')).toHaveLength(1);
      });

      it('adds machines by board id, unique across the platform', async () => {
        const added = await bed.maker.factory.machines.add({ boardId: 'VMC2026C0001', typeId, price: 1_990_000 });
        expect(added).toMatchObject({ boardId: 'VMC2026C0001', model: 'VMC-C24', status: 'in_stock', soldTo: null });
        await bed.maker.factory.machines.add({ boardId: 'VMC2026C0002', typeId, price: 1_990_000 });
        await bed.maker.factory.machines.add({ boardId: 'VMC2026C0003', typeId });
        for (const boardId of ['VMC2026C0001', 'VMC2026A0001']) {
          const dup = await failure(bed.maker.factory.machines.add({ boardId, typeId }));
          expect(dup.code).toBe('CONFLICT');
          expect(dup.message).toBe('boardId: is taken');
        }
        const bad = await failure(bed.maker.factory.machines.add({ boardId: 'no way!', typeId }));
        expect(bad.message).toBe('boardId: must be 4-32 letters, digits, dashes or underscores');
        expect(await bed.scope().machines.count()).toBe(3);
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
        const sales = await bed.scope().machineSales.find({ where: (s) => eq(s.machineId, first.id) });
        expect(sales.map((s) => [s.operatorId, s.price])).toEqual([[operatorId, 1_800_000]]);
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
