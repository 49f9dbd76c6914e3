/**
 * A database with the demo data and many orders, for measuring and testing the orders
 * list at scale (the HTTP benchmark, the console's browser test over 1,000,000 orders).
 * Orders are spread evenly over the last `days` days across the demo operator's stocked
 * channels, inserted in batches of 10,000 rows per transaction.
 */
import { createDb, eq, newId, openKeyring, type Database, type NewRow, type Tables } from '@vmcloud/db';
import { DEMO_OPERATOR, seed } from './index.js';

type NewOrder = NewRow<Tables['orders']>;

export interface BulkOrdersOptions {
  /** How many orders. */
  orders: number;
  /** Over how many days before `now` (365 unless given). */
  days?: number;
  /** The newest order's time is just before this (now unless given). */
  now?: Date;
  /**
   * Orders of every payment method and several statuses (completed mostly, some refunded
   * and failed) instead of completed cash and QR sales only.
   */
  mixed?: boolean;
  /** Order numbers start with this (`B`). */
  prefix?: string;
}

const BATCH = 10_000;
const MIXED_METHODS = ['qr', 'cash', 'card', 'qr', 'gift_code'] as const;

/** Adds `options.orders` orders to the demo operator's machines in `db`; answers how long it took, in ms. */
export async function addBulkOrders(db: Database, tenantId: string, options: BulkOrdersOptions): Promise<number> {
  const count = options.orders;
  const days = options.days ?? 365;
  const scope = db.forTenant(tenantId);
  const machines = await scope.machines.find();
  const channels = await scope.channels.find();
  const stocked = machines
    .map((m) => ({ machine: m, channels: channels.filter((c) => c.machineId === m.id && c.productId) }))
    .filter((m) => m.channels.length > 0);
  if (stocked.length === 0) throw new Error('no machine with a stocked channel to sell from');
  const end = (options.now ?? new Date()).getTime() - 1000;
  const start = end - days * 86_400_000;
  const step = (days * 86_400_000) / count;
  const prefix = options.prefix ?? 'B';
  const started = performance.now();
  for (let done = 0; done < count;) {
    const rows: NewOrder[] = [];
    for (let i = 0; i < BATCH && done < count; i++, done++) {
      const { machine, channels: mine } = stocked[done % stocked.length] as (typeof stocked)[number];
      const channel = mine[Math.floor(done / stocked.length) % mine.length] as (typeof mine)[number];
      const at = new Date(start + done * step);
      const price = channel.price ?? 300;
      let paymentMethod: NewOrder['paymentMethod'] = done % 3 === 0 ? 'cash' : 'qr';
      let status: NewOrder['status'] = 'completed';
      if (options.mixed) {
        paymentMethod = MIXED_METHODS[done % MIXED_METHODS.length] as NewOrder['paymentMethod'];
        if (done % 97 === 0) status = 'failed';
        else if (done % 53 === 0 && paymentMethod !== 'cash') status = 'refunded';
      }
      const completed = status === 'completed';
      rows.push({
        id: newId(at.getTime()),
        orderNo: `${prefix}${String(done).padStart(10, '0')}`,
        machineId: machine.id,
        channelId: channel.id,
        channelNumber: channel.number,
        productId: channel.productId as string,
        price,
        amount: price,
        cost: Math.round(price * 0.6),
        paymentMethod,
        status,
        paidAt: status === 'failed' && paymentMethod === 'cash' ? null : at,
        completedAt: completed ? at : null,
        refundedAt: status === 'refunded' ? at : null,
        createdAt: at,
        updatedAt: at,
      });
    }
    await db.transaction((tx) =>
      tx
        .forTenant(tenantId)
        .orders.insertMany(rows)
        .then(() => undefined),
    );
  }
  return performance.now() - started;
}

export interface OrdersDatabase {
  url: string;
  tenantId: string;
  /** How long inserting the orders took, in ms. */
  insertMs: number;
}

/**
 * A new database at `url` with the platform, the demo operator (its passwords hashed with
 * a cheap cost, `ln` 10) and `options.orders` orders over a year on its machines; its
 * keyring opened with `masterKey` (the API must start with the same key).
 */
export async function prepareOrdersDatabase(
  url: string,
  masterKey: Buffer,
  options: BulkOrdersOptions,
): Promise<OrdersDatabase> {
  const db = await createDb(url);
  try {
    const keyring = await openKeyring(db, masterKey);
    await seed(db, keyring, { passwordCost: { ln: 10, r: 8, p: 1 } });
    const tenant = await db.platform.tenants.findOne((t) => eq(t.code, DEMO_OPERATOR.code));
    if (!tenant) throw new Error('no demo operator');
    const insertMs = await addBulkOrders(db, tenant.id, options);
    return { url, tenantId: tenant.id, insertMs };
  } finally {
    await db.close();
  }
}
