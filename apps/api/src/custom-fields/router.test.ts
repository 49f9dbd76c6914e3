import { and, eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi, failure } from '../testing.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] custom fields`, () => {
    let api: TestApi;
    let tenantId: string;
    let admin: Caller;
    let machineId: string;
    let productId: string;

    const scope = () => api.db.forTenant(tenantId);
    /** Every stored value, to compare before and after a refused change. */
    const snapshot = async () =>
      JSON.stringify(
        (await scope().customFieldValues.find({ orderBy: (v) => [v.id] })).map((v) => [
          v.definitionId,
          v.entityId,
          v.value,
        ]),
      );

    beforeAll(async () => {
      api = await createTestApi(dialect);
      tenantId = await tenantIdOf(api.db, DEMO_CODE);
      admin = await api.signIn(DEMO_CODE, 'admin');
      machineId = (await scope().machines.find({ orderBy: (m) => [m.boardId], limit: 1 }))[0]?.id as string;
      productId = (await scope().products.findOne((p) => eq(p.code, 'D001')))?.id as string;
      for (const field of [
        { key: 'capacity_l', label: '容量（升）', type: 'number' as const },
        { key: 'installed_on', label: '安装日期', type: 'date' as const },
        { key: 'indoor', label: '室内', type: 'boolean' as const },
        { key: 'color', label: '颜色', type: 'select' as const, options: ['red', 'blue'] },
        { key: 'note', label: '备注', type: 'text' as const },
      ]) {
        await admin.customFields.create({ entity: 'machine', ...field });
      }
    });
    afterAll(async () => {
      await api?.close();
    });

    it('defines fields per entity, refusing duplicates and options where they do not belong', async () => {
      const machine = await admin.customFields.list({ entity: 'machine' });
      expect(machine.map((f) => [f.key, f.type, f.required])).toEqual([
        ['asset_tag', 'text', true],
        ['capacity_l', 'number', false],
        ['color', 'select', false],
        ['indoor', 'boolean', false],
        ['installed_on', 'date', false],
        ['note', 'text', false],
      ]);
      expect((await admin.customFields.list({ entity: 'product' })).map((f) => f.key)).toEqual(['shelf_life_days']);
      const color = machine.find((f) => f.key === 'color');
      expect(color?.options).toEqual(['red', 'blue']);
      const [audit] = await scope().auditLog.find({
        where: (a) => and(eq(a.action, 'customFields.create'), eq(a.entityId, color?.id as string)),
      });
      expect(audit?.after).toMatchObject({ key: 'color', type: 'select', options: ['red', 'blue'] });

      const duplicate = await failure(
        admin.customFields.create({ entity: 'machine', key: 'color', label: 'x', type: 'text' }),
      );
      expect(duplicate.code).toBe('CONFLICT');
      const noOptions = await failure(
        admin.customFields.create({ entity: 'user', key: 'size', label: '尺码', type: 'select' }),
      );
      expect(noOptions.message).toBe('options: a select field needs its options');
      const stray = await failure(
        admin.customFields.create({ entity: 'user', key: 'size', label: '尺码', type: 'text', options: ['S'] }),
      );
      expect(stray.message).toBe('options: only a select field has options');
      const badKey = await failure(
        admin.customFields.create({ entity: 'user', key: 'Size!', label: '尺码', type: 'text' }),
      );
      expect(badKey.message).toBe('key: must be 1-32 lowercase letters, digits or underscores, starting with a letter');
    });

    it('sets values of every type on a machine and reads them back typed', async () => {
      const values = await admin.customFields.setMachineValues({
        id: machineId,
        values: { capacity_l: 12.5, installed_on: '2026-03-01', indoor: true, color: 'blue', note: '  靠窗  ' },
      });
      const byKey = Object.fromEntries(values.map((v) => [v.key, v.value]));
      expect(byKey).toEqual({
        asset_tag: 'ZGC-0001',
        capacity_l: 12.5,
        installed_on: '2026-03-01',
        indoor: true,
        color: 'blue',
        note: '靠窗',
      });
      expect(await admin.customFields.machineValues({ id: machineId })).toEqual(values);
      const [audit] = await scope().auditLog.find({
        where: (a) => and(eq(a.action, 'customFields.setMachineValues'), eq(a.entityId, machineId)),
      });
      expect(audit?.entity).toBe('machines');
      expect(audit?.before).toMatchObject({ customFields: { asset_tag: 'ZGC-0001', capacity_l: null } });
      expect(audit?.after).toMatchObject({ customFields: { capacity_l: 12.5, color: 'blue' } });

      const cleared = await admin.customFields.setMachineValues({ id: machineId, values: { note: null } });
      expect(cleared.find((v) => v.key === 'note')?.value).toBeNull();
      expect(cleared.find((v) => v.key === 'capacity_l')?.value).toBe(12.5);
    });

    it('refuses a value that does not fit its field, naming the field, and changes nothing', async () => {
      const before = await snapshot();
      const cases: [Record<string, string | number | boolean | null>, string][] = [
        [{ capacity_l: 'twelve' }, 'values.capacity_l: must be a number'],
        [{ capacity_l: true }, 'values.capacity_l: must be a number'],
        [{ color: 'green' }, 'values.color: must be one of red, blue'],
        [{ installed_on: '2026-02-30' }, 'values.installed_on: must be a date (YYYY-MM-DD)'],
        [{ installed_on: 20260301 }, 'values.installed_on: must be a date (YYYY-MM-DD)'],
        [{ indoor: 'yes' }, 'values.indoor: must be true or false'],
        [{ note: 42 }, 'values.note: must be text'],
        [{ note: '   ' }, 'values.note: must not be empty'],
        [{ asset_tag: null }, 'values.asset_tag: is required'],
        [{ shelf_life_days: 3 }, 'values.shelf_life_days: is not a custom field of machines'],
        [{ capacity_l: 3, color: 'green' }, 'values.color: must be one of red, blue'],
      ];
      for (const [values, message] of cases) {
        const error = await failure(admin.customFields.setMachineValues({ id: machineId, values }));
        expect(error.code, message).toBe('BAD_REQUEST');
        expect(error.message).toBe(message);
      }
      expect(await snapshot()).toBe(before);
    });

    it('requires required fields on entities that have none yet', async () => {
      const [, second] = await scope().machines.find({ orderBy: (m) => [m.boardId], limit: 2 });
      await scope().customFieldValues.deleteWhere((v) => eq(v.entityId, second?.id as string));
      const missing = await failure(
        admin.customFields.setMachineValues({ id: second?.id as string, values: { note: 'x' } }),
      );
      expect(missing.message).toBe('values.asset_tag: is required');
      const ok = await admin.customFields.setMachineValues({
        id: second?.id as string,
        values: { note: 'x', asset_tag: 'ZGC-9999' },
      });
      expect(ok.find((v) => v.key === 'asset_tag')?.value).toBe('ZGC-9999');
    });

    it('sets values on products and users, each entity loaded from its own table', async () => {
      const product = await admin.customFields.setProductValues({ id: productId, values: { shelf_life_days: 180 } });
      expect(product).toMatchObject([{ key: 'shelf_life_days', value: 180 }]);
      await admin.customFields.create({ entity: 'user', key: 'badge', label: '工牌', type: 'text', required: true });
      const staff1 = (await scope().users.findOne((u) => eq(u.username, 'staff1')))?.id as string;
      expect(await admin.customFields.setUserValues({ id: staff1, values: { badge: 'B-7' } })).toMatchObject([
        { key: 'badge', value: 'B-7' },
      ]);
      // A product id is not a machine.
      const wrongTable = await failure(admin.customFields.machineValues({ id: productId }));
      expect(wrongTable.message).toBe('Machine not found');

      await api.createOperator({ code: '200005', name: 'Other_Vending' });
      const other = await api.signIn('200005', 'operator_admin');
      const hidden = await failure(other.customFields.setMachineValues({ id: machineId, values: {} }));
      expect(hidden.code).toBe('NOT_FOUND');
      expect(hidden.message).toBe('Machine not found');
      expect(await other.customFields.list({})).toEqual([]);
    });

    it('changes options only while no value uses a removed one, and deletes a field with its values', async () => {
      const color = (await admin.customFields.list({ entity: 'machine' })).find((f) => f.key === 'color');
      const id = color?.id as string;
      const inUse = await failure(admin.customFields.update({ id, options: ['red'] }));
      expect(inUse.message).toBe('options: blue still used by 1 values');
      const updated = await admin.customFields.update({ id, options: ['red', 'blue', 'green'], label: '外观颜色' });
      expect(updated).toMatchObject({ label: '外观颜色', options: ['red', 'blue', 'green'] });
      await admin.customFields.setMachineValues({ id: machineId, values: { color: 'green' } });

      const deleted = await admin.customFields.delete({ id });
      expect(deleted).toEqual({ id, deleted: true, valuesDeleted: 1 });
      expect(await scope().customFieldValues.count((v) => eq(v.definitionId, id))).toBe(0);
      expect((await admin.customFields.machineValues({ id: machineId })).map((v) => v.key)).not.toContain('color');
      const [audit] = await scope().auditLog.find({
        where: (a) => and(eq(a.action, 'customFields.delete'), eq(a.entityId, id)),
      });
      expect(audit?.before).toMatchObject({ key: 'color' });
    });
  });
}
