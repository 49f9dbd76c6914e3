import { eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi, failure } from '../testing.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] custom field values`, () => {
    let api: TestApi;
    let tenantId: string;
    let admin: Caller;
    let n = 0;

    const scope = () => api.db.forTenant(tenantId);
    const product = (customFields: Record<string, string | number | boolean | null>) => ({
      code: `CF${++n}`,
      name: 'Test product',
      unit: '瓶',
      cost: 100,
      price: 200,
      customFields,
    });

    beforeAll(async () => {
      api = await createTestApi(dialect);
      tenantId = await tenantIdOf(api.db, DEMO_CODE);
      admin = await api.signIn(DEMO_CODE, 'admin');
    });
    afterAll(async () => {
      await api?.close();
    });

    it('refuses a field keyed by a name every object has', async () => {
      for (const key of ['constructor', 'prototype']) {
        const refused = await failure(
          admin.customFields.create({ entity: 'product', key, label: 'x', type: 'number' }),
        );
        expect(refused.code, key).toBe('BAD_REQUEST');
        expect(refused.message).toBe('key: is a reserved name');
      }
      expect(await scope().customFieldDefinitions.count((d) => eq(d.key, 'constructor'))).toBe(0);
    });

    it('treats a field keyed `constructor` (defined before it was reserved) as an ordinary field', async () => {
      const definition = await scope().customFieldDefinitions.insert({
        entity: 'product',
        key: 'constructor',
        label: 'Legacy',
        type: 'number',
        required: true,
        sortOrder: 99,
      });
      try {
        const missing = await failure(admin.products.create(product({ shelf_life_days: 30 })));
        expect(missing.code).toBe('BAD_REQUEST');
        expect(missing.message).toBe('customFields.constructor: is required');
        const text = await failure(admin.products.create(product({ shelf_life_days: 30, constructor: '12' })));
        expect(text.message).toBe('customFields.constructor: must be a number');

        const created = await admin.products.create(product({ shelf_life_days: 30, constructor: 12 }));
        expect(created.customFields.find((f) => f.key === 'constructor')?.value).toBe(12);
        const cleared = await failure(
          admin.customFields.setProductValues({ id: created.id, values: { constructor: null } }),
        );
        expect(cleared.message).toBe('values.constructor: is required');
        const values = await admin.customFields.setProductValues({ id: created.id, values: { shelf_life_days: 7 } });
        expect(values.find((v) => v.key === 'constructor')?.value).toBe(12);
      } finally {
        await scope().customFieldValues.deleteWhere((v) => eq(v.definitionId, definition.id));
        await scope().customFieldDefinitions.delete(definition.id);
      }
    });

    it('refuses the text "12" for a number field in every procedure that takes values', async () => {
      await admin.customFields.create({ entity: 'user', key: 'locker', label: 'Locker', type: 'number' });
      await admin.customFields.create({ entity: 'machine', key: 'floor', label: 'Floor', type: 'number' });
      const productId = (await admin.products.create(product({ shelf_life_days: 30 }))).id;
      const machineId = (await scope().machines.find({ limit: 1 }))[0]?.id ?? '';
      const userId = (await scope().users.findOne((u) => eq(u.username, 'staff1')))?.id ?? '';
      const before = await scope().customFieldValues.count();

      const refusals = [
        [failure(admin.products.create(product({ shelf_life_days: '12' }))), 'customFields.shelf_life_days'],
        [
          failure(admin.products.update({ productId, customFields: { shelf_life_days: '12' } })),
          'customFields.shelf_life_days',
        ],
        [
          failure(admin.customFields.setProductValues({ id: productId, values: { shelf_life_days: '12' } })),
          'values.shelf_life_days',
        ],
        [failure(admin.customFields.setMachineValues({ id: machineId, values: { floor: '12' } })), 'values.floor'],
        [failure(admin.customFields.setUserValues({ id: userId, values: { locker: '12' } })), 'values.locker'],
      ] as const;
      for (const [refusal, field] of refusals) {
        const error = await refusal;
        expect(error.code, field).toBe('BAD_REQUEST');
        expect(error.message).toBe(`${field}: must be a number`);
      }
      expect(await scope().customFieldValues.count()).toBe(before);
    });
  });
}
