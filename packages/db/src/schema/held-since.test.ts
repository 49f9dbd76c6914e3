import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '../database.js';
import { newId } from '../ids.js';
import { createTestTenant, insertRow } from '../testing/index.js';

const MIGRATIONS = fileURLToPath(new URL('../../migrations/sqlite', import.meta.url));

/** The SQLite migrations up to `last` (a tag's number), as a folder of their own. */
function migrationsUpTo(last: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmcloud-migrations-'));
  cpSync(MIGRATIONS, dir, { recursive: true });
  const journalFile = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number; tag: string }[] };
  for (const entry of journal.entries.filter((e) => e.idx > last)) rmSync(join(dir, `${entry.tag}.sql`));
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  writeFileSync(journalFile, JSON.stringify(journal));
  return dir;
}

describe('migration 0007: when each machine came to the tenant holding it', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it("is read from the machine's last sale to its holder; a machine in stock has none", async () => {
    const before = migrationsUpTo(6);
    const dir = mkdtempSync(join(tmpdir(), 'vmcloud-held-since-'));
    made.push(before, dir);
    const file = join(dir, 'test.db');
    const client = new BetterSqlite(file);
    migrate(drizzle(client), { migrationsFolder: before });
    client.close();

    // Rows as a database of the day before holds them.
    const old = await createDb(`file:${file}`, { migrate: false });
    const maker = await createTestTenant(old, 'manufacturer');
    const operator = await createTestTenant(old);
    const other = await createTestTenant(old);
    const typeId = await insertRow(old, 'machineTypes', maker.id);
    await old.close();
    // Written as SQL: the tables' definitions of today name a column this database lacks.
    const raw = new BetterSqlite(file);
    const insert = raw.prepare(
      'INSERT INTO machines (id, tenant_id, board_id, type_id, manufacturer_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const machine = (tenantId: string) => {
      const id = newId();
      insert.run(id, tenantId, id.slice(-12), typeId, maker.id, Date.now(), Date.now());
      return { id };
    };
    const sold = await machine(operator.id);
    const inStock = await machine(maker.id);
    raw.close();
    const day = await createDb(`file:${file}`, { migrate: false });
    const sales = day.forTenant(maker.id).machineSales;
    // Sold to another operator first, taken back, then sold to the one holding it now.
    await sales.insert({
      machineId: sold.id,
      operatorId: other.id,
      price: 1,
      soldAt: new Date('2025-01-01T00:00:00Z'),
    });
    await sales.insert({
      machineId: sold.id,
      operatorId: operator.id,
      price: 1,
      soldAt: new Date('2026-03-01T00:00:00Z'),
    });
    await day.close();

    const db = await createDb(`file:${file}`);
    try {
      expect((await db.forTenant(operator.id).machines.get(sold.id))?.heldSince).toEqual(
        new Date('2026-03-01T00:00:00Z'),
      );
      expect((await db.forTenant(maker.id).machines.get(inStock.id))?.heldSince).toBeNull();
    } finally {
      await db.close();
    }
  });
});
