/**
 * Alarms the machines raised (offline, door open, faults): acknowledging them, sending a
 * field worker to see to one, and the repair that worker records (the thesis's machine
 * maintenance, 售货机维护).
 */
import {
  and,
  asc,
  desc,
  eq,
  gte,
  inArray,
  isNotNull,
  isNull,
  lt,
  type PlatformScope,
  type Tables,
  type TenantScope,
  type Where,
} from '@vmcloud/db';
import { ALARM_KINDS, ALARM_SEVERITIES } from '@vmcloud/db/schema';
import { z } from 'zod';
import type { Writer } from '../shared/writer.js';
import { plain } from '../shared/plain.js';
import { conflict, forbidden, notFound, refused } from '../shared/errors.js';
import { id, Text, Timestamp } from '../shared/input.js';
import { offsetPage } from '../shared/paging.js';
import { P } from '../access/catalog.js';

/** Open: nobody has seen it yet; acknowledged: someone has, the fault is still there; resolved: it is over. */
export const ALARM_STATES = ['open', 'acknowledged', 'resolved'] as const;

export const AlarmListInput = z.object({
  machineId: id('machines').optional(),
  state: z.enum(ALARM_STATES).optional(),
  severity: z.enum(ALARM_SEVERITIES).optional(),
  kind: z.enum(ALARM_KINDS).optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  /** The field worker it is assigned to: a user id, or `me`, the caller. */
  assignedTo: z.union([id('users'), z.literal('me')], { error: "must be a user's id or me" }).optional(),
  /** True: alarms with a repair recorded; false: those without. */
  repaired: z.boolean().optional(),
  ...offsetPage(200, 50),
});

/** The filters of a field worker's own alarms (`alarms.mine`): those of the list but the assignee. */
export const MyAlarmListInput = AlarmListInput.omit({ assignedTo: true });

/**
 * Alarms, newest first, filtered by machine, state, severity, kind, when they were
 * raised, whom they are assigned to (`me`: `callerId`) and whether a repair is recorded.
 */
export async function listAlarms(scope: TenantScope, callerId: string, input: z.infer<typeof AlarmListInput>) {
  const assignedTo = input.assignedTo === 'me' ? callerId : input.assignedTo;
  const where: Where<Tables['alarms']> = (a) =>
    and(
      input.machineId ? eq(a.machineId, input.machineId) : undefined,
      assignedTo ? eq(a.assignedTo, assignedTo) : undefined,
      input.repaired === true ? isNotNull(a.repairedAt) : undefined,
      input.repaired === false ? isNull(a.repairedAt) : undefined,
      input.severity ? eq(a.severity, input.severity) : undefined,
      input.kind ? eq(a.kind, input.kind) : undefined,
      input.from ? gte(a.raisedAt, input.from) : undefined,
      input.to ? lt(a.raisedAt, input.to) : undefined,
      input.state === 'open' ? and(isNull(a.acknowledgedAt), isNull(a.resolvedAt)) : undefined,
      input.state === 'acknowledged' ? and(isNotNull(a.acknowledgedAt), isNull(a.resolvedAt)) : undefined,
      input.state === 'resolved' ? isNotNull(a.resolvedAt) : undefined,
    );
  const { rows: alarms, total } = await scope.alarms.page({
    where,
    orderBy: (a) => [desc(a.raisedAt), desc(a.id)],
    limit: input.limit,
    offset: input.offset,
  });
  const machineIds = [...new Set(alarms.map((a) => a.machineId))];
  const userIds = [
    ...new Set(alarms.flatMap((a) => [a.acknowledgedBy, a.assignedTo, a.repairedBy].filter((u) => u !== null))),
  ];
  const [machines, users] = await Promise.all([scope.machines.getMany(machineIds), scope.users.getMany(userIds)]);
  const nameOf = (userId: string | null) =>
    userId === null ? null : (users.find((u) => u.id === userId)?.displayName ?? null);
  return {
    items: alarms.map((a) => {
      const machine = machines.find((m) => m.id === a.machineId);
      return plain({
        ...a,
        state: a.resolvedAt ? 'resolved' : a.acknowledgedAt ? 'acknowledged' : 'open',
        machineName: machine?.name ?? null,
        boardId: machine?.boardId ?? null,
        acknowledgedByName: nameOf(a.acknowledgedBy),
        assignedToName: nameOf(a.assignedTo),
        repairedByName: nameOf(a.repairedBy),
      });
    }),
    total,
  };
}

/** Acknowledges an alarm: records who saw it and when (an alarm acknowledged before keeps its first acknowledgement). */
export async function acknowledgeAlarm(w: Writer, by: { userId: string }, alarmId: string, now: Date) {
  const before = await w.scope.alarms.get(alarmId);
  if (!before) throw notFound('Alarm');
  if (before.acknowledgedAt) {
    // Acknowledged before: the first acknowledgement stands.
    await w.audit({ entity: 'alarms', entityId: before.id, before, after: { alreadyAcknowledged: true } });
    return plain(before);
  }
  const patch = { acknowledgedAt: now, acknowledgedBy: by.userId, updatedAt: now, updatedBy: by.userId };
  await w.scope.alarms.update(before.id, patch);
  const after = { ...before, ...patch };
  await w.audit({ entity: 'alarms', entityId: before.id, before, after });
  return plain(after);
}

