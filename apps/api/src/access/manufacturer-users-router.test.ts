import { eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { describe, expect, it } from 'vitest';
import { manufacturerTestbed } from '../tenants/manufacturer.test-helpers.js';
import { DEMO_PASSWORD } from '../seed/index.js';
import { MANUFACTURER_CODE, failure } from '../testing.js';
import { P } from './catalog.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] factory users`, () => {
    const bed = manufacturerTestbed(dialect);

    describe('users', () => {
      it('lists the manufacturer’s users with their roles, and no secrets', async () => {
        const users = await bed.admin.factory.users.list();
        expect(users.map((u) => [u.username, u.roles.map((r) => r.key)])).toEqual([
          ['admin', ['system_admin']],
          ['maker', ['manufacturer_admin']],
        ]);
        expect(JSON.stringify(users)).not.toContain('scrypt');
        expect((await failure(bed.maker.factory.users.list())).code).toBe('FORBIDDEN');
      });

      it('creates a user with a random password that works once given', async () => {
        const roles = await bed.admin.catalog.roleTemplates.list({ kind: 'manufacturer' });
        const makerRole = roles.find((r) => r.key === 'manufacturer_admin');
        const created = await bed.admin.factory.users.create({
          username: 'seller',
          displayName: '销售',
          roleIds: [makerRole?.id ?? ''],
          phone: '13700137000',
        });
        expect(created.password).toMatch(/^[A-Za-z0-9]{12}$/);
        expect(created.user).toMatchObject({ username: 'seller', phone: '13700137000', mustChangePassword: true });
        const row = await bed.scope().users.findOne((u) => eq(u.username, 'seller'));
        expect(row?.phone).not.toContain('13700137000');
        const seller = await bed.api.signIn(MANUFACTURER_CODE, 'seller', created.password ?? '');
        expect((await seller.auth.me()).permissions).toEqual([
          P.viewTenants,
          P.manageTenants,
          P.manageMachineTypes,
          P.manageMachines,
          P.viewLeaseOrders,
        ]);
        const audit = await bed.audits('factory.users.create');
        expect(audit[0]?.after).toMatchObject({ username: 'seller' });
        expect(JSON.stringify(audit)).not.toContain(created.password ?? '-');

        const taken = await failure(
          bed.admin.factory.users.create({ username: 'Seller', displayName: 'x', roleIds: [makerRole?.id ?? ''] }),
        );
        expect(taken.code).toBe('CONFLICT');
        expect(taken.message).toBe('username: is taken');
        const template = roles.length
          ? (await bed.admin.catalog.roleTemplates.list({ kind: 'operator' }))[0]
          : undefined;
        const operatorRole = await failure(
          bed.admin.factory.users.create({ username: 'other', displayName: 'x', roleIds: [template?.id ?? ''] }),
        );
        expect(operatorRole.code).toBe('NOT_FOUND');
      });

      it('disables a user (their sessions end), enables them, and refuses disabling oneself', async () => {
        const makerId = (await bed.scope().users.findOne((u) => eq(u.username, 'maker')))?.id ?? '';
        await bed.admin.factory.users.disable({ userId: makerId });
        expect((await failure(bed.maker.auth.me())).code).toBe('UNAUTHORIZED');
        expect((await failure(bed.api.signIn(MANUFACTURER_CODE, 'maker'))).code).toBe('FORBIDDEN');
        const enabled = await bed.admin.factory.users.enable({ userId: makerId });
        expect(enabled?.status).toBe('active');
        bed.maker = await bed.api.signIn(MANUFACTURER_CODE, 'maker');
        const adminId = (await bed.scope().users.findOne((u) => eq(u.username, 'admin')))?.id ?? '';
        const self = await failure(bed.admin.factory.users.disable({ userId: adminId }));
        expect(self.message).toBe('userId: you cannot disable yourself');
        expect((await bed.audits('factory.users.disable'))[0]).toMatchObject({
          entityId: makerId,
          before: { status: 'active' },
          after: { status: 'disabled' },
        });
        const demoAdmin = await bed.api.db.forTenant(bed.demoId).users.findOne((u) => eq(u.username, 'admin'));
        expect((await failure(bed.admin.factory.users.disable({ userId: demoAdmin?.id ?? '' }))).code).toBe(
          'NOT_FOUND',
        );
      });

      it('resets a password to a given or a random one, ending the user’s sessions', async () => {
        const makerId = (await bed.scope().users.findOne((u) => eq(u.username, 'maker')))?.id ?? '';
        const given = await bed.admin.factory.users.resetPassword({ userId: makerId, password: 'Reset_2026' });
        expect(given.password).toBeNull();
        expect((await failure(bed.maker.auth.me())).code).toBe('UNAUTHORIZED');
        expect((await failure(bed.api.signIn(MANUFACTURER_CODE, 'maker', DEMO_PASSWORD))).code).toBe('UNAUTHORIZED');
        const again = await bed.api.signIn(MANUFACTURER_CODE, 'maker', 'Reset_2026');
        expect((await again.auth.me()).mustChangePassword).toBe(true);

        const random = await bed.admin.factory.users.resetPassword({ userId: makerId });
        expect(random.password).toMatch(/^[A-Za-z0-9]{12}$/);
        expect((await failure(again.auth.me())).code).toBe('UNAUTHORIZED');
        bed.maker = await bed.api.signIn(MANUFACTURER_CODE, 'maker', random.password ?? '');
        expect(await bed.audits('factory.users.resetPassword')).toHaveLength(2);
      });
    });
  });
}
