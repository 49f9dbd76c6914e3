import { describe, expect, it } from 'vitest';
import { createRng } from './line.js';
import { MAX_DATA, decodeFrame, encodeFrame, frameChecksum, type DecodeResult, type Frame } from './frame.js';
import { fromHex, toHex } from './hex.js';

/**
 * Frames and their bytes on the wire, worked out by hand from docs/serial-protocol.md: the
 * two examples of its "Frame" section, then frames with 06, 07 or 10 in every field (CHK
 * included), and a frame whose odd last byte counts as the high byte of a word.
 */
const VECTORS: readonly { name: string; frame: Frame; wire: string }[] = [
  {
    name: 'the spec example ACK, SEQ 1',
    frame: { type: 0x01, seq: 1, data: fromHex('') },
    wire: '06 01 00 00 00 01 00 00 07',
  },
  {
    name: 'the spec example VEND vendId 7, channel 12, price 350, method 0, SEQ 3',
    frame: { type: 0x11, seq: 3, data: fromHex('00 00 00 07 00 0c 00 00 01 5e 00') },
    wire: '06 11 00 00 00 03 00 00 00 10 07 00 0c 00 00 01 5e 00 47 01 07',
  },
  {
    // CHK: 1006 ^ 0710 ^ 0007 ^ 1006 = 0717
    name: 'TYPE 10, SEQ 06071000, DATA 07 10 06, CHK 07 17',
    frame: { type: 0x10, seq: 0x06071000, data: fromHex('07 10 06') },
    wire: '06 10 10 10 06 10 07 10 10 00 10 07 10 10 10 06 10 07 17 07',
  },
  {
    // CHK: 0100 ^ 0000 ^ 0000 ^ 1106 = 1006
    name: 'CHK 10 06: both CHK bytes escaped',
    frame: { type: 0x01, seq: 0, data: fromHex('00 11 06') },
    wire: '06 01 00 00 00 00 00 11 10 06 10 10 10 06 07',
  },
  {
    // CHK: 0600 ^ 0000 ^ 0607 ^ 1000 = 1007 (the odd last byte 10 is the high byte)
    name: 'TYPE 06, SEQ 00000006, DATA 07 10, odd length, CHK 10 07',
    frame: { type: 0x06, seq: 6, data: fromHex('07 10') },
    wire: '06 10 06 00 00 00 10 06 10 07 10 10 10 10 10 07 07',
  },
  {
    // CHK: 4400 ^ 0000 ^ 0100 ^ 0200 = 4700; a low-byte reading of 02 would give 4502
    name: 'SELECTION channel 2, SEQ 1: odd last byte is a high byte',
    frame: { type: 0x44, seq: 1, data: fromHex('00 02') },
    wire: '06 44 00 00 00 01 00 02 47 00 07',
  },
  {
    // CHK: 457f ^ 3e9a ^ 1008 ^ 0000 ^ 0096 = 6b7b
    name: 'the spec example EVENT coin returned, 150 fen, SEQ 7f3e9a10 (its 10 escaped)',
    frame: { type: 0x45, seq: 0x7f3e9a10, data: fromHex('08 00 00 00 96') },
    wire: '06 45 7f 3e 9a 10 10 08 00 00 00 96 6b 7b 07',
  },
  {
    name: 'SEQ ffffffff',
    frame: { type: 0x01, seq: 0xffffffff, data: fromHex('') },
    wire: '06 01 ff ff ff ff 01 00 07',
  },
];

describe('frameChecksum', () => {
  it('XORs big-endian 16-bit words; an odd last byte is a high byte', () => {
    expect(frameChecksum(fromHex(''))).toBe(0);
    expect(frameChecksum(fromHex('12'))).toBe(0x1200);
    expect(frameChecksum(fromHex('12 34'))).toBe(0x1234);
    expect(frameChecksum(fromHex('12 34 56'))).toBe(0x1234 ^ 0x5600);
    expect(frameChecksum(fromHex('12 34 56 78'))).toBe(0x1234 ^ 0x5678);
    expect(frameChecksum(fromHex('01 00 00 00 01'))).toBe(0);
    expect(frameChecksum(fromHex('11 00 00 00 03 00 00 00 07 00 0c 00 00 01 5e 00'))).toBe(0x4701);
  });

  it('reads a view into a larger buffer from its own start', () => {
    const buffer = fromHex('ff ff 12 34 56 ff');
    expect(frameChecksum(buffer.subarray(2, 5))).toBe(0x1234 ^ 0x5600);
  });
});

