import { eq, isSealed, sealedAt, type TenantScope } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi, failure } from '../testing.js';

const API_KEY = 'wx-live-key-0123456789abcdef';
const API_SECRET = 'super-secret-value-42';
const PRIVATE_KEY =
  '-----BEGIN PRIVATE KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEA\n-----END PRIVATE KEY-----';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] payment accounts`, () => {
    let api: TestApi;
    let finance: Caller;
    let a: TenantScope;
    let accountId: string;

    beforeAll(async () => {
      api = await createTestApi(dialect);
      a = api.db.forTenant(await tenantIdOf(api.db, DEMO_CODE));
      await api.createOperator({ code: '200006', name: 'Payment_Rivals' });
      finance = await api.signIn(DEMO_CODE, 'finance');
    });
    afterAll(async () => {
      await api?.close();
    });

    it('stores entered credentials sealed and returns them masked', async () => {
      const created = await finance.paymentAccounts.create({
        provider: 'wechat_pay',
        name: '微信支付 主账户',
        merchantId: '1900000200',
        appId: 'wx8888888888888888',
        credentials: { apiKey: API_KEY, apiSecret: API_SECRET, privateKey: PRIVATE_KEY },
      });
      accountId = created.id;
      expect(created).toMatchObject({
        provider: 'wechat_pay',
        merchantId: '1900000200',
        enabled: true,
        apiKey: '••••cdef',
        credentials: { apiKey: true, apiSecret: true, privateKey: true, certificate: false },
      });
      const returned = JSON.stringify(created);
      for (const secret of [API_KEY, API_SECRET, 'MIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEA']) {
        expect(returned).not.toContain(secret);
      }
      expect(created).not.toHaveProperty('secrets');

      const row = await a.paymentAccounts.get(created.id);
      expect(isSealed(row?.secrets as string)).toBe(true);
      expect(row?.secrets).not.toContain(API_KEY);
      expect(row?.secretHint).toBe('cdef');
      expect(
        JSON.parse(
          await api.keyring.decrypt(
            row?.secrets as string,
            sealedAt('paymentAccounts', 'secrets', { id: created.id, tenantId: a.tenantId }),
          ),
        ),
      ).toEqual({
        apiKey: API_KEY,
        apiSecret: API_SECRET,
        privateKey: PRIVATE_KEY,
        certificate: null,
      });

      const [audit] = await a.auditLog.find({ where: (l) => eq(l.action, 'paymentAccounts.create') });
      expect(audit?.after).toMatchObject({ merchantId: '1900000200', provider: 'wechat_pay' });
      const logged = JSON.stringify(audit);
      expect(logged).not.toContain(API_KEY);
      expect(logged).not.toContain(row?.secrets as string);
    });

    it('lists accounts masked, the seeded one too', async () => {
      const accounts = await finance.paymentAccounts.list({});
      expect(accounts.map((x) => x.merchantId).sort()).toEqual(['1900000109', '1900000200']);
      const seeded = accounts.find((x) => x.merchantId === '1900000109');
      expect(seeded).toMatchObject({
        provider: 'sandbox',
        apiKey: '••••9c2e',
        credentials: { apiKey: true, certificate: false },
      });
      expect(JSON.stringify(accounts)).not.toContain('demo-api-key');
      expect((await finance.paymentAccounts.list({ provider: 'sandbox' })).map((x) => x.merchantId)).toEqual([
        '1900000109',
      ]);

      const rival = await api.signIn('200006', 'operator_admin');
      expect(await rival.paymentAccounts.list({})).toEqual([]);
      const stock = await api.signIn(DEMO_CODE, 'stock');
      expect((await failure(stock.paymentAccounts.list({}))).code).toBe('FORBIDDEN');
    });

    it('refuses a merchant account of the same provider entered twice', async () => {
      const duplicate = await failure(
        finance.paymentAccounts.create({
          provider: 'wechat_pay',
          name: '重复',
          merchantId: '1900000200',
          credentials: { apiKey: 'another-key-1234' },
        }),
      );
      expect(duplicate.code).toBe('CONFLICT');
      expect(duplicate.message).toBe('merchantId: this merchant account of the provider is already entered');
      expect(await a.paymentAccounts.count((p) => eq(p.merchantId, '1900000200'))).toBe(1);
      const short = await failure(
        finance.paymentAccounts.create({
          provider: 'alipay',
          name: '短',
          merchantId: '2088000000000001',
          credentials: { apiKey: 'short' },
        }),
      );
      expect(short.message).toBe('credentials.apiKey: must be at least 8 characters');
    });

    it('changes an account, and re-seals the credentials only when they are entered again', async () => {
      const sealedBefore = (await a.paymentAccounts.get(accountId))?.secrets;
      await finance.paymentAccounts.update({ accountId, name: '微信支付 新名字' });
      const renamed = await a.paymentAccounts.get(accountId);
      expect(renamed?.name).toBe('微信支付 新名字');
      expect(renamed?.secrets).toBe(sealedBefore);

      const updated = await finance.paymentAccounts.update({
        accountId,
        credentials: { apiKey: 'new-key-for-2027-wxyz' },
      });
      expect(updated).toMatchObject({ apiKey: '••••wxyz', credentials: { apiSecret: false, privateKey: false } });
      const resealed = await a.paymentAccounts.get(accountId);
      expect(resealed?.secrets).not.toBe(sealedBefore);
      expect(
        JSON.parse(
          await api.keyring.decrypt(
            resealed?.secrets as string,
            sealedAt('paymentAccounts', 'secrets', { id: accountId, tenantId: a.tenantId }),
          ),
        ).apiKey,
      ).toBe('new-key-for-2027-wxyz');
      const audits = await a.auditLog.find({ where: (l) => eq(l.action, 'paymentAccounts.update') });
      expect(audits.map((l) => (l.after as { credentialsReentered: boolean }).credentialsReentered)).toEqual([
        false,
        true,
      ]);
      expect(JSON.stringify(audits)).not.toContain('new-key-for-2027');

      const rival = await api.signIn('200006', 'operator_admin');
      const hidden = await failure(rival.paymentAccounts.update({ accountId, name: 'taken' }));
      expect(hidden.code).toBe('NOT_FOUND');
      expect(hidden.message).toBe('Payment account not found');
    });

    it('disables an account, and deletes only one that never took a payment', async () => {
      await finance.paymentAccounts.setEnabled({ accountId, enabled: false });
      expect((await a.paymentAccounts.get(accountId))?.enabled).toBe(false);
      const [audit] = await a.auditLog.find({ where: (l) => eq(l.action, 'paymentAccounts.setEnabled') });
      expect(audit?.before).toMatchObject({ enabled: true });
      expect(audit?.after).toMatchObject({ enabled: false });

      const seeded = await a.paymentAccounts.findOne((p) => eq(p.merchantId, '1900000109'));
      const used = await failure(finance.paymentAccounts.delete({ accountId: seeded?.id as string }));
      expect(used.code).toBe('BAD_REQUEST');
      expect(used.message).toBe('accountId: has taken payments; disable it instead');
      expect(await a.paymentAccounts.get(seeded?.id as string)).toBeDefined();

      expect(await finance.paymentAccounts.delete({ accountId })).toEqual({ id: accountId });
      expect(await a.paymentAccounts.get(accountId)).toBeUndefined();
      expect(await a.auditLog.count((l) => eq(l.action, 'paymentAccounts.delete'))).toBe(1);
    });
  });
}
