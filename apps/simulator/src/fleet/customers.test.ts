import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CustomerScheduler, DECK, VISIT_KINDS, type VisitKind } from './customers.js';
import { Random } from './random.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const deckSize = VISIT_KINDS.reduce((n, kind) => n + DECK[kind], 0);

function scheduler(
  seed: number,
  visit: (machine: number, kind: VisitKind) => Promise<void> = async () => undefined,
  giftCodeWaiting = () => true,
) {
  return new CustomerScheduler({ machines: 3, seed, giftCodeWaiting, visit });
}

describe('the customer scheduler', () => {
  it('draws the same visits from the same seed, and others from another', () => {
    const draw = (seed: number) => {
      const s = scheduler(seed);
      return Array.from({ length: 60 }, () => s.draw());
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('starts with one visit of every kind, then deals decks in the mix of DECK', () => {
    const s = scheduler(3);
    const first = Array.from({ length: VISIT_KINDS.length }, () => s.draw());
    expect(new Set(first)).toEqual(new Set(VISIT_KINDS));
    const rest = Array.from({ length: deckSize - VISIT_KINDS.length + deckSize * 4 }, () => s.draw());
    const all = [...first, ...rest];
    for (const kind of VISIT_KINDS) expect(all.filter((k) => k === kind).length).toBe(DECK[kind] * 5);
  });

  it('owes a gift-code visit drawn while no code waits, and pays it once one does', () => {
    let waiting = false;
    const s = scheduler(5, undefined, () => waiting);
    const before = Array.from({ length: deckSize }, () => s.draw());
    expect(before).not.toContain('gift_code');
    waiting = true;
    expect(s.draw()).toBe('gift_code');
  });

  it('sends each machine a customer every 20 to 40 s, one at a time, the first ones within 15 s', async () => {
    const visits: { machine: number; kind: VisitKind; at: number }[] = [];
    let busy = 0;
    let overlapped = false;
    const start = Date.now();
    const s = scheduler(11, async (machine, kind) => {
      visits.push({ machine, kind, at: Date.now() - start });
      busy += 1;
      if (busy > 3) overlapped = true;
      // A visit takes 5 s (a QR customer paying); the next one waits for it.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      busy -= 1;
    });
    s.start();
    await vi.advanceTimersByTimeAsync(15_000);
    expect(new Set(visits.map((v) => v.machine))).toEqual(new Set([1, 2, 3]));
    await vi.advanceTimersByTimeAsync(10 * 60_000 - 15_000);
    s.stop();
    expect(overlapped).toBe(false);
    for (const machine of [1, 2, 3]) {
      const times = visits.filter((v) => v.machine === machine).map((v) => v.at);
      const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
      for (const gap of gaps) {
        expect(gap).toBeGreaterThanOrEqual(25_000);
        expect(gap).toBeLessThanOrEqual(45_000);
      }
      expect(times.length).toBeGreaterThanOrEqual(13);
      expect(times.length).toBeLessThanOrEqual(25);
    }
    // In ten minutes, every kind came at least once.
    expect(new Set(visits.map((v) => v.kind))).toEqual(new Set(VISIT_KINDS));
    const count = visits.length;
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(visits.length).toBe(count);
    await s.idle();
  });

  it('keeps going after a visit fails, and reports the failure', async () => {
    const errors: string[] = [];
    let calls = 0;
    const s = new CustomerScheduler({
      machines: 1,
      seed: 1,
      gapMs: { min: 1000, max: 1000 },
      giftCodeWaiting: () => false,
      visit: async () => {
        calls += 1;
        if (calls === 1) throw new Error('the terminal stopped');
      },
      onError: (machine, kind, error) => errors.push(`${machine} ${kind} ${(error as Error).message}`),
    });
    s.start();
    await vi.advanceTimersByTimeAsync(20_000);
    s.stop();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^1 \w+ the terminal stopped$/);
    expect(calls).toBeGreaterThan(5);
  });
});

describe('the seeded random source', () => {
  it('repeats itself for a seed and stays in range', () => {
    const a = new Random(42);
    const b = new Random(42);
    const xs = Array.from({ length: 100 }, () => a.int(3, 9));
    expect(xs).toEqual(Array.from({ length: 100 }, () => b.int(3, 9)));
    expect(Math.min(...xs)).toBe(3);
    expect(Math.max(...xs)).toBe(9);
    expect(new Random(1).shuffle([1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5]);
  });
});
