import { eq, sql } from 'drizzle-orm';
import { TransactionMisuseError } from './adapter.js';
import { newId } from './ids.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tables, type TenantTableName } from './schema/index.js';
import { adjust, platformTableNames, tenantTableNames } from './scope.js';
import { containsText, startsWithText } from './search.js';
import { createTestTenant, insertRow, openTestDatabase, testDialects, type TestDatabase } from './testing/index.js';

/**
 * Platform tables that name a tenant without being reached through its scope: a device
 * credential is found by its key id before the tenant is known (the device channel scopes
 * everything after the signature check).
 */
const PLATFORM_TABLES_NAMING_A_TENANT = ['deviceCredentials'];

/** Every table of the schema that carries a tenant id, read from the definitions. */
const tenantOwned = Object.entries(tables)
  .filter(([name, def]) => 'tenantId' in def.columns && !PLATFORM_TABLES_NAMING_A_TENANT.includes(name))
  .map(([name]) => name as TenantTableName)
  .sort();

type LooseAccess = {
  get(id: string): Promise<Record<string, unknown> | undefined>;
  getMany(ids: string[]): Promise<Record<string, unknown>[]>;
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
    for (const name of platformTableNames) {
      if (!PLATFORM_TABLES_NAMING_A_TENANT.includes(name)) expect(tables[name].columns).not.toHaveProperty('tenantId');
    }
    for (const name of PLATFORM_TABLES_NAMING_A_TENANT) expect(platformTableNames).toContain(name);
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
        expect(await mine.getMany([id])).toEqual([row]);
        expect(await mine.count()).toBeGreaterThanOrEqual(1);

        // Another tenant cannot read it ...
        expect(await theirs.get(id)).toBeUndefined();
        expect(await theirs.getMany([id])).toEqual([]);
        expect(await theirs.findOneBy({ id })).toBeUndefined();
        expect((await theirs.find()).map((r) => r.id)).not.toContain(id);
        expect(await theirs.count()).toBe(0);
        // ... nor change it, by id or by an unfiltered update ...
        expect(await theirs.update(id, { updatedBy: 'intruder' })).toBe(false);
        expect(await theirs.update(id, { updatedBy: sql`${'intruder'}` })).toBe(false);
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

    it('finds every row by equal columns, of the scope only, with one statement per set of columns', async () => {
      const mine = t.db.forTenant(tenantA);
      const a = await mine.products.insert({ code: 'ALL-1', name: 'All of them', price: 100 });
      const b = await mine.products.insert({ code: 'ALL-2', name: 'All of them', price: 200 });
      await mine.products.insert({ code: 'ALL-3', name: 'Another', price: 100 });
      const theirs = t.db.forTenant(tenantB);
      const their = await theirs.products.insert({ code: 'ALL-1', name: 'All of them', price: 100 });
      const byId = (rows: { id: string }[]) => rows.map((r) => r.id).sort();
      expect(byId(await mine.products.findAllBy({ name: 'All of them' }))).toEqual([a.id, b.id].sort());
      expect(await mine.products.findAllBy({ name: 'All of them', price: 200 })).toEqual([b]);
      expect(await mine.products.findAllBy({ name: 'All of them', price: 300 })).toEqual([]);
      expect(await theirs.products.findAllBy({ name: 'All of them' })).toEqual([their]);
      // Values the driver takes in another form (a boolean, a time) match as they are stored.
      const rule = await mine.giftCodeRules.insert({
        name: 'Every 3rd',
        trigger: 'every_nth_order',
        threshold: 3,
        value: 300,
        validDays: 30,
        enabled: true,
      });
      expect(await mine.giftCodeRules.findAllBy({ enabled: true })).toEqual([rule]);
      expect(await mine.giftCodeRules.findAllBy({ enabled: false })).toEqual([]);
      expect(await mine.giftCodeRules.findOneBy({ createdAt: rule.createdAt })).toEqual(rule);
      await mine.giftCodeRules.delete(rule.id);
      // Leaves the other tests' tenants as they were.
      for (const row of [a, b]) await mine.products.delete(row.id);
      await theirs.products.delete(their.id);
      await mine.products.deleteWhere((p) => eq(p.code, 'ALL-3'));
      await expect(mine.products.findAllBy({})).rejects.toThrow('at least one column');
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

    it("refuses another tenant's update by id whose values are SQL expressions or adjustments", async () => {
      const mine = t.db.forTenant(tenantA).products;
      const theirs = t.db.forTenant(tenantB).products;
      const product = await mine.insert({ code: 'EXPR-1', name: 'Expression', price: 300, cost: 10 });
      const before = await mine.get(product.id);
      const plusOne = (column: string) => sql`${sql.identifier(column)} + 1`;

      // An SQL expression (not prepared), an adjustment (prepared), and both in one patch.
      expect(await theirs.update(product.id, { cost: plusOne('cost') })).toBe(false);
      expect(await theirs.update(product.id, { cost: adjust(1) })).toBe(false);
      expect(await theirs.update(product.id, { cost: adjust(1, { min: 0 }), price: plusOne('price') })).toBe(false);
      expect(await theirs.updateWhere((p) => eq(p.id, product.id), { cost: plusOne('cost') })).toBe(0);
      expect(await mine.get(product.id)).toEqual(before);

      // The same patches from the owner do move the row (so the refusals above are the tenant filter's).
      expect(await mine.update(product.id, { cost: plusOne('cost') })).toBe(true);
      expect(await mine.update(product.id, { cost: adjust(1, { min: 0 }), price: plusOne('price') })).toBe(true);
      expect(await mine.get(product.id)).toMatchObject({ cost: 12, price: 301 });
    });

    it("gets many rows by id: this tenant's, in the order of the ids, each once", async () => {
      const mine = t.db.forTenant(tenantA).products;
      const other = t.db.forTenant((await createTestTenant(t.db)).id).products;
      const [a1, a2, a3] = await mine.insertMany(
        [1, 2, 3].map((n) => ({ code: `MANY-${n}`, name: `Many ${n}`, price: n * 100 })),
      );
      const b1 = await other.insert({ code: 'MANY-B', name: 'Many B', price: 100 });
      if (!a1 || !a2 || !a3) throw new Error('insertMany returned fewer rows');
      const missing = newId();

      const rows = await mine.getMany([a3.id, b1.id, a1.id, missing, a3.id]);
      expect(rows).toEqual([await mine.get(a3.id), await mine.get(a1.id)]);
      expect((await other.getMany([a1.id, b1.id])).map((p) => p.id)).toEqual([b1.id]);

      // More ids than one statement takes.
      const many = [
        ...Array.from({ length: 1200 }, () => newId()),
        a2.id,
        ...Array.from({ length: 300 }, () => newId()),
      ];
      expect((await mine.getMany([a1.id, ...many])).map((p) => p.id)).toEqual([a1.id, a2.id]);

      // No ids: no query (the outer handle inside a transaction would throw if one ran).
      await expect(t.db.transaction(() => t.db.forTenant(tenantA).products.getMany([]))).resolves.toEqual([]);
      await expect(t.db.transaction(() => t.db.forTenant(tenantA).products.getMany([a1.id]))).rejects.toBeInstanceOf(
        TransactionMisuseError,
      );
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

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] the database clock`, () => {
    const start = Date.UTC(2026, 0, 2, 3, 4, 5, 678);
    let clock = start;
    let t: TestDatabase;
    let tenantId: string;

    beforeAll(async () => {
      t = await openTestDatabase(dialect, { now: () => new Date(clock) });
      tenantId = (await createTestTenant(t.db)).id;
    });
    afterAll(async () => {
      await t?.drop();
    });

    const at = (ms: number) => new Date(ms);
    const times = (row: { createdAt: Date; updatedAt: Date } | undefined) =>
      row && { createdAt: row.createdAt.getTime(), updatedAt: row.updatedAt.getTime() };

    it('stamps createdAt and updatedAt of every insert, in the tenant scope and the platform scope', async () => {
      clock = start + 1000;
      const scope = t.db.forTenant(tenantId);
      const product = await scope.products.insert({ code: 'CLK-1', name: 'Clocked', price: 100 });
      expect(times(product)).toEqual({ createdAt: clock, updatedAt: clock });
      expect(times(await scope.products.get(product.id))).toEqual({ createdAt: clock, updatedAt: clock });

      const tenant = await createTestTenant(t.db);
      expect(times(tenant)).toEqual({ createdAt: clock, updatedAt: clock });
      expect(times(await t.db.platform.tenants.get(tenant.id))).toEqual({ createdAt: clock, updatedAt: clock });
    });

    it('stamps every row of insertMany, and keeps the times a caller gives', async () => {
      clock = start + 2000;
      const past = start - 86_400_000;
      const scope = t.db.forTenant(tenantId);
      const rows = await scope.products.insertMany([
        { code: 'CLK-M1', name: 'Now', price: 100 },
        { code: 'CLK-M2', name: 'Imported', price: 100, createdAt: at(past) },
        { code: 'CLK-M3', name: 'Imported whole', price: 100, createdAt: at(past), updatedAt: at(past + 5) },
      ]);
      const expected = [
        { createdAt: clock, updatedAt: clock },
        { createdAt: past, updatedAt: clock },
        { createdAt: past, updatedAt: past + 5 },
      ];
      expect(rows.map(times)).toEqual(expected);
      expect((await scope.products.getMany(rows.map((r) => r.id))).map(times)).toEqual(expected);

      const single = await scope.products.insert({ code: 'CLK-S', name: 'Seeded', price: 1, createdAt: at(past) });
      expect(times(await scope.products.get(single.id))).toEqual({ createdAt: past, updatedAt: clock });
    });

    it('stamps updatedAt of every update, whatever the patch holds, and leaves createdAt', async () => {
      clock = start + 3000;
      const scope = t.db.forTenant(tenantId);
      const product = await scope.products.insert({ code: 'CLK-U', name: 'Updated', price: 100, cost: 5 });
      const created = clock;
      const expectStamped = async (updated: number) =>
        expect(times(await scope.products.get(product.id))).toEqual({ createdAt: created, updatedAt: updated });

      clock += 60_000; // plain values: the prepared statement
      expect(await scope.products.update(product.id, { name: 'Renamed' })).toBe(true);
      await expectStamped(clock);
      clock += 60_000; // an adjustment
      expect(await scope.products.update(product.id, { cost: adjust(1) })).toBe(true);
      await expectStamped(clock);
      clock += 60_000; // an SQL expression
      expect(await scope.products.update(product.id, { cost: sql`${sql.identifier('cost')} + 1` })).toBe(true);
      await expectStamped(clock);
      clock += 60_000; // by a condition
      expect(await scope.products.updateWhere((p) => eq(p.id, product.id), { price: 200 })).toBe(1);
      await expectStamped(clock);
      clock += 60_000; // a time the caller gives wins
      expect(await scope.products.update(product.id, { price: 300, updatedAt: at(start) })).toBe(true);
      await expectStamped(start);

      clock += 60_000; // the platform scope
      const tenant = await createTestTenant(t.db);
      clock += 60_000;
      expect(await t.db.platform.tenants.update(tenant.id, { name: 'Renamed_tenant' })).toBe(true);
      expect(times(await t.db.platform.tenants.get(tenant.id))).toEqual({
        createdAt: clock - 60_000,
        updatedAt: clock,
      });
    });

    it('stamps inside a transaction from the same clock', async () => {
      clock = start + 4000;
      const id = await t.db.transaction(async (tx) => {
        const scope = tx.forTenant(tenantId);
        const product = await scope.products.insert({ code: 'CLK-T', name: 'In a transaction', price: 100 });
        clock += 1000;
        await scope.products.update(product.id, { price: 200 });
        return product.id;
      });
      expect(times(await t.db.forTenant(tenantId).products.get(id))).toEqual({
        createdAt: start + 4000,
        updatedAt: start + 5000,
      });
    });
  });
}
