import { eq } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { GAMMA, manufacturerTestbed, NOW } from '../tenants/manufacturer.test-helpers.js';
import { DEMO_CODE, failure, tenantIdOf, type Caller } from '../testing.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] factory audit log`, () => {
    const bed = manufacturerTestbed(dialect);

    beforeAll(async () => {
      // Something to page through: the sign-ins above, a machine type, two machines built and one sold.
      const type = await bed.maker.factory.machineTypes.create({
        model: 'AUD-1',
        name: 'audit',
        trays: 1,
        slotsPerTray: 1,
        defaultCapacity: 1,
      });
      const machine = await bed.maker.factory.machines.add({ boardId: 'AUDIT0001', typeId: type.id, price: 100 });
      await bed.maker.factory.machines.add({ boardId: 'AUDIT0002', typeId: type.id });
      await bed.maker.factory.machines.sell({ machineId: machine?.id ?? '', operatorId: bed.demoId });
      await bed.api.anonymous().platform.register(GAMMA);
    });

    it('pages through the manufacturer’s own audit log, newest first', async () => {
      const first = await bed.admin.factory.auditLog.list({ limit: 3 });
      expect(first.items).toHaveLength(3);
      expect(first.nextCursor).not.toBeNull();
      const second = await bed.admin.factory.auditLog.list({ limit: 3, cursor: first.nextCursor });
      const ids = new Set(first.items.map((a) => a.id));
      expect(second.items.some((a) => ids.has(a.id))).toBe(false);
      const times = [...first.items, ...second.items].map((a) => a.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
      const total = await bed.scope().auditLog.count();
      let seen = 0;
      let cursor: string | null = null;
      do {
        const page: { items: unknown[]; nextCursor: string | null } = await bed.admin.factory.auditLog.list({
          limit: 7,
          cursor,
        });
        seen += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      expect(seen).toBe(total);
      const sells = await bed.admin.factory.auditLog.list({ action: 'factory.machines.sell' });
      expect(sells.items).toHaveLength(1);
      expect(sells.items[0]?.username).toBe('maker');
      // Rows of other tenants never appear.
      const registered = await bed.admin.factory.auditLog.list({ action: 'platform.register' });
      expect(registered.items).toHaveLength(0);
    });
  });
}

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] an operator's own audit log`, () => {
    const bed = manufacturerTestbed(dialect);
    let admin: Caller;
    let first: string;
    let second: string;

    beforeAll(async () => {
      admin = await bed.api.signIn(DEMO_CODE, 'admin');
      const { items } = await admin.machines.list({ limit: 2 });
      first = items[0]?.id ?? '';
      second = items[1]?.id ?? '';
      await admin.machines.update({ machineId: first, name: 'Lobby one' });
      await admin.machines.update({ machineId: second, name: 'Lobby two' });
      await admin.machines.update({ machineId: first, name: 'Lobby one, east' });
      // The manufacturer's own changes, and another operator's, are in the same table.
      await bed.maker.factory.machineTypes.create({
        model: 'AUD-OP',
        name: 'audit',
        trays: 1,
        slotsPerTray: 1,
        defaultCapacity: 1,
      });
      await bed.api.anonymous().platform.register(GAMMA);
    });

    it('lists the changes of one row, newest first, with who made them, before and after', async () => {
      const { items, nextCursor } = await admin.audit.list({ entity: 'machines', entityId: first });
      expect(nextCursor).toBeNull();
      expect(items.map((a) => a.after?.name)).toEqual(['Lobby one, east', 'Lobby one']);
      expect(items[0]?.before?.name).toBe('Lobby one');
      expect(items.every((a) => a.action === 'machines.update' && a.entityId === first)).toBe(true);
      expect(items[0]?.username).toBe('admin');
      expect(items[0]?.displayName).toBe('王经理');
      const both = await admin.audit.list({ entity: 'machines', action: 'machines.update' });
      expect(both.items.map((a) => a.entityId)).toEqual([first, second, first]);
    });

    it('filters by user and time, a page at a time', async () => {
      const me = await admin.auth.me();
      const mine = await admin.audit.list({ userId: me.user.id, entity: 'machines', limit: 2 });
      expect(mine.items).toHaveLength(2);
      const rest = await admin.audit.list({
        userId: me.user.id,
        entity: 'machines',
        limit: 2,
        cursor: mine.nextCursor,
      });
      expect(rest.items.map((a) => a.entityId)).toEqual([first]);
      expect(rest.nextCursor).toBeNull();
      const later = new Date(NOW + 60_000).toISOString();
      expect((await admin.audit.list({ entity: 'machines', from: later })).items).toHaveLength(0);
      expect((await admin.audit.list({ entity: 'machines', to: later })).items).toHaveLength(3);
      // A user of another tenant is no user of this one.
      const maker = await bed.maker.auth.me();
      expect((await failure(admin.audit.list({ userId: maker.user.id }))).code).toBe('NOT_FOUND');
    });

    it('never shows another tenant’s rows, and is refused without the permission', async () => {
      const own = await admin.audit.list({ limit: 500 });
      const tenantIds = new Set((await bed.api.db.forTenant(bed.demoId).auditLog.find()).map((a) => a.id));
      expect(own.items.length).toBeGreaterThan(0);
      expect(own.items.every((a) => tenantIds.has(a.id) && a.tenantId === bed.demoId)).toBe(true);
      expect((await admin.audit.list({ entity: 'machineTypes' })).items).toHaveLength(0);
      // Another operator's rows (its registration) stay its own.
      const gammaId = await tenantIdOf(bed.api.db, GAMMA.code);
      const registered = bed.api.db
        .forTenant(gammaId)
        .auditLog.find({ where: (a) => eq(a.action, 'platform.register') });
      expect(await registered).toHaveLength(1);
      expect((await admin.audit.list({ action: 'platform.register' })).items).toHaveLength(0);
      // Neither the manufacturer nor an operator user without it may read it.
      expect((await failure(bed.admin.audit.list({}))).code).toBe('FORBIDDEN');
      const staff = await bed.api.signIn(DEMO_CODE, 'staff1');
      expect((await failure(staff.audit.list({}))).code).toBe('FORBIDDEN');
    });
  });
}
