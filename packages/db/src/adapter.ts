/**
 * The few places where SQLite and MySQL differ, behind one interface: how a statement is
 * run, how many rows it changed, and how a transaction is opened.
 *
 * SQLite (better-sqlite3) is one synchronous connection. Its statements run at once, and
 * an async transaction would let other async work slip in between BEGIN and COMMIT. So a
 * transaction holds a gate for its whole life: statements from outside it wait at the
 * gate until it commits or rolls back, and never run inside it.
 *
 * MySQL (mysql2) is a pool: each transaction gets a connection of its own, with the
 * server's isolation, and statements outside it run on other connections.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type Sqlite from 'better-sqlite3';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { MySql2Database } from 'drizzle-orm/mysql2';
import type { AnyTableDef, Dialect } from './schema/define.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A Drizzle database or transaction of either dialect; queries are built the same way. */
export type QueryDb = any;

export interface QueryRunner {
  readonly dialect: Dialect;
  /** The dialect's Drizzle table for a definition. */
  table(def: AnyTableDef): any;
  /** Builds and runs one statement; resolves with its rows or result. */
  run<T>(build: (q: QueryDb) => PromiseLike<T>): Promise<T>;
  /** Runs an UPDATE or DELETE and resolves with the number of rows it matched. */
  affected(build: (q: QueryDb) => PromiseLike<unknown>): Promise<number>;
  /**
   * Statements built and prepared once per connection for each `key` (the statement's
   * shape), run with their `sql.placeholder`s filled from `params`: the rows of a SELECT,
   * or how many rows an INSERT, UPDATE or DELETE matched.
   */
  preparedRows<T>(key: string, build: (q: QueryDb) => Preparable, params: Record<string, unknown>): Promise<T[]>;
  preparedCount(key: string, build: (q: QueryDb) => Preparable, params: Record<string, unknown>): Promise<number>;
  /** Runs `fn` in a transaction (a savepoint when already inside one). */
  transaction<T>(fn: (runner: QueryRunner) => Promise<T>): Promise<T>;
}
/** A Drizzle query builder that can be prepared (select, insert, update, delete). */
export interface Preparable {
  prepare(): any;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Which runner's transaction the current async context is inside. */
const activeTransaction = new AsyncLocalStorage<object>();

export class TransactionMisuseError extends Error {
  constructor() {
    super(
      'the database was used directly inside one of its own transactions; use the handle the transaction callback received',
    );
    this.name = 'TransactionMisuseError';
  }
}

/** A FIFO lock: one holder at a time, waiters served in arrival order. */
class Gate {
  private held = false;
  private readonly waiters: (() => void)[] = [];

  get busy(): boolean {
    return this.held;
  }

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

export class SqliteRunner implements QueryRunner {
  readonly dialect = 'sqlite' as const;
  private readonly gate: Gate;
  private readonly depth: number;
  /** Set when this transaction's runner has committed or rolled back. */
  private ended = false;

  constructor(
    private readonly client: Sqlite.Database,
    private readonly db: BetterSQLite3Database,
    /** The root runner; for a transaction's runner, the root it belongs to. */
    private readonly root?: SqliteRunner,
    depth = 0,
  ) {
    this.gate = root ? root.gate : new Gate();
    this.statements = root ? root.statements : new Map();
    this.depth = depth;
  }

  table(def: AnyTableDef) {
    return def.sqlite;
  }

  private guard(): void {
    if (this.ended) throw new Error('this transaction has already ended');
    if (this.depth === 0 && activeTransaction.getStore() === this) throw new TransactionMisuseError();
  }

