import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables, type TenantTableName } from './schema/index.js';
import { platformTableNames, tenantTableNames } from './scope.js';
import { createTestTenant, insertRow, openTestDatabase, testDialects, type TestDatabase } from './testing/index.js';

/** Every table of the schema that carries a tenant id, read from the definitions. */
const tenantOwned = Object.entries(tables)
  .filter(([, def]) => 'tenantId' in def.columns)
  .map(([name]) => name as TenantTableName)
  .sort();

type LooseAccess = {
  get(id: string): Promise<Record<string, unknown> | undefined>;
  find(o?: object): Promise<Record<string, unknown>[]>;
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
        expect(await mine.count()).toBeGreaterThanOrEqual(1);

        // Another tenant cannot read it ...
        expect(await theirs.get(id)).toBeUndefined();
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
    });
  });
}
