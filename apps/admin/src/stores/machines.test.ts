import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { failureMessage } from '../api/client';
import { fakeApi, Refusal } from '../api/fake-api.test-helpers';
import type { MachineChannel } from '../api/machines';
import { channel } from '../views/machines/machine.test-helpers';
import { ChannelSaveError, useMachinesStore, type ChannelForm } from './machines';

const formOf = (c: MachineChannel, changes: Partial<ChannelForm> = {}): ChannelForm => ({
  productId: c.productId,
  price: c.price ?? 0,
  capacity: c.capacity,
  enabled: c.enabled,
  disabledReason: '',
  ...changes,
});

describe('the machines store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('saves only what changed in a channel, each through its procedure', async () => {
    const fake = fakeApi({
      'channels.setPrice': () => ({}),
      'channels.setCapacity': () => ({}),
      'channels.deactivate': () => ({}),
      'channels.setProduct': () => ({}),
    });
    const store = useMachinesStore();
    store.useClient(fake.client);
    const c = channel();
    await store.saveChannel(c, formOf(c));
    expect(fake.calls).toEqual([]);

    await store.saveChannel(c, formOf(c, { price: 250, capacity: 12, enabled: false, disabledReason: 'jammed' }));
    expect(fake.calls.map((x) => x.path)).toEqual(['channels.setPrice', 'channels.setCapacity', 'channels.deactivate']);
    expect(fake.inputsOf('channels.setPrice')).toEqual([{ channelId: 'c1', price: 250 }]);
    expect(fake.inputsOf('channels.deactivate')).toEqual([{ channelId: 'c1', reason: 'jammed' }]);

    // A new product carries its price; emptying a channel sends no price.
    await store.saveChannel(c, formOf(c, { productId: 'p2', price: 450 }));
    await store.saveChannel(c, formOf(c, { productId: null }));
    expect(fake.inputsOf('channels.setProduct')).toEqual([
      { channelId: 'c1', productId: 'p2', price: 450 },
      { channelId: 'c1', productId: null },
    ]);
  });

  it('names the field whose save the API refused, with its message', async () => {
    const fake = fakeApi({
      'channels.setPrice': () => ({}),
      'channels.setCapacity': () => {
        throw new Refusal('BAD_REQUEST', 'capacity: less than the 5 in stock');
      },
    });
    const store = useMachinesStore();
    store.useClient(fake.client);
    const c = channel();
    const error = await store.saveChannel(c, formOf(c, { price: 200, capacity: 3 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelSaveError);
    expect((error as ChannelSaveError).field).toBe('capacity');
    expect(failureMessage((error as ChannelSaveError).cause, 'unreachable')).toBe('capacity: less than the 5 in stock');
    // The price before it was saved.
    expect(fake.inputsOf('channels.setPrice')).toEqual([{ channelId: 'c1', price: 200 }]);
  });

  it('assigns a group and a field worker only when they change', async () => {
    const fake = fakeApi({ 'machines.setGroup': () => ({}), 'machines.assignStaff': () => ({}) });
    const store = useMachinesStore();
    store.useClient(fake.client);
    const machine = { id: 'm1', groupId: 'g1', staffId: null };
    await store.assign(machine, { groupId: 'g1', staffId: 'u2' });
    expect(fake.calls.map((x) => x.path)).toEqual(['machines.assignStaff']);
    await store.assign(machine, { groupId: null, staffId: null });
    expect(fake.inputsOf('machines.setGroup')).toEqual([{ machineId: 'm1', groupId: null }]);
  });

  it('offers no groups or staff to a user who may not list them, without failing', async () => {
    const forbidden = () => {
      throw new Refusal('FORBIDDEN', 'This needs permission');
    };
    const fake = fakeApi({
      'groups.machine.list': forbidden,
      'users.list': () => ({ items: [{ id: 'u1', username: 'staff1', displayName: '李娜' }], total: 1 }),
      'machines.types': forbidden,
    });
    const store = useMachinesStore();
    store.useClient(fake.client);
    await store.loadOptions();
    expect(store.groups).toEqual([]);
    expect(store.staff).toEqual([{ id: 'u1', name: '李娜' }]);
    expect(store.types).toEqual([]);
  });

  it('offers the types of the operator’s machines with their layout', async () => {
    const fake = fakeApi({
      'groups.machine.list': () => [],
      'users.list': () => ({ items: [], total: 0 }),
      'machines.types': () => [
        {
          id: 't1',
          model: 'VMC-S12',
          name: '零食机',
          trays: 3,
          slotsPerTray: 4,
          defaultCapacity: 8,
          refrigerated: false,
          machines: 2,
        },
      ],
    });
    const store = useMachinesStore();
    store.useClient(fake.client);
    await store.loadOptions();
    expect(store.types).toEqual([
      { id: 't1', name: '零食机', model: 'VMC-S12', trays: 3, slotsPerTray: 4, machines: 2 },
    ]);
  });
});

describe("a machine's details", () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('renames, renumbers and moves a machine, each only when it changed, keeping its coordinates', async () => {
    const fake = fakeApi({ 'machines.update': () => ({}), 'machines.setLocation': () => ({}) });
    const store = useMachinesStore();
    store.useClient(fake.client);
    const machine = {
      id: 'm1',
      name: '图书馆一楼',
      deviceNo: 'HD-001',
      address: 'A',
      latitudeE6: 39_990_000,
      longitudeE6: 116_300_000,
    };
    await store.saveDetails(machine, { name: '图书馆一楼', deviceNo: 'HD-001', address: 'A' });
    expect(fake.calls).toEqual([]);
    await store.saveDetails(machine, { name: ' 图书馆二楼 ', deviceNo: '', address: 'B' });
    expect(fake.inputsOf('machines.update')).toEqual([{ machineId: 'm1', name: '图书馆二楼', deviceNo: null }]);
    expect(fake.inputsOf('machines.setLocation')).toEqual([
      { machineId: 'm1', address: 'B', latitudeE6: 39_990_000, longitudeE6: 116_300_000 },
    ]);
  });
});