  /** Calling `then` runs better-sqlite3's statement synchronously, before anything else can. */
  private exec<T>(build: (q: QueryDb) => PromiseLike<T>): Promise<T> {
    try {
      return Promise.resolve(build(this.db).then((value) => value));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async run<T>(build: (q: QueryDb) => PromiseLike<T>): Promise<T> {
    this.guard();
    if (this.depth > 0 || !this.gate.busy) return this.exec(build);
    await this.gate.acquire();
    try {
      return await this.exec(build);
    } finally {
      this.gate.release();
    }
  }

  async affected(build: (q: QueryDb) => PromiseLike<unknown>): Promise<number> {
    const result = (await this.run(build)) as { changes: number };
    return result.changes;
  }

  /** Prepared statements of this connection, shared by its transactions. */
  private readonly statements: Map<string, QueryDb>;

  private statement(key: string, build: (q: QueryDb) => Preparable): QueryDb {
    let statement = this.statements.get(key);
    if (!statement) {
      statement = build(this.db).prepare();
      this.statements.set(key, statement);
    }
    return statement;
  }

  // better-sqlite3 runs a statement synchronously inside `run`, after the gate check.
  preparedRows<T>(key: string, build: (q: QueryDb) => Preparable, params: Record<string, unknown>): Promise<T[]> {
    const statement = this.statement(key, build);
    return this.run(() => Promise.resolve(statement.all(params) as T[]));
  }

  preparedCount(key: string, build: (q: QueryDb) => Preparable, params: Record<string, unknown>): Promise<number> {
    const statement = this.statement(key, build);
    return this.run(() => Promise.resolve((statement.run(params) as { changes: number }).changes));
  }

  async transaction<T>(fn: (runner: QueryRunner) => Promise<T>): Promise<T> {
    this.guard();
    const root = this.root ?? this;
    if (this.depth === 0) await this.gate.acquire();
    const savepoint = `sp_${this.depth}`;
    const inner = new SqliteRunner(this.client, this.db, root, this.depth + 1);
    try {
      this.client.exec(this.depth === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${savepoint}`);
      try {
        const result = await activeTransaction.run(root, () => fn(inner));
        inner.ended = true;
        this.client.exec(this.depth === 0 ? 'COMMIT' : `RELEASE ${savepoint}`);
        return result;
      } catch (error) {
        inner.ended = true;
        if (this.depth === 0) this.client.exec('ROLLBACK');
        else this.client.exec(`ROLLBACK TO ${savepoint}; RELEASE ${savepoint}`);
        throw error;
      }
    } finally {
      if (this.depth === 0) this.gate.release();
    }
  }
}

export class MysqlRunner implements QueryRunner {
  readonly dialect = 'mysql' as const;

  constructor(
    private readonly db: MySql2Database | QueryDb,
    private readonly root?: MysqlRunner,
  ) {}

  table(def: AnyTableDef) {
    return def.mysql;
  }

  private guard(): void {
    if (!this.root && activeTransaction.getStore() === this) throw new TransactionMisuseError();
  }

  async run<T>(build: (q: QueryDb) => PromiseLike<T>): Promise<T> {
    this.guard();
    return build(this.db);
  }

  async affected(build: (q: QueryDb) => PromiseLike<unknown>): Promise<number> {
    const [header] = (await this.run(build)) as [{ affectedRows: number }];
    return header.affectedRows;
  }

  /** Prepared statements of the pool; a transaction's connection prepares its own. */
  private readonly statements = new Map<string, QueryDb>();

  private statement(key: string, build: (q: QueryDb) => Preparable): QueryDb {
    this.guard();
    if (this.root) return build(this.db).prepare();
    let statement = this.statements.get(key);
    if (!statement) {
      statement = build(this.db).prepare();
      this.statements.set(key, statement);
    }
    return statement;
  }

  async preparedRows<T>(key: string, build: (q: QueryDb) => Preparable, params: Record<string, unknown>): Promise<T[]> {
    return this.statement(key, build).execute(params);
  }

  async preparedCount(
    key: string,
    build: (q: QueryDb) => Preparable,
    params: Record<string, unknown>,
  ): Promise<number> {
    const [header] = (await this.statement(key, build).execute(params)) as [{ affectedRows: number }];
    return header.affectedRows;
  }

  async transaction<T>(fn: (runner: QueryRunner) => Promise<T>): Promise<T> {
    this.guard();
    const root = this.root ?? this;
    return this.db.transaction((tx: QueryDb) => activeTransaction.run(root, () => fn(new MysqlRunner(tx, root))));
  }
}
