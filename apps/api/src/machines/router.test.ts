import { createHash } from 'node:crypto';
import { and, eq, type TenantScope } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi, failure } from '../testing.js';
import { ACTIVATION_CODE_TTL_MS, hashActivationCode } from './activation.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] machines`, () => {
    let api: TestApi;
    let admin: Caller;
    let a: TenantScope;
    let b: TenantScope;
    let clock = Date.UTC(2026, 10, 22, 12);
    const byBoard = async (boardId: string) => {
      const machine = await a.machines.findOne((m) => eq(m.boardId, boardId));
      if (!machine) throw new Error(`no machine ${boardId}`);
      return machine;
    };
    const userNamed = async (username: string) => {
      const user = await a.users.findOne((u) => eq(u.username, username));
      if (!user) throw new Error(`no user ${username}`);
      return user;
    };
    const auditOf = (action: string, entityId: string) =>
      a.auditLog.find({ where: (l) => and(eq(l.action, action), eq(l.entityId, entityId)) });

    beforeAll(async () => {
      api = await createTestApi(dialect, { now: () => new Date(clock) });
      a = api.db.forTenant(await tenantIdOf(api.db, DEMO_CODE));
      const { tenantId } = await api.createOperator({ code: '200003', name: 'Other_Vending' });
      b = api.db.forTenant(tenantId);
      admin = await api.signIn(DEMO_CODE, 'admin');
    });
    afterAll(async () => {
      await api?.close();
    });

    it('lists the fleet with filters for group, field worker, online state and text, a page at a time', async () => {
      const all = await admin.machines.list({});
      expect(all.total).toBe(3);
      expect(all.items.map((m) => m.boardId)).toEqual(['VMC2026A0001', 'VMC2026A0002', 'VMC2026B0001']);
      expect(all.items[0]).toMatchObject({
        name: '图书馆一楼',
        online: true,
        groupName: '中关村校区',
        staffName: '张伟',
      });
      expect(all.items.map((m) => [m.boardId, m.deviceNo, m.nameplateNo])).toEqual([
        ['VMC2026A0001', 'HD-001', 'C20-2026-000118'],
        ['VMC2026A0002', 'HD-002', 'C20-2026-000119'],
        ['VMC2026B0001', 'HD-003', 'S12-2026-000042'],
      ]);

      const online = await admin.machines.list({ online: true });
      expect(online.items.map((m) => m.boardId)).toEqual(['VMC2026A0001', 'VMC2026A0002']);
      const offline = await admin.machines.list({ online: false });
      expect(offline.items.map((m) => m.boardId)).toEqual(['VMC2026B0001']);
      expect(offline.total).toBe(1);

      const staff2 = await userNamed('staff2');
      expect((await admin.machines.list({ staffId: staff2.id })).items.map((m) => m.boardId)).toEqual(['VMC2026B0001']);
      const machine = await byBoard('VMC2026A0001');
      expect((await admin.machines.list({ groupId: machine.groupId as string })).total).toBe(3);
      expect((await admin.machines.list({ search: '教学楼' })).items.map((m) => m.boardId)).toEqual(['VMC2026A0002']);
      expect((await admin.machines.list({ search: 'b0001' })).total).toBe(1);
      expect((await admin.machines.list({ search: '%' })).total).toBe(0);
      expect((await admin.machines.list({ search: 's12-2026' })).items.map((m) => m.boardId)).toEqual(['VMC2026B0001']);
      expect((await admin.machines.list({ search: 'hd-002' })).items.map((m) => m.boardId)).toEqual(['VMC2026A0002']);

      // The numbers each filter by text they contain, in any case, together with the other filters.
      const boards = async (input: Parameters<Caller['machines']['list']>[0]) =>
        (await admin.machines.list(input)).items.map((m) => m.boardId);
      expect(await boards({ boardId: 'a000' })).toEqual(['VMC2026A0001', 'VMC2026A0002']);
      expect(await boards({ deviceNo: 'hd-00' })).toEqual(['VMC2026A0001', 'VMC2026A0002', 'VMC2026B0001']);
      expect(await boards({ deviceNo: '03' })).toEqual(['VMC2026B0001']);
      expect(await boards({ nameplateNo: 'c20' })).toEqual(['VMC2026A0001', 'VMC2026A0002']);
      expect(await boards({ nameplateNo: '000119' })).toEqual(['VMC2026A0002']);
      expect(await boards({ nameplateNo: 'c20', online: false })).toEqual([]);
      expect(await boards({ boardId: 'A', deviceNo: '1', nameplateNo: '118' })).toEqual(['VMC2026A0001']);
      expect(await boards({ deviceNo: '%' })).toEqual([]);
      expect(await boards({ deviceNo: '' })).toHaveLength(3);
      const long = await failure(admin.machines.list({ nameplateNo: 'N'.repeat(33) }));
      expect(long.code).toBe('BAD_REQUEST');
      expect(long.message).toBe('nameplateNo: must be at most 32 characters');

      const page = await admin.machines.list({ limit: 2, offset: 2 });
      expect(page.total).toBe(3);
      expect(page.items.map((m) => m.boardId)).toEqual(['VMC2026B0001']);
    });

    it('lists the types of the machines the operator holds, and filters the fleet by type', async () => {
      const types = await admin.machines.types();
      expect(types.map((t) => [t.model, t.trays, t.slotsPerTray, t.machines])).toEqual([
        ['VMC-C20', 4, 5, 2],
        ['VMC-S12', 3, 4, 1],
      ]);
      expect(types[0]).toMatchObject({ name: '冷饮综合机 20 货道', defaultCapacity: 10, refrigerated: true });
      const [c20, s12] = types;
      const ofC20 = await admin.machines.list({ typeId: c20?.id });
      expect(ofC20.items.map((m) => m.boardId)).toEqual(['VMC2026A0001', 'VMC2026A0002']);
      expect(ofC20.total).toBe(2);
      const ofS12 = await admin.machines.list({ typeId: s12?.id, online: false });
      expect(ofS12.items.map((m) => m.boardId)).toEqual(['VMC2026B0001']);
      // A type none of its machines is of: nothing.
      expect((await admin.machines.list({ typeId: '00000000-0000-7000-8000-000000000000' })).total).toBe(0);
      // Another operator holds no machine: no types, though the manufacturer builds both.
      const otherAdmin = await api.signIn('200003', 'operator_admin');
      expect(await otherAdmin.machines.types()).toEqual([]);
      expect((await otherAdmin.machines.list({ typeId: c20?.id })).total).toBe(0);
    });

    it('shows one machine with its channels, terminal status and custom fields, and only to its operator', async () => {
      const machine = await byBoard('VMC2026A0001');
      const detail = await admin.machines.get({ machineId: machine.id });
      expect(detail.machine.boardId).toBe('VMC2026A0001');
      expect(detail.status?.online).toBe(true);
      expect(detail.channels.map((c) => c.number)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      const stored = await a.channels.findOne((c) => and(eq(c.machineId, machine.id), eq(c.number, 1)));
      expect(detail.channels[0]).toMatchObject({ stock: stored?.stock, capacity: 10, productCode: 'D001' });
      expect(detail.channelGroups).toHaveLength(6);
      expect(detail.machine).toMatchObject({ deviceNo: 'HD-001', nameplateNo: 'C20-2026-000118' });
      expect(detail.terminal).toBeNull();
      expect(detail.customFields).toEqual([
        { key: 'asset_tag', label: '资产编号', type: 'text', required: true, value: 'ZGC-0001' },
      ]);

      // The terminal's key in use, not one revoked.
      const key = {
        tenantId: a.tenantId,
        machineId: machine.id,
        boardId: machine.boardId,
        signingKey: 'k',
        sealingKey: 'k',
      };
      await api.db.platform.deviceCredentials.insert({
        ...key,
        keyId: 'a'.repeat(64),
        activatedAt: new Date(clock - 86_400_000),
        revokedAt: new Date(clock - 3_600_000),
      });
      await api.db.platform.deviceCredentials.insert({ ...key, keyId: 'b'.repeat(64), activatedAt: new Date(clock) });
      expect((await admin.machines.get({ machineId: machine.id })).terminal).toEqual({
        keyId: 'b'.repeat(64),
        activatedAt: new Date(clock).toISOString(),
      });

      const other = await api.signIn('200003', 'operator_admin');
      const refused = await failure(other.machines.get({ machineId: machine.id }));
      expect(refused.code).toBe('NOT_FOUND');
      expect(refused.message).toBe('Machine not found');
    });

    it('sets the device number, unique among the operator’s machines in any case, and shows it', async () => {
      const machine = await byBoard('VMC2026B0001');
      const updated = await admin.machines.update({ machineId: machine.id, deviceNo: ' ZGC-B-01 ' });
      expect(updated).toMatchObject({
        id: machine.id,
        deviceNo: 'ZGC-B-01',
        nameplateNo: 'S12-2026-000042',
        name: '体育馆入口',
        online: false,
      });
      expect((await a.machines.get(machine.id))?.deviceNo).toBe('ZGC-B-01');
      const [audit] = await auditOf('machines.update', machine.id);
      expect(audit?.before).toMatchObject({ deviceNo: 'HD-003' });
      expect(audit?.after).toMatchObject({ deviceNo: 'ZGC-B-01' });
      expect((await admin.machines.get({ machineId: machine.id })).machine).toMatchObject({
        deviceNo: 'ZGC-B-01',
        nameplateNo: 'S12-2026-000042',
      });

      // Another machine of the operator cannot take it, nor one still in use, in any case.
      const other = await byBoard('VMC2026A0001');
      for (const deviceNo of ['zgc-b-01', 'HD-002']) {
        const taken = await failure(admin.machines.update({ machineId: other.id, deviceNo }));
        expect(taken.code).toBe('CONFLICT');
        expect(taken.message).toBe('deviceNo: is taken');
      }
      expect((await a.machines.get(other.id))?.deviceNo).toBe('HD-001');
      // HD-003 was freed; the machine keeps its own number when set again; a name alone leaves it.
      await admin.machines.update({ machineId: other.id, deviceNo: 'HD-003' });
      await admin.machines.update({ machineId: machine.id, deviceNo: 'zgc-b-01' });
      const renamed = await admin.machines.update({ machineId: machine.id, name: '体育馆东门' });
      expect(renamed).toMatchObject({ name: '体育馆东门', deviceNo: 'zgc-b-01' });

      // Device numbers are the operator's own: another operator's machine may have the same one.
      const theirs = await b.machines.insert({
        boardId: 'OTHER0001',
        deviceNo: 'HD-777',
        typeId: machine.typeId,
        manufacturerId: machine.manufacturerId,
        status: 'active',
      });
      expect((await admin.machines.update({ machineId: other.id, deviceNo: 'HD-777' })).deviceNo).toBe('HD-777');
      const foreign = await failure(admin.machines.update({ machineId: theirs.id, deviceNo: 'X-1' }));
      expect(foreign.code).toBe('NOT_FOUND');
      expect((await b.machines.get(theirs.id))?.deviceNo).toBe('HD-777');

      // Null or empty: no number.
      expect((await admin.machines.update({ machineId: other.id, deviceNo: null })).deviceNo).toBeNull();
      expect((await admin.machines.update({ machineId: machine.id, deviceNo: '  ' })).deviceNo).toBeNull();
      await admin.machines.update({ machineId: other.id, deviceNo: 'HD-001' });
      await admin.machines.update({ machineId: machine.id, deviceNo: 'HD-003', name: '体育馆入口' });
      const long = await failure(admin.machines.update({ machineId: machine.id, deviceNo: 'D'.repeat(33) }));
      expect(long.message).toBe('deviceNo: must be at most 32 characters');
      const fieldStaff = await api.signIn(DEMO_CODE, 'staff1');
      expect((await failure(fieldStaff.machines.update({ machineId: machine.id, deviceNo: 'X' }))).code).toBe(
        'FORBIDDEN',
      );
    });

    it('renames and places a machine, with an audit row of each change', async () => {
      const machine = await byBoard('VMC2026A0002');
      const renamed = await admin.machines.rename({ machineId: machine.id, name: '  教学楼 C 座 ' });
      expect(renamed.name).toBe('教学楼 C 座');
      expect((await a.machines.get(machine.id))?.name).toBe('教学楼 C 座');
      const [audit] = await auditOf('machines.rename', machine.id);
      expect(audit?.before).toMatchObject({ name: '教学楼 B 座' });
      expect(audit?.after).toMatchObject({ name: '教学楼 C 座' });

      await admin.machines.setLocation({
        machineId: machine.id,
        address: '北京市海淀区 新地址',
        latitudeE6: 39_900_000,
        longitudeE6: 116_400_000,
      });
      expect(await a.machines.get(machine.id)).toMatchObject({
        address: '北京市海淀区 新地址',
        latitudeE6: 39_900_000,
        longitudeE6: 116_400_000,
      });
      const half = await failure(
        admin.machines.setLocation({ machineId: machine.id, address: null, latitudeE6: 39_900_000, longitudeE6: null }),
      );
      expect(half.code).toBe('BAD_REQUEST');
      expect(half.message).toBe('longitudeE6: is required with the other coordinate');
      const far = await failure(
        admin.machines.setLocation({ machineId: machine.id, address: null, latitudeE6: 91_000_000, longitudeE6: 0 }),
      );
      expect(far.code).toBe('BAD_REQUEST');
      expect(far.message).toContain('latitudeE6');
      expect((await a.machines.get(machine.id))?.latitudeE6).toBe(39_900_000);
    });

    it('puts a machine in a machine group of its operator only', async () => {
      const machine = await byBoard('VMC2026A0001');
      const staffGroup = await a.groups.findOne((g) => eq(g.type, 'staff'));
      const refused = await failure(
        admin.machines.setGroup({ machineId: machine.id, groupId: staffGroup?.id ?? null }),
      );
      expect(refused.message).toBe('groupId: is a staff group, not a machine group');

      const theirs = await b.groups.insert({ name: 'B 的机器', type: 'machine' });
      const foreign = await failure(admin.machines.setGroup({ machineId: machine.id, groupId: theirs.id }));
      expect(foreign.code).toBe('NOT_FOUND');
      expect(foreign.message).toBe('Group not found');

      const west = await a.groups.insert({ name: '西校区', type: 'machine' });
      const leader = await api.signIn(DEMO_CODE, 'leader');
      expect((await leader.machines.setGroup({ machineId: machine.id, groupId: west.id })).groupId).toBe(west.id);
      expect((await a.machines.get(machine.id))?.groupId).toBe(west.id);
      await admin.machines.setGroup({ machineId: machine.id, groupId: null });
      expect((await a.machines.get(machine.id))?.groupId).toBeNull();
    });

    it('assigns a machine to a user of its operator', async () => {
      const machine = await byBoard('VMC2026B0001');
      const staff1 = await userNamed('staff1');
      await admin.machines.assignStaff({ machineId: machine.id, staffId: staff1.id });
      expect((await a.machines.get(machine.id))?.staffId).toBe(staff1.id);
      const [audit] = await auditOf('machines.assignStaff', machine.id);
      expect(audit?.after).toMatchObject({ staffId: staff1.id });

      const outsider = await b.users.findOne((u) => eq(u.username, 'field_staff'));
      const refused = await failure(
        admin.machines.assignStaff({ machineId: machine.id, staffId: outsider?.id ?? null }),
      );
      expect(refused.code).toBe('NOT_FOUND');
      expect(refused.message).toBe('User not found');
      expect((await a.machines.get(machine.id))?.staffId).toBe(staff1.id);

      await admin.machines.assignStaff({ machineId: machine.id, staffId: (await userNamed('staff2')).id });
    });

    it('issues a one-time activation code: shown once, stored as a hash, earlier codes revoked', async () => {
      const machine = await byBoard('VMC2026A0001');
      const first = await admin.machines.issueActivationCode({ machineId: machine.id });
      expect(first.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      expect(first.expiresAt).toBe(new Date(clock + ACTIVATION_CODE_TTL_MS).toISOString());
      const row = await a.activationCodes.get(first.id);
      const hash = createHash('sha256').update(first.code.replace(/-/g, '')).digest('hex');
      expect(row).toMatchObject({ machineId: machine.id, codeHash: hash, usedAt: null });
      expect(hashActivationCode(first.code.toLowerCase())).toBe(hash);
      expect(JSON.stringify(row)).not.toContain(first.code);

      clock += 60_000;
      const second = await admin.machines.issueActivationCode({ machineId: machine.id });
      expect(second.code).not.toBe(first.code);
      expect((await a.activationCodes.get(first.id))?.expiresAt.getTime()).toBe(clock);
      const usable = await a.activationCodes.find({ where: (c) => eq(c.machineId, machine.id) });
      expect(usable.filter((c) => c.expiresAt.getTime() > clock && c.usedAt === null).map((c) => c.id)).toEqual([
        second.id,
      ]);

      const audits = await a.auditLog.find({ where: (l) => eq(l.action, 'machines.issueActivationCode') });
      expect(audits).toHaveLength(2);
      expect(audits[1]?.after).toMatchObject({ machineId: machine.id, revokedEarlierCodes: 1 });
      const written = JSON.stringify(audits);
      expect(written).not.toContain(second.code);
      expect(written).not.toContain(hashActivationCode(second.code));
    });

    it('shows a field worker their own machines with what each channel needs, emptiest first', async () => {
      const staff1 = await userNamed('staff1');
      const caller = await api.signIn(DEMO_CODE, 'staff1');
      const mine = await caller.machines.mine({ onlyNeedingStock: false });
      const expected = await a.machines.find({ where: (m) => eq(m.staffId, staff1.id) });
      expect(mine.map((m) => m.id).sort()).toEqual(expected.map((m) => m.id).sort());
      for (const machine of mine) {
        const channels = await a.channels.find({ where: (c) => eq(c.machineId, machine.id) });
        const selling = channels.filter((c) => c.enabled && c.productId !== null);
        expect(machine.missing).toBe(selling.reduce((sum, c) => sum + c.capacity - c.stock, 0));
        expect(machine.stock).toBe(selling.reduce((sum, c) => sum + c.stock, 0));
        expect(machine.channels).toHaveLength(channels.length);
        const disabled = channels.find((c) => !c.enabled);
        if (disabled) expect(machine.channels.find((c) => c.id === disabled.id)?.missing).toBe(0);
      }
      expect(mine.map((m) => m.missing)).toEqual([...mine.map((m) => m.missing)].sort((x, y) => y - x));

      const manager = await admin.machines.mine({ onlyNeedingStock: false });
      expect(manager).toEqual([]);
      const stock = await api.signIn(DEMO_CODE, 'stock');
      const refused = await failure(stock.machines.mine({ onlyNeedingStock: false }));
      expect(refused.code).toBe('FORBIDDEN');
    });
  });
}
