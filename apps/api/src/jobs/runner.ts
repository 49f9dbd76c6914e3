/**
 * Scheduled jobs. Each run takes a lease on the job's row in `job_locks`, so that when
 * several API instances share a database, one of them runs each job at a time; a lease
 * that its holder did not release (the instance died) expires after the job's timeout.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, type Database } from '@vmcloud/db';
import { isUniqueViolation } from '../shared/errors.js';
import type { Logger } from '../log.js';

export interface Job {
  /** Unique name; also the lock's name. */
  name: string;
  /** How often to run it. */
  everyMs: number;
  /** How long one run may hold the lock before another instance may take it over. */
  timeoutMs?: number;
  run(db: Database, now: Date): Promise<Record<string, unknown> | void>;
}

export interface JobRunnerOptions {
  db: Database;
  log: Logger;
  jobs: readonly Job[];
  /** This instance's name in the locks (default: a random id). */
  holder?: string;
  now?: () => Date;
}

export class JobRunner {
  readonly holder: string;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly now: () => Date;

  constructor(private readonly options: JobRunnerOptions) {
    this.holder = options.holder ?? `api-${randomUUID().slice(0, 8)}`;
    this.now = options.now ?? (() => new Date());
  }

  /** Takes the job's lock if it is free or expired; true if this instance now holds it. */
  async acquire(job: Job): Promise<boolean> {
    const { db } = this.options;
    const now = this.now();
    const until = new Date(now.getTime() + (job.timeoutMs ?? 10 * 60_000));
    return db
      .transaction(async (tx) => {
        const lock = await tx.platform.jobLocks.findOne((l) => eq(l.name, job.name));
        if (!lock) {
          await tx.platform.jobLocks.insert({ name: job.name, holder: this.holder, lockedUntil: until });
          return true;
        }
        if (lock.holder !== this.holder && lock.lockedUntil.getTime() > now.getTime()) return false;
        // Compare-and-set on the row as read, so two instances cannot both take an expired lock.
        const taken = await tx.platform.jobLocks.updateWhere(
          (l) => and(eq(l.id, lock.id), eq(l.lockedUntil, lock.lockedUntil)),
          { holder: this.holder, lockedUntil: until, updatedAt: now },
        );
        return taken === 1;
      })
      .catch((error: unknown) => {
        // A concurrent insert of the same lock: the other instance has it.
        if (isUniqueViolation(error)) return false;
        throw error;
      });
  }

  async release(job: Job): Promise<void> {
    const { db } = this.options;
    const lock = await db.platform.jobLocks.findOne((l) => eq(l.name, job.name));
    if (lock?.holder === this.holder) {
      await db.platform.jobLocks.update(lock.id, { lockedUntil: this.now(), updatedAt: this.now() });
    }
  }

  /** Runs a job once if this instance gets its lock; returns whether it ran. */
  async runOnce(job: Job): Promise<boolean> {
    if (!(await this.acquire(job))) return false;
    const started = performance.now();
    try {
      const result = await job.run(this.options.db, this.now());
      // A run that found nothing to do is logged at debug: frequent jobs would fill the log.
      const didSomething = Object.values(result ?? {}).some((v) => typeof v !== 'number' || v !== 0);
      const entry = { job: job.name, ms: Math.round(performance.now() - started), ...result };
      if (didSomething) this.options.log.info('job done', entry);
      else this.options.log.debug('job done', entry);
    } catch (error) {
      this.options.log.error('job failed', { job: job.name, error: (error as Error).message });
    } finally {
      await this.release(job);
    }
    return true;
  }

  start(): void {
    for (const job of this.options.jobs) {
      let busy = false;
      const tick = () => {
        // One run of a job at a time in this process (the lock keeps other instances out).
        if (busy) return;
        busy = true;
        const run = this.runOnce(job).catch((error: unknown) =>
          this.options.log.error('job lock failed', { job: job.name, error: (error as Error).message }),
        );
        this.running.add(run);
        void run.finally(() => {
          busy = false;
          this.running.delete(run);
        });
      };
      const timer = setInterval(tick, job.everyMs);
      timer.unref();
      this.timers.add(timer);
    }
  }

  /** Stops scheduling and waits for runs in progress. */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }
}
