import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeApi, Refusal } from '../api/fake-api.test-helpers';
import { ImageUploadError, useProductsStore, type ProductForm } from './products';

const PNG = 'data:image/png;base64,iVBORw0KGgo=';

const product = (id: string, code: string) => ({ id, code, name: code, price: 300, cost: 100, customFields: [] });

const form = (code: string): ProductForm => ({
  code: ` ${code} `,
  name: 'Lemon tea',
  spec: '',
  unit: 'bottle',
  cost: 210,
  price: 450,
  description: '',
  status: 'active',
  customFields: {},
});

describe('the products store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('asks for the page of the filter and steps back when a delete empties the last page', async () => {
    let total = 21;
    const fake = fakeApi({
      'products.list': (input) => {
        const { offset } = input as { offset: number };
        const items = Array.from({ length: Math.max(0, Math.min(20, total - offset)) }, (_, i) =>
          product(`p${offset + i}`, `C${offset + i}`),
        );
        return { items, total };
      },
      'products.delete': () => {
        total -= 1;
        return { id: 'p20' };
      },
    });
    const store = useProductsStore();
    store.useClient(fake.client);
    store.filter.search = '  cola ';
    store.filter.status = 'active';
    await store.search();
    expect(fake.inputsOf('products.list')).toEqual([{ search: 'cola', status: 'active', limit: 20, offset: 0 }]);
    expect(store.state).toBe('ready');
    store.page = 2;
    await store.load();
    expect(store.rows.map((r) => r.code)).toEqual(['C20']);
    await store.remove('p20');
    expect(store.page).toBe(1);
    expect(store.rows).toHaveLength(20);
    expect(store.total).toBe(20);
  });

  it('creates a product, then sends its image; a refused image leaves the saved product to edit', async () => {
    const fake = fakeApi({
      'products.create': (input) => ({ ...product('p1', (input as { code: string }).code), imageUrl: null }),
      'products.uploadImage': () => {
        throw new Refusal('BAD_REQUEST', 'dataUrl: is not a PNG image', { dataUrl: ['is not a PNG image'] });
      },
    });
    const store = useProductsStore();
    store.useClient(fake.client);
    const failure = await store.save(form('T900'), null, PNG).catch((e: unknown) => e);
    expect(fake.inputsOf('products.create')).toEqual([
      { code: 'T900', name: 'Lemon tea', spec: null, unit: 'bottle', cost: 210, price: 450, description: null },
    ]);
    expect(fake.inputsOf('products.uploadImage')).toEqual([{ productId: 'p1', dataUrl: PNG }]);
    expect(failure).toBeInstanceOf(ImageUploadError);
    expect((failure as ImageUploadError).product.id).toBe('p1');
  });

  it('updates an existing product with its status and custom field values, and no image when none was chosen', async () => {
    const fake = fakeApi({ 'products.update': () => product('p1', 'T900') });
    const store = useProductsStore();
    store.useClient(fake.client);
    await store.save(
      { ...form('T900'), status: 'discontinued', customFields: { origin: 'Hainan', size: null } },
      'p1',
      null,
    );
    expect(fake.inputsOf('products.update')).toEqual([
      {
        productId: 'p1',
        code: 'T900',
        name: 'Lemon tea',
        spec: null,
        unit: 'bottle',
        cost: 210,
        price: 450,
        description: null,
        status: 'discontinued',
        customFields: { origin: 'Hainan', size: null },
      },
    ]);
    expect(fake.inputsOf('products.uploadImage')).toEqual([]);
  });
});
