/**
 * A serial line in memory, and noise to put on any line: what the link's tests and the
 * simulator's "serial line noise" fault run on.
 */

import type { ByteTransport } from './link.js';

/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same
 * numbers, so that a noisy run can be replayed. Returns numbers in [0, 1).
 */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/**
 * Noise on a line, as the share (0..1) of bytes it hits. Each byte suffers at most one of
 * them, so `{ corrupt: 0.004, drop: 0.003, duplicate: 0.003 }` hits 1% of the bytes.
 */
export interface LineNoise {
  /** Share of bytes replaced by a different byte (any of the other 255 values). */
  corrupt?: number;
  /** Share of bytes lost. */
  drop?: number;
  /** Share of bytes received twice. */
  duplicate?: number;
}

/** What noise has done to the bytes that passed through it. */
export interface NoiseCounts {
  /** Bytes that went into the noise. */
  bytes: number;
  corrupted: number;
  dropped: number;
  duplicated: number;
}

/** A transport with noise on it. The noise can be changed at any time. */
export interface NoisyTransport extends ByteTransport {
  /** The noise now on the line; `{}` is a clean line. Throws a RangeError for rates outside 0..1. */
  noise: LineNoise;
  /** What the noise has done so far. */
  readonly counts: NoiseCounts;
}

/** Which bytes of a transport `withNoise` disturbs. */
export type NoiseDirection = 'both' | 'outgoing' | 'incoming';

export interface NoiseOptions {
  /** Seed of the noise; a random one when not given. */
  seed?: number;
  /** `outgoing`: the bytes written; `incoming`: the bytes received; `both` (the default). */
  direction?: NoiseDirection;
}

export interface LineOptions {
  /** Noise on both directions of the line (each direction draws its own). */
  noise?: LineNoise;
  /** Seed of the noise and of the chunk sizes; a random one when not given. */
  seed?: number;
  /** Largest chunk a `data` event delivers (default 64). Chunk sizes are random from 1 to this. */
  maxChunkSize?: number;
  /**
   * Longest time in ms the bytes of a write take to reach the far end (default 0: the next
   * turn of the event loop). Each write is delayed by a random whole number of ms from 0 to
   * this; bytes never overtake each other.
   */
  maxDelayMs?: number;
}

/** One end of a line made by `createLinePair`: bytes written here come out at the other end. */
export interface LineEnd extends NoisyTransport {
  /** The noise on the bytes written at this end; `{}` is a clean line. */
  noise: LineNoise;
  /** What the noise has done to the bytes written at this end. */
  readonly counts: NoiseCounts;
}

type DataListener = (chunk: Uint8Array) => void;

function randomSeed(): number {
  return Math.floor(Math.random() * 0x1_0000_0000);
}

const defer: (callback: () => void) => void =
  typeof setImmediate === 'function' ? (callback) => setImmediate(callback) : (callback) => setTimeout(callback, 0);

function checkedNoise(noise: LineNoise): Required<LineNoise> {
  const rates = { corrupt: noise.corrupt ?? 0, drop: noise.drop ?? 0, duplicate: noise.duplicate ?? 0 };
  for (const [name, rate] of Object.entries(rates)) {
    if (!(rate >= 0 && rate <= 1)) throw new RangeError(`line noise ${name} must be a share from 0 to 1, got ${rate}`);
  }
  if (rates.corrupt + rates.drop + rates.duplicate > 1) {
    throw new RangeError('line noise rates add up to more than 1');
  }
  return rates;
}

/** Applies noise to bytes, drawing from one generator, and counts what it did. */
class NoiseSource {
  #noise: Required<LineNoise>;
  readonly counts: NoiseCounts = { bytes: 0, corrupted: 0, dropped: 0, duplicated: 0 };
  readonly #random: () => number;

  constructor(noise: LineNoise, random: () => number) {
    this.#noise = checkedNoise(noise);
    this.#random = random;
  }