describe('encodeFrame and decodeFrame', () => {
  it.each(VECTORS)('encode $name', ({ frame, wire }) => {
    expect(toHex(encodeFrame(frame))).toBe(wire);
  });

  it.each(VECTORS)('decode $name', ({ frame, wire }) => {
    expect(decodeFrame(fromHex(wire))).toEqual({ ok: true, frame });
  });

  it('escapes every 06, 07 and 10 between STX and ETX and no other byte', () => {
    const random = createRng(1);
    const special = [0x06, 0x07, 0x10];
    for (let n = 0; n < 2000; n += 1) {
      const data = Uint8Array.from({ length: Math.floor(random() * 40) }, () =>
        random() < 0.3 ? (special[Math.floor(random() * 3)] ?? 0) : Math.floor(random() * 256),
      );
      const frame = { type: Math.floor(random() * 256), seq: Math.floor(random() * 0x1_0000_0000), data };
      const wire = encodeFrame(frame);
      expect(wire[0]).toBe(0x06);
      expect(wire[wire.length - 1]).toBe(0x07);
      const unescaped: number[] = [];
      const badBytes: number[] = [];
      for (let i = 1; i < wire.length - 1; i += 1) {
        const byte = wire[i] ?? -1;
        if (byte === 0x06 || byte === 0x07) badBytes.push(i);
        if (byte === 0x10) {
          i += 1;
          if (!special.includes(wire[i] ?? -1)) badBytes.push(i);
        }
        unescaped.push(wire[i] ?? -1);
      }
      expect(badBytes).toEqual([]);
      const body = Uint8Array.from(unescaped);
      expect(body[0]).toBe(frame.type);
      expect(new DataView(body.buffer).getUint32(1)).toBe(frame.seq);
      expect(body.subarray(5, body.length - 2)).toEqual(data);
      expect(new DataView(body.buffer).getUint16(body.length - 2)).toBe(frameChecksum(body.subarray(0, -2)));
      expect(decodeFrame(wire)).toEqual({ ok: true, frame });
    }
  });

  it('takes 0 to 256 bytes of DATA', () => {
    for (const length of [0, 1, 2, 255, MAX_DATA]) {
      const frame = { type: 0x40, seq: 9, data: new Uint8Array(length).fill(0x10) };
      expect(decodeFrame(encodeFrame(frame))).toEqual({ ok: true, frame });
    }
  });

  it('refuses to encode what no frame can carry', () => {
    const data = new Uint8Array(0);
    expect(() => encodeFrame({ type: 0x40, seq: 1, data: new Uint8Array(MAX_DATA + 1) })).toThrow(RangeError);
    expect(() => encodeFrame({ type: 0x100, seq: 1, data })).toThrow(RangeError);
    expect(() => encodeFrame({ type: -1, seq: 1, data })).toThrow(RangeError);
    expect(() => encodeFrame({ type: 1.5, seq: 1, data })).toThrow(RangeError);
    expect(() => encodeFrame({ type: 1, seq: 0x1_0000_0000, data })).toThrow(RangeError);
    expect(() => encodeFrame({ type: 1, seq: -1, data })).toThrow(RangeError);
    expect(() => encodeFrame({ type: 1, seq: Number.NaN, data })).toThrow(RangeError);
  });
});

