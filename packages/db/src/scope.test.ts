import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables, type TenantTableName } from './schema/index.js';
import { adjust, platformTableNames, tenantTableNames } from './scope.js';
import { containsText, startsWithText } from './search.js';
import { createTestTenant, insertRow, openTestDatabase, testDialects, type TestDatabase } from './testing/index.js';

/** Every table of the schema that carries a tenant id, read from the definitions. */
const tenantOwned = Object.entries(tables)
  .filter(([, def]) => 'tenantId' in def.columns)
  .map(([name]) => name as TenantTableName)
  .sort();

type LooseAccess = {
  get(id: string): Promise<Record<string, unknown> | undefined>;
  find(o?: object): Promise<Record<string, unknown>[]>;
  findOneBy(match: object): Promise<Record<string, unknown> | undefined>;
  count(where?: unknown): Promise<number>;
  update(id: string, patch: object): Promise<boolean>;
  updateWhere(where: () => undefined, patch: object): Promise<number>;
  delete(id: string): Promise<boolean>;
  deleteWhere(where: () => undefined): Promise<number>;
  insert(values: object): Promise<Record<string, unknown>>;
};

describe('the schema', () => {
  it('marks exactly the tables with a tenant id as tenant-owned', () => {
    expect(tenantTableNames.slice().sort()).toEqual(tenantOwned);
    expect(tenantOwned.length).toBeGreaterThan(30);
    for (const name of platformTableNames) expect(tables[name].columns).not.toHaveProperty('tenantId');
  });
});

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] tenant scoping`, () => {
    let t: TestDatabase;
    let tenantA: string;
    let tenantB: string;

    beforeAll(async () => {
      t = await openTestDatabase(dialect);
      tenantA = (await createTestTenant(t.db)).id;
      tenantB = (await createTestTenant(t.db)).id;
    });
    afterAll(async () => {
      await t?.drop();
    });

    const access = (tenantId: string, name: TenantTableName) =>
      t.db.forTenant(tenantId)[name] as unknown as LooseAccess;

    it.each(tenantOwned)(
      '%s: the owner reads, changes and deletes its row; another tenant can do none of it',
      async (name) => {
        const id = await insertRow(t.db, name, tenantA);
        const mine = access(tenantA, name);
        const theirs = access(tenantB, name);

        // The owner sees its row, stamped with its tenant id.
        const row = await mine.get(id);
        expect(row).toMatchObject({ id, tenantId: tenantA });
        expect((await mine.find()).map((r) => r.id)).toContain(id);
        expect(await mine.findOneBy({ id })).toEqual(row);
        expect(await mine.count()).toBeGreaterThanOrEqual(1);

        // Another tenant cannot read it ...
        expect(await theirs.get(id)).toBeUndefined();
        expect(await theirs.findOneBy({ id })).toBeUndefined();
        expect((await theirs.find()).map((r) => r.id)).not.toContain(id);
        expect(await theirs.count()).toBe(0);
        // ... nor change it, by id or by an unfiltered update ...
        expect(await theirs.update(id, { updatedBy: 'intruder' })).toBe(false);
        expect(await theirs.updateWhere(() => undefined, { updatedBy: 'intruder' })).toBe(0);
        expect(await mine.get(id)).toEqual(row);
        // ... nor delete it.
        expect(await theirs.delete(id)).toBe(false);
        expect(await theirs.deleteWhere(() => undefined)).toBe(0);
        expect(await mine.get(id)).toEqual(row);

        // The owner can change and delete it (the positive control).
        expect(await mine.update(id, { updatedBy: 'owner' })).toBe(true);
        expect(await mine.get(id)).toMatchObject({ id, tenantId: tenantA, updatedBy: 'owner' });
        expect(await mine.delete(id)).toBe(true);
        expect(await mine.get(id)).toBeUndefined();
      },
    );

    it('stamps the scope tenant on insert even when a caller smuggles another one in', async () => {
      const scope = t.db.forTenant(tenantA);
      const values = { code: 'SMUGGLE', name: 'Smuggled', price: 100, tenantId: tenantB };
      const product = await (scope.products as unknown as LooseAccess).insert(values);
      expect(product.tenantId).toBe(tenantA);
      expect(await scope.products.get(String(product.id))).toMatchObject({ tenantId: tenantA });
      expect(await t.db.forTenant(tenantB).products.count()).toBe(0);
    });

    it('returns inserted rows exactly as stored, defaults and nulls included', async () => {
      const scope = t.db.forTenant(tenantA);
      const product = await scope.products.insert({ code: 'COLA-330', name: 'Cola 330 ml', price: 300 });
      expect(product).toMatchObject({ unit: 'pcs', cost: 0, status: 'active', spec: null, tenantId: tenantA });
      expect(await scope.products.get(product.id)).toEqual(product);
    });

    it('updates to null, skips undefined, and takes SQL expressions', async () => {
      const scope = t.db.forTenant(tenantA);
      const product = await scope.products.insert({ code: 'UPD-1', name: 'Update me', spec: '330ml', price: 300 });
      expect(await scope.products.update(product.id, { spec: null, name: undefined, cost: 120 })).toBe(true);
      expect(await scope.products.get(product.id)).toMatchObject({ spec: null, name: 'Update me', cost: 120 });
      expect(await scope.products.update(product.id, { cost: sql`${sql.identifier('cost')} + 5` })).toBe(true);
      expect((await scope.products.get(product.id))?.cost).toBe(125);
      const later = (await scope.products.get(product.id))?.updatedAt;
      expect(later?.getTime()).toBeGreaterThanOrEqual(product.updatedAt.getTime());
    });

    it('finds by equal columns, null meaning IS NULL, with one statement per set of columns', async () => {
      const scope = t.db.forTenant(tenantA);
      const plain = await scope.products.insert({ code: 'BY-1', name: 'By one', price: 250 });
      const specced = await scope.products.insert({ code: 'BY-2', name: 'By one', spec: '500ml', price: 250 });
      expect(await scope.products.findOneBy({ code: 'BY-2' })).toEqual(specced);
      expect(await scope.products.findOneBy({ name: 'By one', spec: null })).toEqual(plain);
      expect(await scope.products.findOneBy({ name: 'By one', spec: '500ml' })).toEqual(specced);
      expect(await scope.products.findOneBy({ name: 'By one', price: 251 })).toBeUndefined();
      // The same shape with other values reuses the statement and still answers for those values.
      expect((await scope.products.findOneBy({ name: 'By one', spec: '500ml', price: 250 }))?.id).toBe(specced.id);
      expect(await scope.products.findOneBy({ name: 'By one', spec: '330ml', price: 250 })).toBeUndefined();
      await expect(scope.products.findOneBy({})).rejects.toThrow('at least one column');
      await expect(
        (scope.products as unknown as LooseAccess).findOneBy({ tenantId: tenantB, code: 'BY-1' }),
      ).rejects.toThrow('no column tenantId');
    });

    it('adjusts a number in the database, kept at a minimum, by id and by a filter', async () => {
      const scope = t.db.forTenant(tenantA);
      const product = await scope.products.insert({ code: 'ADJ-1', name: 'Adjust me', price: 300, cost: 10 });
      expect(await scope.products.update(product.id, { cost: adjust(-4, { min: 0 }) })).toBe(true);
      expect((await scope.products.get(product.id))?.cost).toBe(6);
      expect(await scope.products.update(product.id, { cost: adjust(-9, { min: 0 }) })).toBe(true);
      expect((await scope.products.get(product.id))?.cost).toBe(0);
      expect(await scope.products.update(product.id, { cost: adjust(7), price: 350 })).toBe(true);
      expect(await scope.products.get(product.id)).toMatchObject({ cost: 7, price: 350 });
      // Concurrent adjustments of one row all count.
      await Promise.all(Array.from({ length: 10 }, () => scope.products.update(product.id, { cost: adjust(1) })));
      expect((await scope.products.get(product.id))?.cost).toBe(17);
      expect(await scope.products.updateWhere((p) => eq(p.code, 'ADJ-1'), { cost: adjust(-20, { min: 2 }) })).toBe(1);
      expect((await scope.products.get(product.id))?.cost).toBe(2);
      // Another tenant's row does not move.
      expect(await t.db.forTenant(tenantB).products.update(product.id, { cost: adjust(100) })).toBe(false);
      expect((await scope.products.get(product.id))?.cost).toBe(2);
    });

    it('filters, orders and pages within the tenant', async () => {
      const scope = t.db.forTenant(tenantB);
      await scope.products.insertMany(
        [5, 3, 9, 1].map((n) => ({ code: `P${n}`, name: `Product ${n}`, price: n * 100 })),
      );
      await t.db.forTenant(tenantA).products.insert({ code: 'P7', name: 'Product 7', price: 700 });
      const page = await scope.products.find({
        where: (p) => eq(p.status, 'active'),
        orderBy: (p) => [p.price],
        limit: 2,
        offset: 1,
      });
      expect(page.map((p) => p.price)).toEqual([300, 500]);
      expect(await scope.products.count((p) => eq(p.code, 'P7'))).toBe(0);
      const counted = await scope.products.page({
        where: (p) => eq(p.status, 'active'),
        orderBy: (p) => [p.price],
        limit: 2,
        offset: 1,
      });
      expect(counted.rows.map((p) => p.price)).toEqual([300, 500]);
      expect(counted.total).toBe(4);
      // Text search: case-insensitive, and a wildcard typed by a user matches only itself.
      expect(await scope.products.count((p) => containsText(p.name, 'product 5'))).toBe(1);
      expect(await scope.products.count((p) => containsText(p.code, '_'))).toBe(0);
      expect(await scope.products.count((p) => startsWithText(p.code, 'P%'))).toBe(0);
      expect(await scope.products.count((p) => startsWithText(p.code, 'P'))).toBe(4);
    });
  });
}
