/**
 * The terminal's durable state, one SQLite file (WAL) in its data directory: the sales
 * journal, the outbox of reports, the cached config and the channels this machine took out
 * of sale, the platform message ids already accepted, the last event id processed and the
 * log lines waiting for upload. A sale's state change and the report it owes the platform
 * are written in one transaction, so a crash can lose neither without the other.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ConfigChannel, DeviceConfig, DevicePaymentMethod, DeviceVendResult } from '@vmcloud/protocol/device';
import type { PaymentMethod } from '../machine/driver.js';
import type { LogLevel } from '../log.js';

/** Where a sale stands in the journal. */
export type SaleState = 'awaiting_payment' | 'vending' | 'done' | 'failed';

/**
 * How a sale reaches the platform's books: `machine_sale`, made and paid at the machine
 * (cash, card), reported after the fact by `recordSales`; `order`, an order the platform
 * created (QR, gift code, remote vend), whose vend is reported by `reportVend`.
 */
export type SaleKind = 'machine_sale' | 'order';

export interface SaleRecord {
  saleId: string;
  vendId: number;
  kind: SaleKind;
  channel: number;
  /** Fen. */
  price: number;
  /** The order's payment method. */
  method: DevicePaymentMethod;
  /** Who pays, in the machine driver's words. */
  vendMethod: PaymentMethod;
  state: SaleState;
  orderId: string | null;
  orderNo: string | null;
  qrContent: string | null;
  /** Epoch ms. */
  qrExpiresAt: number | null;
  result: DeviceVendResult | null;
  dispensed: boolean;
  /** Why a sale failed without a vend (expired, cancelled, refused), or a note. */
  reason: string | null;
  /** Epoch ms. */
  createdAt: number;
  updatedAt: number;
  /** When the vend ended, epoch ms. */
  soldAt: number | null;
  /** When the platform acknowledged the sale's report, epoch ms. */
  acknowledgedAt: number | null;
}

export type NewSale = Omit<
  SaleRecord,
  | 'updatedAt'
  | 'soldAt'
  | 'acknowledgedAt'
  | 'result'
  | 'dispensed'
  | 'reason'
  | 'orderNo'
  | 'qrContent'
  | 'qrExpiresAt'
  | 'orderId'
> &
  Partial<Pick<SaleRecord, 'orderId' | 'orderNo' | 'qrContent' | 'qrExpiresAt' | 'reason'>>;

export type SalePatch = Partial<
  Pick<SaleRecord, 'state' | 'result' | 'dispensed' | 'reason' | 'soldAt' | 'acknowledgedAt' | 'orderId' | 'orderNo'>
>;

/** What the outbox sends, by device procedure. */
export type ReportKind = 'recordSales' | 'vendStarted' | 'reportVend';

export interface Report {
  id: number;
  kind: ReportKind;
  /** The sale it is about. */
  saleId: string;
  /** The procedure's input. */
  payload: unknown;
  attempts: number;
  /** Epoch ms. */
  nextAttemptAt: number;
  lastError: string | null;
  parked: boolean;
  createdAt: number;
}

export interface CachedConfig {
  config: DeviceConfig;
  /** When it was asked for, epoch ms: sales acknowledged before then are in its stock counts. */
  asOf: number;
}

export interface ChannelView {
  number: number;
  price: number | null;
  productName: string | null;
  enabled: boolean;
  /** Why it does not sell: the platform's reason, or this machine's (`jam`, `empty`). */
  disabledReason: string | null;
  /** Config stock less the sales the platform had not counted when it sent the config. */
  stock: number;
}

