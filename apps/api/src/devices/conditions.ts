/**
 * Conditions a terminal reports (a missed heartbeat, the door left open, the cabinet too
 * warm, a controller fault, a jammed or empty channel, a payment device fault) become
 * alarms: raised once when the condition starts, resolved when it ends.
 */
import { and, eq, isNull, type TenantScope } from '@vmcloud/db';
import type { ALARM_KINDS, ALARM_SEVERITIES } from '@vmcloud/db/schema';

export type AlarmKind = (typeof ALARM_KINDS)[number];
export type AlarmSeverity = (typeof ALARM_SEVERITIES)[number];

export interface Condition {
  kind: AlarmKind;
  severity: AlarmSeverity;
  message: string;
  /** The channel it is about, for jams, empty channels, motor faults. */
  channelNumber?: number | null;
}

const sameChannel = (channelNumber: number | null | undefined) => (a: { channelNumber: number | null }) =>
  (a.channelNumber ?? null) === (channelNumber ?? null);

/** Raises the condition's alarm unless one of the same kind (and channel) is still open; true if it raised one. */
export async function raise(scope: TenantScope, machineId: string, condition: Condition, now: Date): Promise<boolean> {
  const open = await scope.alarms.find({
    where: (a) => and(eq(a.machineId, machineId), eq(a.kind, condition.kind), isNull(a.resolvedAt)),
  });
  if (open.some(sameChannel(condition.channelNumber))) return false;
  await scope.alarms.insert({
    machineId,
    kind: condition.kind,
    severity: condition.severity,
    message: condition.message.slice(0, 255),
    channelNumber: condition.channelNumber ?? null,
    raisedAt: now,
  });
  return true;
}

/** Resolves the machine's open alarms of this kind (and channel, when given); returns how many. */
export async function resolve(
  scope: TenantScope,
  machineId: string,
  kind: AlarmKind,
  now: Date,
  channelNumber?: number,
): Promise<number> {
  const open = await scope.alarms.find({
    where: (a) => and(eq(a.machineId, machineId), eq(a.kind, kind), isNull(a.resolvedAt)),
  });
  let n = 0;
  for (const alarm of open) {
    if (channelNumber !== undefined && alarm.channelNumber !== channelNumber) continue;
    await scope.alarms.update(alarm.id, { resolvedAt: now });
    n++;
  }
  return n;
}

/** Raises or resolves as `present` says. */
export async function track(
  scope: TenantScope,
  machineId: string,
  present: boolean,
  condition: Condition,
  now: Date,
): Promise<void> {
  if (present) await raise(scope, machineId, condition, now);
  else await resolve(scope, machineId, condition.kind, now, condition.channelNumber ?? undefined);
}
