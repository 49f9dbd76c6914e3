import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecryptionError, isSealed, openKeyring, type Keyring } from './crypto.js';
import { resealValues, SEALED_COLUMNS, sealedAt, type SealedTable } from './sealed.js';
import {
  createTestTenant,
  insertRow,
  legacyDataKey,
  legacySeal,
  openTestDatabase,
  testDialects,
  type TestDatabase,
} from './testing/index.js';

type Access = {
  get(id: string): Promise<(Record<string, unknown> & { id: string; updatedAt: Date }) | undefined>;
  update(id: string, patch: Record<string, unknown>): Promise<boolean>;
};

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip)(`[${dialect}] sealed columns`, () => {
    let t: TestDatabase;
    let keyring: Keyring;
    const master = randomBytes(32);
    let tenantA: string;
    let tenantB: string;
    /** One row of each sealed table in tenant A (a tenant's own row: A itself) and in B. */
    const rows: { table: SealedTable; tenantId: string; id: string }[] = [];

    const access = (table: SealedTable, tenantId: string) =>
      ((table === 'tenants' ? t.db.platform : t.db.forTenant(tenantId)) as unknown as Record<SealedTable, Access>)[
        table
      ];
    /** The stored row, which each test's rows are. */
    const stored = async (table: SealedTable, tenantId: string, id: string) => {
      const row = await access(table, tenantId).get(id);
      if (!row) throw new Error(`no ${table} row ${id}`);
      return row;
    };
    const one = (table: SealedTable, tenantId: string) => {
      const row = rows.find((r) => r.table === table && r.tenantId === tenantId);
      if (!row) throw new Error(`no ${table} row of ${tenantId}`);
      return row;
    };
    const placeOf = (table: SealedTable, column: string, row: { id: string; tenantId: string }) =>
      sealedAt(table, column as never, (table === 'tenants' ? { id: row.id } : row) as never);

    beforeAll(async () => {
      t = await openTestDatabase(dialect);
      keyring = await openKeyring(t.db, master);
      tenantA = (await createTestTenant(t.db)).id;
      tenantB = (await createTestTenant(t.db)).id;
      for (const tenantId of [tenantA, tenantB]) {
        for (const table of Object.keys(SEALED_COLUMNS) as SealedTable[]) {
          rows.push({ table, tenantId, id: table === 'tenants' ? tenantId : await insertRow(t.db, table, tenantId) });
        }
      }
    });
    afterAll(async () => {
      await t?.drop();
    });

    it('names each place by the database table and column, the row and its tenant', () => {
      expect(sealedAt('users', 'phone', { id: 'u1', tenantId: 't1' })).toEqual({
        table: 'users',
        column: 'phone',
        id: 'u1',
        tenantId: 't1',
      });
      expect(sealedAt('tenants', 'contactPhone', { id: 't1' })).toEqual({
        table: 'tenants',
        column: 'contact_phone',
        id: 't1',
        tenantId: 't1',
      });
      expect(sealedAt('machines', 'servicePin', { id: 'm1', tenantId: 't1' }).column).toBe('service_pin');
    });

    it('re-seals every value of the first format in every sealed column, once, keeping the rows as they were', async () => {
      const dataKey = await legacyDataKey(t.db, master);
      const values: { table: SealedTable; column: string; tenantId: string; id: string; plain: string }[] = [];
      for (const row of rows) {
        for (const column of SEALED_COLUMNS[row.table] as readonly string[]) {
          const plain = `${row.table}.${column}.${row.id}`;
          await access(row.table, row.tenantId).update(row.id, { [column]: legacySeal(dataKey, plain) });
          values.push({ ...row, column, plain });
        }
      }
      const before = new Map<string, Date>();
      for (const row of rows) before.set(row.id, (await stored(row.table, row.tenantId, row.id)).updatedAt);

      expect(await resealValues(t.db, keyring, 'legacy')).toBe(values.length);
      for (const value of values) {
        const row = await stored(value.table, value.tenantId, value.id);
        const sealed = row[value.column] as string;
        expect(isSealed(sealed), `${value.table}.${value.column}`).toBe(true);
        expect(await keyring.decrypt(sealed, placeOf(value.table, value.column, value))).toBe(value.plain);
        expect(row.updatedAt).toEqual(before.get(value.id));
      }
      // Nothing of the first format is left: a second start re-seals nothing.
      expect(await resealValues(t.db, keyring, 'legacy')).toBe(0);
    });

    it('a value copied into another row, column or tenant does not open there', async () => {
      const a = one('users', tenantA);
      const b = one('users', tenantB);
      const phone = keyring.encrypt('13800138000', placeOf('users', 'phone', a));
      await access('users', tenantA).update(a.id, { phone });
      // The attacker's copies: into B's row, into A's e-mail, into A's tenant's contact phone.
      await access('users', tenantB).update(b.id, { phone });
      await access('users', tenantA).update(a.id, { email: phone });
      await access('tenants', tenantA).update(tenantA, { contactPhone: phone });
      const read = async (table: SealedTable, column: string, row: { id: string; tenantId: string }) =>
        keyring.decrypt((await stored(table, row.tenantId, row.id))[column] as string, placeOf(table, column, row));
      expect(await read('users', 'phone', a)).toBe('13800138000');
      await expect(read('users', 'phone', b)).rejects.toThrow(DecryptionError);
      await expect(read('users', 'email', a)).rejects.toThrow(DecryptionError);
      await expect(read('tenants', 'contactPhone', { id: tenantA, tenantId: tenantA })).rejects.toThrow(
        DecryptionError,
      );
    });

    it('after a rotation, re-seals every value with the new data key', async () => {
      const fresh = await openKeyring(t.db, master);
      for (const row of rows) {
        for (const column of SEALED_COLUMNS[row.table] as readonly string[]) {
          await access(row.table, row.tenantId).update(row.id, {
            [column]: fresh.encrypt(`${column}:${row.id}`, placeOf(row.table, column, row)),
          });
        }
      }
      const newKey = await fresh.rotate();
      const count = await resealValues(t.db, fresh, 'all');
      expect(count).toBe(rows.reduce((n, r) => n + SEALED_COLUMNS[r.table].length, 0));
      for (const row of rows) {
        for (const column of SEALED_COLUMNS[row.table] as readonly string[]) {
          const sealed = (await stored(row.table, row.tenantId, row.id))[column] as string;
          expect(fresh.keyIdOf(sealed)).toBe(newKey);
          expect(await fresh.decrypt(sealed, placeOf(row.table, column, row))).toBe(`${column}:${row.id}`);
        }
      }
    });
  });
}
