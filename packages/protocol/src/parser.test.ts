import { describe, expect, it } from 'vitest';
import { encodeFrame, type DecodeResult, type Frame } from './frame.js';
import { createRng } from './line.js';
import { FrameParser } from './parser.js';
import { fromHex } from './hex.js';

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

type Chunking = 'bytes' | 'random' | 'whole';

/** Feeds a stream to a new parser, cut as asked; returns every result and the noise count. */
function parse(stream: Uint8Array, chunking: Chunking, seed = 7): { results: DecodeResult[]; noiseBytes: number } {
  const parser = new FrameParser();
  const results: DecodeResult[] = [];
  const random = createRng(seed);
  let at = 0;
  while (at < stream.length) {
    const size = chunking === 'bytes' ? 1 : chunking === 'whole' ? stream.length : 1 + Math.floor(random() * 100);
    results.push(...parser.push(stream.subarray(at, at + size)));
    at += size;
  }
  return { results, noiseBytes: parser.noiseBytes };
}

const CHUNKINGS: readonly Chunking[] = ['bytes', 'random', 'whole'];

const ACK_1 = fromHex('06 01 00 00 00 01 00 00 07');
const ACK_1_FRAME: Frame = { type: 0x01, seq: 1, data: fromHex('') };
const VEND_3 = fromHex('06 11 00 00 00 03 00 00 00 10 07 00 0c 00 00 01 5e 00 47 01 07');
const VEND_3_FRAME: Frame = { type: 0x11, seq: 3, data: fromHex('00 00 00 07 00 0c 00 00 01 5e 00') };

describe('FrameParser', () => {
  it.each(CHUNKINGS)('cuts the spec examples out of a stream with noise, counting the noise (%s)', (chunking) => {
    const stream = concat(fromHex('ff 00 07 10'), ACK_1, fromHex('41 42 43'), VEND_3, ACK_1, fromHex('99'));
    expect(parse(stream, chunking)).toEqual({
      results: [
        { ok: true, frame: ACK_1_FRAME },
        { ok: true, frame: VEND_3_FRAME },
        { ok: true, frame: ACK_1_FRAME },
      ],
      noiseBytes: 8,
    });
  });

  it.each(CHUNKINGS)('reports bad frames with their SEQ and goes on (%s)', (chunking) => {
    const stream = concat(fromHex('06 01 00 00 00 01 00 01 07'), fromHex('06 40 00 00 00 09 10 41 00 00 07'), ACK_1);
    const { results } = parse(stream, chunking);
    expect(results).toEqual([
      { ok: false, error: 'checksum', seq: 1 },
      { ok: false, error: 'format', seq: 9 },
      { ok: true, frame: ACK_1_FRAME },
    ]);
  });

  it.each(CHUNKINGS)('finds a frame whose STX noise swallowed, from the byte after the failed STX (%s)', (chunking) => {
    // Noise `06 aa 10` makes the real STX read as an escaped 06: the noise frame runs to the
    // real ETX and fails its CHK (SEQ as read: 06 01 00 00); the search resumes at `aa`.
    const stream = concat(fromHex('06 aa 10'), ACK_1);
    expect(parse(stream, chunking)).toEqual({
      results: [
        { ok: false, error: 'checksum', seq: 0x06010000 },
        { ok: true, frame: ACK_1_FRAME },
      ],
      noiseBytes: 2,
    });
  });

  it.each(CHUNKINGS)('finds a swallowed frame inside a noise frame whose CHK fails (%s)', (chunking) => {
    const stream = concat(fromHex('06 aa bb cc dd ee 10'), VEND_3, ACK_1);
    const { results } = parse(stream, chunking);
    expect(results.filter((result) => result.ok)).toEqual([
      { ok: true, frame: VEND_3_FRAME },
      { ok: true, frame: ACK_1_FRAME },
    ]);
    expect(results[0]).toEqual({ ok: false, error: 'checksum', seq: 0xbbccddee });
  });

  it.each(CHUNKINGS)('starts a new frame at an unescaped STX inside a frame (%s)', (chunking) => {
    const stream = concat(fromHex('06 01 00'), ACK_1, fromHex('06 40 00 00 00 2a 00'), VEND_3);
    expect(parse(stream, chunking)).toEqual({
      results: [
        { ok: false, error: 'format' },
        { ok: true, frame: ACK_1_FRAME },
        { ok: false, error: 'format', seq: 42 },
        { ok: true, frame: VEND_3_FRAME },
      ],
      noiseBytes: 0,
    });
  });

  it.each(CHUNKINGS)('drops a frame that grows past 263 bytes and searches again after its STX (%s)', (chunking) => {
    const stream = concat(fromHex('06'), new Uint8Array(300), ACK_1);
    expect(parse(stream, chunking)).toEqual({
      results: [
        { ok: false, error: 'length', seq: 0 },
        { ok: true, frame: ACK_1_FRAME },
      ],
      noiseBytes: 300,
    });
  });

  it.each(CHUNKINGS)('finds a frame that a noise frame swallowed before growing too long (%s)', (chunking) => {
    const stream = concat(
      fromHex('06'),
      new Uint8Array(250).fill(0x55),
      fromHex('10'),
      VEND_3,
      new Uint8Array(20),
      ACK_1,
    );
    const { results } = parse(stream, chunking);
    expect(results.filter((result) => result.ok)).toEqual([
      { ok: true, frame: VEND_3_FRAME },
      { ok: true, frame: ACK_1_FRAME },
    ]);
  });

  it('takes the longest frame, and counts escaped bytes once towards the maximum', () => {
    const longest = encodeFrame({ type: 0x10, seq: 0x10101010, data: new Uint8Array(256).fill(0x10) });
    // Every byte escaped but the low byte of CHK (10 00).
    expect(longest.length).toBe(2 + 2 * 263 - 1);
    for (const chunking of CHUNKINGS) {
      expect(parse(longest, chunking).results).toEqual([
        { ok: true, frame: { type: 0x10, seq: 0x10101010, data: new Uint8Array(256).fill(0x10) } },
      ]);
    }
  });

  it('reads 2,000 frames between 2,000,000 bytes of noise pushed in 1,000-byte chunks', () => {
    const parser = new FrameParser();
    const noise = new Uint8Array(1000).fill(0x55);
    let frames = 0;
    for (let n = 0; n < 2000; n += 1) {
      frames += parser.push(noise).length;
      frames += parser.push(ACK_1).filter((result) => result.ok).length;
    }
    expect(frames).toBe(2000);
    expect(parser.noiseBytes).toBe(2_000_000);
  });

  it('returns nothing for an empty chunk', () => {
    expect(new FrameParser().push(new Uint8Array(0))).toEqual([]);
  });
});

