/**
 * The operator's products: code, name, spec, unit, cost and price in fen, an image, and
 * the custom fields the operator defined on products.
 */
import { containsText, and, asc, eq, or, sql, type Row, type Tables, type TenantScope, type Where } from '@vmcloud/db';
import { PRODUCT_STATUSES } from '@vmcloud/db/schema';
import { z } from 'zod';
import { operatorProcedure, router, type Writer } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, Money, OptionalText, Text } from '../shared/input.js';
import { DataUrl, decodeMedia, MAX_IMAGE_BYTES, removeMedia, withStoredMedia } from '../media/uploads.js';
import { conflict, notFound, refused } from '../shared/errors.js';
import { offsetPage } from '../shared/paging.js';
import { customFieldsOf, FieldValues, writeFieldValues, type FieldValueInput } from '../custom-fields/values.js';
import { P } from '../access/catalog.js';

type Product = Row<Tables['products']>;

// Where the machines' detail reads custom fields from until it imports them from custom-fields/values.
export { customFieldsOf } from '../custom-fields/values.js';

/** Writes the custom field values given with a product, refusing those that do not fit (`customFields.<key>: ...`). */
const writeCustomFields = (w: Writer, productId: string, values: Record<string, FieldValueInput>, by: string) =>
  writeFieldValues(w, 'product', productId, values, by, {
    path: 'customFields',
    unknown: 'is not a field of products',
  });

// --- Products ------------------------------------------------------------------------------

const ProductCode = z
  .string({ error: 'is required' })
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, dashes or underscores')
  .meta({ examples: ['D101'] });

const ProductFields = {
  code: ProductCode,
  name: Text(64),
  spec: OptionalText(64),
  unit: Text(16),
  cost: Money,
  price: Money,
  description: OptionalText(2000),
};

