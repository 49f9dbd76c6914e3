/** How `until` waits. */
export interface UntilOptions {
  /** Give up after this many ms of wall-clock time. Default 5000. */
  timeoutMs?: number;
  /** What is awaited, as the error names it. Default 'a condition'. */
  what?: string;
  /** Time between two checks, ms. Default 1. */
  intervalMs?: number;
}

/**
 * Waits until `condition()` holds (or resolves true: a check may ask a server): checks it at once, then every `intervalMs` on the real
 * timers, so that each check comes after the timers, I/O and promise callbacks that were due
 * before it. Rejects with an Error naming `what` when `timeoutMs` pass first.
 *
 * For tests on real timers; under fake timers, move the clock instead.
 */
export async function until(condition: () => boolean | Promise<boolean>, options: UntilOptions = {}): Promise<void> {
  const { timeoutMs = 5000, what = 'a condition', intervalMs = 1 } = options;
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, intervalMs));
  }
}
