/**
 * The machines the manufacturer builds, wherever they are: its machine types, the
 * machines it built (added by controller board id, held by the manufacturer until sold to
 * an operator within the operator's machine quota) and their machine sales.
 *
 * A machine's holder is the tenant its row belongs to: selling moves the row from the
 * manufacturer's scope into the operator's, keeping its id. Machines sold are described
 * with the operator holding them (by name) and nothing of the operator's use of them: no
 * name, address, staff, stock or orders.
 */
import { and, asc, desc, eq, inArray, ne, or, type PlatformScope, type Row, type SQL, type Tables } from '@vmcloud/db';
import { channelCountOf, layOutChannels } from '../channels/layout.js';
import { conflict, notFound, refused } from '../shared/errors.js';
import type { ManufacturerWriter } from '../shared/writer.js';
import { loadOperator, type Tenant, type Tenants } from '../tenants/operators.js';
import { containsNumber, numberConflict, numberTaken, sameNumber } from './numbers.js';

type Machine = Row<Tables['machines']>;
type MachineType = Row<Tables['machineTypes']>;

/** The manufacturer's view of every tenant: its cross-tenant handle and the platform tables. */
export interface Fleet {
  tenants: Tenants;
  platform: PlatformScope;
  /** The manufacturer tenant. */
  manufacturerId: string;
}

// --- Machine types ---------------------------------------------------------------------------

export interface MachineTypeFields {
  model: string;
  name: string;
  /** Trays (shelves) from top to bottom. */
  trays: number;
  /** Channels on each tray. */
  slotsPerTray: number;
  /** Capacity of each channel when a machine of the type leaves the factory. */
  defaultCapacity: number;
  refrigerated: boolean;
  description: string | null;
}

/** A machine type as the manufacturer sees it: with the number of channels its layout makes. */
export function describeMachineType(type: MachineType) {
  return { ...type, channelCount: channelCountOf(type) };
}

async function loadMachineType(w: ManufacturerWriter, typeId: string): Promise<MachineType> {
  const type = await w.scope.machineTypes.get(typeId);
  if (!type) throw notFound('Machine type');
  return type;
}

/** Refuses a model another machine type has. */
async function assertModelFree(w: ManufacturerWriter, model: string, exceptId?: string) {
  const clash = await w.scope.machineTypes.findOne((t) =>
    exceptId ? and(eq(t.model, model), ne(t.id, exceptId)) : eq(t.model, model),
  );
  if (clash) throw conflict('model: is taken');
}

/** Adds a machine type; its model is unique. */
export async function createMachineType(w: ManufacturerWriter, by: string, input: MachineTypeFields) {
  await assertModelFree(w, input.model);
  const type = await w.scope.machineTypes.insert({ ...input, createdBy: by });
  await w.audit({ entity: 'machine_types', entityId: type.id, after: type });
  return type;
}

/** Changes a machine type; machines already built keep their channels. */
export async function updateMachineType(
  w: ManufacturerWriter,
  by: string,
  typeId: string,
  patch: Partial<MachineTypeFields>,
) {
  const before = await loadMachineType(w, typeId);
  if (patch.model !== undefined && patch.model !== before.model) await assertModelFree(w, patch.model, before.id);
  await w.scope.machineTypes.update(before.id, { ...patch, updatedBy: by });
  const after = (await w.scope.machineTypes.get(before.id)) ?? before;
  await w.audit({ entity: 'machine_types', entityId: before.id, before, after });
  return after;
}

/** Deletes a machine type no machine was built of. */
export async function deleteMachineType(w: ManufacturerWriter, typeId: string): Promise<void> {
  const type = await loadMachineType(w, typeId);
  const built = await countBuilt(
    { tenants: w.tx, platform: w.platform, manufacturerId: w.scope.tenantId },
    { typeId: type.id },
  );
  if (built > 0) throw refused('typeId', `${built} machines of this type were built`);
  await w.scope.machineTypes.delete(type.id);
  await w.audit({ entity: 'machine_types', entityId: type.id, before: type });
}

// --- Machines built ----------------------------------------------------------------------------

/**
 * The tenants that may hold machines this manufacturer built: itself first, then the
 * operators (by name); only `operatorId` when given.
 */
export async function holders(fleet: Fleet, operatorId?: string): Promise<Tenant[]> {
  const self = await fleet.platform.tenants.get(fleet.manufacturerId);
  if (!self) throw notFound('Tenant');
  if (operatorId) return [await loadOperator(fleet.platform, operatorId)];
  const operators = await fleet.platform.tenants.find({
    where: (t) => eq(t.kind, 'operator'),
    orderBy: (t) => [asc(t.name)],
  });
  return [self, ...operators];
}

export interface MachineFilter {
  typeId?: string;
  /** Text in the board id, in any case. */
  boardId?: string | null;
  /** Text in the nameplate number, in any case. */
  nameplateNo?: string | null;
}

