/**
 * The operator's products as rules: code, name, spec, unit, cost and price in fen, an
 * image, and the custom fields the operator defined on products. A product in use is
 * discontinued rather than deleted.
 */
import { productChanged } from '../devices/events.js';
import { and, eq, sql, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import type { Writer } from '../shared/writer.js';
import { conflict, notFound, refused } from '../shared/errors.js';
import { writeFieldValues, type FieldValueInput } from '../custom-fields/values.js';
import type { Media } from '../media/uploads.js';

export type Product = Row<Tables['products']>;

export interface NewProduct {
  code: string;
  name: string;
  spec: string | null;
  unit: string;
  cost: number;
  price: number;
  description: string | null;
  customFields?: Record<string, FieldValueInput>;
}

export interface ProductChange {
  productId: string;
  code?: string;
  name?: string;
  spec?: string | null;
  unit?: string;
  cost?: number;
  price?: number;
  description?: string | null;
  status?: Product['status'];
  customFields?: Record<string, FieldValueInput>;
}

/** Writes the custom field values given with a product, refusing those that do not fit (`customFields.<key>: ...`). */
const writeCustomFields = (
  w: Pick<Writer, 'scope'>,
  productId: string,
  values: Record<string, FieldValueInput>,
  by: string,
) =>
  writeFieldValues(w, 'product', productId, values, by, {
    path: 'customFields',
    unknown: 'is not a field of products',
  });

export async function loadProduct(scope: TenantScope, productId: string): Promise<Product> {
  const product = await scope.products.get(productId);
  if (!product) throw notFound('Product');
  return product;
}

async function refuseDuplicateCode(scope: TenantScope, code: string, exceptId?: string) {
  const other = await scope.products.findOne((p) => eq(p.code, code));
  if (other && other.id !== exceptId) {
    throw conflict('code: another product has this code');
  }
}

/** Where a product is used; a product in use is discontinued rather than deleted. */
async function usesOf(scope: TenantScope, productId: string): Promise<string[]> {
  const counts: [string, number][] = [
    ['channels', await scope.channels.count((t) => eq(t.productId, productId))],
    ['channel groups', await scope.channelGroups.count((t) => eq(t.productId, productId))],
    ['orders', await scope.orders.count((t) => eq(t.productId, productId))],
    ['restocks', await scope.restocks.count((t) => eq(t.productId, productId))],
    ['shipments', await scope.shipmentItems.count((t) => eq(t.productId, productId))],
    ['transfers', await scope.transferItems.count((t) => eq(t.productId, productId))],
    [
      'warehouse stock',
      await scope.warehouseStock.count((t) => and(eq(t.productId, productId), sql`${t.quantity} > 0`)),
    ],
    [
      'staff inventory',
      await scope.staffInventory.count((t) => and(eq(t.productId, productId), sql`${t.quantity} > 0`)),
    ],
  ];
  return counts.filter(([, n]) => n > 0).map(([what]) => what);
}

/** Adds a product with its custom field values; its code is unique among the operator's products. */
export async function createProduct(
  w: Pick<Writer, 'scope' | 'audit'>,
  userId: string,
  input: NewProduct,
): Promise<Product> {
  await refuseDuplicateCode(w.scope, input.code);
  const product = await w.scope.products.insert({
    code: input.code,
    name: input.name,
    spec: input.spec,
    unit: input.unit,
    cost: input.cost,
    price: input.price,
    description: input.description,
    createdBy: userId,
    updatedBy: userId,
  });
  await writeCustomFields(w, product.id, input.customFields ?? {}, userId);
  await w.audit({
    entity: 'products',
    entityId: product.id,
    after: { ...product, customFields: input.customFields },
  });
  return product;
}

/** Changes a product's details, status or custom fields. Channels keep the prices they were given. */
export async function updateProduct(
  w: Pick<Writer, 'scope' | 'audit' | 'eventQueued'>,
  userId: string,
  input: ProductChange,
  now: Date,
): Promise<Product> {
  const { productId, customFields, ...fields } = input;
  const before = await loadProduct(w.scope, productId);
  if (fields.code !== undefined) await refuseDuplicateCode(w.scope, fields.code, before.id);
  const patch = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Product>;
  const after: Product = { ...before, ...patch, updatedAt: now, updatedBy: userId };
  await w.scope.products.update(before.id, { ...patch, updatedAt: now, updatedBy: userId });
  if (customFields) await writeCustomFields(w, before.id, customFields, userId);
  await w.audit({ entity: 'products', entityId: before.id, before, after: { ...after, customFields } });
  if (Object.keys(patch).length > 0) await productChanged(w, before.id, now);
  return after;
}

/** Deletes a product that was never used (a used one is discontinued instead); returns it. */
export async function deleteProduct(w: Pick<Writer, 'scope' | 'audit'>, productId: string): Promise<Product> {
  const product = await loadProduct(w.scope, productId);
  const uses = await usesOf(w.scope, product.id);
  if (uses.length > 0) throw refused('productId', `is used by ${uses.join(', ')}; discontinue it instead`);
  await w.scope.warehouseStock.deleteWhere((t) => eq(t.productId, product.id));
  await w.scope.staffInventory.deleteWhere((t) => eq(t.productId, product.id));
  await w.scope.customFieldValues.deleteWhere((v) => eq(v.entityId, product.id));
  await w.scope.products.delete(product.id);
  await w.audit({ entity: 'products', entityId: product.id, before: product });
  return product;
}

/** Sets a product's image to `media`, stored by `store` (which the caller undoes if this fails). */
export async function setProductImage(
  w: Pick<Writer, 'scope' | 'audit' | 'eventQueued'>,
  store: (tenantId: string, media: Media) => Promise<string>,
  userId: string,
  productId: string,
  media: Media,
  now: Date,
): Promise<{ before: Product; after: Product }> {
  const before = await loadProduct(w.scope, productId);
  const imageUrl = await store(w.scope.tenantId, media);
  const after: Product = { ...before, imageUrl, updatedAt: now, updatedBy: userId };
  await w.scope.products.update(before.id, { imageUrl, updatedAt: after.updatedAt, updatedBy: userId });
  await w.audit({
    entity: 'products',
    entityId: before.id,
    before: { imageUrl: before.imageUrl },
    after: { imageUrl, sha256: media.sha256, bytes: media.bytes.length, mime: media.mime },
  });
  await productChanged(w, before.id, now);
  return { before, after };
}

/** Takes a product's image away; the caller deletes the file once this has committed. */
export async function removeProductImage(
  w: Pick<Writer, 'scope' | 'audit' | 'eventQueued'>,
  userId: string,
  productId: string,
  now: Date,
): Promise<{ before: Product; after: Product }> {
  const before = await loadProduct(w.scope, productId);
  const after: Product = { ...before, imageUrl: null, updatedAt: now, updatedBy: userId };
  await w.scope.products.update(before.id, { imageUrl: null, updatedAt: after.updatedAt, updatedBy: userId });
  await w.audit({
    entity: 'products',
    entityId: before.id,
    before: { imageUrl: before.imageUrl },
    after: { imageUrl: null },
  });
  await productChanged(w, before.id, now);
  return { before, after };
}
