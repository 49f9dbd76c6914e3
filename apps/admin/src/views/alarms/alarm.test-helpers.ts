/** A row of `alarms.list` and a signed-in operator holding alarms, for the alarm views' tests. */
import { P } from '@vmcloud/api/catalog';
import type { Me } from '../../api/auth';
import { useSessionStore } from '../../stores/session';

export function alarmRow(fields: Record<string, unknown> = {}) {
  return {
    id: 'a1',
    machineId: 'm1',
    kind: 'jam',
    channelNumber: 4,
    severity: 'critical',
    message: 'channel 4 jammed',
    raisedAt: '2026-12-07T01:00:00.000Z',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    assignedTo: null,
    assignedAt: null,
    repairedBy: null,
    repairedAt: null,
    repairNote: null,
    state: 'open',
    machineName: '图书馆一楼',
    boardId: 'VMC2026A0001',
    acknowledgedByName: null,
    assignedToName: null,
    repairedByName: null,
    ...fields,
  };
}

/** Two field workers, as `alarms.fieldStaff` answers. */
export const FIELD_STAFF = [
  { id: 'u1', name: '张伟', username: 'staff1' },
  { id: 'u2', name: '刘洋', username: 'staff2' },
];

/** Signs in an operator user holding the alarms permission (call after setActivePinia). */
export function signInWithAlarms(): void {
  useSessionStore().signedIn({
    user: { id: 'u0', username: 'admin', displayName: '王经理', groupId: null, groupAdmin: false },
    tenant: { id: 't1', code: '100001', name: 'Demo', kind: 'operator', timeZone: 'Asia/Shanghai' },
    permissions: [P.alarms],
    modules: ['alarms'],
    restricted: null,
    mustChangePassword: false,
    sessionExpiresAt: '2026-12-31T00:00:00.000Z',
  } as Me);
}