/**
 * Field staff: the users whose roles grant my machines (我的售货机), the permission through
 * which a field worker sees the machines in their care. Of `userIds` when given.
 */
async function fieldStaffIds(
  scope: TenantScope,
  platform: PlatformScope,
  userIds?: readonly string[],
): Promise<Set<string>> {
  const permission = await platform.permissions.findOne((p) => eq(p.code, P.myMachines));
  if (!permission) return new Set();
  const roleIds = (await scope.rolePermissions.find({ where: (rp) => eq(rp.permissionId, permission.id) })).map(
    (rp) => rp.roleId,
  );
  if (roleIds.length === 0 || userIds?.length === 0) return new Set();
  const links = await scope.userRoles.find({
    where: (ur) => and(inArray(ur.roleId, roleIds), userIds ? inArray(ur.userId, [...userIds]) : undefined),
  });
  return new Set(links.map((l) => l.userId));
}

/** The active field staff an alarm can be assigned to, by name. */
export async function listFieldStaff(scope: TenantScope, platform: PlatformScope) {
  const ids = await fieldStaffIds(scope, platform);
  if (ids.size === 0) return [];
  const users = await scope.users.find({
    where: (u) => and(inArray(u.id, [...ids]), eq(u.status, 'active')),
    orderBy: (u) => [asc(u.displayName), asc(u.username)],
  });
  return users.map((u) => ({ id: u.id, name: u.displayName || u.username, username: u.username }));
}

export const AssignAlarmInput = z.object({
  alarmId: id('alarms'),
  /** The field worker to send, or null: nobody. */
  userId: id('users').nullable(),
});

/**
 * Assigns an alarm to an active field worker of the tenant (null: to nobody). A user of
 * another tenant is unknown here, as any id that names nobody. Assigning the same worker
 * again keeps the first assignment's time.
 */
export async function assignAlarm(
  w: Writer,
  by: { userId: string },
  input: z.infer<typeof AssignAlarmInput>,
  now: Date,
) {
  const before = await w.scope.alarms.get(input.alarmId);
  if (!before) throw notFound('Alarm');
  if (input.userId !== null) {
    const user = await w.scope.users.get(input.userId);
    if (!user) throw notFound('User');
    if (user.status !== 'active') throw refused('userId', 'is disabled');
    if (!(await fieldStaffIds(w.scope, w.platform, [user.id])).has(user.id)) {
      throw refused('userId', 'is not field staff (no role of theirs grants my machines)');
    }
  }
  if (before.assignedTo === input.userId) {
    // Assigned so already: the first assignment's time stands.
    await w.audit({ entity: 'alarms', entityId: before.id, before, after: { alreadyAssigned: true } });
    return plain(before);
  }
  const patch = {
    assignedTo: input.userId,
    assignedAt: input.userId === null ? null : now,
    updatedAt: now,
    updatedBy: by.userId,
  };
  await w.scope.alarms.update(before.id, patch);
  const after = { ...before, ...patch };
  await w.audit({ entity: 'alarms', entityId: before.id, before, after });
  return plain(after);
}

export const RecordRepairInput = z.object({
  alarmId: id('alarms'),
  /** What was found and done. */
  note: Text(500),
});

/**
 * Who may record a repair:
 * - anyone holding alarms (告警), for any alarm of the tenant (`alarms.recordRepair`): the
 *   dispatcher records what the worker reported by phone;
 * - the field worker the alarm is assigned to, through my machines (`alarms.recordMyRepair`),
 *   as a field worker cancels their own stock request through my inventory: the worker
 *   holds no alarms permission, so the assignment is what lets them in, and an alarm
 *   assigned to someone else is refused.
 */
export type RepairAuthority = 'alarms' | 'assignee';

/**
 * Records the repair made for an alarm: who (the caller), when and what, and resolves the
 * alarm if it is not resolved yet. An alarm has one repair: a second is refused.
 */
export async function recordRepair(
  w: Writer,
  by: { userId: string },
  authority: RepairAuthority,
  input: z.infer<typeof RecordRepairInput>,
  now: Date,
) {
  const before = await w.scope.alarms.get(input.alarmId);
  if (!before) throw notFound('Alarm');
  if (authority === 'assignee' && before.assignedTo !== by.userId) {
    throw forbidden('Only the field worker the alarm is assigned to can record its repair');
  }
  if (before.repairedAt) throw conflict('A repair is already recorded for this alarm');
  const patch = {
    repairedBy: by.userId,
    repairedAt: now,
    repairNote: input.note,
    resolvedAt: before.resolvedAt ?? now,
    updatedAt: now,
    updatedBy: by.userId,
  };
  await w.scope.alarms.update(before.id, patch);
  const after = { ...before, ...patch };
  await w.audit({ entity: 'alarms', entityId: before.id, before, after });
  return plain(after);
}
