import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { until } from '@vmcloud/protocol/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkpointer } from './checkpointer.js';
import { createDb } from './database.js';

describe('WAL checkpoints in a worker thread', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vmcloud-checkpoint-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies the pages a connection commits into the database file, without that connection checkpointing', async () => {
    const file = join(dir, 'db.sqlite');
    const client = new BetterSqlite(file);
    client.pragma('journal_mode = WAL');
    client.pragma('wal_autocheckpoint = 0'); // this connection never checkpoints
    client.exec('CREATE TABLE item (id INTEGER PRIMARY KEY, body TEXT)');
    const insert = client.prepare('INSERT INTO item (body) VALUES (?)');
    const before = statSync(file).size;
    client.transaction(() => {
      for (let i = 0; i < 2_000; i++) insert.run('x'.repeat(500));
    })();
    expect(statSync(file).size).toBe(before); // the rows are in the WAL only
    const passes: { log: number; checkpointed: number }[] = [];
    const checkpointer = new Checkpointer(file, () => undefined, { intervalMs: 10, onPass: (p) => passes.push(p) });
    try {
      // A pass reports after SQLite returns, so the file holds every page once one says so.
      await until(() => passes.some((p) => p.log > 0 && p.checkpointed === p.log));
      expect(statSync(file).size).toBeGreaterThan(1_000_000);
      // The next write starts the WAL over, since every page in it was copied. The worker
      // is stopped first: a pass running at that moment would hold the WAL where it is.
      await checkpointer.close();
      insert.run('y');
      expect((client.pragma('wal_checkpoint(PASSIVE)') as { log: number }[])[0]?.log).toBeLessThan(10);
    } finally {
      await checkpointer.close();
      client.close();
    }
    expect(existsSync(`${file}-wal`)).toBe(false); // no connection is left open on it
  });

  it('calls the fallback when the worker cannot open the file', async () => {
    let fellBack = false;
    const checkpointer = new Checkpointer(dir, () => (fellBack = true)); // a directory, not a database
    await until(() => fellBack);
    await checkpointer.close();
  });

  it('is what createDb does for a file, and closing the database stops it', async () => {
    const file = join(dir, 'api.db');
    const db = await createDb(`file:${file}`); // the migrations alone fill the WAL
    const migratedWal = statSync(`${file}-wal`).size;
    expect(migratedWal).toBeGreaterThan(100_000);
    await until(() => statSync(file).size > 100_000);
    await db.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
