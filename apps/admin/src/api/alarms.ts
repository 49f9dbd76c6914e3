/** Alarms the machines raised: the list, acknowledging one, assigning it to a field worker, recording its repair. */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';
import { api, type ApiClient } from './client';

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

export type AlarmFilter = Omit<Inputs['alarms']['list'], 'limit' | 'offset'>;
export type AlarmPage = Outputs['alarms']['list'];
export type Alarm = AlarmPage['items'][number];
export type AlarmKind = NonNullable<AlarmFilter['kind']>;
export type AlarmState = NonNullable<AlarmFilter['state']>;
export type AlarmSeverity = NonNullable<AlarmFilter['severity']>;
/** A field worker an alarm can be assigned to. */
export type FieldWorker = Outputs['alarms']['fieldStaff'][number];

export const ALARM_KINDS = [
  'offline',
  'door_open',
  'temperature',
  'motor_fault',
  'jam',
  'channel_empty',
  'bill_stacker_full',
  'coin_tube_low',
  'payment_device',
  'vmc_fault',
  'vmc_link',
] as const satisfies readonly AlarmKind[];
export const ALARM_STATES = ['open', 'acknowledged', 'resolved'] as const satisfies readonly AlarmState[];
export const ALARM_SEVERITIES = ['info', 'warning', 'critical'] as const satisfies readonly AlarmSeverity[];

export function fetchAlarms(
  filter: AlarmFilter & { limit: number; offset: number },
  client: ApiClient = api,
): Promise<AlarmPage> {
  return client.alarms.list.query(filter);
}

export function acknowledgeAlarm(alarmId: string, client: ApiClient = api) {
  return client.alarms.acknowledge.mutate({ alarmId });
}

/** The active field staff an alarm can be assigned to. */
export function fetchFieldStaff(client: ApiClient = api): Promise<FieldWorker[]> {
  return client.alarms.fieldStaff.query();
}

/** Assigns the alarm to a field worker, or (null) to nobody. */
export function assignAlarm(alarmId: string, userId: string | null, client: ApiClient = api) {
  return client.alarms.assign.mutate({ alarmId, userId });
}

/** Records the repair made for the alarm, which resolves it. */
export function recordAlarmRepair(alarmId: string, note: string, client: ApiClient = api) {
  return client.alarms.recordRepair.mutate({ alarmId, note });
}

/** The ElTag type of an alarm's severity. */
export const severityTag = (severity: AlarmSeverity) =>
  severity === 'critical' ? 'danger' : severity === 'warning' ? 'warning' : 'info';
/** The ElTag type of an alarm's state. */
export const stateTag = (state: string) =>
  state === 'open' ? 'danger' : state === 'acknowledged' ? 'warning' : 'success';
