/** The machine's terminal: credentials, activation, status, alarms, logs, ads. */
import { c, platformTable, tenants, tenantTable } from './tenancy.js';
import { machines } from './machines.js';
import { users } from './access.js';

/**
 * The terminal's public keys, registered when it activates: every call it makes is signed
 * with the Ed25519 key, and what the platform seals to it is sealed to the RSA key.
 *
 * A platform table: a signed call names only its key id, and the platform must find the
 * key before it knows the tenant. `tenantId` names the tenant holding the machine; the
 * device channel scopes everything after the signature check to it.
 */
export const deviceCredentials = platformTable(
  'device_credentials',
  {
    tenantId: c.ref(() => tenants).notNull(),
    machineId: c.ref(() => machines, 'cascade').notNull(),
    /** The controller board the terminal was activated on. */
    boardId: c.string(32).notNull(),
    /** SPKI PEM of the terminal's Ed25519 signing key. */
    signingKey: c.text().notNull(),
    /** SPKI PEM of the terminal's RSA key, for secrets sealed to it. */
    sealingKey: c.text().notNull(),
    /** SHA-256 of the signing key's SPKI DER, hex: the key id a signed request names. */
    keyId: c.string(64).notNull(),
    activatedAt: c.time().notNull(),
    revokedAt: c.time(),
    revokedBy: c.string(36),
  },
  { uniques: [['keyId']], indexes: [['tenantId', 'machineId']] },
);

/** A one-time code the terminal presents to activate; only its hash is stored. */
export const activationCodes = tenantTable(
  'activation_codes',
  {
    machineId: c.ref(() => machines, 'cascade').notNull(),
    codeHash: c.string(64).notNull(),
    expiresAt: c.time().notNull(),
    usedAt: c.time(),
  },
  { uniques: [['codeHash']], indexes: [['tenantId', 'machineId']] },
);

/**
 * Nonces of signed device requests seen within the timestamp window, so that a replayed
 * request is refused by every API instance.
 */
export const deviceNonces = platformTable(
  'device_nonces',
  {
    keyId: c.string(64).notNull(),
    nonce: c.string(64).notNull(),
    expiresAt: c.time().notNull(),
  },
  { uniques: [['keyId', 'nonce']], indexes: [['expiresAt']] },
);

/** The machine as last reported by its terminal. */
export const machineStatus = tenantTable(
  'machine_status',
  {
    machineId: c.ref(() => machines, 'cascade').notNull(),
    online: c.bool().notNull().default(false),
    lastHeartbeatAt: c.time(),
    /** Tenths of a degree Celsius. */
    temperature: c.int(),
    doorOpen: c.bool().notNull().default(false),
    /** Since when the door has been open. */
    doorOpenedAt: c.time(),
    appVersion: c.string(32),
    firmware: c.string(32),
    /** STATUS `errors` bits of the serial protocol. */
    errors: c.int().notNull().default(0),
    /** The terminal's link to the machine's controller answers. */
    vmcLinkUp: c.bool().notNull().default(false),
    uptimeSeconds: c.int(),
    /** Reports waiting in the terminal's outbox. */
    outboxDepth: c.int().notNull().default(0),
  },
  { uniques: [['machineId']], indexes: [['tenantId', 'online'], ['lastHeartbeatAt']] },
);

export const ALARM_KINDS = [
  'offline',
  'door_open',
  'temperature',
  'motor_fault',
  'jam',
  'channel_empty',
  'bill_stacker_full',
  'coin_tube_low',
  'payment_device',
  'vmc_fault',
  'vmc_link',
] as const;
export const ALARM_SEVERITIES = ['info', 'warning', 'critical'] as const;

export const alarms = tenantTable(
  'alarms',
  {
    machineId: c.ref(() => machines, 'cascade').notNull(),
    kind: c.enum(ALARM_KINDS).notNull(),
    /** The channel it is about (a jam, an empty channel, a motor fault). */
    channelNumber: c.int(),
    severity: c.enum(ALARM_SEVERITIES).notNull(),
    message: c.string(255).notNull(),
    raisedAt: c.time().notNull(),
    acknowledgedAt: c.time(),
    acknowledgedBy: c.string(36),
    resolvedAt: c.time(),
    /** The field worker sent to see to it. */
    assignedTo: c.ref(() => users, 'set null'),
    assignedAt: c.time(),
    /** The repair recorded for it (the thesis's machine maintenance); recording one resolves the alarm. */
    repairedBy: c.string(36),
    repairedAt: c.time(),
    repairNote: c.string(500),
  },
  {
    indexes: [
      ['tenantId', 'assignedTo', 'resolvedAt'],
      ['tenantId', 'raisedAt'],
      ['tenantId', 'machineId', 'raisedAt'],
      ['tenantId', 'acknowledgedAt'],
      ['machineId', 'resolvedAt'],
    ],
  },
);

export const DEVICE_EVENT_TYPES = ['config', 'remote_vend', 'payment', 'command'] as const;

/**
 * What the platform has to tell a machine's terminal, numbered per machine, kept so that
 * a terminal reconnecting to any API instance resumes after the last one it saw.
 */
export const deviceEvents = tenantTable(
  'device_events',
  {
    machineId: c.ref(() => machines, 'cascade').notNull(),
    /** 1, 2, 3, ... per machine (machines.eventSeq). */
    seq: c.int().notNull(),
    type: c.enum(DEVICE_EVENT_TYPES).notNull(),
    payload: c.json<Record<string, unknown>>().notNull(),
    expiresAt: c.time().notNull(),
  },
  { uniques: [['machineId', 'seq']], indexes: [['createdAt']] },
);

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A batch of log lines a terminal uploaded. */
export const terminalLogs = tenantTable(
  'terminal_logs',
  {
    machineId: c.ref(() => machines, 'cascade').notNull(),
    /** The terminal's own id for this upload, so a retried upload is stored once. */
    uploadId: c.string(36).notNull(),
    level: c.enum(LOG_LEVELS).notNull(),
    lines: c.int().notNull(),
    content: c.text().notNull(),
    from: c.time().notNull(),
    to: c.time().notNull(),
  },
  { uniques: [['machineId', 'uploadId']], indexes: [['tenantId', 'machineId', 'from']] },
);

export const AD_MEDIA_TYPES = ['image', 'video'] as const;

export const ads = tenantTable(
  'ads',
  {
    name: c.string(64).notNull(),
    mediaType: c.enum(AD_MEDIA_TYPES).notNull(),
    url: c.string(500).notNull(),
    sha256: c.string(64).notNull(),
    /** How long an image shows, in seconds; a video plays to its end. */
    durationSeconds: c.int().notNull().default(10),
    startsAt: c.time(),
    endsAt: c.time(),
    enabled: c.bool().notNull().default(true),
  },
  { indexes: [['tenantId', 'enabled']], checks: { durationSeconds: '{durationSeconds} > 0' } },
);

/** Which machines play which ads. */
export const adMachines = tenantTable(
  'ad_machines',
  {
    adId: c.ref(() => ads, 'cascade').notNull(),
    machineId: c.ref(() => machines, 'cascade').notNull(),
    sortOrder: c.int().notNull().default(0),
  },
  { uniques: [['adId', 'machineId']], indexes: [['tenantId', 'machineId']] },
);
