/**
 * The operator's products: code, name, spec, unit, cost and price in fen, an image, and
 * the custom fields the operator defined on products.
 */
import { containsText, and, asc, eq, or, type Tables, type Where } from '@vmcloud/db';
import { PRODUCT_STATUSES } from '@vmcloud/db/schema';
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { id, Money, OptionalText, Text } from '../shared/input.js';
import { DataUrl, decodeMedia, MAX_IMAGE_BYTES, removeMedia, withStoredMedia } from '../media/uploads.js';
import { offsetPage } from '../shared/paging.js';
import { customFieldsOf, FieldValues } from '../custom-fields/values.js';
import {
  createProduct,
  deleteProduct,
  loadProduct,
  removeProductImage,
  setProductImage,
  updateProduct,
} from './products.js';
import { P } from '../access/catalog.js';

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
      const product = await ctx.write((w) => createProduct(w, userId, input));
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
      const product = await ctx.write((w) => updateProduct(w, userId, input, now));
      return { ...plain(product), customFields: await customFieldsOf(ctx.scope, 'product', product.id) };
    }),

  /** Deletes a product that was never used; a used one is discontinued instead. */
  delete: operatorProcedure(P.product)
    .input(z.object({ productId: id('products') }))
    .mutation(async ({ ctx, input }) => {
      const product = await ctx.write((w) => deleteProduct(w, input.productId));
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
        ctx.write((w) => setProductImage(w, store, userId, input.productId, media, ctx.now())),
      );
      await removeMedia(before.imageUrl);
      return plain(after);
    }),

  /** Removes a product's image. */
  removeImage: operatorProcedure(P.product)
    .input(z.object({ productId: id('products') }))
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.principal.userId;
      const { before, after } = await ctx.write((w) => removeProductImage(w, userId, input.productId, ctx.now()));
      await removeMedia(before.imageUrl);
      return plain(after);
    }),
});
