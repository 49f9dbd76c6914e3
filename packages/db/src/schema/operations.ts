/** Running the platform: audit log, reconciliation, backups, job locks. */
import { orders } from './sales.js';
import { c, platformTable, tenantTable } from './tenancy.js';

/** Who changed what, with the row before and after. Written in the same transaction. */
export const auditLog = tenantTable(
  'audit_log',
  {
    /** The acting user; null for the system (jobs, devices). */
    userId: c.string(36),
    /** The procedure, e.g. `machines.update`. */
    action: c.string(64).notNull(),
    /** The table the change touched. */
    entity: c.string(64).notNull(),
    entityId: c.string(36),
    before: c.json<Record<string, unknown>>(),
    after: c.json<Record<string, unknown>>(),
    requestId: c.string(36),
    ip: c.string(45),
  },
  {
    indexes: [
      ['tenantId', 'createdAt'],
      ['tenantId', 'entity', 'entityId'],
      ['tenantId', 'userId', 'createdAt'],
    ],
  },
);

export const RECONCILIATION_STATUSES = ['running', 'succeeded', 'failed'] as const;

/** One comparison of orders against a payment provider's statement. */
export const reconciliationRuns = tenantTable(
  'reconciliation_runs',
  {
    provider: c.string(32).notNull(),
    periodStart: c.time().notNull(),
    periodEnd: c.time().notNull(),
    status: c.enum(RECONCILIATION_STATUSES).notNull().default('running'),
    checked: c.int().notNull().default(0),
    discrepancyCount: c.int().notNull().default(0),
    finishedAt: c.time(),
    error: c.text(),
  },
  { indexes: [['tenantId', 'periodStart']] },
);

export const DISCREPANCY_KINDS = [
  'missing_at_provider',
  'missing_locally',
  'amount_mismatch',
  'status_mismatch',
] as const;

export const reconciliationDiscrepancies = tenantTable(
  'reconciliation_discrepancies',
  {
    runId: c.ref(() => reconciliationRuns, 'cascade').notNull(),
    orderId: c.ref(() => orders, 'set null'),
    kind: c.enum(DISCREPANCY_KINDS).notNull(),
    providerTradeNo: c.string(64),
    /** What our books say, in fen. */
    expected: c.money(),
    /** What the provider says, in fen. */
    actual: c.money(),
    resolvedAt: c.time(),
    note: c.string(255),
  },
  {
    indexes: [
      ['tenantId', 'runId'],
      ['tenantId', 'resolvedAt'],
    ],
  },
);

export const BACKUP_STATUSES = ['running', 'succeeded', 'failed'] as const;

export const backups = platformTable(
  'backups',
  {
    location: c.string(500).notNull(),
    sizeBytes: c.bigint(),
    sha256: c.string(64),
    status: c.enum(BACKUP_STATUSES).notNull().default('running'),
    startedAt: c.time().notNull(),
    finishedAt: c.time(),
    error: c.text(),
  },
  { indexes: [['startedAt']] },
);

/** A lease on a scheduled job, so that one API instance runs it at a time. */
export const jobLocks = platformTable(
  'job_locks',
  {
    name: c.string(64).notNull(),
    holder: c.string(64).notNull(),
    lockedUntil: c.time().notNull(),
  },
  { uniques: [['name']] },
);
