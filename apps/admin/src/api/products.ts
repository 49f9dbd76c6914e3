/** Products: types of the products procedures, and the conversions their form needs. */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type ProductListInput = Inputs['products']['list'];
export type Product = Outputs['products']['list']['items'][number];
export type ProductDetail = Outputs['products']['get'];
export type ProductCreateInput = Inputs['products']['create'];
export type ProductUpdateInput = Inputs['products']['update'];
export type ProductStatus = NonNullable<ProductListInput['status']>;
export type CustomFieldValue = string | number | boolean | null;

export const PRODUCT_STATUSES: readonly ProductStatus[] = ['active', 'discontinued'];

/** Reads a file as a base64 `data:` URL, which the upload procedures take. */
export function readAsDataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.readAsDataURL(file);
  });
}

/** The image types products take, and the largest size (2 MB). */
export const PRODUCT_IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export const MAX_PRODUCT_IMAGE_BYTES = 2 * 1024 * 1024;
