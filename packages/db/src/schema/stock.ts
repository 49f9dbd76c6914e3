/**
 * Products and where the stock is: the warehouse, each field worker's own inventory, and
 * the channels of each machine; with the documents that move it (shipments, transfers,
 * restocks).
 */
import { users } from './access.js';
import { machines } from './machines.js';
import { c, tenantTable } from './tenancy.js';

export const PRODUCT_STATUSES = ['active', 'discontinued'] as const;

export const products = tenantTable(
  'products',
  {
    code: c.string(32).notNull(),
    name: c.string(64).notNull(),
    spec: c.string(64),
    unit: c.string(16).notNull().default('pcs'),
    /** Purchase cost per unit, in fen. */
    cost: c.money().notNull().default(0),
    /** Default selling price, in fen. */
    price: c.money().notNull(),
    imageUrl: c.string(500),
    description: c.text(),
    status: c.enum(PRODUCT_STATUSES).notNull().default('active'),
  },
  {
    uniques: [['tenantId', 'code']],
    indexes: [['tenantId', 'name']],
    checks: { cost: '{cost} >= 0', price: '{price} >= 0' },
  },
);

/** Channels of one machine that share a product and price. */
export const channelGroups = tenantTable(
  'channel_groups',
  {
    machineId: c.ref(() => machines, 'cascade').notNull(),
    name: c.string(32).notNull(),
    productId: c.ref(() => products).notNull(),
    price: c.money().notNull(),
    /** The group's price is a discount on the product's price. */
    discount: c.bool().notNull().default(false),
  },
  { uniques: [['machineId', 'name']], indexes: [['tenantId', 'productId']], checks: { price: '{price} >= 0' } },
);

/** One lane of a machine: its slot in the planogram and the stock in it. */
export const channels = tenantTable(
  'channels',
  {
    machineId: c.ref(() => machines, 'cascade').notNull(),
    /** The channel number the machine's controller knows. */
    number: c.int().notNull(),
    capacity: c.int().notNull(),
    stock: c.int().notNull().default(0),
    /**
     * When the channel was last restocked: `stock` was counted at that time, so a sale the
     * machine made before it and reported later does not count against it.
     */
    restockedAt: c.time(),
    productId: c.ref(() => products),
    /** Selling price here, in fen. */
    price: c.money(),
    channelGroupId: c.ref(() => channelGroups, 'set null'),
    enabled: c.bool().notNull().default(true),
    disabledReason: c.string(200),
    /** This channel's price differs from the product's. */
    specialPrice: c.bool().notNull().default(false),
  },
  {
    uniques: [['machineId', 'number']],
    indexes: [['tenantId', 'productId'], ['channelGroupId']],
    checks: {
      number: '{number} > 0',
      stock: '{stock} >= 0 and {stock} <= {capacity}',
      price: '{price} is null or {price} >= 0',
    },
  },
);

/** Stock of one product in the operator's warehouse. */
export const warehouseStock = tenantTable(
  'warehouse_stock',
  {
    productId: c.ref(() => products).notNull(),
    quantity: c.int().notNull().default(0),
  },
  { uniques: [['tenantId', 'productId']], checks: { quantity: '{quantity} >= 0' } },
);

/** Stock of one product held by one field worker. */
export const staffInventory = tenantTable(
  'staff_inventory',
  {
    staffId: c.ref(() => users).notNull(),
    productId: c.ref(() => products).notNull(),
    quantity: c.int().notNull().default(0),
  },
  {
    uniques: [['staffId', 'productId']],
    indexes: [['tenantId', 'productId']],
    checks: { quantity: '{quantity} >= 0' },
  },
);

export const SHIPMENT_STATUSES = ['requested', 'approved', 'rejected', 'shipped', 'cancelled'] as const;

/** Stock issued from the warehouse to a field worker: requested, approved, shipped. */
export const shipments = tenantTable(
  'shipments',
  {
    documentNo: c.string(32).notNull(),
    staffId: c.ref(() => users).notNull(),
    status: c.enum(SHIPMENT_STATUSES).notNull().default('requested'),
    note: c.string(255),
    approvedBy: c.string(36),
    approvedAt: c.time(),
    shippedAt: c.time(),
    /** Counted in a goods settlement. */
    settled: c.bool().notNull().default(false),
  },
  {
    uniques: [['tenantId', 'documentNo']],
    indexes: [
      ['tenantId', 'staffId', 'createdAt'],
      ['tenantId', 'status'],
    ],
  },
);

export const shipmentItems = tenantTable(
  'shipment_items',
  {
    shipmentId: c.ref(() => shipments, 'cascade').notNull(),
    productId: c.ref(() => products).notNull(),
    quantityRequested: c.int().notNull(),
    quantityShipped: c.int().notNull().default(0),
  },
  {
    uniques: [['shipmentId', 'productId']],
    indexes: [['tenantId', 'productId']],
    checks: { quantityRequested: '{quantityRequested} > 0', quantityShipped: '{quantityShipped} >= 0' },
  },
);

export const TRANSFER_STATUSES = ['completed', 'cancelled'] as const;

/** Stock moved between field workers, or back to the warehouse (`toStaffId` null). */
export const transfers = tenantTable(
  'transfers',
  {
    documentNo: c.string(32).notNull(),
    fromStaffId: c.ref(() => users).notNull(),
    /** The receiving field worker; null means the warehouse. */
    toStaffId: c.ref(() => users),
    status: c.enum(TRANSFER_STATUSES).notNull().default('completed'),
    note: c.string(255),
  },
  {
    uniques: [['tenantId', 'documentNo']],
    indexes: [
      ['tenantId', 'fromStaffId', 'createdAt'],
      ['tenantId', 'toStaffId', 'createdAt'],
    ],
  },
);

export const transferItems = tenantTable(
  'transfer_items',
  {
    transferId: c.ref(() => transfers, 'cascade').notNull(),
    productId: c.ref(() => products).notNull(),
    quantity: c.int().notNull(),
  },
  {
    uniques: [['transferId', 'productId']],
    indexes: [['tenantId', 'productId']],
    checks: { quantity: '{quantity} > 0' },
  },
);

/** A field worker moving stock from their own inventory into a channel. */
export const restocks = tenantTable(
  'restocks',
  {
    staffId: c.ref(() => users).notNull(),
    machineId: c.ref(() => machines).notNull(),
    channelId: c.ref(() => channels).notNull(),
    productId: c.ref(() => products).notNull(),
    quantity: c.int().notNull(),
    stockBefore: c.int().notNull(),
    stockAfter: c.int().notNull(),
  },
  {
    indexes: [['tenantId', 'staffId', 'createdAt'], ['tenantId', 'machineId', 'createdAt'], ['channelId']],
    checks: { quantity: '{quantity} > 0', stockAfter: '{stockAfter} = {stockBefore} + {quantity}' },
  },
);