export interface LogBatch {
  uploadId: string;
  level: LogLevel;
  lines: string[];
  from: string;
  to: string;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sales (
  sale_id TEXT PRIMARY KEY,
  vend_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  channel INTEGER NOT NULL,
  price INTEGER NOT NULL,
  method TEXT NOT NULL,
  vend_method TEXT NOT NULL,
  state TEXT NOT NULL,
  order_id TEXT,
  order_no TEXT,
  qr_content TEXT,
  qr_expires_at INTEGER,
  result TEXT,
  dispensed INTEGER NOT NULL DEFAULT 0,
  reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  sold_at INTEGER,
  acknowledged_at INTEGER
);
CREATE INDEX IF NOT EXISTS sales_state ON sales (state);
CREATE INDEX IF NOT EXISTS sales_channel ON sales (channel, sold_at);
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL,
  sale_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  parked INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS channel_blocks (
  channel INTEGER PRIMARY KEY,
  reason TEXT NOT NULL,
  config_version INTEGER NOT NULL,
  at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS seen_messages (
  id TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS log_lines (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  level TEXT NOT NULL,
  line TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS log_batches (
  upload_id TEXT PRIMARY KEY,
  body TEXT NOT NULL
);
`;

interface SaleRow {
  sale_id: string;
  vend_id: number;
  kind: SaleKind;
  channel: number;
  price: number;
  method: DevicePaymentMethod;
  vend_method: PaymentMethod;
  state: SaleState;
  order_id: string | null;
  order_no: string | null;
  qr_content: string | null;
  qr_expires_at: number | null;
  result: DeviceVendResult | null;
  dispensed: number;
  reason: string | null;
  created_at: number;
  updated_at: number;
  sold_at: number | null;
  acknowledged_at: number | null;
}

interface ReportRow {
  id: number;
  kind: ReportKind;
  sale_id: string;
  payload: string;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  parked: number;
  created_at: number;
}

function saleFromRow(row: SaleRow): SaleRecord {
  return {
    saleId: row.sale_id,
    vendId: row.vend_id,
    kind: row.kind,
    channel: row.channel,
    price: row.price,
    method: row.method,
    vendMethod: row.vend_method,
    state: row.state,
    orderId: row.order_id,
    orderNo: row.order_no,
    qrContent: row.qr_content,
    qrExpiresAt: row.qr_expires_at,
    result: row.result,
    dispensed: row.dispensed === 1,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    soldAt: row.sold_at,
    acknowledgedAt: row.acknowledged_at,
  };
}

function reportFromRow(row: ReportRow): Report {
  return {
    id: row.id,
    kind: row.kind,
    saleId: row.sale_id,
    payload: JSON.parse(row.payload) as unknown,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    parked: row.parked === 1,
    createdAt: row.created_at,
  };
}

const SALE_COLUMNS: Record<keyof SalePatch, string> = {
  state: 'state',
  result: 'result',
  dispensed: 'dispensed',
  reason: 'reason',
  soldAt: 'sold_at',
  acknowledgedAt: 'acknowledged_at',
  orderId: 'order_id',
  orderNo: 'order_no',
};

/** Log lines kept for upload at most; older ones are dropped first when the platform stays away. */
export const LOG_BUFFER_LIMIT = 20_000;

const LEVEL_RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export class TerminalStore {
  readonly db: Database.Database;

  private constructor(db: Database.Database) {
    this.db = db;
  }

  /** Opens (creating) the store file; its directory is created too. `:memory:` for a throwaway store. */
  static open(path: string): TerminalStore {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const fresh = path !== ':memory:' && !existsSync(path);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    if (fresh) chmodSync(path, 0o600);
    return new TerminalStore(db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  // ---- the sales journal ----

  insertSale(sale: NewSale): SaleRecord {
    this.db
      .prepare(
        `INSERT INTO sales (sale_id, vend_id, kind, channel, price, method, vend_method, state, order_id, order_no,
           qr_content, qr_expires_at, reason, created_at, updated_at)
         VALUES (@saleId, @vendId, @kind, @channel, @price, @method, @vendMethod, @state, @orderId, @orderNo,
           @qrContent, @qrExpiresAt, @reason, @createdAt, @createdAt)`,
      )
      .run({
        orderId: null,
        orderNo: null,
        qrContent: null,
        qrExpiresAt: null,
        reason: null,
        ...sale,
      });
    return this.requireSale(sale.saleId);
  }

  getSale(saleId: string): SaleRecord | undefined {
    const row = this.db.prepare('SELECT * FROM sales WHERE sale_id = ?').get(saleId) as SaleRow | undefined;
    return row ? saleFromRow(row) : undefined;
  }

  requireSale(saleId: string): SaleRecord {
    const sale = this.getSale(saleId);
    if (!sale) throw new Error(`no sale ${saleId} in the journal`);
    return sale;
  }

  updateSale(saleId: string, patch: SalePatch, now: number): SaleRecord {
    const sets = ['updated_at = @updatedAt'];
    const values: Record<string, unknown> = { saleId, updatedAt: now };
    for (const [key, column] of Object.entries(SALE_COLUMNS) as [keyof SalePatch, string][]) {
      if (!(key in patch)) continue;
      sets.push(`${column} = @${key}`);
      const value = patch[key];
      values[key] = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    }
    this.db.prepare(`UPDATE sales SET ${sets.join(', ')} WHERE sale_id = @saleId`).run(values);
    return this.requireSale(saleId);
  }

  salesInState(state: SaleState): SaleRecord[] {
    const rows = this.db
      .prepare('SELECT * FROM sales WHERE state = ? ORDER BY created_at, rowid')
      .all(state) as SaleRow[];
    return rows.map(saleFromRow);
  }

  allSales(): SaleRecord[] {
    return (this.db.prepare('SELECT * FROM sales ORDER BY created_at, rowid').all() as SaleRow[]).map(saleFromRow);
  }

  // ---- the outbox ----

  /** Adds a report to the end of the outbox; call it in the transaction that changes the sale. */
  enqueueReport(kind: ReportKind, saleId: string, payload: unknown, now: number): Report {
    const info = this.db
      .prepare('INSERT INTO outbox (kind, sale_id, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(kind, saleId, JSON.stringify(payload), now, now);
    return this.requireReport(Number(info.lastInsertRowid));
  }

  requireReport(id: number): Report {
    const row = this.db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as ReportRow | undefined;
    if (!row) throw new Error(`no report ${id} in the outbox`);
    return reportFromRow(row);
  }

  /** The oldest report not parked: reports go out in the order they were written. */
  nextReport(): Report | undefined {
    const row = this.db.prepare('SELECT * FROM outbox WHERE parked = 0 ORDER BY id LIMIT 1').get() as
      ReportRow | undefined;
    return row ? reportFromRow(row) : undefined;
  }

  /** The reports waiting (not parked) from the one with id `from` on, oldest first, at most `limit`. */
  waitingReports(from: number, limit: number): Report[] {
    const rows = this.db
      .prepare('SELECT * FROM outbox WHERE parked = 0 AND id >= ? ORDER BY id LIMIT ?')
      .all(from, limit) as ReportRow[];
    return rows.map(reportFromRow);
  }

  reports(): Report[] {
    return (this.db.prepare('SELECT * FROM outbox ORDER BY id').all() as ReportRow[]).map(reportFromRow);
  }

  recordAttempt(id: number, nextAttemptAt: number, error: string): void {
    this.db
      .prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?')
      .run(nextAttemptAt, error, id);
  }

  parkReport(id: number, error: string): void {
    this.db
      .prepare('UPDATE outbox SET attempts = attempts + 1, parked = 1, last_error = ? WHERE id = ?')
      .run(error, id);
  }

  deleteReport(id: number): void {
    this.db.prepare('DELETE FROM outbox WHERE id = ?').run(id);
  }

  /** Reports waiting to go out (parked ones are not waiting). */
  outboxDepth(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM outbox WHERE parked = 0').get() as { n: number }).n;
  }

  // ---- settings ----

  getSetting(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setSetting(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  lastEventId(): string | undefined {
    return this.getSetting('lastEventId');
  }

  setLastEventId(id: string): void {
    this.setSetting('lastEventId', id);
  }

  // ---- config, channels and stock ----

  /**
   * Keeps `config` as the one in force. Channels this machine took out of sale stay out
   * until a config newer than the one in force when that happened enables them.
   */
  saveConfig(config: DeviceConfig, asOf: number): void {
    this.transaction(() => {
      this.setSetting('config', JSON.stringify({ config, asOf } satisfies CachedConfig));
      const blocks = this.db.prepare('SELECT channel, config_version FROM channel_blocks').all() as {
        channel: number;
        config_version: number;
      }[];
      for (const block of blocks) {
        const channel = config.channels.find((candidate) => candidate.number === block.channel);
        if (config.version > block.config_version && (channel === undefined || channel.enabled)) {
          this.db.prepare('DELETE FROM channel_blocks WHERE channel = ?').run(block.channel);
        }
      }
    });
  }

  cachedConfig(): CachedConfig | undefined {
    const text = this.getSetting('config');
    return text === undefined ? undefined : (JSON.parse(text) as CachedConfig);
  }

  /** Takes a channel out of sale on this machine (a jam, an empty channel). */
  blockChannel(channel: number, reason: string, now: number): void {
    const version = this.cachedConfig()?.config.version ?? 0;
    this.db
      .prepare(
        `INSERT INTO channel_blocks (channel, reason, config_version, at) VALUES (?, ?, ?, ?)
         ON CONFLICT (channel) DO UPDATE SET reason = excluded.reason, config_version = excluded.config_version, at = excluded.at`,
      )
      .run(channel, reason, version, now);
  }

  channelBlock(channel: number): string | undefined {
    const row = this.db.prepare('SELECT reason FROM channel_blocks WHERE channel = ?').get(channel) as
      { reason: string } | undefined;
    return row?.reason;
  }

  /**
   * The products dispensed from `channel` at or after `since` (epoch ms) that the platform
   * had not acknowledged by `asOf`: the sales the config's stock does not count yet.
   */
  uncountedSales(channel: number, since: number, asOf: number): number {
    const row = this.db
      .prepare(
        `SELECT COUNT(*) AS n FROM sales WHERE channel = ? AND dispensed = 1 AND sold_at >= ?
           AND (acknowledged_at IS NULL OR acknowledged_at >= ?)`,
      )
      .get(channel, since, asOf) as { n: number };
    return row.n;
  }

  /** A channel as the sale logic sees it now, or undefined when the config does not know it. */
  channel(number: number): ChannelView | undefined {
    const cached = this.cachedConfig();
    const configured: ConfigChannel | undefined = cached?.config.channels.find((channel) => channel.number === number);
    if (!cached || !configured) return undefined;
    const since = configured.restockedAt === null ? 0 : Date.parse(configured.restockedAt);
    const stock = configured.stock - this.uncountedSales(number, Number.isFinite(since) ? since : 0, cached.asOf);
    const block = this.channelBlock(number);
    const enabled = configured.enabled && block === undefined;
    return {
      number,
      price: configured.price,
      productName: configured.productName,
      enabled,
      disabledReason: block ?? (configured.enabled ? null : (configured.disabledReason ?? 'disabled')),
      stock: Math.max(0, stock),
    };
  }

  // ---- platform messages accepted ----

  hasSeen(id: string): boolean {
    return this.db.prepare('SELECT 1 FROM seen_messages WHERE id = ?').get(id) !== undefined;
  }

  markSeen(id: string, expiresAt: number): void {
    this.db.prepare('INSERT OR IGNORE INTO seen_messages (id, expires_at) VALUES (?, ?)').run(id, expiresAt);
  }

  /** Forgets ids whose messages have expired (an expired message is refused anyway). */
  pruneSeen(now: number): number {
    return this.db.prepare('DELETE FROM seen_messages WHERE expires_at < ?').run(now).changes;
  }

  // ---- log lines for upload ----

  appendLog(line: string, level: LogLevel, at: number): void {
    const info = this.db.prepare('INSERT INTO log_lines (at, level, line) VALUES (?, ?, ?)').run(at, level, line);
    // Ids count up one per line: the oldest lines beyond the limit go (a lookup by rowid, no count).
    this.db.prepare('DELETE FROM log_lines WHERE id <= ?').run(Number(info.lastInsertRowid) - LOG_BUFFER_LIMIT);
  }

  bufferedLogLines(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM log_lines').get() as { n: number }).n;
  }

  /**
   * The upload to send: the one cut before and not yet stored by the platform (same
   * uploadId), else a new one of up to `max` lines, which leave the buffer in the same
   * transaction. Undefined when there is nothing to upload.
   */
  nextLogBatch(max: number, newUploadId: () => string): LogBatch | undefined {
    return this.transaction(() => {
      const pending = this.db.prepare('SELECT body FROM log_batches ORDER BY rowid LIMIT 1').get() as
        { body: string } | undefined;
      if (pending) return JSON.parse(pending.body) as LogBatch;
      const rows = this.db.prepare('SELECT id, at, level, line FROM log_lines ORDER BY id LIMIT ?').all(max) as {
        id: number;
        at: number;
        level: LogLevel;
        line: string;
      }[];
      const first = rows[0];
      const last = rows[rows.length - 1];
      if (!first || !last) return undefined;
      const level = rows.reduce<LogLevel>(
        (worst, row) => (LEVEL_RANK[row.level] > LEVEL_RANK[worst] ? row.level : worst),
        'debug',
      );
      const batch: LogBatch = {
        uploadId: newUploadId(),
        level,
        lines: rows.map((row) => row.line),
        from: new Date(first.at).toISOString(),
        to: new Date(last.at).toISOString(),
      };
      this.db.prepare('DELETE FROM log_lines WHERE id <= ?').run(last.id);
      this.db
        .prepare('INSERT INTO log_batches (upload_id, body) VALUES (?, ?)')
        .run(batch.uploadId, JSON.stringify(batch));
      return batch;
    });
  }

  /** The platform stored (or refused for good) the upload: forget it. */
  dropLogBatch(uploadId: string): void {
    this.db.prepare('DELETE FROM log_batches WHERE upload_id = ?').run(uploadId);
  }
}
