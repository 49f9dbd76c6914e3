/**
 * Wakes the event streams of terminals connected to this API process when an event was
 * queued for their machine. The events themselves are in the database (`device_events`):
 * a woken stream reads what is new from there, so a wake-up lost or sent twice changes
 * nothing, and a stream connected to another instance finds them on its next look.
 */
export class EventHub {
  readonly #waiting = new Map<string, Set<() => void>>();

  /** Wakes every stream of these machines. */
  notify(machineIds: Iterable<string>): void {
    for (const id of machineIds) {
      const waiters = this.#waiting.get(id);
      if (!waiters) continue;
      this.#waiting.delete(id);
      for (const wake of waiters) wake();
    }
  }

  /** Resolves when the machine gets an event, after `timeoutMs`, or when `signal` aborts. */
  wait(machineId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#waiting.get(machineId);
      if (!waiters) this.#waiting.set(machineId, (waiters = new Set()));
      const set = waiters;
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        set.delete(done);
        if (set.size === 0 && this.#waiting.get(machineId) === set) this.#waiting.delete(machineId);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      set.add(done);
    });
  }

  /** Streams waiting now (for the benchmarks and health). */
  get waiting(): number {
    let n = 0;
    for (const set of this.#waiting.values()) n += set.size;
    return n;
  }
}
