import { describe, expect, it } from 'vitest';
import { createRng } from './rng.js';

describe('createRng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const seqA = Array.from({ length: 20 }, () => a());
    const seqB = Array.from({ length: 20 }, () => b());
    const seqC = Array.from({ length: 20 }, () => c());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it('stays in [0, 1) and is roughly uniform', () => {
    const rng = createRng(7);
    const buckets = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rng();
      if (x >= 0 && x < 1) buckets[Math.floor(x * 10)] = (buckets[Math.floor(x * 10)] ?? 0) + 1;
      else outside++;
    }
    expect(outside).toBe(0);
    for (const count of buckets) expect(count).toBeGreaterThan(9_500);
    for (const count of buckets) expect(count).toBeLessThan(10_500);
  });

  it('has a fixed first value for seed 1 (a change would change every recorded run)', () => {
    const rng = createRng(1);
    expect(rng()).toBeCloseTo(0.6270739405881613, 15);
  });
});
