import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, type TenantScope } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi, failure } from '../testing.js';
import { EXAMPLE_PNG_DATA_URL, fileOfUpload } from '../media/uploads.js';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const dataUrl = (mime: string, bytes: Buffer) => `data:${mime};base64,${bytes.toString('base64')}`;

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] products`, () => {
    let api: TestApi;
    let stock: Caller;
    let a: TenantScope;
    let tenantA: string;
    let uploads: string;
    const previousDir = process.env.VMCLOUD_UPLOAD_DIR;

    beforeAll(async () => {
      uploads = mkdtempSync(join(tmpdir(), 'vmcloud-uploads-'));
      process.env.VMCLOUD_UPLOAD_DIR = uploads;
      api = await createTestApi(dialect);
      tenantA = await tenantIdOf(api.db, DEMO_CODE);
      a = api.db.forTenant(tenantA);
      await api.createOperator({ code: '200005', name: 'Product_Rivals' });
      stock = await api.signIn(DEMO_CODE, 'stock');
    });
    afterAll(async () => {
      await api?.close();
      rmSync(uploads, { recursive: true, force: true });
      if (previousDir === undefined) delete process.env.VMCLOUD_UPLOAD_DIR;
      else process.env.VMCLOUD_UPLOAD_DIR = previousDir;
    });

    it('lists products by code, filtered by text and status', async () => {
      const all = await stock.products.list({});
      expect(all.total).toBe(12);
      expect(all.items[0]).toMatchObject({ code: 'D001', price: 300, cost: 180, unit: '罐' });
      expect((await stock.products.list({ search: 'S00' })).items.map((p) => p.code)).toEqual([
        'S001',
        'S002',
        'S003',
        'S004',
        'S005',
        'S006',
      ]);
      expect((await stock.products.list({ search: '可乐' })).total).toBe(2);
      expect((await stock.products.list({ search: '_' })).total).toBe(0);
      expect((await stock.products.list({ status: 'discontinued' })).total).toBe(0);
      expect((await stock.products.list({ limit: 5, offset: 10 })).items.map((p) => p.code)).toEqual(['S005', 'S006']);
      const staff = await api.signIn(DEMO_CODE, 'staff1');
      expect((await failure(staff.products.list({}))).code).toBe('FORBIDDEN');
    });

    it('adds a product with a unique code and typed custom fields', async () => {
      const created = await stock.products.create({
        code: 'D101',
        name: '雪碧 330ml',
        spec: '330ml 罐装',
        unit: '罐',
        cost: 170,
        price: 300,
        customFields: { shelf_life_days: 300 },
      });
      expect(created).toMatchObject({ code: 'D101', price: 300, cost: 170, status: 'active', description: null });
      expect(created.customFields).toEqual([
        { key: 'shelf_life_days', label: '保质期（天）', type: 'number', required: false, value: 300 },
      ]);
      const stored = await a.customFieldValues.find({ where: (v) => eq(v.entityId, created.id) });
      expect(stored.map((v) => v.value)).toEqual(['300']);
      const [audit] = await a.auditLog.find({
        where: (l) => and(eq(l.action, 'products.create'), eq(l.entityId, created.id)),
      });
      expect(audit?.after).toMatchObject({ code: 'D101', price: 300 });

      const duplicate = await failure(
        stock.products.create({ code: 'D001', name: 'x', unit: '瓶', cost: 0, price: 1 }),
      );
      expect(duplicate.code).toBe('CONFLICT');
      expect(duplicate.message).toBe('code: another product has this code');

      const notNumber = await failure(
        stock.products.create({
          code: 'D102',
          name: 'x',
          unit: '瓶',
          cost: 0,
          price: 1,
          customFields: { shelf_life_days: 'long' },
        }),
      );
      expect(notNumber.message).toBe('customFields.shelf_life_days: must be a number');
      const unknown = await failure(
        stock.products.create({
          code: 'D102',
          name: 'x',
          unit: '瓶',
          cost: 0,
          price: 1,
          customFields: { colour: 'red' },
        }),
      );
      expect(unknown.message).toBe('customFields.colour: is not a field of products');
      const badPrice = await failure(
        stock.products.create({ code: 'D102', name: 'x', unit: '瓶', cost: 0, price: 1.5 }),
      );
      expect(badPrice.message).toBe('price: must be a whole number of fen');
      expect(await a.products.count((p) => eq(p.code, 'D102'))).toBe(0);
    });

    it('changes a product, keeping codes unique and required custom fields set', async () => {
      const d101 = await a.products.findOne((p) => eq(p.code, 'D101'));
      if (!d101) throw new Error('no D101');
      const updated = await stock.products.update({
        productId: d101.id,
        price: 350,
        status: 'discontinued',
        customFields: { shelf_life_days: null },
      });
      expect(updated).toMatchObject({ price: 350, status: 'discontinued', name: '雪碧 330ml' });
      expect(updated.customFields[0]?.value).toBeNull();
      expect(await a.customFieldValues.count((v) => eq(v.entityId, d101.id))).toBe(0);
      const [audit] = await a.auditLog.find({ where: (l) => eq(l.action, 'products.update') });
      expect(audit?.before).toMatchObject({ price: 300, status: 'active' });
      expect(audit?.after).toMatchObject({ price: 350, status: 'discontinued' });

      const taken = await failure(stock.products.update({ productId: d101.id, code: 'S001' }));
      expect(taken.code).toBe('CONFLICT');
      expect((await a.products.get(d101.id))?.code).toBe('D101');

      const other = await api.signIn('200005', 'operator_admin');
      const hidden = await failure(other.products.update({ productId: d101.id, price: 1 }));
      expect(hidden.code).toBe('NOT_FOUND');
      expect(hidden.message).toBe('Product not found');
      expect((await a.products.get(d101.id))?.price).toBe(350);
    });

    it('deletes only a product that was never used', async () => {
      const d001 = await a.products.findOne((p) => eq(p.code, 'D001'));
      const used = await failure(stock.products.delete({ productId: d001?.id as string }));
      expect(used.code).toBe('BAD_REQUEST');
      expect(used.message).toMatch(
        /^productId: is used by channels, channel groups, orders.*; discontinue it instead$/,
      );
      expect(await a.products.get(d001?.id as string)).toBeDefined();

      const d101 = await a.products.findOne((p) => eq(p.code, 'D101'));
      await stock.products.delete({ productId: d101?.id as string });
      expect(await a.products.count((p) => eq(p.code, 'D101'))).toBe(0);
      const [audit] = await a.auditLog.find({ where: (l) => eq(l.action, 'products.delete') });
      expect(audit?.before).toMatchObject({ code: 'D101' });
    });

    it('stores an uploaded image after checking its type, size and first bytes', async () => {
      const s001 = await a.products.findOne((p) => eq(p.code, 'S001'));
      const productId = s001?.id as string;
      const first = await stock.products.uploadImage({ productId, dataUrl: EXAMPLE_PNG_DATA_URL });
      expect(first.imageUrl).toMatch(new RegExp(`^/uploads/${tenantA}/[0-9a-f-]{36}\\.png$`));
      const firstFile = fileOfUpload(first.imageUrl) as string;
      expect(firstFile.startsWith(uploads)).toBe(true);
      expect(readFileSync(firstFile).equals(Buffer.from(EXAMPLE_PNG_DATA_URL.split(',')[1] as string, 'base64'))).toBe(
        true,
      );
      expect((await a.products.get(productId))?.imageUrl).toBe(first.imageUrl);

      const second = await stock.products.uploadImage({ productId, dataUrl: dataUrl('image/jpeg', JPEG) });
      expect(second.imageUrl).toMatch(/\.jpg$/);
      expect(existsSync(firstFile)).toBe(false);
      expect(readdirSync(join(uploads, tenantA))).toHaveLength(1);

      const cases: [string, string][] = [
        [dataUrl('image/jpeg', Buffer.from('GIF89a-not-a-jpeg')), 'dataUrl: is not a JPEG image'],
        [dataUrl('image/gif', Buffer.from('GIF89a')), 'dataUrl: must be one of image/png, image/jpeg, image/webp'],
        [
          dataUrl('video/mp4', Buffer.from('0000ftypisom')),
          'dataUrl: must be one of image/png, image/jpeg, image/webp',
        ],
        [
          dataUrl(
            'image/png',
            Buffer.concat([
              Buffer.from(EXAMPLE_PNG_DATA_URL.split(',')[1] as string, 'base64'),
              Buffer.alloc(2 * 1024 * 1024),
            ]),
          ),
          'dataUrl: must be at most 2 MB',
        ],
        ['https://example.com/a.png', 'dataUrl: must be a base64 data: URL'],
      ];
      for (const [url, message] of cases) {
        const refused = await failure(stock.products.uploadImage({ productId, dataUrl: url }));
        expect(refused.code).toBe('BAD_REQUEST');
        expect(refused.message).toBe(message);
      }
      expect((await a.products.get(productId))?.imageUrl).toBe(second.imageUrl);
      expect(readdirSync(join(uploads, tenantA))).toHaveLength(1);

      const removed = await stock.products.removeImage({ productId });
      expect(removed.imageUrl).toBeNull();
      expect(readdirSync(join(uploads, tenantA))).toHaveLength(0);
      const audits = await a.auditLog.find({ where: (l) => eq(l.entityId, productId) });
      expect(audits.map((l) => l.action).sort()).toEqual([
        'products.removeImage',
        'products.uploadImage',
        'products.uploadImage',
      ]);
    });
  });
}
