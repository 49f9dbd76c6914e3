import type { Machine } from './machine.js';
import type { MachineEvent } from './types.js';

/** Lets every pending promise callback run (a macrotask boundary). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Follows a promise so a test can see whether it has settled, and with what. */
export function track<T>(promise: Promise<T>): { settled: boolean; value: T | undefined } {
  const tracked: { settled: boolean; value: T | undefined } = { settled: false, value: undefined };
  void promise.then((value) => {
    tracked.settled = true;
    tracked.value = value;
  });
  return tracked;
}

/** Records every event of a machine, in order. */
export function record(machine: Machine): MachineEvent[] {
  const events: MachineEvent[] = [];
  machine.onAny((event) => events.push(event));
  return events;
}
