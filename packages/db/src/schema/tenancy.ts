/** Tenants, the modules they rent, what renting costs, and their lease orders. */
import { auditColumns, c, defineTable, type ColumnMap, type TableOptions } from './define.js';

export { c };

export const TENANT_KINDS = ['manufacturer', 'operator'] as const;
export const TENANT_STATUSES = ['active', 'suspended'] as const;

/** A company on the platform: the one manufacturer, or an operator that rents it. */
export const tenants = defineTable(
  'platform',
  'tenants',
  {
    id: c.id(),
    kind: c.enum(TENANT_KINDS).notNull(),
    /** The 6-digit code users type at sign-in. */
    code: c.string(6).notNull(),
    name: c.string(25).notNull(),
    status: c.enum(TENANT_STATUSES).notNull().default('active'),
    contactName: c.string(64),
    /** Encrypted at rest (envelope encryption, see crypto.ts). */
    contactPhone: c.text(),
    leaseStartsAt: c.time(),
    leaseEndsAt: c.time(),
    /** Machines the lease pays for; machines in use are counted from `machines`. */
    machineQuota: c.int().notNull().default(0),
    trialUsed: c.bool().notNull().default(false),
    /**
     * The IANA time zone of the tenant's business day: every day window, settlement,
     * statistic and document number cuts days there.
     */
    timeZone: c.string(64).notNull().default('Asia/Shanghai'),
    ...auditColumns(),
  },
  { uniques: [['code'], ['name']], indexes: [['kind', 'status'], ['leaseEndsAt']] },
);

/**
 * Builds a table owned by one tenant: it carries `tenantId`, and every read and write of
 * it goes through the tenant-scoped data-access layer.
 */
export function tenantTable<const N extends string, C extends ColumnMap>(
  name: N,
  columns: C,
  options: TableOptions<ReturnType<typeof tenantColumns> & C & ReturnType<typeof auditColumns>> = {},
) {
  return defineTable('tenant', name, { ...tenantColumns(), ...columns, ...auditColumns() }, {
    ...options,
    indexes: options.indexes ?? [['tenantId']],
  } as TableOptions<ReturnType<typeof tenantColumns> & C & ReturnType<typeof auditColumns>>);
}

function tenantColumns() {
  return { id: c.id(), tenantId: c.ref(() => tenants).notNull() };
}

/** A table of platform data that belongs to no operator. */
export function platformTable<const N extends string, C extends ColumnMap>(
  name: N,
  columns: C,
  options: TableOptions<{ id: ReturnType<typeof c.id> } & C & ReturnType<typeof auditColumns>> = {},
) {
  return defineTable(
    'platform',
    name,
    { id: c.id(), ...columns, ...auditColumns() },
    options as TableOptions<{ id: ReturnType<typeof c.id> } & C & ReturnType<typeof auditColumns>>,
  );
}

/** The 22 rentable units of the platform (see MODULES in modules.ts). */
export const modules = platformTable(
  'modules',
  {
    code: c.string(32).notNull(),
    name: c.string(64).notNull(),
    description: c.string(255),
    /** Monthly rent of this module, in fen. */
    monthlyRent: c.money().notNull(),
    sortOrder: c.int().notNull().default(0),
    enabled: c.bool().notNull().default(true),
  },
  { uniques: [['code']] },
);

/** The modules an operator rents. */
export const tenantModules = tenantTable(
  'tenant_modules',
  { moduleId: c.ref(() => modules).notNull() },
  { uniques: [['tenantId', 'moduleId']], indexes: [['moduleId']] },
);

/** What one machine costs per month; the row with the latest `effectiveFrom` applies. */
export const pricingRules = platformTable(
  'pricing_rules',
  {
    machineMonthlyRent: c.money().notNull(),
    effectiveFrom: c.time().notNull(),
    note: c.string(255),
  },
  { indexes: [['effectiveFrom']] },
);

/** Volume discount: from `minMachines` machines on, the fee is reduced by `discountBasisPoints`. */
export const discountTiers = platformTable(
  'discount_tiers',
  {
    minMachines: c.int().notNull(),
    /** 1 basis point = 0.01 %; 1500 means 15 % off. */
    discountBasisPoints: c.int().notNull(),
  },
  { uniques: [['minMachines']] },
);

export const LEASE_ORDER_STATUSES = ['pending', 'paid', 'cancelled'] as const;
/**
 * `lease`: buys `months` of the order's terms from the later of its payment and the
 * lease's end (registration, renewal, extension). `change`: replaces the rented modules
 * and machine quota with the order's for the rest of the lease, for the difference in fee.
 */
export const LEASE_ORDER_KINDS = ['lease', 'change'] as const;

/** One purchase or renewal of a lease, with the fee as it was computed and shown. */
export const leaseOrders = tenantTable(
  'lease_orders',
  {
    orderNo: c.string(32).notNull(),
    kind: c.enum(LEASE_ORDER_KINDS).notNull().default('lease'),
    months: c.int().notNull(),
    machines: c.int().notNull(),
    moduleCodes: c.json<string[]>().notNull(),
    /** Sum of the chosen modules' monthly rents, in fen. */
    moduleMonthlyRent: c.money().notNull(),
    machineMonthlyRent: c.money().notNull(),
    discountBasisPoints: c.int().notNull().default(0),
    /** months x (modules + machines x machine rent) x (1 - discount), in fen. */
    fee: c.money().notNull(),
    trial: c.bool().notNull().default(false),
    status: c.enum(LEASE_ORDER_STATUSES).notNull().default('pending'),
    periodStart: c.time().notNull(),
    periodEnd: c.time().notNull(),
    paidAt: c.time(),
    /**
     * Paying online: the number the payment provider knows the current QR by (the order
     * number and the attempt, `L...-2`), the provider's trade once paid, and the QR with its
     * expiry. Null when the order was never offered for payment online.
     */
    merchantOrderNo: c.string(40),
    tradeNo: c.string(64),
    qrContent: c.text(),
    qrExpiresAt: c.time(),
  },
  { uniques: [['orderNo']], indexes: [['tenantId', 'createdAt']] },
);
