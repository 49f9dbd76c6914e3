/**
 * What the stock rules share: loading the products and staff a request names, moving
 * stock in and out of the warehouse and field staff's inventories with guarded atomic
 * updates, the latest document numbers, and periods of days.
 */
import {
  and,
  eq,
  gte,
  like,
  sql,
  type Row,
  type TableAccess,
  type Tables,
  type TenantScope,
  type Where,
} from '@vmcloud/db';
import type { AnyTableDef } from '@vmcloud/db/schema';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import type { Writer } from '../shared/writer.js';
import { notFound, refused } from '../shared/errors.js';
import { id, Quantity } from '../shared/input.js';

export type Product = Row<Tables['products']>;
export type User = Row<Tables['users']>;

/** The acting user: who moves the stock, and what else they may do. */
export type Actor = Pick<Principal, 'userId' | 'permissions'>;

export type { Writer };

/** Runs a whole write in one transaction (`ctx.write`); a rule that may have to draw a number again takes this. */
export type { Write } from '../shared/writer.js';

/** How a product is named in messages and lists. */
export const productLabel = (p: Pick<Product, 'name' | 'code'>) => `${p.name} (${p.code})`;

/** What lists show of a user: never the password hash or the encrypted contact details. */
export const staffSummary = (u: Pick<User, 'id' | 'username' | 'displayName'>) => ({
  id: u.id,
  username: u.username,
  displayName: u.displayName,
});

export const productSummary = (p: Pick<Product, 'id' | 'code' | 'name' | 'spec' | 'unit'>) => ({
  id: p.id,
  code: p.code,
  name: p.name,
  spec: p.spec,
  unit: p.unit,
});

/** Lines of stock: each product once, each with a quantity of 1 or more. */
export const Items = z
  .array(z.object({ productId: id('products'), quantity: Quantity }), { error: 'must be a list of items' })
  .min(1, 'must list at least one item')
  .max(100, 'must list at most 100 items')
  .refine((items) => new Set(items.map((i) => i.productId)).size === items.length, 'must not list a product twice');

export const DocumentNo = z
  .string({ error: 'is required' })
  .trim()
  .regex(/^[A-Za-z0-9-]{1,32}$/, 'must be 1-32 letters, digits or dashes')
  .meta({ examples: ['CK202611220001'] });

/** The products a request names, all of this tenant's; NOT_FOUND if any is not. */
export async function loadProducts(scope: TenantScope, ids: readonly string[]): Promise<Map<string, Product>> {
  const unique = [...new Set(ids)];
  const rows = await scope.products.getMany(unique);
  if (rows.length !== unique.length) throw notFound('Product');
  return new Map(rows.map((p) => [p.id, p]));
}

/** A user of this tenant who can hold stock (active); NOT_FOUND if not the tenant's. */
export async function loadStaff(scope: TenantScope, userId: string, field: string): Promise<User> {
  const user = await scope.users.get(userId);
  if (!user) throw notFound('User');
  if (user.status !== 'active') throw refused(field, 'this user is disabled');
  return user;
}

/** The users with these ids, by id (for names in lists). */
export async function usersById(scope: TenantScope, ids: Iterable<string | null>): Promise<Map<string, User>> {
  const unique = [...new Set([...ids].filter((v): v is string => typeof v === 'string'))];
  if (unique.length === 0) return new Map();
  const rows = await scope.users.getMany(unique);
  return new Map(rows.map((u) => [u.id, u]));
}

export async function productsById(scope: TenantScope, ids: Iterable<string | null>): Promise<Map<string, Product>> {
  const unique = [...new Set([...ids].filter((v): v is string => typeof v === 'string'))];
  if (unique.length === 0) return new Map();
  const rows = await scope.products.getMany(unique);
  return new Map(rows.map((p) => [p.id, p]));
}

const QUANTITY = sql.identifier('quantity');

/**
 * Before reading a row whose guarded update was refused, to say what it holds: under
 * MySQL's repeatable read a plain read sees the transaction's snapshot, which may be older
 * than the row the guard saw; a write of one's own (refreshing `updatedAt`, undone with
 * the refusal's rollback) makes the read see the current row.
 */
export async function touch<D extends AnyTableDef>(table: TableAccess<D>, where: Where<D>): Promise<void> {
  await table.updateWhere(where, {});
}

