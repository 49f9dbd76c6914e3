/**
 * The products page: the filter, the page of products shown (server-side, by offset), and
 * saving a product with its image and custom field values.
 */
import { defineStore } from 'pinia';
import { reactive, ref } from 'vue';
import { api, failureCode, type ApiClient } from '../api/client';
import type { CustomFieldValue, Product, ProductDetail, ProductStatus } from '../api/products';
import type { FieldDefinition } from '../api/custom-fields';

export interface ProductFilter {
  search: string;
  status: ProductStatus | '';
}

/** What the product form holds; money in fen. */
export interface ProductForm {
  code: string;
  name: string;
  spec: string;
  unit: string;
  cost: number;
  price: number;
  description: string;
  status: ProductStatus;
  customFields: Record<string, CustomFieldValue>;
}

export type LoadState = 'loading' | 'error' | 'refused' | 'empty' | 'ready';

/** Where a save got to: a new product whose image failed is saved, and the form edits it from then on. */
export class ImageUploadError extends Error {
  constructor(
    readonly product: ProductDetail,
    override readonly cause: unknown,
  ) {
    super('the image was not saved');
  }
}

export const useProductsStore = defineStore('products', () => {
  let client: ApiClient = api;
  const filter = reactive<ProductFilter>({ search: '', status: '' });
  const page = ref(1);
  const pageSize = ref(20);
  const total = ref(0);
  const rows = ref<Product[]>([]);
  const state = ref<LoadState>('loading');
  const error = ref<unknown>(null);
  const definitions = ref<FieldDefinition[]>([]);
  let request = 0;

  /** Uses another client (component tests). */
  function useClient(other: ApiClient) {
    client = other;
  }

  async function load() {
    const mine = ++request;
    state.value = 'loading';
    error.value = null;
    try {
      const result = await client.products.list.query({
        search: filter.search.trim() || undefined,
        status: filter.status || undefined,
        limit: pageSize.value,
        offset: (page.value - 1) * pageSize.value,
      });
      if (mine !== request) return;
      // A page emptied by a delete steps back to the last page that has rows.
      if (result.items.length === 0 && result.total > 0 && page.value > 1) {
        page.value = Math.ceil(result.total / pageSize.value);
        return load();
      }
      rows.value = result.items;
      total.value = result.total;
      state.value = result.items.length === 0 ? 'empty' : 'ready';
    } catch (e) {
      if (mine !== request) return;
      error.value = e;
      state.value = failureCode(e) === 'FORBIDDEN' ? 'refused' : 'error';
    }
  }

  function search() {
    page.value = 1;
    return load();
  }

  function reset() {
    filter.search = '';
    filter.status = '';
    return search();
  }

  /** The custom fields defined on products (none when the user may not read them). */
  async function loadDefinitions() {
    try {
      definitions.value = await client.customFields.list.query({ entity: 'product' });
    } catch {
      definitions.value = [];
    }
  }

  function get(productId: string) {
    return client.products.get.query({ productId });
  }

  /**
   * Creates the product (or updates `productId`), then sets its image from `imageDataUrl`
   * when given. Rejects with the API's refusal; a refused image after a saved product
   * rejects with ImageUploadError carrying the saved product.
   */
  async function save(
    form: ProductForm,
    productId: string | null,
    imageDataUrl: string | null,
  ): Promise<ProductDetail> {
    const fields = {
      code: form.code.trim(),
      name: form.name.trim(),
      spec: form.spec.trim() || null,
      unit: form.unit.trim(),
      cost: form.cost,
      price: form.price,
      description: form.description.trim() || null,
      customFields: Object.keys(form.customFields).length > 0 ? form.customFields : undefined,
    };
    const saved = productId
      ? await client.products.update.mutate({ productId, ...fields, status: form.status })
      : await client.products.create.mutate(fields);
    if (imageDataUrl) {
      try {
        const withImage = await client.products.uploadImage.mutate({ productId: saved.id, dataUrl: imageDataUrl });
        return { ...saved, ...withImage };
      } catch (e) {
        throw new ImageUploadError(saved, e);
      }
    }
    return saved;
  }

  function removeImage(productId: string) {
    return client.products.removeImage.mutate({ productId });
  }

  async function remove(productId: string) {
    await client.products.delete.mutate({ productId });
    await load();
  }

  return {
    filter,
    page,
    pageSize,
    total,
    rows,
    state,
    error,
    definitions,
    useClient,
    load,
    search,
    reset,
    loadDefinitions,
    get,
    save,
    removeImage,
    remove,
  };
});
