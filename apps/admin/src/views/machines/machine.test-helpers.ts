/** Machines as the API answers them, for component tests. */
import type { MachineChannel } from '../../api/machines';

/** A channel of machine m1 holding 5 of 10, at 3.00 yuan. */
export function channel(fields: Partial<MachineChannel> = {}): MachineChannel {
  return {
    id: 'c1',
    machineId: 'm1',
    number: 1,
    capacity: 10,
    stock: 5,
    free: 5,
    productId: 'p1',
    productCode: 'D001',
    productName: '可口可乐 330ml',
    price: 300,
    specialPrice: false,
    channelGroupId: null,
    enabled: true,
    disabledReason: null,
    updatedAt: '2026-12-07T00:00:00.000Z',
    ...fields,
  } as MachineChannel;
}

/** A machine of the fleet list with its live status. */
export function fleetMachine(fields: Record<string, unknown> = {}) {
  return {
    id: 'm1',
    boardId: 'VMC2026A0001',
    deviceNo: 'HD-001',
    nameplateNo: 'C20-2026-000118',
    name: '图书馆一楼',
    address: '北京市海淀区大学路 1 号',
    status: 'active',
    groupId: 'g1',
    groupName: '海淀片区',
    staffId: 'u1',
    staffName: '李娜',
    online: true,
    lastHeartbeatAt: '2026-12-07T03:00:00.000Z',
    temperature: 45,
    doorOpen: false,
    appVersion: '0.1.0',
    openAlarms: 2,
    stock: 110,
    capacity: 190,
    lowChannels: 3,
    ...fields,
  };
}
