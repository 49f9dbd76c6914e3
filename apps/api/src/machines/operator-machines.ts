/**
 * The operator's machines: the fleet list with online state, one machine with its
 * channels, naming and placing a machine, its group and field worker, activation codes
 * for its terminal, and a field worker's own machines with what they need restocked.
 * Machines come from the manufacturer that sold them; they are not created here.
 */
import {
  and,
  asc,
  eq,
  gt,
  inArray,
  isNull,
  ne,
  type PlatformScope,
  type Row,
  type Tables,
  type TenantScope,
} from '@vmcloud/db';
import { z } from 'zod';
import type { Writer } from '../shared/writer.js';
import { plain } from '../shared/plain.js';
import { notFound, refused } from '../shared/errors.js';
import { id, OptionalText, Text } from '../shared/input.js';
import { offsetPage } from '../shared/paging.js';
import { channelsOfMachine, describeChannels } from '../channels/planogram.js';
import { customFieldsOf } from '../custom-fields/values.js';
import { MachineFilterFields, machineFilter } from './filter.js';
import type { MachineType, MachineTypeReader } from './types-reader.js';
import { ACTIVATION_CODE_TTL_MS, hashActivationCode, newActivationCode } from './activation.js';
import { MachineNumber, numberConflict, numberTaken, sameNumber } from './numbers.js';

type Machine = Row<Tables['machines']>;
type MachinePatch = Partial<
  Pick<Machine, 'name' | 'deviceNo' | 'address' | 'latitudeE6' | 'longitudeE6' | 'groupId' | 'staffId'>
>;

/** The acting user. */
import type { Actor } from '../shared/writer.js';

export async function loadMachine(scope: TenantScope, machineId: string): Promise<Machine> {
  const machine = await scope.machines.get(machineId);
  if (!machine) throw notFound('Machine');
  return machine;
}

/** The machines with their online state, group and field worker, as the fleet list shows them. */
async function describeMachines(scope: TenantScope, machines: Machine[]) {
  const ids = machines.map((m) => m.id);
  const groupIds = [...new Set(machines.flatMap((m) => (m.groupId ? [m.groupId] : [])))];
  const staffIds = [...new Set(machines.flatMap((m) => (m.staffId ? [m.staffId] : [])))];
  const [statuses, groups, staff] = await Promise.all([
    ids.length === 0 ? [] : scope.machineStatus.find({ where: (s) => inArray(s.machineId, ids) }),
    scope.groups.getMany(groupIds),
    scope.users.getMany(staffIds),
  ]);
  return machines.map((m) => {
    const status = statuses.find((s) => s.machineId === m.id);
    const worker = staff.find((u) => u.id === m.staffId);
    return plain({
      ...m,
      online: status?.online ?? false,
      lastHeartbeatAt: status?.lastHeartbeatAt ?? null,
      groupName: groups.find((g) => g.id === m.groupId)?.name ?? null,
      staffName: worker?.displayName ?? null,
    });
  });
}

export const Latitude = z
  .number()
  .int('must be a whole number of millionths of a degree')
  .min(-90_000_000)
  .max(90_000_000);
export const Longitude = z
  .number()
  .int('must be a whole number of millionths of a degree')
  .min(-180_000_000)
  .max(180_000_000);

/** Updates a machine and audits the change. */
async function updateMachine(w: Writer, userId: string, machine: Machine, patch: MachinePatch, now: Date) {
  const changes = { ...patch, updatedAt: now, updatedBy: userId };
  try {
    await w.scope.machines.update(machine.id, changes);
  } catch (error) {
    throw numberConflict(error, ['deviceNo']) ?? error;
  }
  const after = { ...machine, ...changes };
  await w.audit({ entity: 'machines', entityId: machine.id, before: machine, after });
  return after;
}

export const MachineListInput = z.object({
  ...MachineFilterFields,
  ...offsetPage(200, 50),
});

/** The fleet, filtered as machines/filter.ts says, by board id. */
export async function listMachines(scope: TenantScope, input: z.infer<typeof MachineListInput>) {
  const where = await machineFilter(scope, input);
  const { rows: machines, total } = await scope.machines.page({
    where,
    orderBy: (m) => [asc(m.boardId)],
    limit: input.limit,
    offset: input.offset,
  });
  return { items: await describeMachines(scope, machines), total };
}

/**
 * One machine: its details, terminal status, channels, channel groups and custom fields.
 * `platform` is read for the terminal's key (a platform table), the operator's own only.
 */
