import { describe, expect, it } from 'vitest';
import { createDb } from './index.js';
describe('smoke', () => {
  it('works', async () => {
    const db = await createDb(':memory:');
    const t = await db.platform.tenants.insert({ kind: 'manufacturer', code: '000001', name: 'M' });
    const scope = db.forTenant(t.id);
    const p = await scope.products.insert({ code: 'P1', name: 'Cola', price: 300 });
    expect(await scope.products.get(p.id)).toEqual(p);
    expect(await scope.products.count()).toBe(1);
    expect(await scope.products.update(p.id, { price: 350 })).toBe(true);
    expect((await scope.products.get(p.id))?.price).toBe(350);
    await db.close();
  });
});
