/** The API's scheduled jobs. */
import { lt, type Database } from '@vmcloud/db';
import { THROTTLE_KEEP_MS } from '../auth/throttle.js';
import type { Job } from './runner.js';
import { forgetExpiredNonces } from '../devices/identity.js';
import { forgetExpiredEvents } from '../devices/events.js';
import { markOffline } from '../devices/heartbeat.js';
import type { DeviceServices } from '../devices/services.js';
import { watchPayments } from '../payments/checkout.js';

export { JobRunner, type Job, type JobRunnerOptions } from './runner.js';

/** Deletes ended sessions, tenant by tenant. */
export const expiredSessions: Job = {
  name: 'expired-sessions',
  everyMs: 15 * 60_000,
  async run(db: Database, now: Date) {
    let deleted = 0;
    for (const tenant of await db.platform.tenants.find()) {
      deleted += await db.forTenant(tenant.id).sessions.deleteWhere((s) => lt(s.expiresAt, now));
    }
    return { deleted };
  },
};

/** Forgets failed sign-ins that no longer count towards a lockout. */
export const staleLoginThrottles: Job = {
  name: 'stale-login-throttles',
  everyMs: 15 * 60_000,
  async run(db: Database, now: Date) {
    const before = new Date(now.getTime() - THROTTLE_KEEP_MS);
    const deleted = await db.platform.loginThrottles.deleteWhere((t) => lt(t.lastFailureAt, before));
    return { deleted };
  },
};

/** Forgets device nonces and events past their keeping time. */
export const deviceHousekeeping: Job = {
  name: 'device-housekeeping',
  everyMs: 5 * 60_000,
  async run(db: Database, now: Date) {
    return { nonces: await forgetExpiredNonces(db, now), events: await forgetExpiredEvents(db, now) };
  },
};

export const JOBS: readonly Job[] = [expiredSessions, staleLoginThrottles, deviceHousekeeping];

/** The jobs of the device channel and payments, which need the process's device services. */
export function deviceJobs(devices: DeviceServices, now: () => Date): Job[] {
  const { settings } = devices;
  return [
    {
      name: 'machines-offline',
      everyMs: Math.max(1000, Math.min(60_000, settings.heartbeatSeconds * 1000)),
      run: (db, at) => markOffline(db, at, settings.heartbeatSeconds),
    },
    {
      name: 'payments-watch',
      everyMs: Math.max(500, Math.min(5000, settings.qrExpirySeconds * 250)),
      run: (db) => watchPayments({ db, providers: devices.providers, hub: devices.hub, settings, now }),
    },
    {
      name: 'sandbox-notifications',
      everyMs: 1000,
      run: async () => ({ acknowledged: await devices.sandbox.deliverDue() }),
    },
  ];
}
