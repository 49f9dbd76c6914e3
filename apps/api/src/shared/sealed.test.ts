import { eq, sealedAt } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, MANUFACTURER_CODE, tenantIdOf, type Caller, type TestApi } from '../testing.js';

// Someone who can write to the database (a leaked backup restored, an injection elsewhere)
// copies sealed values from one row into another, hoping the platform opens them there.
for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] sealed values moved to another row`, () => {
    let api: TestApi;
    let tenantId: string;
    let admin: Caller;
    const scope = () => api.db.forTenant(tenantId);
    const user = async (username: string) => {
      const row = await scope().users.findOne((u) => eq(u.username, username));
      if (!row) throw new Error(`no user ${username}`);
      return row;
    };

    beforeAll(async () => {
      api = await createTestApi(dialect);
      tenantId = await tenantIdOf(api.db, DEMO_CODE);
      admin = await api.signIn(DEMO_CODE, 'admin');
    });
    afterAll(async () => {
      await api?.close();
    });

    it("does not show a phone number copied from another user's row, of this tenant or another", async () => {
      const staff = await user('staff1');
      const target = await user('staff2');
      const number = (await admin.users.get({ id: staff.id })).phone;
      expect(number).toMatch(/^1\d{10}$/);
      // The copy is made in the database: the same sealed text in another row.
      await scope().users.update(target.id, { phone: staff.phone, email: staff.phone });
      const copied = await admin.users.get({ id: target.id });
      expect(copied.phone).toBeNull();
      expect(copied.email).toBeNull();
      expect(JSON.stringify(await admin.users.list({ limit: 100 }))).not.toContain(
        `"phone":"${number}","email":"${number}"`,
      );
      // The value still opens where it belongs.
      expect((await admin.users.get({ id: staff.id })).phone).toBe(number);

      // Into the manufacturer's administrator's row: another tenant.
      const manufacturer = api.db.forTenant(await tenantIdOf(api.db, MANUFACTURER_CODE));
      const their = await manufacturer.users.findOne((u) => eq(u.username, 'admin'));
      if (!their) throw new Error('no manufacturer admin');
      await manufacturer.users.update(their.id, { phone: staff.phone });
      await expect(api.keyring.decrypt(staff.phone as string, sealedAt('users', 'phone', their))).rejects.toThrow(
        /altered or sealed with another key/,
      );
    });

    it("does not use a payment account's credentials copied into another account", async () => {
      const [demo] = await scope().paymentAccounts.find();
      if (!demo) throw new Error('no demo payment account');
      const other = await admin.paymentAccounts.create({
        provider: 'alipay',
        name: '支付宝 备用',
        merchantId: '2088000000000001',
        credentials: { apiKey: 'alipay-key-0001' },
      });
      expect(other.credentials).toMatchObject({ apiKey: true });
      await scope().paymentAccounts.update(other.id, { secrets: demo.secrets });
      const listed = await admin.paymentAccounts.list({});
      expect(listed.find((a) => a.id === other.id)?.credentials).toBeNull();
      expect(listed.find((a) => a.id === demo.id)?.credentials).toMatchObject({ apiKey: true });
    });
  });
}
