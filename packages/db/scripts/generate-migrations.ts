/**
 * Generates the next migration of each dialect from the one schema definition.
 *
 *   npm run db:generate [-- name]
 *
 * Diffs the current schema against the last snapshot in migrations/<dialect>/meta and
 * writes `<idx>_<name>.sql`, its snapshot and the journal entry in drizzle-kit's own
 * format, so drizzle-orm's migrator applies them at start.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  generateMySQLDrizzleJson,
  generateMySQLMigration,
  generateSQLiteDrizzleJson,
  generateSQLiteMigration,
} from 'drizzle-kit/api';
import { dialectTables } from '../src/schema/index.js';

type Dialect = 'sqlite' | 'mysql';
interface Journal {
  version: string;
  dialect: Dialect;
  entries: { idx: number; version: string; when: number; tag: string; breakpoints: boolean }[];
}

const root = fileURLToPath(new URL('../migrations/', import.meta.url));
const name = (process.argv[2] ?? 'schema').replace(/[^a-z0-9_]+/gi, '_').toLowerCase();
const EMPTY_ID = '00000000-0000-0000-0000-000000000000';

function emptySnapshot(dialect: Dialect) {
  const meta = { schemas: {}, tables: {}, columns: {} };
  return dialect === 'sqlite'
    ? { version: '6', dialect, id: EMPTY_ID, prevId: '', tables: {}, views: {}, enums: {}, _meta: meta }
    : { version: '5', dialect, id: EMPTY_ID, prevId: '', tables: {}, views: {}, _meta: meta };
}

async function generate(dialect: Dialect): Promise<void> {
  const dir = join(root, dialect);
  const metaDir = join(dir, 'meta');
  mkdirSync(metaDir, { recursive: true });
  const journalPath = join(metaDir, '_journal.json');
  const journal: Journal = existsSync(journalPath)
    ? (JSON.parse(readFileSync(journalPath, 'utf8')) as Journal)
    : { version: '7', dialect, entries: [] };
  const last = journal.entries.at(-1);
  const prev = last
    ? JSON.parse(readFileSync(join(metaDir, `${String(last.idx).padStart(4, '0')}_snapshot.json`), 'utf8'))
    : emptySnapshot(dialect);

  const imports = dialectTables(dialect);
  const cur =
    dialect === 'sqlite'
      ? await generateSQLiteDrizzleJson(imports, prev.id)
      : await generateMySQLDrizzleJson(imports, prev.id);
  const statements =
    dialect === 'sqlite'
      ? await generateSQLiteMigration(prev, cur as Parameters<typeof generateSQLiteMigration>[1])
      : await generateMySQLMigration(prev, cur as Parameters<typeof generateMySQLMigration>[1]);
  if (statements.length === 0) {
    console.log(`${dialect}: no changes`);
    return;
  }
  const idx = last ? last.idx + 1 : 0;
  const tag = `${String(idx).padStart(4, '0')}_${name}`;
  writeFileSync(join(dir, `${tag}.sql`), statements.join('\n--> statement-breakpoint\n') + '\n');
  writeFileSync(join(metaDir, `${String(idx).padStart(4, '0')}_snapshot.json`), JSON.stringify(cur, null, 2) + '\n');
  journal.entries.push({ idx, version: cur.version, when: Date.now(), tag, breakpoints: true });
  writeFileSync(journalPath, JSON.stringify(journal, null, 2) + '\n');
  console.log(`${dialect}: wrote ${tag}.sql (${statements.length} statements)`);
}

await generate('sqlite');
await generate('mysql');
