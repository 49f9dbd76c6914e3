/**
 * The platform's time as this terminal best knows it. A machine's clock may be far off
 * (no battery, no network time); the platform refuses calls whose timestamp is more than
 * five minutes from its own, and its answers expire by its own clock. Every answer's HTTP
 * `Date` header (sent even with a refusal) tells the terminal how far off it is.
 */

/** Offsets smaller than this are left alone (the Date header counts whole seconds). */
export const CLOCK_TOLERANCE_MS = 2000;

export class PlatformClock {
  readonly #local: () => number;
  readonly #onChange: ((offsetMs: number) => void) | undefined;
  #offsetMs = 0;

  constructor(options: { local?: () => number; onChange?: (offsetMs: number) => void } = {}) {
    this.#local = options.local ?? Date.now;
    this.#onChange = options.onChange;
  }

  /** The platform's time now, epoch ms. */
  now(): number {
    return this.#local() + this.#offsetMs;
  }

  /** How far the platform's clock is ahead of this machine's, ms. */
  get offsetMs(): number {
    return this.#offsetMs;
  }

  /** An answer's `Date` header, for a request sent at `sentAt` and answered at `receivedAt` (this machine's clock). */
  observe(dateHeader: string | null, sentAt: number, receivedAt: number): void {
    if (dateHeader === null) return;
    const serverSecond = Date.parse(dateHeader);
    if (!Number.isFinite(serverSecond)) return;
    const estimate = serverSecond + 500 - (sentAt + receivedAt) / 2;
    const offset = Math.abs(estimate) < CLOCK_TOLERANCE_MS ? 0 : Math.round(estimate);
    if (Math.abs(offset - this.#offsetMs) < CLOCK_TOLERANCE_MS) return;
    this.#offsetMs = offset;
    this.#onChange?.(offset);
  }
}
