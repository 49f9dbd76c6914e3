/** The API's scheduled jobs. */
import { lt, type Database } from '@vmcloud/db';
import { FAILURE_WINDOW_MS, MAX_LOCK_MS } from '../auth/login.js';
import type { Job } from './runner.js';

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
    const before = new Date(now.getTime() - Math.max(FAILURE_WINDOW_MS, MAX_LOCK_MS));
    const deleted = await db.platform.loginThrottles.deleteWhere((t) => lt(t.lastFailureAt, before));
    return { deleted };
  },
};

export const JOBS: readonly Job[] = [expiredSessions, staleLoginThrottles];
