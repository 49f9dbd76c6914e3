import { setImmediate as nextTurn } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransactionMisuseError } from './adapter.js';
import { createTestTenant, openTestDatabase, testDialects, type TestDatabase } from './testing/index.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] transactions`, () => {
    let t: TestDatabase;
    let tenantId: string;

    beforeAll(async () => {
      t = await openTestDatabase(dialect);
      tenantId = (await createTestTenant(t.db)).id;
    });
    afterAll(async () => {
      await t?.drop();
    });

    const codes = async () =>
      (await t.db.forTenant(tenantId).products.find({ orderBy: (p) => [p.code] })).map((p) => p.code);
    const clear = () => t.db.forTenant(tenantId).products.deleteWhere(() => undefined);

    it('commits when the callback resolves', async () => {
      await clear();
      const id = await t.db.transaction(async (tx) => {
        const p = await tx.forTenant(tenantId).products.insert({ code: 'C1', name: 'Committed', price: 1 });
        return p.id;
      });
      expect(await t.db.forTenant(tenantId).products.get(id)).toMatchObject({ code: 'C1' });
    });

    it('leaves nothing behind when the callback throws', async () => {
      await clear();
      await expect(
        t.db.transaction(async (tx) => {
          const scope = tx.forTenant(tenantId);
          const p = await scope.products.insert({ code: 'F1', name: 'First', price: 1 });
          await scope.warehouseStock.insert({ productId: p.id, quantity: 10 });
          await nextTurn(); // other work runs while the transaction is open
          throw new Error('failed halfway');
        }),
      ).rejects.toThrow('failed halfway');
      expect(await codes()).toEqual([]);
      expect(await t.db.forTenant(tenantId).warehouseStock.count()).toBe(0);
    });

    it('leaves nothing behind when a statement violates a constraint halfway', async () => {
      await clear();
      await expect(
        t.db.transaction(async (tx) => {
          const scope = tx.forTenant(tenantId);
          const p = await scope.products.insert({ code: 'F2', name: 'First', price: 1 });
          await scope.warehouseStock.insert({ productId: p.id, quantity: -1 }); // CHECK quantity >= 0
        }),
      ).rejects.toThrow();
      expect(await codes()).toEqual([]);
    });

    it('rolls a failed nested transaction back to its savepoint only', async () => {
      await clear();
      await t.db.transaction(async (tx) => {
        await tx.forTenant(tenantId).products.insert({ code: 'OUTER', name: 'Outer', price: 1 });
        await expect(
          tx.transaction(async (inner) => {
            await inner.forTenant(tenantId).products.insert({ code: 'INNER', name: 'Inner', price: 1 });
            throw new Error('inner fails');
          }),
        ).rejects.toThrow('inner fails');
      });
      expect(await codes()).toEqual(['OUTER']);
    });

    it('refuses the outer handle inside a transaction instead of deadlocking or escaping it', async () => {
      await expect(
        t.db.transaction(async () => {
          await t.db.forTenant(tenantId).products.count();
        }),
      ).rejects.toBeInstanceOf(TransactionMisuseError);
    });

    it('keeps two concurrent async transactions apart', async () => {
      await clear();
      const events: string[] = [];
      let firstOpen = false;
      let firstWritten!: () => void;
      const firstHasWritten = new Promise<void>((resolve) => (firstWritten = resolve));
      let secondEnded!: () => void;
      const secondHasEnded = new Promise<void>((resolve) => (secondEnded = resolve));
      let secondCalled!: () => void;
      const secondHasBeenCalled = new Promise<void>((resolve) => (secondCalled = resolve));
      const first = t.db.transaction(async (tx) => {
        firstOpen = true;
        events.push('first:begin');
        await tx.forTenant(tenantId).products.insert({ code: 'T1-A', name: 'First A', price: 1 });
        firstWritten();
        if (dialect === 'sqlite') {
          // The second transaction and a plain read are called meanwhile, and must wait:
          // were they let in, they would have run within this turn of the event loop.
          await secondHasBeenCalled;
          await nextTurn();
        } else {
          // Two connections: the second transaction runs to its end while this one is open
          // (were it to wait for this one instead, the test would time out).
          await secondHasEnded;
        }
        await tx.forTenant(tenantId).products.insert({ code: 'T1-B', name: 'First B', price: 1 });
        events.push('first:end');
        firstOpen = false;
        throw new Error('first rolls back');
      });
      await firstHasWritten;
      expect(firstOpen).toBe(true);
      let secondSawFirstOpen = false;
      const second = t.db.transaction(async (tx) => {
        events.push('second:begin');
        secondSawFirstOpen = firstOpen;
        const seen = (await tx.forTenant(tenantId).products.find()).map((p) => p.code);
        await tx.forTenant(tenantId).products.insert({ code: 'T2', name: 'Second', price: 1 });
        events.push('second:end');
        return seen;
      });
      second.then(secondEnded, secondEnded);
      const readOutside = codes();
      secondCalled();

      await expect(first).rejects.toThrow('first rolls back');
      const seenBySecond = await second;

      // Neither the second transaction nor a plain read ever sees the first's uncommitted rows.
      expect(seenBySecond).toEqual([]);
      const outside = await readOutside;
      expect(outside).not.toContain('T1-A');
      expect(outside).not.toContain('T1-B');
      expect(await codes()).toEqual(['T2']);
      if (dialect === 'sqlite') {
        // One connection: the second transaction waits for the first to end.
        expect(secondSawFirstOpen).toBe(false);
        expect(events).toEqual(['first:begin', 'first:end', 'second:begin', 'second:end']);
      } else {
        // Two connections with real isolation: the second runs while the first is open.
        expect(secondSawFirstOpen).toBe(true);
        expect(events.indexOf('second:end')).toBeLessThan(events.indexOf('first:end'));
      }
    });

    it('serialises many concurrent read-modify-write transactions without losing an update', async () => {
      await clear();
      const product = await t.db.forTenant(tenantId).products.insert({ code: 'CNT', name: 'Counter', price: 0 });
      await t.db.forTenant(tenantId).warehouseStock.insert({ productId: product.id, quantity: 0 });
      await Promise.all(
        Array.from({ length: 20 }, () =>
          t.db.transaction(async (tx) => {
            const stock = tx.forTenant(tenantId).warehouseStock;
            const row = await stock.findOne((s) => sql`${s.productId} = ${product.id}`);
            await nextTurn(); // the others may run between this read and the write
            if (!row) throw new Error('no stock row');
            await stock.update(row.id, { quantity: sql`${sql.identifier('quantity')} + 1` });
          }),
        ),
      );
      const row = await t.db.forTenant(tenantId).warehouseStock.findOne((s) => sql`${s.productId} = ${product.id}`);
      expect(row?.quantity).toBe(20);
    });
  });
}