/** A random frame; DATA rich in 06, 07 and 10 so that escaping is exercised everywhere. */
function randomFrame(random: () => number, seq: number): Frame {
  const length = random() < 0.1 ? Math.floor(random() * 257) : Math.floor(random() * 30);
  const data = Uint8Array.from({ length }, () => randomByte(random, 0.15));
  return { type: randomByte(random, 0.1), seq, data };
}

const CONTROL = [0x06, 0x07, 0x10];

function randomByte(random: () => number, controlShare: number): number {
  return random() < controlShare ? (CONTROL[Math.floor(random() * 3)] ?? 0) : Math.floor(random() * 256);
}

function randomBytes(random: () => number, length: number, controlShare: number): number[] {
  return Array.from({ length }, () => randomByte(random, controlShare));
}

/** Bytes other than 06, 07 and 10. */
function plainBytes(random: () => number, length: number): number[] {
  return Array.from({ length }, () => {
    const byte = Math.floor(random() * 253);
    return byte + (byte >= 0x06 ? 2 : 0) + (byte >= 0x0e ? 1 : 0);
  });
}

/**
 * Noise to put before a frame, of every kind the receiving rules deal with: random bytes,
 * bytes full of STX, ETX and DLE, noise ending `06 ... 10` that swallows the frame's STX,
 * the start of a frame cut off, a whole frame with a bad CHK, and an STX followed by more
 * bytes than any frame holds.
 */
const NOISE_KINDS: readonly ((random: () => number) => number[])[] = [
  () => [],
  (random) => randomBytes(random, Math.floor(random() * 40), 0),
  (random) => randomBytes(random, Math.floor(random() * 40), 0.3),
  (random) => [0x06, ...plainBytes(random, Math.floor(random() * 20)), 0x10],
  (random) => [0x06, ...randomBytes(random, Math.floor(random() * 20), 0.3), 0x10],
  (random) => {
    const cut = encodeFrame(randomFrame(random, Math.floor(random() * 0x1_0000_0000)));
    return [...cut.subarray(0, 1 + Math.floor(random() * (cut.length - 2)))];
  },
  (random) => {
    const bad = encodeFrame(randomFrame(random, Math.floor(random() * 0x1_0000_0000)));
    bad[bad.length - 2] = bad[bad.length - 2] === 0x00 ? 0x01 : 0x00;
    return [...bad];
  },
  (random) => [0x06, ...plainBytes(random, 264 + Math.floor(random() * 50))],
  (random) => [0x06, ...plainBytes(random, 200 + Math.floor(random() * 100)), 0x10],
];