export async function machineDetail(scope: TenantScope, platform: PlatformScope, machineId: string) {
  const machine = await loadMachine(scope, machineId);
  const [described, status, channels, channelGroups, customFields, credential] = await Promise.all([
    describeMachines(scope, [machine]),
    scope.machineStatus.findOne((s) => eq(s.machineId, machine.id)),
    channelsOfMachine(scope, machine.id),
    scope.channelGroups.find({ where: (g) => eq(g.machineId, machine.id), orderBy: (g) => [asc(g.name)] }),
    customFieldsOf(scope, 'machine', machine.id),
    platform.deviceCredentials.findOne((d) =>
      and(eq(d.tenantId, scope.tenantId), eq(d.machineId, machine.id), isNull(d.revokedAt)),
    ),
  ]);
  return {
    machine: described[0] as (typeof described)[number],
    status: status ? plain(status) : null,
    terminal: credential ? plain({ keyId: credential.keyId, activatedAt: credential.activatedAt }) : null,
    channels: await describeChannels(scope, channels),
    channelGroups: channelGroups.map((g) => plain(g)),
    customFields,
  };
}

export const UpdateMachineInput = z.object({
  machineId: id('machines'),
  name: Text(64).optional(),
  /** The operator's device number: unique among its machines; null or empty for none. */
  deviceNo: MachineNumber.optional(),
});

/**
 * Changes what the operator knows a machine by: its name and its device number (unique
 * among the operator's machines, in any case; null for none). A field left out stays.
 */
export async function updateMachineNames(w: Writer, by: Actor, input: z.infer<typeof UpdateMachineInput>, now: Date) {
  const machine = await loadMachine(w.scope, input.machineId);
  const { deviceNo } = input;
  if (deviceNo) {
    const clash = await w.scope.machines.findOne((m) => and(sameNumber(m.deviceNo, deviceNo), ne(m.id, machine.id)));
    if (clash) throw numberTaken('deviceNo');
  }
  const patch: MachinePatch = {};
  if (input.name !== undefined) patch.name = input.name;
  if (deviceNo !== undefined) patch.deviceNo = deviceNo;
  const described = await describeMachines(w.scope, [await updateMachine(w, by.userId, machine, patch, now)]);
  return described[0] as (typeof described)[number];
}

/** Gives a machine the name the operator knows it by. */
export async function renameMachine(w: Writer, by: Actor, machineId: string, name: string, now: Date) {
  const machine = await loadMachine(w.scope, machineId);
  return plain(await updateMachine(w, by.userId, machine, { name }, now));
}

export const LocationInput = z.object({
  machineId: id('machines'),
  address: OptionalText(255),
  latitudeE6: Latitude.nullable(),
  longitudeE6: Longitude.nullable(),
});

/**
 * Sets where a machine stands: its address and its location (WGS-84, millionths of a
 * degree), both coordinates or neither.
 */
export async function setMachineLocation(w: Writer, by: Actor, input: z.infer<typeof LocationInput>, now: Date) {
  if ((input.latitudeE6 === null) !== (input.longitudeE6 === null)) {
    throw refused(input.latitudeE6 === null ? 'latitudeE6' : 'longitudeE6', 'is required with the other coordinate');
  }
  const machine = await loadMachine(w.scope, input.machineId);
  const patch = { address: input.address, latitudeE6: input.latitudeE6, longitudeE6: input.longitudeE6 };
  return plain(await updateMachine(w, by.userId, machine, patch, now));
}

/** Puts a machine in one of the operator's machine groups, or in none. */
export async function setMachineGroup(w: Writer, by: Actor, machineId: string, groupId: string | null, now: Date) {
  const machine = await loadMachine(w.scope, machineId);
  if (groupId) {
    const group = await w.scope.groups.get(groupId);
    if (!group) throw notFound('Group');
    if (group.type !== 'machine') throw refused('groupId', 'is a staff group, not a machine group');
  }
  return plain(await updateMachine(w, by.userId, machine, { groupId }, now));
}

/** Makes a field worker responsible for restocking a machine, or nobody. */
export async function assignMachineStaff(w: Writer, by: Actor, machineId: string, staffId: string | null, now: Date) {
  const machine = await loadMachine(w.scope, machineId);
  if (staffId) {
    const staff = await w.scope.users.get(staffId);
    if (!staff) throw notFound('User');
    if (staff.status !== 'active') throw refused('staffId', 'is disabled');
  }
  return plain(await updateMachine(w, by.userId, machine, { staffId }, now));
}

