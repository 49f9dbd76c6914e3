/**
 * The filters of an operator's fleet lists, defined once: the machines list
 * (`machines.list`) and the fleet with live status (`dashboard.fleet`) filter the same way,
 * by machine group, field worker, online or offline (as the terminals last reported),
 * status, machine type, text in the board id, device number or nameplate number (in any
 * case), and text in any of those, the name or the address.
 */
import { and, containsText, eq, inArray, notInArray, or, type Tables, type TenantScope, type Where } from '@vmcloud/db';
import { MACHINE_STATUSES } from '@vmcloud/db/schema';
import { z } from 'zod';
import { id } from '../shared/input.js';
import { containsNumber, MachineNumberFilter } from './numbers.js';

/** The fields of a fleet filter (`z.object({ ...MachineFilterFields, ... })`). */
export const MachineFilterFields = {
  groupId: id('groups').optional(),
  staffId: id('users').optional(),
  online: z.boolean().optional(),
  status: z.enum(MACHINE_STATUSES).optional(),
  /** The machine type (one of `machines.types`). */
  typeId: id('machineTypes').optional(),
  /** Text in the board id, in any case. */
  boardId: MachineNumberFilter,
  /** Text in the operator's device number, in any case. */
  deviceNo: MachineNumberFilter,
  /** Text in the manufacturer's nameplate number, in any case. */
  nameplateNo: MachineNumberFilter,
  search: z.string().trim().max(64, 'must be at most 64 characters').optional(),
};

export type MachineFilter = z.infer<z.ZodObject<typeof MachineFilterFields>>;

/**
 * The condition on `scope`'s machines that `filter` makes. Reads the online machines first
 * when the filter asks for online or offline ones.
 */
export async function machineFilter(scope: TenantScope, filter: MachineFilter): Promise<Where<Tables['machines']>> {
  const onlineIds =
    filter.online === undefined
      ? []
      : (await scope.machineStatus.find({ where: (s) => eq(s.online, true) })).map((s) => s.machineId);
  return (m) =>
    and(
      filter.groupId ? eq(m.groupId, filter.groupId) : undefined,
      filter.staffId ? eq(m.staffId, filter.staffId) : undefined,
      filter.status ? eq(m.status, filter.status) : undefined,
      filter.typeId ? eq(m.typeId, filter.typeId) : undefined,
      filter.online === true ? inArray(m.id, onlineIds.length ? onlineIds : ['']) : undefined,
      filter.online === false && onlineIds.length ? notInArray(m.id, onlineIds) : undefined,
      filter.boardId ? containsNumber(m.boardId, filter.boardId) : undefined,
      filter.deviceNo ? containsNumber(m.deviceNo, filter.deviceNo) : undefined,
      filter.nameplateNo ? containsNumber(m.nameplateNo, filter.nameplateNo) : undefined,
      filter.search
        ? or(
            containsText(m.name, filter.search),
            containsText(m.boardId, filter.search),
            containsText(m.deviceNo, filter.search),
            containsText(m.nameplateNo, filter.search),
            containsText(m.address, filter.search),
          )
        : undefined,
    );
}