function builtBy(manufacturerId: string, filter: MachineFilter) {
  return (m: Tables['machines']['sqlite']): SQL | undefined => {
    const parts: (SQL | undefined)[] = [eq(m.manufacturerId, manufacturerId)];
    if (filter.typeId) parts.push(eq(m.typeId, filter.typeId));
    if (filter.boardId) parts.push(containsNumber(m.boardId, filter.boardId));
    if (filter.nameplateNo) parts.push(containsNumber(m.nameplateNo, filter.nameplateNo));
    return and(...parts);
  };
}

/** How many machines this manufacturer built match `filter`, wherever they are. */
export async function countBuilt(fleet: Fleet, filter: MachineFilter): Promise<number> {
  let n = 0;
  for (const holder of await holders(fleet)) {
    n += await fleet.tenants.forTenant(holder.id).machines.count(builtBy(fleet.manufacturerId, filter));
  }
  return n;
}

/** Machines as the manufacturer sees them: type, price, and for one sold, the operator holding it and the machine sale. */
export async function describeMachines(fleet: Fleet, rows: { machine: Machine; holder: Tenant }[]) {
  const scope = fleet.tenants.forTenant(fleet.manufacturerId);
  const types = new Map((await scope.machineTypes.find()).map((t) => [t.id, t]));
  const sold = rows.filter((r) => r.holder.id !== fleet.manufacturerId).map((r) => r.machine.id);
  const machineSales =
    sold.length === 0
      ? []
      : await scope.machineSales.find({ where: (s) => inArray(s.machineId, sold), orderBy: (s) => [desc(s.soldAt)] });
  return rows.map(({ machine, holder }) => {
    const type = types.get(machine.typeId);
    const machineSale = machineSales.find((s) => s.machineId === machine.id && s.operatorId === holder.id);
    const inStock = holder.id === fleet.manufacturerId;
    return {
      id: machine.id,
      boardId: machine.boardId,
      nameplateNo: machine.nameplateNo,
      typeId: machine.typeId,
      model: type?.model ?? null,
      typeName: type?.name ?? null,
      price: machine.price,
      status: inStock ? ('in_stock' as const) : ('sold' as const),
      createdAt: machine.createdAt,
      soldTo: inStock ? null : { tenantId: holder.id, name: holder.name },
      soldAt: machineSale?.soldAt ?? null,
      machineSalePrice: machineSale?.price ?? null,
    };
  });
}

/** One machine still in the manufacturer's stock, described. */
export async function describeInStock(fleet: Fleet, machine: Machine) {
  const self = await fleet.platform.tenants.get(fleet.manufacturerId);
  if (!self) throw notFound('Tenant');
  const [described] = await describeMachines(fleet, [{ machine, holder: self }]);
  return described;
}

/**
 * A page of the machines the manufacturer built: those in stock first, then those sold,
 * by operator name, each by board id.
 */
export async function listBuilt(
  fleet: Fleet,
  filter: MachineFilter & { status?: 'in_stock' | 'sold'; operatorId?: string },
  page: { limit: number; offset: number },
) {
  if (filter.typeId && !(await fleet.tenants.forTenant(fleet.manufacturerId).machineTypes.get(filter.typeId))) {
    throw notFound('Machine type');
  }
  let tenants = await holders(fleet, filter.operatorId);
  if (filter.status === 'in_stock') tenants = tenants.filter((t) => t.id === fleet.manufacturerId);
  if (filter.status === 'sold') tenants = tenants.filter((t) => t.id !== fleet.manufacturerId);
  const where = builtBy(fleet.manufacturerId, filter);
  let total = 0;
  let skip = page.offset;
  const rows: { machine: Machine; holder: Tenant }[] = [];
  for (const holder of tenants) {
    const scope = fleet.tenants.forTenant(holder.id);
    const n = await scope.machines.count(where);
    total += n;
    if (rows.length >= page.limit || n === 0) continue;
    if (skip >= n) {
      skip -= n;
      continue;
    }
    const found = await scope.machines.find({
      where,
      orderBy: (m) => [asc(m.boardId)],
      limit: page.limit - rows.length,
      offset: skip,
    });
    skip = 0;
    rows.push(...found.map((machine) => ({ machine, holder })));
  }
  return { total, items: await describeMachines(fleet, rows) };
}

/** The writer's view of every tenant, as a fleet. */
const fleetOf = (w: ManufacturerWriter): Fleet => ({
  tenants: w.tx,
  platform: w.platform,
  manufacturerId: w.scope.tenantId,
});

/** Refuses a board id or nameplate number that a machine anywhere on the platform has. */
async function assertNumbersFree(w: ManufacturerWriter, input: { boardId: string; nameplateNo: string | null }) {
  const { nameplateNo } = input;
  for (const holder of await holders(fleetOf(w))) {
    const clash = await w.tx
      .forTenant(holder.id)
      .machines.findOne((m) =>
        or(eq(m.boardId, input.boardId), nameplateNo ? sameNumber(m.nameplateNo, nameplateNo) : undefined),
      );
    if (clash) throw numberTaken(clash.boardId === input.boardId ? 'boardId' : 'nameplateNo');
  }
}

