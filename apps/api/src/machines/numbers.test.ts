import { eq, type TenantScope } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type TestApi } from '../testing.js';
import { MachineNumber, numberConflict } from './numbers.js';

describe('machine numbers', () => {
  it('trims a number, and takes empty for none', () => {
    expect(MachineNumber.parse(' HD-01 ')).toBe('HD-01');
    expect(MachineNumber.parse('')).toBeNull();
    expect(MachineNumber.parse(null)).toBeNull();
    expect(MachineNumber.parse(undefined)).toBeNull();
    expect(MachineNumber.optional().parse(undefined)).toBeUndefined();
    expect(MachineNumber.safeParse('x'.repeat(33)).error?.issues[0]?.message).toBe('must be at most 32 characters');
    expect(MachineNumber.safeParse('A\u0000B').error?.issues[0]?.message).toBe('must not contain control characters');
  });

  it('answers nothing for an error that is not a duplicate key', () => {
    expect(numberConflict(new Error('disk full'), ['deviceNo'])).toBeUndefined();
  });
});

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] a duplicate machine number the database refuses`, () => {
    let api: TestApi;
    let demo: TenantScope;

    beforeAll(async () => {
      api = await createTestApi(dialect);
      demo = api.db.forTenant(await tenantIdOf(api.db, DEMO_CODE));
    });
    afterAll(async () => {
      await api?.close();
    });

    /** The error the database raises for `write`. */
    const raised = async (write: () => Promise<unknown>) => {
      try {
        await write();
      } catch (error) {
        return error;
      }
      throw new Error('the write succeeded');
    };

    it('is a conflict naming the field whose index it broke', async () => {
      const [first, second] = await demo.machines.find({ orderBy: (m) => [m.boardId], limit: 2 });
      if (!first || !second) throw new Error('no demo machines');
      const device = await raised(() => demo.machines.update(second.id, { deviceNo: first.deviceNo }));
      expect(numberConflict(device, ['boardId', 'deviceNo', 'nameplateNo'])).toMatchObject({
        kind: 'conflict',
        message: 'deviceNo: is taken',
      });
      const nameplate = await raised(() => demo.machines.update(second.id, { nameplateNo: first.nameplateNo }));
      expect(numberConflict(nameplate, ['boardId', 'deviceNo', 'nameplateNo'])?.message).toBe('nameplateNo: is taken');
      const board = await raised(() => demo.machines.update(second.id, { boardId: first.boardId }));
      expect(numberConflict(board, ['deviceNo', 'nameplateNo', 'boardId'])?.message).toBe('boardId: is taken');
      expect((await demo.machines.findOne((m) => eq(m.id, second.id)))?.deviceNo).toBe(second.deviceNo);
    });
  });
}
