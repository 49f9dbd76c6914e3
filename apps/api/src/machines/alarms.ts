/** Alarms the machines raised (offline, door open, faults), and acknowledging them. */
import { and, desc, eq, gte, isNotNull, isNull, lt, type Tables, type TenantScope, type Where } from '@vmcloud/db';
import { ALARM_KINDS, ALARM_SEVERITIES } from '@vmcloud/db/schema';
import { z } from 'zod';
import type { Writer } from '../shared/writer.js';
import { plain } from '../shared/plain.js';
import { notFound } from '../shared/errors.js';
import { id, Timestamp } from '../shared/input.js';
import { offsetPage } from '../shared/paging.js';

/** Open: nobody has seen it yet; acknowledged: someone has, the fault is still there; resolved: it is over. */
export const ALARM_STATES = ['open', 'acknowledged', 'resolved'] as const;

export const AlarmListInput = z.object({
  machineId: id('machines').optional(),
  state: z.enum(ALARM_STATES).optional(),
  severity: z.enum(ALARM_SEVERITIES).optional(),
  kind: z.enum(ALARM_KINDS).optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
  ...offsetPage(200, 50),
});

/** Alarms, newest first, filtered by machine, state, severity, kind and when they were raised. */
export async function listAlarms(scope: TenantScope, input: z.infer<typeof AlarmListInput>) {
  const where: Where<Tables['alarms']> = (a) =>
    and(
      input.machineId ? eq(a.machineId, input.machineId) : undefined,
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
  const userIds = [...new Set(alarms.flatMap((a) => (a.acknowledgedBy ? [a.acknowledgedBy] : [])))];
  const [machines, users] = await Promise.all([scope.machines.getMany(machineIds), scope.users.getMany(userIds)]);
  return {
    items: alarms.map((a) => {
      const machine = machines.find((m) => m.id === a.machineId);
      return plain({
        ...a,
        state: a.resolvedAt ? 'resolved' : a.acknowledgedAt ? 'acknowledged' : 'open',
        machineName: machine?.name ?? null,
        boardId: machine?.boardId ?? null,
        acknowledgedByName: users.find((u) => u.id === a.acknowledgedBy)?.displayName ?? null,
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