/**
 * Adds a machine the manufacturer built, by its controller board id (unique on the
 * platform), with the number on its nameplate (unique on the platform too) if it has one.
 * It leaves the factory with every channel of its type: empty, without a product, in
 * service, at the type's default capacity.
 */
export async function addMachine(
  w: ManufacturerWriter,
  by: string,
  input: { boardId: string; typeId: string; price: number; nameplateNo?: string | null },
): Promise<Machine> {
  const type = await loadMachineType(w, input.typeId);
  const nameplateNo = input.nameplateNo ?? null;
  await assertNumbersFree(w, { boardId: input.boardId, nameplateNo });
  let machine: Machine;
  try {
    machine = await w.scope.machines.insert({
      boardId: input.boardId,
      nameplateNo,
      typeId: type.id,
      manufacturerId: w.scope.tenantId,
      price: input.price,
      status: 'in_stock',
      createdBy: by,
    });
  } catch (error) {
    throw numberConflict(error, ['boardId', 'nameplateNo']) ?? error;
  }
  const channels = await layOutChannels(w.scope, machine, type, by);
  await w.audit({ entity: 'machines', entityId: machine.id, after: { ...machine, channels } });
  return machine;
}

async function loadInStock(w: ManufacturerWriter, machineId: string): Promise<Machine> {
  const machine = await w.scope.machines.get(machineId);
  if (!machine) throw notFound('Machine');
  return machine;
}

/** Changes the list price of a machine in stock. */
export async function setMachinePrice(
  w: ManufacturerWriter,
  by: string,
  input: { machineId: string; price: number },
): Promise<Machine> {
  const machine = await loadInStock(w, input.machineId);
  await w.scope.machines.update(machine.id, { price: input.price, updatedBy: by });
  await w.audit({
    entity: 'machines',
    entityId: machine.id,
    before: { price: machine.price },
    after: { price: input.price },
  });
  return { ...machine, price: input.price };
}

/** Removes a machine still in stock (added by mistake), with its channels. */
export async function removeMachine(w: ManufacturerWriter, machineId: string): Promise<void> {
  const machine = await loadInStock(w, machineId);
  await w.scope.channels.deleteWhere((c) => eq(c.machineId, machine.id));
  await w.scope.machines.delete(machine.id);
  await w.audit({ entity: 'machines', entityId: machine.id, before: machine });
}

/**
 * Sells a machine in stock to an operator, within the operator's machine quota: the
 * operator holds it from now on (active), with its channels, and a machine sale records
 * the price (the list price unless another is given). A machine in stock without the
 * channels of its type (added before machines got them) gets them on the way.
 */
export async function sellMachine(
  w: ManufacturerWriter,
  by: string,
  input: { machineId: string; operatorId: string; price?: number },
  now: Date,
): Promise<{ machine: Machine; operator: Tenant }> {
  const machine = await loadInStock(w, input.machineId);
  const operator = await loadOperator(w.platform, input.operatorId);
  const target = w.tx.forTenant(operator.id);
  const held = await target.machines.count();
  if (held >= operator.machineQuota) {
    throw refused(
      'operatorId',
      `the operator already holds ${held} of the ${operator.machineQuota} machines its lease allows`,
    );
  }
  // Channels are the holder's rows like the machine: they move with it, keeping their ids.
  const channels = await w.scope.channels.find({ where: (c) => eq(c.machineId, machine.id) });
  await w.scope.channels.deleteWhere((c) => eq(c.machineId, machine.id));
  const { tenantId: _from, ...fields } = machine;
  await w.scope.machines.delete(machine.id);
  // The kiosk's service PIN is sealed for the holder's row and known to the holder: the
  // new operator's terminal gets a new one at activation.
  const moved = await target.machines.insert({
    ...fields,
    servicePin: null,
    status: 'active',
    heldSince: now,
    updatedAt: now,
    updatedBy: by,
  });
  await target.channels.insertMany(channels.map(({ tenantId: _channelFrom, ...channel }) => channel));
  const laidOut = await layOutChannels(target, moved, await loadMachineType(w, machine.typeId), by);
  const price = input.price ?? machine.price;
  const machineSale = await w.scope.machineSales.insert({
    machineId: machine.id,
    operatorId: operator.id,
    price,
    soldAt: now,
    createdBy: by,
  });
  await w.audit({
    entity: 'machines',
    entityId: machine.id,
    before: { holder: w.scope.tenantId, status: machine.status },
    after: {
      holder: operator.id,
      status: moved.status,
      machineSaleId: machineSale.id,
      price,
      channels: channels.length + laidOut,
    },
  });
  return { machine: moved, operator };
}