/**
 * Issues a one-time code for the machine's terminal to activate with, valid for 24 hours;
 * earlier unused codes stop working. The code is answered this once: only its hash is kept.
 */
export async function issueActivationCode(w: Writer, by: Actor, machineId: string, now: Date) {
  const userId = by.userId;
  const code = newActivationCode();
  const machine = await loadMachine(w.scope, machineId);
  if (machine.status === 'retired') throw refused('machineId', 'is retired');
  const revoked = await w.scope.activationCodes.updateWhere(
    (a) => and(eq(a.machineId, machine.id), isNull(a.usedAt), gt(a.expiresAt, now)),
    { expiresAt: now, updatedAt: now, updatedBy: userId },
  );
  const row = await w.scope.activationCodes.insert({
    machineId: machine.id,
    codeHash: hashActivationCode(code),
    expiresAt: new Date(now.getTime() + ACTIVATION_CODE_TTL_MS),
    createdBy: userId,
    updatedBy: userId,
  });
  await w.audit({
    entity: 'activationCodes',
    entityId: row.id,
    after: { machineId: machine.id, expiresAt: row.expiresAt, revokedEarlierCodes: revoked },
  });
  return { id: row.id, machineId: row.machineId, code, expiresAt: row.expiresAt.toISOString() };
}

/**
 * A field worker's machines, each with its channels and what each needs to be full, the
 * emptiest machines first.
 */
export async function myMachines(scope: TenantScope, staffId: string, onlyNeedingStock: boolean) {
  const machines = await scope.machines.find({
    where: (m) => eq(m.staffId, staffId),
    orderBy: (m) => [asc(m.boardId)],
  });
  const described = await describeMachines(scope, machines);
  const ids = machines.map((m) => m.id);
  const allChannels = await describeChannels(
    scope,
    ids.length === 0 ? [] : await scope.channels.find({ where: (c) => inArray(c.machineId, ids) }),
  );
  const result = [];
  for (const machine of described) {
    const channels = allChannels.filter((c) => c.machineId === machine.id);
    const stocked = channels.filter((c) => c.productId !== null && c.enabled);
    const missing = stocked.reduce((sum, c) => sum + c.free, 0);
    result.push({
      id: machine.id,
      boardId: machine.boardId,
      name: machine.name,
      address: machine.address,
      latitudeE6: machine.latitudeE6,
      longitudeE6: machine.longitudeE6,
      online: machine.online,
      lastHeartbeatAt: machine.lastHeartbeatAt,
      stock: stocked.reduce((sum, c) => sum + c.stock, 0),
      capacity: stocked.reduce((sum, c) => sum + c.capacity, 0),
      missing,
      emptyChannels: stocked.filter((c) => c.stock === 0).length,
      channels: channels.map((c) => ({ ...c, missing: c.productId !== null && c.enabled ? c.free : 0 })),
    });
  }
  return result
    .filter((m) => !onlyNeedingStock || m.missing > 0)
    .sort((a, b) => b.missing - a.missing || a.boardId.localeCompare(b.boardId));
}

/**
 * The machine types of the machines the operator holds, by model: each type's model, name,
 * layout (trays of slots, channel capacity when new, refrigerated) and how many of the
 * operator's machines are of it.
 */
export async function heldMachineTypes(scope: TenantScope, readTypes: MachineTypeReader) {
  const machines = await scope.machines.find();
  const byMaker = new Map<string, Map<string, number>>();
  for (const m of machines) {
    const counts = byMaker.get(m.manufacturerId) ?? new Map<string, number>();
    counts.set(m.typeId, (counts.get(m.typeId) ?? 0) + 1);
    byMaker.set(m.manufacturerId, counts);
  }
  const types: (Pick<
    MachineType,
    'id' | 'model' | 'name' | 'trays' | 'slotsPerTray' | 'defaultCapacity' | 'refrigerated'
  > & {
    machines: number;
  })[] = [];
  for (const [makerId, counts] of byMaker) {
    for (const t of await readTypes(makerId, [...counts.keys()])) {
      types.push({
        id: t.id,
        model: t.model,
        name: t.name,
        trays: t.trays,
        slotsPerTray: t.slotsPerTray,
        defaultCapacity: t.defaultCapacity,
        refrigerated: t.refrigerated,
        machines: counts.get(t.id) ?? 0,
      });
    }
  }
  return types.sort((a, b) => a.model.localeCompare(b.model) || a.id.localeCompare(b.id));
}
