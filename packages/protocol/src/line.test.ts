import { describe, expect, it } from 'vitest';
import { createLinePair, createRng, withNoise, type LineEnd } from './line.js';
import type { ByteTransport } from './link.js';
import { until } from './testing/index.js';

/** Collects what comes out of a transport. */
function collect(end: ByteTransport): { bytes: number[]; chunks: number } {
  const received = { bytes: [] as number[], chunks: 0 };
  end.on('data', (chunk) => {
    received.chunks += 1;
    received.bytes.push(...chunk);
  });
  return received;
}

/** Waits until every byte written so far has come out of the line. */
async function drained(): Promise<void> {
  for (let turn = 0; turn < 20; turn += 1) await new Promise((resolve) => setTimeout(resolve, 1));
}

function bytes(count: number, seed: number): Uint8Array {
  const random = createRng(seed);
  return Uint8Array.from({ length: count }, () => Math.floor(random() * 256));
}

describe('createRng', () => {
  it('gives the same numbers for the same seed, in [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const first = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(createRng(43)()).not.toBe(first[0]);
  });

  it('spreads its numbers evenly', () => {
    const random = createRng(7);
    const buckets = new Array<number>(10).fill(0);
    for (let n = 0; n < 100_000; n += 1) {
      const bucket = Math.floor(random() * 10);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});

describe('createLinePair', () => {
  it('delivers what one end writes at the other, in order, later, in chunks', async () => {
    const { a, b } = createLinePair({ seed: 1, maxChunkSize: 8 });
    const atB = collect(b);
    const atA = collect(a);
    const sent = bytes(1000, 2);
    a.write(sent.subarray(0, 600));
    a.write(sent.subarray(600));
    b.write(Uint8Array.of(1, 2, 3));
    expect(atB.bytes).toEqual([]);
    await until(() => atB.bytes.length === 1000 && atA.bytes.length === 3);
    expect(atB.bytes).toEqual([...sent]);
    expect(atA.bytes).toEqual([1, 2, 3]);
    expect(atB.chunks).toBeGreaterThan(1000 / 8);
  });

  it('is not disturbed when the writer reuses its buffer', async () => {
    const { a, b } = createLinePair({ seed: 1 });
    const atB = collect(b);
    const buffer = Uint8Array.of(1, 2, 3);
    a.write(buffer);
    buffer.fill(9);
    await until(() => atB.bytes.length === 3);
    expect(atB.bytes).toEqual([1, 2, 3]);
  });

  it('stops delivering to a listener that is taken off', async () => {
    const { a, b } = createLinePair({ seed: 1 });
    const seen: number[] = [];
    const listener = (chunk: Uint8Array): void => void seen.push(...chunk);
    b.on('data', listener);
    a.write(Uint8Array.of(1));
    await until(() => seen.length === 1);
    b.off('data', listener);
    a.write(Uint8Array.of(2));
    await drained();
    expect(seen).toEqual([1]);
  });

  it('corrupts, drops and duplicates bytes at the given rates, and counts them', async () => {
    const { a, b } = createLinePair({ seed: 3, noise: { corrupt: 0.05, drop: 0.03, duplicate: 0.02 } });
    const atB = collect(b);
    const sent = bytes(100_000, 4);
    a.write(sent);
    const { counts } = a;
    expect(counts.bytes).toBe(100_000);
    // Binomial counts: within 5 standard deviations of the mean.
    expect(Math.abs(counts.corrupted - 5000)).toBeLessThan(5 * Math.sqrt(5000));
    expect(Math.abs(counts.dropped - 3000)).toBeLessThan(5 * Math.sqrt(3000));
    expect(Math.abs(counts.duplicated - 2000)).toBeLessThan(5 * Math.sqrt(2000));
    await until(() => atB.bytes.length === 100_000 - counts.dropped + counts.duplicated);
    expect(b.counts.bytes).toBe(0);
  });

  it('noise at rate 1: every byte corrupted, dropped or doubled', async () => {
    const sent = bytes(2000, 5);
    const corrupted = createLinePair({ seed: 5, noise: { corrupt: 1 } });
    const dropped = createLinePair({ seed: 5, noise: { drop: 1 } });
    const doubled = createLinePair({ seed: 5, noise: { duplicate: 1 } });
    const [c, d, e] = [collect(corrupted.b), collect(dropped.b), collect(doubled.b)];
    corrupted.a.write(sent);
    dropped.a.write(sent);
    doubled.a.write(sent);
    await until(() => c.bytes.length === 2000 && e.bytes.length === 4000);
    await drained();
    expect(c.bytes.every((byte, i) => byte !== sent[i])).toBe(true);
    expect(d.bytes).toEqual([]);
    expect(e.bytes).toEqual([...sent].flatMap((byte) => [byte, byte]));
  });

  it('replays the same noise and the same chunks for the same seed', async () => {
    const runs: { bytes: number[]; chunks: number }[] = [];
    for (let run = 0; run < 2; run += 1) {
      const { a, b } = createLinePair({ seed: 6, noise: { corrupt: 0.1, drop: 0.1, duplicate: 0.1 } });
      const atB = collect(b);
      a.write(bytes(5000, 7));
      await drained();
      runs.push(atB);
    }
    expect(runs[0]?.bytes.length).toBeGreaterThan(0);
    expect(runs[1]).toEqual(runs[0]);
  });

  it('takes new noise at any time, on each direction', async () => {
    const { a, b } = createLinePair({ seed: 8 });
    const atB = collect(b);
    const atA = collect(a);
    a.noise = { drop: 1 };
    expect(a.noise).toEqual({ corrupt: 0, drop: 1, duplicate: 0 });
    a.write(Uint8Array.of(1, 2, 3));
    b.write(Uint8Array.of(4, 5, 6));
    a.noise = {};
    a.write(Uint8Array.of(7));
    await until(() => atB.bytes.length === 1 && atA.bytes.length === 3);
    expect(atB.bytes).toEqual([7]);
    expect(atA.bytes).toEqual([4, 5, 6]);
  });

  it('refuses rates outside 0..1 and a chunk size below 1', () => {
    expect(() => createLinePair({ noise: { corrupt: -0.1 } })).toThrow(RangeError);
    expect(() => createLinePair({ noise: { drop: 1.5 } })).toThrow(RangeError);
    expect(() => createLinePair({ noise: { duplicate: Number.NaN } })).toThrow(RangeError);
    expect(() => createLinePair({ noise: { corrupt: 0.6, drop: 0.6 } })).toThrow(RangeError);
    expect(() => createLinePair({ maxChunkSize: 0 })).toThrow(RangeError);
    const { a } = createLinePair();
    expect(() => {
      a.noise = { corrupt: 2 };
    }).toThrow(RangeError);
  });
});

describe('withNoise', () => {
  function noisyPair(direction: 'both' | 'outgoing' | 'incoming'): {
    noisy: ReturnType<typeof withNoise>;
    far: LineEnd;
  } {
    const { a, b } = createLinePair({ seed: 9 });
    return { noisy: withNoise(a, { drop: 1 }, { seed: 10, direction }), far: b };
  }

  it.each([
    ['both', [], []],
    ['outgoing', [], [4, 5]],
    ['incoming', [1, 2, 3], []],
  ] as const)('disturbs the %s bytes of a transport', async (direction, atFar, atNoisy) => {
    const { noisy, far } = noisyPair(direction);
    const farBytes = collect(far);
    const noisyBytes = collect(noisy);
    noisy.write(Uint8Array.of(1, 2, 3));
    far.write(Uint8Array.of(4, 5));
    await drained();
    expect(farBytes.bytes).toEqual(atFar);
    expect(noisyBytes.bytes).toEqual(atNoisy);
  });

  it('applies the noise once per chunk, whatever the number of listeners, and detaches with the last', async () => {
    const { a, b } = createLinePair({ seed: 11 });
    const noisy = withNoise(b, { corrupt: 0.5 }, { seed: 12, direction: 'incoming' });
    const first = collect(noisy);
    const second = collect(noisy);
    a.write(bytes(1000, 13));
    await until(() => first.bytes.length === 1000);
    expect(second.bytes).toEqual(first.bytes);
    expect(noisy.counts.bytes).toBe(1000);
    expect(noisy.counts.corrupted).toBeGreaterThan(400);

    const late: number[] = [];
    const listener = (chunk: Uint8Array): void => void late.push(...chunk);
    noisy.on('data', listener);
    noisy.off('data', listener);
    a.write(Uint8Array.of(1));
    await until(() => first.bytes.length === 1001);
    expect(late).toEqual([]);
  });

  it('passes bytes untouched on a clean line, and noise can be set later', async () => {
    const { a, b } = createLinePair({ seed: 14 });
    const noisy = withNoise(a, {});
    const atB = collect(b);
    const sent = bytes(500, 15);
    noisy.write(sent);
    noisy.noise = { duplicate: 1 };
    noisy.write(Uint8Array.of(9));
    await until(() => atB.bytes.length === 502);
    expect(atB.bytes).toEqual([...sent, 9, 9]);
  });
});
