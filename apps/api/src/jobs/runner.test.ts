import { eq } from '@vmcloud/db';
import { openTestDatabase, testDialects, type TestDatabase } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../log.js';
import { JobRunner, type Job } from './runner.js';

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] job runner`, () => {
    let t: TestDatabase;
    let clock = Date.UTC(2026, 10, 22, 12);
    const log = createLogger('error', {}, () => undefined);

    beforeAll(async () => {
      t = await openTestDatabase(dialect);
    });
    afterAll(async () => {
      await t?.drop();
    });

    const runners = () =>
      ['api-a', 'api-b'].map(
        (holder) => new JobRunner({ db: t.db, log, jobs: [], holder, now: () => new Date(clock) }),
      );

    it('runs a job on one instance at a time, even when both try at once', async () => {
      const runs: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const job = (holder: string): Job => ({
        name: 'report',
        everyMs: 1000,
        async run() {
          runs.push(holder);
          await gate;
        },
      });
      const [a, b] = runners() as [JobRunner, JobRunner];
      const first = a.runOnce(job('api-a'));
      const second = b.runOnce(job('api-b'));
      // The gate opens once one instance has given up on the held lock (or, were the lock
      // broken, once both are inside the job), however long each takes to get there.
      let settled = 0;
      for (const attempt of [first, second]) void attempt.then(() => (settled += 1));
      while (settled === 0 && runs.length < 2) await new Promise((r) => setTimeout(r, 5));
      release();
      const ran = await Promise.all([first, second]);
      expect(ran.filter(Boolean)).toHaveLength(1);
      expect(runs).toHaveLength(1);

      // Released: the next run may go to either instance.
      expect(await b.runOnce(job('api-b'))).toBe(true);
      expect(runs).toEqual([runs[0], 'api-b']);
    });

    it('lets another instance take over a lock its holder never released, once it expires', async () => {
      const [a, b] = runners() as [JobRunner, JobRunner];
      const job: Job = { name: 'stuck', everyMs: 1000, timeoutMs: 60_000, run: async () => undefined };
      expect(await a.acquire(job)).toBe(true);
      expect(await b.acquire(job)).toBe(false);
      clock += 60_001;
      expect(await b.acquire(job)).toBe(true);
      const lock = await t.db.platform.jobLocks.findOne((l) => eq(l.name, 'stuck'));
      expect(lock?.holder).toBe('api-b');
      expect(await a.acquire(job)).toBe(false);
    });
  });
}