async function loadProduct(scope: TenantScope, productId: string): Promise<Product> {
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

export const productsRouter = router({
  /** Products by code, filtered by status and by text in the code, name or spec. */
  list: operatorProcedure(P.product)
    .input(
      z.object({
        search: z.string().trim().max(64, 'must be at most 64 characters').optional(),
        status: z.enum(PRODUCT_STATUSES).optional(),
        ...offsetPage(200, 50),
      }),
    )
    .query(async ({ ctx, input }) => {
      const where: Where<Tables['products']> = (p) =>
        and(
          input.status ? eq(p.status, input.status) : undefined,
          input.search
            ? or(
                containsText(p.code, input.search),
                containsText(p.name, input.search),
                containsText(p.spec, input.search),
              )
            : undefined,
        );
      const { rows: items, total } = await ctx.scope.products.page({
        where,
        orderBy: (p) => [asc(p.code)],
        limit: input.limit,
        offset: input.offset,
      });
      return { items: items.map((p) => plain(p)), total };
    }),

  /** One product with its custom fields. */
  get: operatorProcedure(P.product)
    .input(z.object({ productId: id('products') }))
    .query(async ({ ctx, input }) => {
      const product = await loadProduct(ctx.scope, input.productId);
      return { ...plain(product), customFields: await customFieldsOf(ctx.scope, 'product', product.id) };
    }),

  /** Adds a product; its code is unique among the operator's products. */
  create: operatorProcedure(P.product)
    .input(z.object({ ...ProductFields, customFields: FieldValues.optional() }))
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.principal.userId;
      const now = ctx.now();
      const product = await ctx.write(async (w) => {
        await refuseDuplicateCode(w.scope, input.code);
        const product = await w.scope.products.insert({
          code: input.code,
          name: input.name,
          spec: input.spec,
          unit: input.unit,
          cost: input.cost,
          price: input.price,
          description: input.description,
          createdAt: now,
          updatedAt: now,
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
      });
      return { ...plain(product), customFields: await customFieldsOf(ctx.scope, 'product', product.id) };
    }),

  /** Changes a product's details, status or custom fields. Channels keep the prices they were given. */
  update: operatorProcedure(P.product)
    .input(
      z.object({
        productId: id('products'),
        code: ProductFields.code.optional(),
        name: ProductFields.name.optional(),
        spec: ProductFields.spec.optional(),
        unit: ProductFields.unit.optional(),
        cost: Money.optional(),
        price: Money.optional(),
        description: ProductFields.description.optional(),
        status: z.enum(PRODUCT_STATUSES).optional(),
        customFields: FieldValues.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.principal.userId;
      const now = ctx.now();
      const { productId, customFields, ...fields } = input;
      const product = await ctx.write(async (w) => {
        const before = await loadProduct(w.scope, productId);
        if (fields.code !== undefined) await refuseDuplicateCode(w.scope, fields.code, before.id);
        const patch = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<Product>;
        const after: Product = { ...before, ...patch, updatedAt: now, updatedBy: userId };
        await w.scope.products.update(before.id, { ...patch, updatedAt: now, updatedBy: userId });
        if (customFields) await writeCustomFields(w, before.id, customFields, userId);
        await w.audit({ entity: 'products', entityId: before.id, before, after: { ...after, customFields } });
        return after;
      });
      return { ...plain(product), customFields: await customFieldsOf(ctx.scope, 'product', product.id) };
    }),

  /** Deletes a product that was never used; a used one is discontinued instead. */
  delete: operatorProcedure(P.product)
    .input(z.object({ productId: id('products') }))
    .mutation(async ({ ctx, input }) => {
      const product = await ctx.write(async (w) => {
        const product = await loadProduct(w.scope, input.productId);
        const uses = await usesOf(w.scope, product.id);
        if (uses.length > 0) throw refused('productId', `is used by ${uses.join(', ')}; discontinue it instead`);
        await w.scope.warehouseStock.deleteWhere((t) => eq(t.productId, product.id));
        await w.scope.staffInventory.deleteWhere((t) => eq(t.productId, product.id));
        await w.scope.customFieldValues.deleteWhere((v) => eq(v.entityId, product.id));
        await w.scope.products.delete(product.id);
        await w.audit({ entity: 'products', entityId: product.id, before: product });
        return product;
      });
      await removeMedia(product.imageUrl);
      return { id: product.id };
    }),

  /** Sets a product's image from a PNG, JPEG or WebP data URL of at most 2 MB. */
  uploadImage: operatorProcedure(P.product)
    .input(z.object({ productId: id('products'), dataUrl: DataUrl(MAX_IMAGE_BYTES) }))
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.principal.userId;
      const media = decodeMedia(input.dataUrl, ['image']);
      const { before, after } = await withStoredMedia((store) =>
        ctx.write(async (w) => {
          const before = await loadProduct(w.scope, input.productId);
          const imageUrl = await store(ctx.tenantId, media);
          const after: Product = { ...before, imageUrl, updatedAt: ctx.now(), updatedBy: userId };
          await w.scope.products.update(before.id, { imageUrl, updatedAt: after.updatedAt, updatedBy: userId });
          await w.audit({
            entity: 'products',
            entityId: before.id,
            before: { imageUrl: before.imageUrl },
            after: { imageUrl, sha256: media.sha256, bytes: media.bytes.length, mime: media.mime },
          });
          return { before, after };
        }),
      );
      await removeMedia(before.imageUrl);
      return plain(after);
    }),

  /** Removes a product's image. */
  removeImage: operatorProcedure(P.product)
    .input(z.object({ productId: id('products') }))
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.principal.userId;
      const { before, after } = await ctx.write(async (w) => {
        const before = await loadProduct(w.scope, input.productId);
        const after: Product = { ...before, imageUrl: null, updatedAt: ctx.now(), updatedBy: userId };
        await w.scope.products.update(before.id, { imageUrl: null, updatedAt: after.updatedAt, updatedBy: userId });
        await w.audit({
          entity: 'products',
          entityId: before.id,
          before: { imageUrl: before.imageUrl },
          after: { imageUrl: null },
        });
        return { before, after };
      });
      await removeMedia(before.imageUrl);
      return plain(after);
    }),
});
