/** Machine types, machines, and the manufacturer's sales of machines to operators. */
import { groups, users } from './access.js';
import { c, platformTable, tenants, tenantTable } from './tenancy.js';

/** A model the manufacturer builds. Owned by the manufacturer tenant. */
export const machineTypes = tenantTable(
  'machine_types',
  {
    model: c.string(32).notNull(),
    name: c.string(64).notNull(),
    /** Trays (shelves) from top to bottom. */
    trays: c.int().notNull(),
    /** Channels on each tray; channels are numbered 1..trays x slotsPerTray in tray order. */
    slotsPerTray: c.int().notNull(),
    /** Capacity of each channel when the machine leaves the factory. */
    defaultCapacity: c.int().notNull(),
    refrigerated: c.bool().notNull().default(false),
    description: c.string(255),
  },
  {
    uniques: [['tenantId', 'model']],
    checks: {
      trays: '{trays} > 0 and {trays} <= 99',
      slotsPerTray: '{slotsPerTray} > 0 and {slotsPerTray} <= 99',
      defaultCapacity: '{defaultCapacity} > 0',
    },
  },
);

export const MACHINE_STATUSES = ['in_stock', 'active', 'disabled', 'retired'] as const;

/**
 * One vending machine, known by its controller board id. `tenantId` is the tenant that
 * holds it: the manufacturer until it is sold, then the operator that runs it.
 */
export const machines = tenantTable(
  'machines',
  {
    boardId: c.string(32).notNull(),
    /** The operator's number for the machine (设备编号). */
    deviceNo: c.string(32),
    /** The number on the manufacturer's nameplate (铭牌号). */
    nameplateNo: c.string(32),
    typeId: c.ref(() => machineTypes).notNull(),
    /** The manufacturer that built it. */
    manufacturerId: c.ref(() => tenants).notNull(),
    /** The manufacturer's list price for the machine, in fen. */
    price: c.money().notNull().default(0),
    /** The operator's name for it. */
    name: c.string(64),
    address: c.string(255),
    /** WGS-84 latitude and longitude in millionths of a degree. */
    latitudeE6: c.int(),
    longitudeE6: c.int(),
    groupId: c.ref(() => groups, 'set null'),
    /** The field staff member who restocks it. */
    staffId: c.ref(() => users, 'set null'),
    status: c.enum(MACHINE_STATUSES).notNull().default('in_stock'),
    /** The PIN of the service screen on the machine's kiosk, sealed with the keyring. */
    servicePin: c.text(),
    /** Bumped whenever what the terminal sells from changes (channels, products, prices, ads). */
    configVersion: c.int().notNull().default(1),
    /** The id of the last event queued for the machine's terminal (device_events.seq). */
    eventSeq: c.int().notNull().default(0),
    /** When the tenant holding it got it (its machine sale); null while the manufacturer holds it. */
    heldSince: c.time(),
  },
  {
    uniques: [['boardId'], ['tenantId', 'deviceNo'], ['nameplateNo']],
    indexes: [['tenantId', 'status'], ['tenantId', 'groupId'], ['tenantId', 'staffId'], ['manufacturerId']],
    checks: { price: '{price} >= 0' },
  },
);

/** The manufacturer selling a machine to an operator. Owned by the manufacturer tenant. */
export const machineSales = tenantTable(
  'machine_sales',
  {
    machineId: c.ref(() => machines).notNull(),
    operatorId: c.ref(() => tenants).notNull(),
    price: c.money().notNull(),
    soldAt: c.time().notNull(),
  },
  { indexes: [['tenantId', 'soldAt'], ['operatorId'], ['machineId']], checks: { price: '{price} >= 0' } },
);

export const RELEASE_CHANNELS = ['stable', 'beta'] as const;

/** A signed build of the terminal app that machines can update to. */
export const appReleases = platformTable(
  'app_releases',
  {
    version: c.string(32).notNull(),
    channel: c.enum(RELEASE_CHANNELS).notNull().default('stable'),
    url: c.string(500).notNull(),
    sha256: c.string(64).notNull(),
    /** Signature over the archive's SHA-256 by the platform's release key. */
    signature: c.text().notNull(),
    notes: c.text(),
    publishedAt: c.time(),
  },
  { uniques: [['version']], indexes: [['channel', 'publishedAt']] },
);
