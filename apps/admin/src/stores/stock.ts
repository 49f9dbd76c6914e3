/**
 * Stock lookups shared by the stock pages: the products one can pick and the field staff
 * one can name, each gathered from the procedures the signed-in user may call (the
 * warehouse for the inventory admin, their machines and holdings for a field worker), and
 * loaded once per session.
 */
import { P } from '@vmcloud/api/catalog';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, type ApiClient } from '../api/client';
import { todayIn } from '../api/stock';
import { useSessionStore } from './session';

export interface ProductOption {
  id: string;
  code: string;
  name: string;
  unit: string;
}

export interface StaffOption {
  id: string;
  username: string;
  displayName: string;
}

export interface MachineOption {
  id: string;
  name: string | null;
  boardId: string;
}

function byCode(a: ProductOption, b: ProductOption): number {
  return a.code.localeCompare(b.code);
}

function byName(a: StaffOption, b: StaffOption): number {
  return a.displayName.localeCompare(b.displayName) || a.username.localeCompare(b.username);
}

/** Adds each item not yet in `into` (by id). */
function addAll<T extends { id: string }>(into: Map<string, T>, items: Iterable<T | null | undefined>): void {
  for (const item of items) if (item && !into.has(item.id)) into.set(item.id, item);
}

/** The products the user can pick: the warehouse's list, else what their machines sell and they hold. */
export async function loadProductOptions(
  can: (code: string) => boolean,
  client: ApiClient = api,
): Promise<ProductOption[]> {
  const found = new Map<string, ProductOption>();
  if (can(P.warehouseShipping)) {
    const stock = await client.warehouse.list.query({ includeDiscontinued: false });
    addAll(
      found,
      stock.lines.map((l) => l.product),
    );
  } else {
    const [held, machines] = await Promise.all([
      can(P.myInventory) ? client.restocks.myInventory.query() : Promise.resolve({ lines: [] }),
      can(P.myMachines) ? client.machines.mine.query({ onlyNeedingStock: false }) : Promise.resolve([]),
    ]);
    addAll(
      found,
      held.lines.map((l) => l.product),
    );
    for (const machine of machines) {
      addAll(
        found,
        machine.channels.map((c) =>
          c.productId && c.productName
            ? { id: c.productId, code: c.productCode ?? '', name: c.productName, unit: '' }
            : null,
        ),
      );
    }
  }
  return [...found.values()].map(({ id, code, name, unit }) => ({ id, code, name, unit })).sort(byCode);
}

/**
 * The staff the user can name: the directory (or the user list) when they may read it,
 * and everyone who holds stock, asked for it or took part in a transfer they can see.
 */
export async function loadStaffOptions(
  can: (code: string) => boolean,
  timeZone: string,
  client: ApiClient = api,
): Promise<StaffOption[]> {
  const found = new Map<string, StaffOption>();
  const pick = (u: StaffOption | null | undefined) =>
    u ? { id: u.id, username: u.username, displayName: u.displayName } : null;
  const tasks: Promise<void>[] = [];
  if (can(P.staffInfo)) {
    tasks.push(client.users.directory.query({}).then((rows) => addAll(found, rows.map(pick))));
  } else if (can(P.user)) {
    tasks.push(client.users.list.query({ limit: 200, offset: 0 }).then((page) => addAll(found, page.items.map(pick))));
  }
  if (can(P.warehouseShipping)) {
    tasks.push(
      client.warehouse.staffInventory.query({}).then((rows) =>
        addAll(
          found,
          rows.map((r) => pick(r.staff)),
        ),
      ),
      client.shipments.list.query({ limit: 500, offset: 0 }).then((page) =>
        addAll(
          found,
          page.rows.map((r) => pick(r.staff)),
        ),
      ),
    );
  }
  if (can(P.goodsSettlement)) {
    const day = todayIn(timeZone);
    tasks.push(
      client.goodsSettlement.report.query({ from: day, to: day }).then((report) =>
        addAll(
          found,
          report.staff.map((s) => pick(s.staff)),
        ),
      ),
    );
  }
  if (can(P.transfer)) {
    tasks.push(
      client.transfers.list.query({ limit: 500, offset: 0 }).then((page) =>
        addAll(
          found,
          page.rows.flatMap((r) => [pick(r.from), pick(r.to)]),
        ),
      ),
    );
  }
  await Promise.all(tasks);
  return [...found.values()].sort(byName);
}

/**
 * The machines the user can name for a restock list: the fleet, else the field staff's (from
 * the goods settlement, for the inventory admin), else their own.
 */
export async function loadMachineOptions(
  can: (code: string) => boolean,
  timeZone: string,
  client: ApiClient = api,
): Promise<MachineOption[]> {
  const found = new Map<string, MachineOption>();
  const pick = (m: MachineOption) => ({ id: m.id, name: m.name, boardId: m.boardId });
  if (can(P.machine)) {
    const page = await client.machines.list.query({ limit: 200, offset: 0 });
    addAll(found, page.items.map(pick));
  } else if (can(P.goodsSettlement)) {
    const day = todayIn(timeZone);
    const report = await client.goodsSettlement.report.query({ from: day, to: day });
    addAll(
      found,
      report.staff.flatMap((s) => s.machines.map(pick)),
    );
  } else if (can(P.myMachines)) {
    addAll(found, (await client.machines.mine.query({ onlyNeedingStock: false })).map(pick));
  }
  return [...found.values()].sort((a, b) => a.boardId.localeCompare(b.boardId));
}

export const useStockStore = defineStore('stock', () => {
  const products = ref<ProductOption[]>([]);
  const staff = ref<StaffOption[]>([]);
  const machines = ref<MachineOption[]>([]);
  let productsLoaded: Promise<void> | null = null;
  let staffLoaded: Promise<void> | null = null;
  let machinesLoaded: Promise<void> | null = null;

  const can = (code: string) => useSessionStore().can(code);
  const timeZone = () => useSessionStore().me?.tenant.timeZone ?? 'Asia/Shanghai';

  /** Loads the product options once (again after `forget`); a failure lets the next call retry. */
  function loadProducts(client: ApiClient = api): Promise<void> {
    productsLoaded ??= loadProductOptions(can, client).then(
      (rows) => void (products.value = rows),
      (error: unknown) => {
        productsLoaded = null;
        throw error;
      },
    );
    return productsLoaded;
  }

  function loadStaff(client: ApiClient = api): Promise<void> {
    staffLoaded ??= loadStaffOptions(can, timeZone(), client).then(
      (rows) => void (staff.value = rows),
      (error: unknown) => {
        staffLoaded = null;
        throw error;
      },
    );
    return staffLoaded;
  }

  function loadMachines(client: ApiClient = api): Promise<void> {
    machinesLoaded ??= loadMachineOptions(can, timeZone(), client).then(
      (rows) => void (machines.value = rows),
      (error: unknown) => {
        machinesLoaded = null;
        throw error;
      },
    );
    return machinesLoaded;
  }

  /** Drops what was loaded (after a change that may add staff or products). */
  function forget(): void {
    productsLoaded = null;
    staffLoaded = null;
    machinesLoaded = null;
  }

  return { products, staff, machines, loadProducts, loadStaff, loadMachines, forget };
});
