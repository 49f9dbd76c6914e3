/**
 * The machine's own time. Nothing in the machine reads the wall clock: motor cycles and
 * refrigeration advance only when the clock is advanced, so a test decides exactly how much
 * time passes and a run replays identically.
 */

interface Timer {
  due: number;
  order: number;
  run: () => void;
}

export class VirtualClock {
  #now: number;
  #order = 0;
  #timers: Timer[] = [];
  #advancing = false;

  /** @param start the clock's reading at creation, in milliseconds */
  constructor(start = 0) {
    this.#now = start;
  }

  /** Current time in milliseconds. */
  get now(): number {
    return this.#now;
  }

  /** Number of timers waiting to run. */
  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Runs `run` once `delayMs` has passed on this clock (timers due at the same time run in
   * the order they were set). Returns a function that cancels the timer.
   */
  schedule(delayMs: number, run: () => void): () => void {
    if (!(delayMs >= 0)) throw new RangeError(`delay must be >= 0 ms, got ${delayMs}`);
    const timer: Timer = { due: this.#now + delayMs, order: this.#order++, run };
    let index = this.#timers.length;
    while (index > 0) {
      const before = this.#timers[index - 1];
      if (before && before.due <= timer.due) break;
      index--;
    }
    this.#timers.splice(index, 0, timer);
    return () => {
      const at = this.#timers.indexOf(timer);
      if (at >= 0) this.#timers.splice(at, 1);
    };
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due on the way at its own
   * time, including timers set by those timers.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`cannot advance by ${ms} ms`);
    if (this.#advancing) throw new Error('the clock cannot be advanced from inside one of its timers');
    const target = this.#now + ms;
    this.#advancing = true;
    try {
      for (;;) {
        const next = this.#timers[0];
        if (!next || next.due > target) break;
        this.#timers.shift();
        this.#now = next.due;
        next.run();
      }
      this.#now = target;
    } finally {
      this.#advancing = false;
    }
  }
}
