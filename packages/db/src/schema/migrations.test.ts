import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  generateMySQLDrizzleJson,
  generateMySQLMigration,
  generateSQLiteDrizzleJson,
  generateSQLiteMigration,
} from 'drizzle-kit/api';
import { describe, expect, it } from 'vitest';
import { dialectTables } from './index.js';

function lastSnapshot(dialect: 'sqlite' | 'mysql') {
  const dir = fileURLToPath(new URL(`../../migrations/${dialect}/meta/`, import.meta.url));
  const journal = JSON.parse(readFileSync(`${dir}_journal.json`, 'utf8')) as { entries: { idx: number }[] };
  const last = journal.entries.at(-1);
  if (!last) throw new Error(`no ${dialect} migrations`);
  return JSON.parse(readFileSync(`${dir}${String(last.idx).padStart(4, '0')}_snapshot.json`, 'utf8'));
}

describe('the committed migrations', () => {
  it('are up to date with the schema for SQLite (run `npm run db:generate` after a schema change)', async () => {
    const prev = lastSnapshot('sqlite');
    const cur = await generateSQLiteDrizzleJson(dialectTables('sqlite'), prev.id);
    expect(await generateSQLiteMigration(prev, cur)).toEqual([]);
  });

  it('are up to date with the schema for MySQL (run `npm run db:generate` after a schema change)', async () => {
    const prev = lastSnapshot('mysql');
    const cur = await generateMySQLDrizzleJson(dialectTables('mysql'), prev.id);
    expect(await generateMySQLMigration(prev, cur)).toEqual([]);
  });
});
