import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteRunner } from './adapter.js';

/** A file database with one table, a runner over it, and a second connection that sees only what is committed. */
function open() {
  const dir = mkdtempSync(join(tmpdir(), 'vmcloud-adapter-'));
  const file = join(dir, 'db.sqlite');
  const client = new BetterSqlite(file);
  client.pragma('journal_mode = WAL');
  client.exec('CREATE TABLE item (name TEXT PRIMARY KEY)');
  const executed: string[] = [];
  const exec = client.exec.bind(client);
  let failCommit = false;
  client.exec = (source: string) => {
    executed.push(source);
    if (source === 'COMMIT' && failCommit) {
      failCommit = false;
      throw new Error('disk I/O error');
    }
    return exec(source);
  };
  const runner = new SqliteRunner(client, drizzle(client));
  const observer = new BetterSqlite(file, { readonly: true });
  return {
    client,
    runner,
    commits: () => executed.filter((s) => s === 'COMMIT').length,
    failNextCommit: () => (failCommit = true),
    /** The names another connection sees: only committed rows. */
    committed: () =>
      (observer.prepare('SELECT name FROM item ORDER BY name').all() as { name: string }[]).map((r) => r.name),
    close() {
      observer.close();
      client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const insert = (runner: { run: SqliteRunner['run'] }, name: string) =>
  runner.run((q) => Promise.resolve(q.run(sql`INSERT INTO item (name) VALUES (${name})`)));

describe('SQLite group commit', () => {
  let db: ReturnType<typeof open>;
  beforeEach(() => {
    db = open();
  });
  afterEach(() => db.close());

  it('commits the transactions that queue while one runs with one COMMIT, each settling on its own', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        db.runner.transaction(async (tx) => {
          await insert(tx, `a${String(i).padStart(2, '0')}`);
          await new Promise((resolve) => setImmediate(resolve));
          await insert(tx, `b${String(i).padStart(2, '0')}`);
          if (i % 3 === 1) throw new Error(`transaction ${i} fails`);
          return i;
        }),
      ),
    );
    outcomes.forEach((outcome, i) => {
      if (i % 3 === 1) expect(outcome).toEqual({ status: 'rejected', reason: new Error(`transaction ${i} fails`) });
      else expect(outcome).toEqual({ status: 'fulfilled', value: i });
    });
    const kept = Array.from({ length: 30 }, (_, i) => i)
      .filter((i) => i % 3 !== 1)
      .flatMap((i) => [`a${String(i).padStart(2, '0')}`, `b${String(i).padStart(2, '0')}`])
      .sort();
    expect(db.committed()).toEqual(kept);
    expect(db.commits()).toBe(1);
  });

  it('commits after at most 64 transactions', async () => {
    await Promise.all(
      Array.from({ length: 130 }, (_, i) =>
        db.runner.transaction((tx) => insert(tx, `t${String(i).padStart(3, '0')}`)),
      ),
    );
    expect(db.committed()).toHaveLength(130);
    expect(db.commits()).toBe(3);
  });

  it('answers a transaction only once its batch is committed', async () => {
    const seenAtResolve: string[][] = [];
    await Promise.all(
      ['x', 'y', 'z'].map((name) =>
        db.runner.transaction((tx) => insert(tx, name)).then(() => seenAtResolve.push(db.committed())),
      ),
    );
    expect(seenAtResolve).toEqual([
      ['x', 'y', 'z'],
      ['x', 'y', 'z'],
      ['x', 'y', 'z'],
    ]);
  });

  it('commits the batch before a statement outside a transaction runs', async () => {
    const first = db.runner.transaction(async (tx) => {
      await insert(tx, 'first');
      await new Promise((resolve) => setImmediate(resolve));
    });
    const second = db.runner.transaction((tx) => insert(tx, 'second'));
    const outside = db.runner
      .run((q) => Promise.resolve(q.all(sql`SELECT name FROM item ORDER BY name`) as { name: string }[]))
      .then((rows: { name: string }[]) => ({ rows: rows.map((r) => r.name), committed: db.committed() }));
    const third = db.runner.transaction((tx) => insert(tx, 'third'));
    await Promise.all([first, second, third]);
    // The read waited behind the first two transactions, which committed before it ran.
    expect(await outside).toEqual({ rows: ['first', 'second'], committed: ['first', 'second'] });
    expect(db.commits()).toBe(2);
  });

  it('rejects every transaction of a batch whose COMMIT fails, and leaves none of them', async () => {
    db.failNextCommit();
    const outcomes = await Promise.allSettled(['p', 'q', 'r'].map((n) => db.runner.transaction((tx) => insert(tx, n))));
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(db.committed()).toEqual([]);
    expect(db.client.inTransaction).toBe(false);
    await db.runner.transaction((tx) => insert(tx, 'after'));
    expect(db.committed()).toEqual(['after']);
  });

  it('rejects the earlier transactions of a batch that the database rolled back whole', async () => {
    const outcomes = await Promise.allSettled([
      db.runner.transaction((tx) => insert(tx, 'early')),
      db.runner.transaction(async (tx) => {
        await insert(tx, 'late');
        db.client.exec('ROLLBACK'); // what SQLite does itself on a full disk or an I/O error
        throw new Error('database or disk is full');
      }),
      db.runner.transaction((tx) => insert(tx, 'next')),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(db.committed()).toEqual(['next']);
  });

  it('lets the transactions started in one turn of the event loop share a COMMIT, and the next turn start another', async () => {
    const sameTurn = Promise.all(
      ['m1', 'm2', 'm3'].map(async (name, i) => {
        for (let k = 0; k < i * 5; k++) await Promise.resolve(); // each starts after the one before has ended
        return db.runner.transaction((tx) => insert(tx, name));
      }),
    );
    await sameTurn;
    expect(db.commits()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1));
    await db.runner.transaction((tx) => insert(tx, 'later'));
    expect(db.commits()).toBe(2);
    expect(db.committed()).toEqual(['later', 'm1', 'm2', 'm3']);
  });

  it('commits a batch that waits for company as soon as a statement outside a transaction arrives', async () => {
    const done = db.runner.transaction((tx) => insert(tx, 'alone'));
    for (let k = 0; k < 5; k++) await Promise.resolve(); // the transaction has ended; its COMMIT is not yet due
    expect(db.committed()).toEqual([]);
    const reading = db.runner.run((q) => Promise.resolve(q.all(sql`SELECT name FROM item`) as { name: string }[]));
    expect(db.committed()).toEqual(['alone']); // at once: the read does not wait for the next turn
    expect(await reading).toEqual([{ name: 'alone' }]);
    await done;
    expect(db.commits()).toBe(1);
  });

  it('commits a batch that waits for company before the connection closes', async () => {
    const done = db.runner.transaction((tx) => insert(tx, 'last'));
    for (let k = 0; k < 5; k++) await Promise.resolve();
    expect(db.committed()).toEqual([]);
    db.runner.flush();
    expect(db.committed()).toEqual(['last']); // at once, not at the next turn
    await done;
  });
});
