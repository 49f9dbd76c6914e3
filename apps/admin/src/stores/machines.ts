/**
 * Machines: the choices the fleet's filters and forms offer (machine groups, field staff,
 * machine types, products), one machine's page data refreshed in place, and the planogram edits of a
 * channel, each saved through its own procedure so that a refusal names the field it is about.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { api, failureCode, type ApiClient } from '../api/client';
import { fetchMachine, type MachineChannel, type MachineDetail } from '../api/machines';
import type { PageStateName } from '../components/page-state';

export interface Option {
  id: string;
  name: string;
}

/** A machine type of the operator's machines: model, name and layout (trays of slots). */
export interface MachineTypeOption extends Option {
  model: string;
  trays: number;
  slotsPerTray: number;
  machines: number;
}

export interface ProductOption extends Option {
  code: string;
  price: number;
  imageUrl: string | null;
}

/** A channel as the editor sends it: product, price in fen, capacity, in service or not. */
export interface ChannelForm {
  productId: string | null;
  price: number;
  capacity: number;
  enabled: boolean;
  disabledReason: string;
}

export type ChannelField = keyof ChannelForm;

/** A save that failed at one field of the channel form (the fields before it were saved). */
export class ChannelSaveError extends Error {
  constructor(
    readonly field: ChannelField,
    override readonly cause: unknown,
  ) {
    super(`saving ${field} failed`);
  }
}

/** Answers `[]` when the user may not list them (the filter then offers nothing to pick). */
async function orEmpty<T>(promise: Promise<T[]>): Promise<T[]> {
  try {
    return await promise;
  } catch (error) {
    if (failureCode(error) === 'FORBIDDEN') return [];
    throw error;
  }
}

export const useMachinesStore = defineStore('machines', () => {
  const groups = ref<Option[]>([]);
  const staff = ref<Option[]>([]);
  const types = ref<MachineTypeOption[]>([]);
  const products = ref<ProductOption[]>([]);

  const machine = shallowRef<MachineDetail | null>(null);
  const machineError = shallowRef<unknown>(null);
  let machineRequest = 0;
  /** The API client of the machine pages (another one in component tests). */
  const client = shallowRef<ApiClient>(api);
  function useClient(other: ApiClient): void {
    client.value = other;
  }

  /** Machine groups, active users and the types of the operator's machines, for filters and the assignment form. */
  async function loadOptions(): Promise<void> {
    const c = client.value;
    const [g, u, mt] = await Promise.all([
      orEmpty(c.groups.machine.list.query()),
      orEmpty(c.users.list.query({ status: 'active', limit: 200 }).then((page) => page.items)),
      orEmpty(c.machines.types.query()),
    ]);
    groups.value = g.map((x) => ({ id: x.id, name: x.name }));
    staff.value = u.map((x) => ({ id: x.id, name: x.displayName || x.username }));
    types.value = mt.map((x) => ({
      id: x.id,
      name: x.name,
      model: x.model,
      trays: x.trays,
      slotsPerTray: x.slotsPerTray,
      machines: x.machines,
    }));
  }

  /** Active products, for the channel editor. */
  async function loadProducts(): Promise<void> {
    const list = await orEmpty(client.value.products.list.query({ status: 'active', limit: 200 }).then((p) => p.items));
    products.value = list.map((p) => ({ id: p.id, name: p.name, code: p.code, price: p.price, imageUrl: p.imageUrl }));
  }

  /** Loads a machine (or the shown one again); a failed refresh keeps what is shown. */
  async function loadMachine(machineId: string): Promise<void> {
    const mine = ++machineRequest;
    if (machine.value && machine.value.machine.id !== machineId) machine.value = null;
    try {
      const next = await fetchMachine(machineId, client.value);
      if (mine !== machineRequest) return;
      machine.value = next;
      machineError.value = null;
    } catch (cause) {
      if (mine === machineRequest) machineError.value = cause;
    }
  }

  const machineState = computed<PageStateName>(() => {
    if (machine.value) return 'ready';
    if (machineError.value) return failureCode(machineError.value) === 'FORBIDDEN' ? 'refused' : 'error';
    return 'loading';
  });

  /**
   * Saves what changed in a channel: product (with its price), price, capacity, service.
   * Throws ChannelSaveError naming the field whose save was refused.
   */
  async function saveChannel(channel: MachineChannel, form: ChannelForm): Promise<void> {
    const c = client.value;
    const step = async (field: ChannelField, run: () => Promise<unknown>) => {
      try {
        await run();
      } catch (cause) {
        throw new ChannelSaveError(field, cause);
      }
    };
    const channelId = channel.id;
    if (form.productId !== channel.productId) {
      await step('productId', () =>
        c.channels.setProduct.mutate(
          form.productId ? { channelId, productId: form.productId, price: form.price } : { channelId, productId: null },
        ),
      );
    } else if (form.productId && form.price !== channel.price) {
      await step('price', () => c.channels.setPrice.mutate({ channelId, price: form.price }));
    }
    if (form.capacity !== channel.capacity) {
      await step('capacity', () => c.channels.setCapacity.mutate({ channelId, capacity: form.capacity }));
    }
    if (form.enabled !== channel.enabled) {
      await step(form.enabled ? 'enabled' : 'disabledReason', () =>
        form.enabled
          ? c.channels.activate.mutate({ channelId })
          : c.channels.deactivate.mutate({ channelId, reason: form.disabledReason }),
      );
    }
  }

  /** Puts the machine in a group and gives it a field worker (each only when it changed). */
  async function assign(
    target: { id: string; groupId: string | null; staffId: string | null },
    next: { groupId: string | null; staffId: string | null },
  ): Promise<void> {
    const c = client.value;
    if (next.groupId !== target.groupId) {
      await c.machines.setGroup.mutate({ machineId: target.id, groupId: next.groupId });
    }
    if (next.staffId !== target.staffId) {
      await c.machines.assignStaff.mutate({ machineId: target.id, staffId: next.staffId });
    }
  }

  /**
   * Changes what the operator knows a machine by (name, device number) and where it stands
   * (address; its coordinates kept), each only when it changed.
   */
  async function saveDetails(
    target: {
      id: string;
      name: string | null;
      deviceNo: string | null;
      address: string | null;
      latitudeE6: number | null;
      longitudeE6: number | null;
    },
    next: { name: string; deviceNo: string; address: string },
  ): Promise<void> {
    const c = client.value;
    const name = next.name.trim();
    const deviceNo = next.deviceNo.trim() || null;
    const address = next.address.trim() || null;
    if ((name && name !== target.name) || deviceNo !== target.deviceNo) {
      await c.machines.update.mutate({
        machineId: target.id,
        ...(name && name !== target.name ? { name } : {}),
        ...(deviceNo !== target.deviceNo ? { deviceNo } : {}),
      });
    }
    if (address !== target.address) {
      await c.machines.setLocation.mutate({
        machineId: target.id,
        address,
        latitudeE6: target.latitudeE6,
        longitudeE6: target.longitudeE6,
      });
    }
  }

  return {
    saveDetails,
    client,
    useClient,
    groups,
    staff,
    types,
    products,
    machine,
    machineError,
    machineState,
    loadOptions,
    loadProducts,
    loadMachine,
    saveChannel,
    assign,
  };
});