describe('decodeFrame refuses', () => {
  const cases: readonly { name: string; wire: string; result: DecodeResult }[] = [
    { name: 'nothing', wire: '', result: { ok: false, error: 'format' } },
    { name: 'no STX', wire: '01 00 00 00 01 00 00 07', result: { ok: false, error: 'format' } },
    {
      name: 'no ETX',
      wire: '06 01 00 00 00 01 00 00',
      result: { ok: false, error: 'format', seq: 1 },
    },
    {
      name: 'an ETX that is escaped, so not the end',
      wire: '06 01 00 00 00 01 00 00 10 07',
      result: { ok: false, error: 'format', seq: 1 },
    },
    {
      name: 'a bad escape after SEQ (SEQ readable)',
      wire: '06 40 00 00 00 09 10 41 00 00 07',
      result: { ok: false, error: 'format', seq: 9 },
    },
    {
      name: 'a bad escape in SEQ (SEQ unreadable)',
      wire: '06 40 00 10 00 00 09 00 00 07',
      result: { ok: false, error: 'format' },
    },
    {
      name: 'a bad escape in CHK',
      wire: '06 01 00 00 00 01 10 00 00 07',
      result: { ok: false, error: 'format', seq: 1 },
    },
    {
      name: 'an unescaped STX inside',
      wire: '06 01 00 00 00 01 06 00 00 07',
      result: { ok: false, error: 'format', seq: 1 },
    },
    {
      name: 'an unescaped ETX inside',
      wire: '06 01 00 00 00 01 00 00 07 07',
      result: { ok: false, error: 'format', seq: 1 },
    },
    { name: 'an empty frame', wire: '06 07', result: { ok: false, error: 'length' } },
    { name: 'four bytes', wire: '06 01 00 00 00 07', result: { ok: false, error: 'length' } },
    {
      name: 'six bytes (one short)',
      wire: '06 01 00 00 00 01 00 07',
      result: { ok: false, error: 'length', seq: 1 },
    },
    {
      name: 'a bad CHK',
      wire: '06 01 00 00 00 01 00 01 07',
      result: { ok: false, error: 'checksum', seq: 1 },
    },
    {
      name: 'the spec VEND with price 351 instead of 350',
      wire: '06 11 00 00 00 03 00 00 00 10 07 00 0c 00 00 01 5f 00 47 01 07',
      result: { ok: false, error: 'checksum', seq: 3 },
    },
    {
      name: 'the spec VEND with an escaped 07 read as 10 07 -> 10 10',
      wire: '06 11 00 00 00 03 00 00 00 10 10 00 0c 00 00 01 5e 00 47 01 07',
      result: { ok: false, error: 'checksum', seq: 3 },
    },
  ];

  it.each(cases)('$name', ({ wire, result }) => {
    expect(decodeFrame(fromHex(wire))).toEqual(result);
  });

  it('more than 263 unescaped bytes, as a length error with SEQ; 263 is fine', () => {
    const longest = encodeFrame({ type: 0x40, seq: 5, data: new Uint8Array(MAX_DATA).fill(0x10) });
    expect(decodeFrame(longest).ok).toBe(true);
    // One more byte before the CHK: 264 unescaped bytes, whatever the CHK says.
    const tooLong = Uint8Array.from([...longest.subarray(0, 6), 0x00, ...longest.subarray(6)]);
    expect(decodeFrame(tooLong)).toEqual({ ok: false, error: 'length', seq: 5 });
    const huge = new Uint8Array(100_000);
    huge[0] = 0x06;
    huge[huge.length - 1] = 0x07;
    expect(decodeFrame(huge)).toEqual({ ok: false, error: 'length', seq: 0 });
  });

  it('a bad escape before a length or CHK problem: format comes first', () => {
    expect(decodeFrame(fromHex('06 01 00 00 00 01 10 41 07'))).toEqual({ ok: false, error: 'format', seq: 1 });
  });

  it('never throws, and whatever it accepts is a frame that encodes back to the same bytes', () => {
    const random = createRng(2);
    const special = [0x06, 0x07, 0x10];
    let accepted = 0;
    for (let n = 0; n < 50_000; n += 1) {
      let wire: Uint8Array;
      if (n % 2 === 0) {
        const length = Math.floor(random() * 30);
        wire = Uint8Array.from({ length }, () =>
          random() < 0.2 ? (special[Math.floor(random() * 3)] ?? 0) : Math.floor(random() * 256),
        );
        if (random() < 0.7 && length > 0) wire[0] = 0x06;
        if (random() < 0.7 && length > 1) wire[length - 1] = 0x07;
      } else {
        // A good frame with one byte changed, dropped or doubled.
        const good = encodeFrame({
          type: Math.floor(random() * 256),
          seq: Math.floor(random() * 0x1_0000_0000),
          data: Uint8Array.from({ length: Math.floor(random() * 12) }, () => Math.floor(random() * 256)),
        });
        const at = Math.floor(random() * good.length);
        const bytes = [...good];
        const how = random();
        if (how < 0.4) bytes[at] = Math.floor(random() * 256);
        else if (how < 0.7) bytes.splice(at, 1);
        else bytes.splice(at, 0, bytes[at] ?? 0);
        wire = Uint8Array.from(bytes);
      }
      const result = decodeFrame(wire);
      if (result.ok) {
        accepted += 1;
        expect(encodeFrame(result.frame)).toEqual(wire);
      } else if (result.seq !== undefined) {
        expect(Number.isInteger(result.seq) && result.seq >= 0 && result.seq <= 0xffffffff).toBe(true);
      }
    }
    expect(accepted).toBeGreaterThan(0);
  });

  it('cannot see two bytes of the same parity changed by the same XOR: the limit of a 16-bit XOR', () => {
    // The VEND example of docs/serial-protocol.md with vendId 7 -> 0x2007 and price 350 -> 0x2000015e: both the low byte of a word, both XOR 0x20.
    const changed = fromHex('06 11 00 00 00 03 00 00 20 10 07 00 0c 20 00 01 5e 00 47 01 07');
    expect(decodeFrame(changed)).toEqual({
      ok: true,
      frame: { type: 0x11, seq: 3, data: fromHex('00 00 20 07 00 0c 20 00 01 5e 00') },
    });
  });
});