/**
 * Takes `n` of a product from a field worker's inventory in one guarded UPDATE (only if
 * they hold at least `n`), so that two writers can never take the same units twice.
 */
export async function takeFromStaff(
  scope: TenantScope,
  staffId: string,
  product: Product,
  n: number,
  field: string,
  holder = 'you hold',
): Promise<{ before: number; after: number }> {
  const taken = await scope.staffInventory.updateWhere(
    (t) => and(eq(t.staffId, staffId), eq(t.productId, product.id), gte(t.quantity, n)),
    { quantity: sql`${QUANTITY} - ${n}` },
  );
  const where = (t: Tables['staffInventory']['sqlite']) => and(eq(t.staffId, staffId), eq(t.productId, product.id));
  if (taken !== 1) await touch(scope.staffInventory, where);
  const row = await scope.staffInventory.findOne(where);
  if (taken !== 1 || !row) {
    throw refused(field, `more than the ${row?.quantity ?? 0} of ${productLabel(product)} ${holder}`);
  }
  return { before: row.quantity + n, after: row.quantity };
}

/** Adds `n` of a product to a field worker's inventory (a row is made on first receipt). */
export async function giveToStaff(
  scope: TenantScope,
  staffId: string,
  productId: string,
  n: number,
  now: Date,
  by: string,
): Promise<{ before: number; after: number }> {
  const where = (t: Tables['staffInventory']['sqlite']) => and(eq(t.staffId, staffId), eq(t.productId, productId));
  const added = await scope.staffInventory.updateWhere(where, { quantity: sql`${QUANTITY} + ${n}`, updatedBy: by });
  if (added === 0) {
    await scope.staffInventory.insert({
      staffId,
      productId,
      quantity: n,
      createdBy: by,
    });
    return { before: 0, after: n };
  }
  const row = await scope.staffInventory.findOne(where);
  const after = row?.quantity ?? n;
  return { before: after - n, after };
}

/** Takes `n` of a product from the warehouse, only if it holds at least `n`. */
export async function takeFromWarehouse(
  scope: TenantScope,
  product: Product,
  n: number,
  field: string,
  by: string,
): Promise<{ before: number; after: number }> {
  const taken = await scope.warehouseStock.updateWhere((t) => and(eq(t.productId, product.id), gte(t.quantity, n)), {
    quantity: sql`${QUANTITY} - ${n}`,
    updatedBy: by,
  });
  if (taken !== 1) await touch(scope.warehouseStock, (t) => eq(t.productId, product.id));
  const row = await scope.warehouseStock.findOne((t) => eq(t.productId, product.id));
  if (taken !== 1 || !row) {
    throw refused(field, `the warehouse holds only ${row?.quantity ?? 0} of ${productLabel(product)}`);
  }
  return { before: row.quantity + n, after: row.quantity };
}

/** Adds `n` of a product to the warehouse (a row is made on first receipt). */
export async function giveToWarehouse(
  scope: TenantScope,
  productId: string,
  n: number,
  now: Date,
  by: string,
): Promise<{ before: number; after: number }> {
  const added = await scope.warehouseStock.updateWhere((t) => eq(t.productId, productId), {
    quantity: sql`${QUANTITY} + ${n}`,
    updatedBy: by,
  });
  if (added === 0) {
    await scope.warehouseStock.insert({ productId, quantity: n, createdBy: by });
    return { before: 0, after: n };
  }
  const row = await scope.warehouseStock.findOne((t) => eq(t.productId, productId));
  const after = row?.quantity ?? n;
  return { before: after - n, after };
}

/** The highest shipment number starting with `prefix` (for `nextDocumentNo`). */
export const latestShipmentNo = (scope: TenantScope) => async (prefix: string) =>
  (
    await scope.shipments.find({
      where: (s) => like(s.documentNo, `${prefix}%`),
      orderBy: (s) => [sql`length(${s.documentNo}) desc`, sql`${s.documentNo} desc`],
      limit: 1,
    })
  )[0]?.documentNo;

/** The highest transfer number starting with `prefix` (for `nextDocumentNo`). */
export const latestTransferNo = (scope: TenantScope) => async (prefix: string) =>
  (
    await scope.transfers.find({
      where: (t) => like(t.documentNo, `${prefix}%`),
      orderBy: (t) => [sql`length(${t.documentNo}) desc`, sql`${t.documentNo} desc`],
      limit: 1,
    })
  )[0]?.documentNo;