describe('FrameParser in noise', () => {
  const FRAMES = 10_000;

  /** A stream of frames with noise of a random kind before each; the frames have SEQ 0, 1, 2... */
  function noisyStream(seed: number): { frames: Frame[]; stream: Uint8Array; noiseOfKind: number[] } {
    const random = createRng(seed);
    const frames: Frame[] = [];
    const parts: Uint8Array[] = [];
    const noiseOfKind = NOISE_KINDS.map(() => 0);
    for (let seq = 0; seq < FRAMES; seq += 1) {
      const kind = Math.floor(random() * NOISE_KINDS.length);
      noiseOfKind[kind] = (noiseOfKind[kind] ?? 0) + 1;
      parts.push(Uint8Array.from(NOISE_KINDS[kind]?.(random) ?? []));
      const frame = randomFrame(random, seq);
      frames.push(frame);
      parts.push(encodeFrame(frame));
    }
    return { frames, stream: concat(...parts), noiseOfKind };
  }

  it.each([
    [101, 'bytes'],
    [102, 'random'],
    [103, 'whole'],
  ] as const)('recovers the frames embedded in noise exactly, in order (seed %i, %s chunks)', (seed, chunking) => {
    const { frames, stream, noiseOfKind } = noisyStream(seed);
    expect(Math.min(...noiseOfKind)).toBeGreaterThan(FRAMES / NOISE_KINDS.length / 2);
    const { results } = parse(stream, chunking, seed);

    let recovered = 0;
    let extra = 0;
    let lastSeq = -1;
    for (const result of results) {
      if (!result.ok) continue;
      const embedded = frames[result.frame.seq];
      if (embedded !== undefined && result.frame.seq > lastSeq && sameFrame(result.frame, embedded)) {
        recovered += 1;
        lastSeq = result.frame.seq;
      } else {
        extra += 1;
      }
    }
    expect(recovered / FRAMES).toBeGreaterThanOrEqual(0.999);
    // Noise forms a frame with a good CHK only by chance (one in 65,536 candidates).
    expect(extra).toBeLessThan(FRAMES / 1000);
  });

  it('gives the same results whatever the chunking', () => {
    const { stream } = noisyStream(104);
    const whole = parse(stream.subarray(0, 100_000), 'whole');
    expect(parse(stream.subarray(0, 100_000), 'bytes')).toEqual(whole);
    expect(parse(stream.subarray(0, 100_000), 'random', 5)).toEqual(whole);
  });

  it('never throws on 100,000 random and mangled inputs, and what it accepts is well-formed', () => {
    const random = createRng(105);
    const parser = new FrameParser();
    const malformed: Frame[] = [];
    let frames = 0;
    for (let n = 0; n < 100_000; n += 1) {
      let input: number[];
      const kind = n % 4;
      if (kind === 0) {
        input = randomBytes(random, Math.floor(random() * 64), 0.2);
      } else {
        input = [...encodeFrame(randomFrame(random, Math.floor(random() * 0x1_0000_0000)))];
        const changes = 1 + Math.floor(random() * 4);
        for (let c = 0; c < changes; c += 1) {
          const at = Math.floor(random() * input.length);
          const how = random();
          if (how < 0.3) input[at] = Math.floor(random() * 256);
          else if (how < 0.5) input.splice(at, 1);
          else if (how < 0.7) input.splice(at, 0, input[at] ?? 0);
          else if (how < 0.9) input.splice(at, 0, CONTROL[Math.floor(random() * 3)] ?? 0);
          else input = input.slice(0, at);
        }
      }
      // A fresh parser for some inputs, one long-lived parser for all of them.
      const results = [...new FrameParser().push(Uint8Array.from(input)), ...parser.push(Uint8Array.from(input))];
      for (const result of results) {
        if (!result.ok) continue;
        frames += 1;
        const { type, seq, data } = result.frame;
        if (!(type >= 0 && type <= 0xff && seq >= 0 && seq <= 0xffffffff && data.length <= 256)) {
          malformed.push(result.frame);
        }
      }
    }
    expect(malformed).toEqual([]);
    expect(frames).toBeGreaterThan(0);
  });
});

function sameFrame(a: Frame, b: Frame): boolean {
  return (
    a.type === b.type && a.seq === b.seq && a.data.length === b.data.length && a.data.every((x, i) => x === b.data[i])
  );
}
