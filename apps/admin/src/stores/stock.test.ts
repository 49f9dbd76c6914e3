import { P } from '@vmcloud/api/catalog';
import { describe, expect, it } from 'vitest';
import { fakeApi } from '../api/fake-api.test-helpers';
import { loadMachineOptions, loadProductOptions, loadStaffOptions } from './stock';

const product = (id: string, code: string, name: string) => ({ id, code, name, spec: null, unit: '瓶' });
const person = (id: string, username: string, displayName: string) => ({ id, username, displayName });
const can =
  (...codes: string[]) =>
  (code: string) =>
    codes.includes(code);

describe('product options', () => {
  it("are the warehouse's products for the inventory admin, by code", async () => {
    const fake = fakeApi({
      'warehouse.list': () => ({
        lines: [
          { product: product('p2', 'S001', '乐事'), cost: 1, quantity: 0, updatedAt: null },
          { product: product('p1', 'D001', '可口可乐'), cost: 1, quantity: 5, updatedAt: null },
        ],
        totals: { quantity: 5, value: 5 },
      }),
    });
    const options = await loadProductOptions(can(P.warehouseShipping), fake.client);
    expect(options.map((p) => p.code)).toEqual(['D001', 'S001']);
    expect(fake.calls.map((c) => c.path)).toEqual(['warehouse.list']);
  });

  it("are what a field worker holds and their machines' channels sell, each once", async () => {
    const channel = (productId: string | null, productCode: string | null, productName: string | null) => ({
      id: `c-${productId}`,
      productId,
      productCode,
      productName,
    });
    const fake = fakeApi({
      'restocks.myInventory': () => ({
        lines: [{ product: product('p1', 'D001', '可口可乐'), quantity: 3 }],
        total: 3,
      }),
      'machines.mine': () => [
        {
          id: 'm1',
          boardId: 'B1',
          name: null,
          channels: [channel('p1', 'D001', '可口可乐'), channel(null, null, null)],
        },
        { id: 'm2', boardId: 'B2', name: null, channels: [channel('p3', 'D003', '农夫山泉')] },
      ],
    });
    const options = await loadProductOptions(can(P.myInventory, P.myMachines), fake.client);
    expect(options.map((p) => [p.id, p.name])).toEqual([
      ['p1', '可口可乐'],
      ['p3', '农夫山泉'],
    ]);
    expect(fake.inputsOf('warehouse.list')).toEqual([]);
  });
});

describe('staff options', () => {
  it('gather everyone the inventory admin can see, once each, by name', async () => {
    const staff1 = person('u1', 'staff1', '张伟');
    const staff2 = person('u2', 'staff2', '刘洋');
    const fake = fakeApi({
      'warehouse.staffInventory': () => [{ staff: staff1, lines: [], total: 0 }],
      'shipments.list': () => ({ rows: [{ staff: staff2 }, { staff: staff1 }], total: 2 }),
      'goodsSettlement.report': () => ({ staff: [{ staff: staff1, machines: [] }] }),
      'transfers.list': () => ({ rows: [{ from: staff1, to: null }], total: 1 }),
    });
    const options = await loadStaffOptions(
      can(P.warehouseShipping, P.goodsSettlement, P.transfer),
      'Asia/Shanghai',
      fake.client,
    );
    expect(options).toEqual([staff2, staff1].sort((a, b) => a.displayName.localeCompare(b.displayName)));
    // Neither the directory nor the user list is asked without their permissions.
    expect(fake.inputsOf('users.directory')).toEqual([]);
    expect(fake.inputsOf('users.list')).toEqual([]);
    const [report] = fake.inputsOf('goodsSettlement.report') as { from: string; to: string }[];
    expect(report?.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(report?.from).toBe(report?.to);
  });

  it('take the staff directory when the user may read it', async () => {
    const fake = fakeApi({
      'users.directory': () => [{ ...person('u3', 'leader', '李组长'), groupId: null, phone: null, roles: [] }],
    });
    const options = await loadStaffOptions(can(P.staffInfo), 'Asia/Shanghai', fake.client);
    expect(options).toEqual([person('u3', 'leader', '李组长')]);
  });
});

describe('machine options', () => {
  it("come from the field staff's machines in the goods settlement when the fleet cannot be read", async () => {
    const fake = fakeApi({
      'goodsSettlement.report': () => ({
        staff: [
          { staff: null, machines: [{ id: 'm2', name: '教学楼', boardId: 'VMC2' }] },
          { staff: null, machines: [{ id: 'm1', name: '图书馆', boardId: 'VMC1' }] },
        ],
      }),
    });
    const options = await loadMachineOptions(can(P.goodsSettlement, P.listPrinting), 'Asia/Shanghai', fake.client);
    expect(options.map((m) => m.boardId)).toEqual(['VMC1', 'VMC2']);
    expect(fake.inputsOf('machines.list')).toEqual([]);
  });
});
