import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, Refusal, type FakeApi } from '../../api/fake-api.test-helpers';
import { i18n } from '../../locales';
import { useProductsStore } from '../../stores/products';
import ProductDialog from './product-dialog.vue';
import { settle } from '../settle.test-helpers';

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

function product(fields: Record<string, unknown>) {
  return {
    id: 'p-new',
    code: 'X1',
    name: 'x',
    spec: null,
    unit: 'bottle',
    cost: 0,
    price: 0,
    description: null,
    status: 'active',
    imageUrl: null,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    customFields: [],
    ...fields,
  };
}

async function open(fake: FakeApi) {
  const pinia = createPinia();
  setActivePinia(pinia);
  useProductsStore().useClient(fake.client);
  const wrapper = mount(ProductDialog, {
    props: { modelValue: true, productId: null },
    global: { plugins: [pinia, i18n], stubs: { transition: false, 'transition-group': false } },
    attachTo: document.body,
  });
  await settle();
  return wrapper;
}

/** Lets the fake API's answers arrive and the dialog render them. */
const input = (test: string) =>
  document.body.querySelector<HTMLInputElement>(`[data-test="${test}"] input, input[data-test="${test}"]`);

async function type(test: string, value: string) {
  const el = input(test);
  if (!el) throw new Error(`no input ${test}`);
  el.value = value;
  el.dispatchEvent(new Event('input'));
  await flushPromises();
}

async function fillIn() {
  await type('product-code', 'D101');
  await type('product-name', '可口可乐 500ml');
  await type('product-unit', '瓶');
  for (const [test, value] of [
    ['product-cost', '2.1'],
    ['product-price', '3.5'],
  ] as const) {
    await type(test, value);
    input(test)?.dispatchEvent(new Event('change'));
    await flushPromises();
  }
}

function save() {
  document.body.querySelector<HTMLButtonElement>('[data-test="product-save"]')?.click();
  return settle();
}

describe('the product dialog', () => {
  beforeEach(() => {
    i18n.global.locale.value = 'en';
  });
  afterEach(() => {
    document.body.innerHTML = '';
  });

  it("shows a duplicate code's refusal at the code field and keeps what was typed", async () => {
    const fake = fakeApi({
      'customFields.list': () => [],
      'products.create': () => {
        throw new Refusal('CONFLICT', 'code: another product has this code');
      },
    });
    const wrapper = await open(fake);
    await fillIn();
    await save();

    expect(fake.inputsOf('products.create')).toEqual([
      { code: 'D101', name: '可口可乐 500ml', spec: null, unit: '瓶', cost: 210, price: 350, description: null },
    ]);
    const codeItem = input('product-code')?.closest('.el-form-item');
    await vi.waitFor(() =>
      expect(codeItem?.querySelector('.el-form-item__error')?.textContent?.trim()).toBe(
        'another product has this code',
      ),
    );
    expect(input('product-code')?.value).toBe('D101');
    expect(input('product-name')?.value).toBe('可口可乐 500ml');
    expect(input('product-price')?.value).toBe('3.50');
    expect(wrapper.emitted('saved')).toBeUndefined();
    expect(wrapper.emitted('update:modelValue')).toBeUndefined();
    wrapper.unmount();
  });

  it('shows a bad input at each field the API names, custom fields included', async () => {
    const fake = fakeApi({
      'customFields.list': () => [
        {
          id: 'f1',
          entity: 'product',
          key: 'origin',
          label: 'Origin',
          type: 'text',
          options: null,
          required: true,
          sortOrder: 0,
        },
      ],
      'products.create': () => {
        throw new Refusal('BAD_REQUEST', 'name: is required; customFields.origin: is required', {
          name: ['is required'],
          'customFields.origin': ['is required'],
        });
      },
    });
    const wrapper = await open(fake);
    await type('product-code', 'D102');
    await save();
    await vi.waitFor(() => {
      const errors = [...document.body.querySelectorAll('.el-form-item.is-error')].map((item) => [
        item.querySelector('.el-form-item__label')?.textContent,
        item.querySelector('.el-form-item__error')?.textContent?.trim(),
      ]);
      expect(errors).toEqual([
        ['Name', 'is required'],
        ['Origin', 'is required'],
      ]);
    });
    expect(document.body.textContent).toContain('Origin');
    expect(input('product-code')?.value).toBe('D102');
    wrapper.unmount();
  });

  it('saves a new product, then its image as a data URL, and closes', async () => {
    const fake = fakeApi({
      'customFields.list': () => [],
      'products.create': (i) => product({ ...(i as object), id: 'p-7' }),
      'products.uploadImage': () => product({ id: 'p-7', code: 'D101', imageUrl: '/uploads/t/p.png' }),
    });
    const wrapper = await open(fake);
    await fillIn();
    // The image as ElUpload hands it over when chosen (auto-upload off).
    const file = new File([Uint8Array.from(atob(PNG.split(',')[1] ?? ''), (c) => c.charCodeAt(0))], 'cola.png', {
      type: 'image/png',
    });
    const upload = document.body.querySelector<HTMLInputElement>('[data-test="product-image"] input[type="file"]');
    if (!upload) throw new Error('no file input');
    Object.defineProperty(upload, 'files', { value: [file] });
    upload.dispatchEvent(new Event('change'));
    await settle();
    expect(document.body.querySelector('[data-test="product-image-preview"]')).not.toBeNull();
    await save();
    expect(fake.inputsOf('products.uploadImage')).toEqual([{ productId: 'p-7', dataUrl: PNG }]);
    expect(wrapper.emitted('saved')?.[0]?.[0]).toMatchObject({ id: 'p-7', imageUrl: '/uploads/t/p.png' });
    expect(wrapper.emitted('update:modelValue')?.at(-1)).toEqual([false]);
    wrapper.unmount();
  });
});