  get noise(): LineNoise {
    return { ...this.#noise };
  }

  set noise(noise: LineNoise) {
    this.#noise = checkedNoise(noise);
  }

  /** The bytes as they come out of the noise: a new array, or `bytes` itself on a clean line. */
  apply(bytes: Uint8Array): Uint8Array {
    this.counts.bytes += bytes.length;
    const { corrupt, drop, duplicate } = this.#noise;
    if (corrupt + drop + duplicate === 0) return bytes;
    const out: number[] = [];
    for (const byte of bytes) {
      const roll = this.#random();
      if (roll < drop) {
        this.counts.dropped += 1;
      } else if (roll < drop + corrupt) {
        this.counts.corrupted += 1;
        out.push(byte ^ (1 + Math.floor(this.#random() * 255)));
      } else if (roll < drop + corrupt + duplicate) {
        this.counts.duplicated += 1;
        out.push(byte, byte);
      } else {
        out.push(byte);
      }
    }
    return Uint8Array.from(out);
  }
}

/**
 * Puts noise on any transport (a line end, a serial port): bytes are corrupted, dropped
 * or duplicated at the given rates as they are written, received, or both. The noise can
 * be changed or removed later through `noise`.
 */
export function withNoise(transport: ByteTransport, noise: LineNoise, options: NoiseOptions = {}): NoisyTransport {
  const source = new NoiseSource(noise, createRng(options.seed ?? randomSeed()));
  const direction = options.direction ?? 'both';
  const listeners = new Set<DataListener>();
  const receive = (chunk: Uint8Array): void => {
    const bytes = direction === 'outgoing' ? chunk : source.apply(chunk);
    if (bytes.length === 0) return;
    for (const listener of [...listeners]) listener(bytes);
  };
  return {
    get noise() {
      return source.noise;
    },
    set noise(next: LineNoise) {
      source.noise = next;
    },
    get counts() {
      return { ...source.counts };
    },
    write(chunk: Uint8Array): unknown {
      const bytes = direction === 'incoming' ? chunk : source.apply(chunk);
      return bytes.length === 0 ? true : transport.write(bytes);
    },
    on(_event: 'data', listener: DataListener): unknown {
      if (listeners.size === 0) transport.on('data', receive);
      listeners.add(listener);
      return this;
    },
    off(_event: 'data', listener: DataListener): unknown {
      if (listeners.delete(listener) && listeners.size === 0) transport.off('data', receive);
      return this;
    },
  };
}

/** One direction of a line: bytes on their way to the far end, delivered in random chunks. */
class LineDirection {
  readonly listeners = new Set<DataListener>();
  readonly source: NoiseSource;
  readonly #random: () => number;
  readonly #maxChunkSize: number;
  readonly #maxDelayMs: number;
  /** Writes on their way, each with the time it reaches the far end; `#offset` bytes of the first are delivered. */
  #pending: { bytes: Uint8Array; due: number }[] = [];
  #offset = 0;
  #scheduled = false;

  constructor(noise: LineNoise, seed: number, maxChunkSize: number, maxDelayMs: number) {
    this.#random = createRng(seed);
    this.source = new NoiseSource(noise, createRng(seed ^ 0x5bd1e995));
    this.#maxChunkSize = maxChunkSize;
    this.#maxDelayMs = maxDelayMs;
  }

  send(chunk: Uint8Array): void {
    const bytes = this.source.apply(chunk);
    if (bytes.length === 0) return;
    const last = this.#pending[this.#pending.length - 1];
    const delay = this.#maxDelayMs > 0 ? Math.floor(this.#random() * (this.#maxDelayMs + 1)) : 0;
    const due = Math.max(Date.now() + delay, last?.due ?? 0);
    this.#pending.push({ bytes: bytes === chunk ? chunk.slice() : bytes, due });
    this.#schedule();
  }

  #schedule(): void {
    const head = this.#pending[0];
    if (this.#scheduled || head === undefined) return;
    this.#scheduled = true;
    const deliver = (): void => {
      this.#scheduled = false;
      const chunk = this.#take(1 + Math.floor(this.#random() * this.#maxChunkSize));
      this.#schedule();
      if (chunk.length === 0) return;
      for (const listener of [...this.listeners]) listener(chunk.slice());
    };
    const wait = head.due - Date.now();
    if (wait > 0) setTimeout(deliver, wait);
    else defer(deliver);
  }

  /** Removes up to `size` bytes that have arrived from the front of what is on its way. */
  #take(size: number): Uint8Array {
    const out: number[] = [];
    const now = Date.now();
    for (let head = this.#pending[0]; head !== undefined && head.due <= now; head = this.#pending[0]) {
      const count = Math.min(size - out.length, head.bytes.length - this.#offset);
      for (let i = 0; i < count; i += 1) out.push(head.bytes[this.#offset + i] ?? 0);
      this.#offset += count;
      if (this.#offset < head.bytes.length) break;
      this.#pending.shift();
      this.#offset = 0;
    }
    return Uint8Array.from(out);
  }
}

function lineEnd(outgoing: LineDirection, incoming: LineDirection): LineEnd {
  return {
    get noise() {
      return outgoing.source.noise;
    },
    set noise(next: LineNoise) {
      outgoing.source.noise = next;
    },
    get counts() {
      return { ...outgoing.source.counts };
    },
    write(chunk: Uint8Array): unknown {
      outgoing.send(chunk);
      return true;
    },
    on(_event: 'data', listener: DataListener): unknown {
      incoming.listeners.add(listener);
      return this;
    },
    off(_event: 'data', listener: DataListener): unknown {
      incoming.listeners.delete(listener);
      return this;
    },
  };
}

/**
 * Two ends of a serial line in memory, `a` and `b`: what one end writes comes out at the
 * other, in order, always asynchronously (after a random delay if asked) and cut into chunks
 * of random sizes, with the given noise on each direction. With a seed, the noise, chunks and
 * delays can be replayed (byte for byte when the timing of the writes is the same too, as
 * under fake timers).
 */
export function createLinePair(options: LineOptions = {}): { a: LineEnd; b: LineEnd } {
  const seed = options.seed ?? randomSeed();
  const maxChunkSize = options.maxChunkSize ?? 64;
  if (!Number.isInteger(maxChunkSize) || maxChunkSize < 1) {
    throw new RangeError(`maxChunkSize must be a positive integer, got ${maxChunkSize}`);
  }
  const maxDelayMs = options.maxDelayMs ?? 0;
  if (!(maxDelayMs >= 0 && Number.isFinite(maxDelayMs))) {
    throw new RangeError(`maxDelayMs must be a number of ms from 0, got ${maxDelayMs}`);
  }
  const noise = options.noise ?? {};
  const aToB = new LineDirection(noise, seed, maxChunkSize, maxDelayMs);
  const bToA = new LineDirection(noise, (seed + 0x9e3779b9) >>> 0, maxChunkSize, maxDelayMs);
  return { a: lineEnd(aToB, bToA), b: lineEnd(bToA, aToB) };
}
