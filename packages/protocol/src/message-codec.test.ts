import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  decodeMessage,
  describeMessage,
  encodeMessage,
  type HelloMessage,
  type Message,
  type MessageOf,
  type VendMessage,
} from './message-codec.js';
import { fromHex, toHex } from './hex.js';

/** ASCII text -> hex, zero-padded to `length` bytes (HELLO strings). */
function asciiHex(text: string, length: number): string {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return toHex(bytes);
}

/** The TYPE bytes and exact DATA lengths of the message table of docs/serial-protocol.md, copied by hand. */
const SPEC_TYPES: readonly { name: Message['type']; type: number; length: number }[] = [
  { name: 'ACK', type: 0x01, length: 0 },
  { name: 'NAK', type: 0x02, length: 1 },
  { name: 'POLL', type: 0x10, length: 0 },
  { name: 'VEND', type: 0x11, length: 11 },
  { name: 'SET_ACCEPT', type: 0x12, length: 1 },
  { name: 'PAYOUT', type: 0x13, length: 0 },
  { name: 'SET_TEMP', type: 0x14, length: 2 },
  { name: 'RESET', type: 0x15, length: 0 },
  { name: 'STATUS', type: 0x40, length: 10 },
  { name: 'VEND_RESULT', type: 0x41, length: 11 },
  { name: 'CREDIT', type: 0x42, length: 9 },
  { name: 'PAYOUT_RESULT', type: 0x43, length: 8 },
  { name: 'SELECTION', type: 0x44, length: 2 },
  { name: 'EVENT', type: 0x45, length: 5 },
  { name: 'HELLO', type: 0x46, length: 27 },
];

const KNOWN_TYPES = new Set(SPEC_TYPES.map((t) => t.type));

/**
 * Messages and their DATA, written out by hand from the field tables of
 * docs/serial-protocol.md (big-endian, signed values in two's complement, HELLO strings
 * zero-padded).
 */
const VECTORS: readonly { message: Message; type: number; data: string }[] = [
  { message: { type: 'ACK' }, type: 0x01, data: '' },
  { message: { type: 'NAK', reason: 1 }, type: 0x02, data: '01' },
  { message: { type: 'NAK', reason: 4 }, type: 0x02, data: '04' },
  { message: { type: 'NAK', reason: 255 }, type: 0x02, data: 'ff' },
  { message: { type: 'POLL' }, type: 0x10, data: '' },
  // The example frame of docs/serial-protocol.md: VEND vendId 7, channel 12, price 350, method 0.
  {
    message: { type: 'VEND', vendId: 7, channel: 12, price: 350, method: 0 },
    type: 0x11,
    data: '00 00 00 07 00 0c 00 00 01 5e 00',
  },
  {
    message: { type: 'VEND', vendId: 0x12345678, channel: 0x0203, price: 100_000, method: 2 },
    type: 0x11,
    data: '12 34 56 78 02 03 00 01 86 a0 02',
  },
  {
    message: { type: 'VEND', vendId: 0xffffffff, channel: 0xffff, price: 0xffffffff, method: 0xff },
    type: 0x11,
    data: 'ff ff ff ff ff ff ff ff ff ff ff',
  },
  {
    message: { type: 'VEND', vendId: 0, channel: 0, price: 0, method: 3 },
    type: 0x11,
    data: '00 00 00 00 00 00 00 00 00 00 03',
  },
  { message: { type: 'SET_ACCEPT', coins: false, bills: false, cashless: false }, type: 0x12, data: '00' },
  { message: { type: 'SET_ACCEPT', coins: true, bills: false, cashless: false }, type: 0x12, data: '01' },
  { message: { type: 'SET_ACCEPT', coins: false, bills: true, cashless: false }, type: 0x12, data: '02' },
  { message: { type: 'SET_ACCEPT', coins: false, bills: false, cashless: true }, type: 0x12, data: '04' },
  { message: { type: 'SET_ACCEPT', coins: true, bills: true, cashless: true }, type: 0x12, data: '07' },
  { message: { type: 'PAYOUT' }, type: 0x13, data: '' },
  { message: { type: 'SET_TEMP', target: 45 }, type: 0x14, data: '00 2d' },
  { message: { type: 'SET_TEMP', target: -45 }, type: 0x14, data: 'ff d3' },
  { message: { type: 'SET_TEMP', target: -1 }, type: 0x14, data: 'ff ff' },
  { message: { type: 'SET_TEMP', target: 32767 }, type: 0x14, data: '7f ff' },
  { message: { type: 'SET_TEMP', target: -32768 }, type: 0x14, data: '80 00' },
  { message: { type: 'RESET' }, type: 0x15, data: '' },
  {
    message: { type: 'STATUS', doorOpen: false, temperature: 40, cooling: false, errors: 0, credit: 0 },
    type: 0x40,
    data: '00 00 28 00 00 00 00 00 00 00',
  },
  {
    // Door open, -4.5 °C, cooling, coin changer and drop sensor faulty, 10 yuan credit.
    message: { type: 'STATUS', doorOpen: true, temperature: -45, cooling: true, errors: 0x0011, credit: 1000 },
    type: 0x40,
    data: '01 ff d3 01 00 11 00 00 03 e8',
  },
  {
    message: { type: 'STATUS', doorOpen: true, temperature: -32768, cooling: true, errors: 0xffff, credit: 0xffffffff },
    type: 0x40,
    data: '01 80 00 01 ff ff ff ff ff ff',
  },
  {
    message: {
      type: 'STATUS',
      doorOpen: false,
      temperature: 32767,
      cooling: false,
      errors: 0x0120,
      credit: 0x01020304,
    },
    type: 0x40,
    data: '00 7f ff 00 01 20 01 02 03 04',
  },
  {
    message: { type: 'VEND_RESULT', vendId: 7, channel: 12, result: 0, credit: 150 },
    type: 0x41,
    data: '00 00 00 07 00 0c 00 00 00 00 96',
  },
  {
    message: { type: 'VEND_RESULT', vendId: 0xdeadbeef, channel: 300, result: 8, credit: 0xffffffff },
    type: 0x41,
    data: 'de ad be ef 01 2c 08 ff ff ff ff',
  },
  {
    message: { type: 'CREDIT', source: 1, amount: 100, credit: 350 },
    type: 0x42,
    data: '01 00 00 00 64 00 00 01 5e',
  },
  {
    message: { type: 'CREDIT', source: 255, amount: 0xffffffff, credit: 0x80000000 },
    type: 0x42,
    data: 'ff ff ff ff ff 80 00 00 00',
  },
  { message: { type: 'PAYOUT_RESULT', paid: 250, remaining: 50 }, type: 0x43, data: '00 00 00 fa 00 00 00 32' },
  {
    message: { type: 'PAYOUT_RESULT', paid: 0xffffffff, remaining: 0xffffffff },
    type: 0x43,
    data: 'ff ff ff ff ff ff ff ff',
  },
  { message: { type: 'SELECTION', channel: 12 }, type: 0x44, data: '00 0c' },
  { message: { type: 'SELECTION', channel: 0 }, type: 0x44, data: '00 00' },
  { message: { type: 'SELECTION', channel: 0x0102 }, type: 0x44, data: '01 02' },
  { message: { type: 'SELECTION', channel: 0xffff }, type: 0x44, data: 'ff ff' },
  { message: { type: 'EVENT', code: 1, value: 0 }, type: 0x45, data: '01 00 00 00 00' },
  { message: { type: 'EVENT', code: 3, value: -150 }, type: 0x45, data: '03 ff ff ff 6a' },
  { message: { type: 'EVENT', code: 3, value: 85 }, type: 0x45, data: '03 00 00 00 55' },
  { message: { type: 'EVENT', code: 7, value: -2147483648 }, type: 0x45, data: '07 80 00 00 00' },
  { message: { type: 'EVENT', code: 4, value: 2147483647 }, type: 0x45, data: '04 7f ff ff ff' },
  { message: { type: 'EVENT', code: 255, value: -1 }, type: 0x45, data: 'ff ff ff ff ff' },
  { message: { type: 'EVENT', code: 8, value: 150 }, type: 0x45, data: '08 00 00 00 96' },
  {
    message: { type: 'HELLO', version: 1, boardId: 'VMC-0001', firmware: 'fw1.2.3', channelCount: 60 },
    type: 0x46,
    data: '01 56 4d 43 2d 30 30 30 31 00 00 00 00 00 00 00 00 66 77 31 2e 32 2e 33 00 00 3c',
  },
  {
    message: { type: 'HELLO', version: 255, boardId: 'ABCDEFGHIJKLMNOP', firmware: '12345678', channelCount: 0xffff },
    type: 0x46,
    data: 'ff 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f 50 31 32 33 34 35 36 37 38 ff ff',
  },
  {
    message: { type: 'HELLO', version: 0, boardId: '', firmware: '', channelCount: 0 },
    type: 0x46,
    data: '00'.repeat(27),
  },
];

describe('message codec vectors', () => {
  it('has a vector for every message type of the spec', () => {
    expect(new Set(VECTORS.map((v) => v.type))).toEqual(KNOWN_TYPES);
    expect(new Set(VECTORS.map((v) => v.message.type))).toEqual(new Set(SPEC_TYPES.map((t) => t.name)));
  });

  it('writes the HELLO vector helper the same way as the hand-written hex', () => {
    expect(asciiHex('VMC-0001', 16)).toBe('56 4d 43 2d 30 30 30 31 00 00 00 00 00 00 00 00');
  });

  it.each(VECTORS.map((v) => [describeMessage(v.message), v] as const))('encodes %s', (_, v) => {
    const encoded = encodeMessage(v.message);
    expect(encoded.type).toBe(v.type);
    expect(toHex(encoded.data)).toBe(toHex(fromHex(v.data)));
  });

  it.each(VECTORS.map((v) => [describeMessage(v.message), v] as const))('decodes %s', (_, v) => {
    expect(decodeMessage(v.type, fromHex(v.data))).toEqual({ ok: true, message: v.message });
  });

  it.each(VECTORS.map((v) => [describeMessage(v.message), v] as const))('round-trips %s', (_, v) => {
    const encoded = encodeMessage(v.message);
    expect(decodeMessage(encoded.type, encoded.data)).toEqual({ ok: true, message: v.message });
  });

  it('reads the DATA of the spec example frame as VEND vendId 7, channel 12, price 350, method 0', () => {
    // `06 11 00 00 00 03 | 00 00 00 10 07 00 0c 00 00 01 5e 00 | 47 01 07`: DATA with `10 07` unescaped.
    const wire = fromHex('06 11 00 00 00 03 00 00 00 10 07 00 0c 00 00 01 5e 00 47 01 07');
    const data = [...wire.subarray(6, wire.length - 3)].filter((b, i, all) => !(b === 0x10 && all[i + 1] === 0x07));
    expect(decodeMessage(wire[1] ?? -1, Uint8Array.from(data))).toEqual({
      ok: true,
      message: { type: 'VEND', vendId: 7, channel: 12, price: 350, method: 0 },
    });
  });

  it('reads DATA that is a view into a larger buffer', () => {
    const buffer = fromHex('aa bb cc 00 00 00 07 00 0c 00 00 01 5e 00 dd ee');
    expect(decodeMessage(0x11, buffer.subarray(3, 14))).toEqual({
      ok: true,
      message: { type: 'VEND', vendId: 7, channel: 12, price: 350, method: 0 },
    });
  });

  it('encodes DATA of the exact length of every message type', () => {
    for (const v of VECTORS) {
      const spec = SPEC_TYPES.find((t) => t.type === v.type);
      expect(encodeMessage(v.message).data.length).toBe(spec?.length);
    }
  });
});

describe('decodeMessage refuses', () => {
  it.each(SPEC_TYPES)('$name with DATA of any other length than $length', ({ type, length }) => {
    let refused = 0;
    for (let n = 0; n <= 300; n++) {
      if (n === length) continue;
      const result = decodeMessage(type, new Uint8Array(n).fill(0x31));
      expect(result, `length ${n}`).toEqual({ ok: false, error: 'length', type });
      refused++;
    }
    expect(refused).toBe(300);
    expect(decodeMessage(type, new Uint8Array(length).fill(0x31)).ok).toBe(true);
  });

  it('every TYPE byte that is not in the message table', () => {
    let refused = 0;
    for (let type = 0; type <= 0xff; type++) {
      if (KNOWN_TYPES.has(type)) continue;
      for (const length of [0, 1, 2, 5, 8, 9, 10, 11, 27, 256]) {
        expect(decodeMessage(type, new Uint8Array(length)), `type ${type}`).toEqual({
          ok: false,
          error: 'unknown-type',
          type,
        });
      }
      refused++;
    }
    expect(refused).toBe(256 - 15);
  });

  it('numbers that are not a TYPE byte at all', () => {
    for (const type of [-1, 256, 0x111, 0x146, 1.5, Number.NaN, Infinity]) {
      expect(decodeMessage(type, new Uint8Array(0))).toEqual({ ok: false, error: 'unknown-type', type });
    }
  });
});

describe('decodeMessage reads bytes a message cannot represent leniently', () => {
  it('reads any non-zero door or cooling byte as open / on, and encodes them back as 1', () => {
    const result = decodeMessage(0x40, fromHex('02 00 28 ff 00 00 00 00 00 00'));
    expect(result).toEqual({
      ok: true,
      message: { type: 'STATUS', doorOpen: true, temperature: 40, cooling: true, errors: 0, credit: 0 },
    });
    if (result.ok) expect(toHex(encodeMessage(result.message).data)).toBe('01 00 28 01 00 00 00 00 00 00');
  });

  it('ignores SET_ACCEPT flag bits 3..7', () => {
    expect(decodeMessage(0x12, fromHex('fa'))).toEqual({
      ok: true,
      message: { type: 'SET_ACCEPT', coins: false, bills: true, cashless: false },
    });
  });

  it('strips only the trailing zeros of HELLO strings', () => {
    const data = fromHex(`01 ${asciiHex('AB', 3)} ${asciiHex('CD', 13)} ${asciiHex('x', 8)} 00 08`);
    const result = decodeMessage(0x46, data);
    expect(result).toEqual({
      ok: true,
      message: { type: 'HELLO', version: 1, boardId: 'AB\0CD', firmware: 'x', channelCount: 8 },
    });
    if (result.ok) expect(toHex(encodeMessage(result.message).data)).toBe(toHex(data));
  });

  it('reads non-ASCII bytes of HELLO strings as ?', () => {
    const data = fromHex(`01 ${asciiHex('A\u00e9B', 16)} ${asciiHex('\u00ff', 8)} 00 01`);
    expect(decodeMessage(0x46, data)).toEqual({
      ok: true,
      message: { type: 'HELLO', version: 1, boardId: 'A?B', firmware: '?', channelCount: 1 },
    });
  });
});

describe('encodeMessage refuses values that do not fit their field', () => {
  const cases: readonly [field: string, message: Message][] = [
    ['reason', { type: 'NAK', reason: 256 }],
    ['reason', { type: 'NAK', reason: -1 }],
    ['reason', { type: 'NAK', reason: 1.5 }],
    ['vendId', { type: 'VEND', vendId: 2 ** 32, channel: 1, price: 1, method: 0 }],
    ['vendId', { type: 'VEND', vendId: -1, channel: 1, price: 1, method: 0 }],
    ['vendId', { type: 'VEND', vendId: Number.NaN, channel: 1, price: 1, method: 0 }],
    ['channel', { type: 'VEND', vendId: 1, channel: 0x10000, price: 1, method: 0 }],
    ['price', { type: 'VEND', vendId: 1, channel: 1, price: 2 ** 32, method: 0 }],
    ['price', { type: 'VEND', vendId: 1, channel: 1, price: 3.5, method: 0 }],
    ['price', { type: 'VEND', vendId: 1, channel: 1, price: Infinity, method: 0 }],
    ['method', { type: 'VEND', vendId: 1, channel: 1, price: 1, method: 256 }],
    ['target', { type: 'SET_TEMP', target: 32768 }],
    ['target', { type: 'SET_TEMP', target: -32769 }],
    ['temperature', { type: 'STATUS', doorOpen: false, temperature: 32768, cooling: false, errors: 0, credit: 0 }],
    ['temperature', { type: 'STATUS', doorOpen: false, temperature: -32769, cooling: false, errors: 0, credit: 0 }],
    ['errors', { type: 'STATUS', doorOpen: false, temperature: 0, cooling: false, errors: 0x10000, credit: 0 }],
    ['credit', { type: 'STATUS', doorOpen: false, temperature: 0, cooling: false, errors: 0, credit: -1 }],
    ['vendId', { type: 'VEND_RESULT', vendId: 2 ** 32, channel: 1, result: 0, credit: 0 }],
    ['channel', { type: 'VEND_RESULT', vendId: 1, channel: -1, result: 0, credit: 0 }],
    ['result', { type: 'VEND_RESULT', vendId: 1, channel: 1, result: 256, credit: 0 }],
    ['credit', { type: 'VEND_RESULT', vendId: 1, channel: 1, result: 0, credit: 2 ** 32 }],
    ['source', { type: 'CREDIT', source: 256, amount: 1, credit: 1 }],
    ['amount', { type: 'CREDIT', source: 1, amount: 2 ** 32, credit: 1 }],
    ['credit', { type: 'CREDIT', source: 1, amount: 1, credit: -1 }],
    ['paid', { type: 'PAYOUT_RESULT', paid: -1, remaining: 0 }],
    ['remaining', { type: 'PAYOUT_RESULT', paid: 0, remaining: 2 ** 32 }],
    ['channel', { type: 'SELECTION', channel: 0x10000 }],
    ['code', { type: 'EVENT', code: 256, value: 0 }],
    ['value', { type: 'EVENT', code: 1, value: 2 ** 31 }],
    ['value', { type: 'EVENT', code: 1, value: -(2 ** 31) - 1 }],
    ['version', { type: 'HELLO', version: 256, boardId: 'A', firmware: 'B', channelCount: 1 }],
    ['boardId', { type: 'HELLO', version: 1, boardId: 'ABCDEFGHIJKLMNOPQ', firmware: 'B', channelCount: 1 }],
    ['boardId', { type: 'HELLO', version: 1, boardId: 'caf\u00e9', firmware: 'B', channelCount: 1 }],
    ['boardId', { type: 'HELLO', version: 1, boardId: '\u{1f964}', firmware: 'B', channelCount: 1 }],
    ['firmware', { type: 'HELLO', version: 1, boardId: 'A', firmware: '123456789', channelCount: 1 }],
    ['firmware', { type: 'HELLO', version: 1, boardId: 'A', firmware: '\u7248\u672c', channelCount: 1 }],
    ['channelCount', { type: 'HELLO', version: 1, boardId: 'A', firmware: 'B', channelCount: 0x10000 }],
  ];

  it.each(cases)('%s of %j', (field, message) => {
    expect(() => encodeMessage(message)).toThrow(RangeError);
    expect(() => encodeMessage(message)).toThrow(new RegExp(`\\b${field}\\b`));
  });

  it('booleans that are not booleans', () => {
    const notBoolean = 1 as unknown as boolean;
    expect(() => encodeMessage({ type: 'SET_ACCEPT', coins: true, bills: notBoolean, cashless: true })).toThrow(
      /SET_ACCEPT bills/,
    );
    expect(() =>
      encodeMessage({ type: 'STATUS', doorOpen: notBoolean, temperature: 0, cooling: false, errors: 0, credit: 0 }),
    ).toThrow(/doorOpen/);
    expect(() =>
      encodeMessage({ type: 'STATUS', doorOpen: false, temperature: 0, cooling: notBoolean, errors: 0, credit: 0 }),
    ).toThrow(/cooling/);
  });

  it('a message type that is not in the table', () => {
    expect(() => encodeMessage({ type: 'DISPENSE' } as unknown as Message)).toThrow(RangeError);
    expect(() => encodeMessage({ type: 'toString' } as unknown as Message)).toThrow(RangeError);
  });

  it('accepts the edges of every range', () => {
    expect(() => encodeMessage({ type: 'EVENT', code: 0, value: -(2 ** 31) })).not.toThrow();
    expect(() => encodeMessage({ type: 'SET_TEMP', target: -32768 })).not.toThrow();
    expect(() =>
      encodeMessage({
        type: 'HELLO',
        version: 0,
        boardId: '\x7f'.repeat(16),
        firmware: '\0'.repeat(8),
        channelCount: 0,
      }),
    ).not.toThrow();
  });
});

/** A small seeded generator, so that a failure can be repeated. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/**
 * The bytes a decoded DATA encodes back to: the same bytes, except where
 * docs/serial-protocol.md gives a byte fewer meanings than it has values (door and cooling
 * 0/1, SET_ACCEPT bits 0..2, ASCII in HELLO strings).
 */
function canonical(type: number, data: Uint8Array): Uint8Array {
  const out = Uint8Array.from(data);
  if (type === 0x12) out[0] = (out[0] ?? 0) & 0x07;
  if (type === 0x40) {
    out[0] = out[0] ? 1 : 0;
    out[3] = out[3] ? 1 : 0;
  }
  if (type === 0x46) for (let i = 1; i < 25; i++) if ((out[i] ?? 0) > 0x7f) out[i] = 0x3f;
  return out;
}

describe('random bytes', () => {
  it('10,000 random (TYPE, DATA) pairs never throw, and every decoded message encodes back to its bytes', () => {
    const next = random(0x5eed);
    const byte = () => Math.floor(next() * 256);
    let decoded = 0;
    let exact = 0;
    for (let i = 0; i < 10_000; i++) {
      const spec = SPEC_TYPES[Math.floor(next() * SPEC_TYPES.length)];
      const type = next() < 0.7 && spec ? spec.type : byte();
      const length = next() < 0.6 && spec ? spec.length : Math.floor(next() * 300);
      const data = Uint8Array.from({ length }, byte);

      let result;
      try {
        result = decodeMessage(type, data);
      } catch (error) {
        throw new Error(`decodeMessage threw for type ${type} data ${toHex(data)}: ${String(error)}`);
      }
      if (!result.ok) {
        expect(result.type).toBe(type);
        expect(result.error).toBe(KNOWN_TYPES.has(type) ? 'length' : 'unknown-type');
        continue;
      }
      decoded++;
      const encoded = encodeMessage(result.message);
      expect(encoded.type).toBe(type);
      expect(toHex(encoded.data), `type ${type} data ${toHex(data)}`).toBe(toHex(canonical(type, data)));
      if (toHex(encoded.data) === toHex(data)) exact++;
      expect(decodeMessage(encoded.type, encoded.data)).toEqual(result);
    }
    // The test only means something if many pairs decode, and most of them byte for byte.
    expect(decoded).toBeGreaterThan(3000);
    expect(exact).toBeGreaterThan(decoded * 0.7);
  });

  it('random messages with values anywhere in their ranges round-trip', () => {
    const next = random(42);
    const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
    const u32 = () => int(0, 0xffffffff);
    const u16 = () => int(0, 0xffff);
    const u8 = () => int(0, 0xff);
    const bool = () => next() < 0.5;
    const ascii = (max: number) => String.fromCharCode(...Array.from({ length: int(0, max) }, () => int(0x20, 0x7e)));
    const makers: (() => Message)[] = [
      () => ({ type: 'NAK', reason: u8() }),
      () => ({ type: 'VEND', vendId: u32(), channel: u16(), price: u32(), method: u8() }),
      () => ({ type: 'SET_ACCEPT', coins: bool(), bills: bool(), cashless: bool() }),
      () => ({ type: 'SET_TEMP', target: int(-32768, 32767) }),
      () => ({
        type: 'STATUS',
        doorOpen: bool(),
        temperature: int(-32768, 32767),
        cooling: bool(),
        errors: u16(),
        credit: u32(),
      }),
      () => ({ type: 'VEND_RESULT', vendId: u32(), channel: u16(), result: u8(), credit: u32() }),
      () => ({ type: 'CREDIT', source: u8(), amount: u32(), credit: u32() }),
      () => ({ type: 'PAYOUT_RESULT', paid: u32(), remaining: u32() }),
      () => ({ type: 'SELECTION', channel: u16() }),
      () => ({ type: 'EVENT', code: u8(), value: int(-(2 ** 31), 2 ** 31 - 1) }),
      () => ({ type: 'HELLO', version: u8(), boardId: ascii(16), firmware: ascii(8), channelCount: u16() }),
    ];
    for (let i = 0; i < 2000; i++) {
      const message = (makers[i % makers.length] ?? makers[0])?.() as Message;
      const { type, data } = encodeMessage(message);
      expect(decodeMessage(type, data)).toEqual({ ok: true, message });
    }
  });
});

describe('describeMessage', () => {
  it.each([
    [
      { type: 'VEND', vendId: 7, channel: 12, price: 350, method: 0 },
      'VEND vendId=7 channel=12 price=350 method=HOST_PAID',
    ],
    [{ type: 'VEND', vendId: 8, channel: 1, price: 0, method: 9 }, 'VEND vendId=8 channel=1 price=0 method=9'],
    [{ type: 'ACK' }, 'ACK'],
    [{ type: 'POLL' }, 'POLL'],
    [{ type: 'NAK', reason: 4 }, 'NAK reason=BAD_LENGTH'],
    [
      { type: 'SET_ACCEPT', coins: true, bills: false, cashless: true },
      'SET_ACCEPT coins=true bills=false cashless=true',
    ],
    [{ type: 'SET_TEMP', target: -45 }, 'SET_TEMP target=-4.5°C'],
    [
      { type: 'STATUS', doorOpen: true, temperature: 40, cooling: false, errors: 0x0011, credit: 500 },
      'STATUS doorOpen=true temperature=4.0°C cooling=false errors=COIN_CHANGER|DROP_SENSOR credit=500',
    ],
    [
      { type: 'STATUS', doorOpen: false, temperature: 0, cooling: true, errors: 0, credit: 0 },
      'STATUS doorOpen=false temperature=0.0°C cooling=true errors=none credit=0',
    ],
    [
      { type: 'STATUS', doorOpen: false, temperature: 0, cooling: true, errors: 0x8001, credit: 0 },
      'STATUS doorOpen=false temperature=0.0°C cooling=true errors=COIN_CHANGER|0x8000 credit=0',
    ],
    [
      { type: 'VEND_RESULT', vendId: 7, channel: 12, result: 8, credit: 0 },
      'VEND_RESULT vendId=7 channel=12 result=ID_CONFLICT credit=0',
    ],
    [{ type: 'CREDIT', source: 2, amount: 1000, credit: 1500 }, 'CREDIT source=BILL amount=1000 credit=1500'],
    [{ type: 'PAYOUT_RESULT', paid: 150, remaining: 50 }, 'PAYOUT_RESULT paid=150 remaining=50'],
    [{ type: 'SELECTION', channel: 3 }, 'SELECTION channel=3'],
    [{ type: 'EVENT', code: 3, value: -150 }, 'EVENT code=TEMPERATURE_ALARM value=-150'],
    [{ type: 'EVENT', code: 8, value: 150 }, 'EVENT code=COIN_RETURNED value=150'],
    [
      { type: 'HELLO', version: 1, boardId: 'VMC-0001', firmware: '1.0', channelCount: 60 },
      'HELLO version=1 boardId="VMC-0001" firmware="1.0" channelCount=60',
    ],
  ] satisfies [Message, string][])('%j', (message, line) => {
    expect(describeMessage(message)).toBe(line);
  });

  it('writes one line for every vector', () => {
    for (const v of VECTORS) {
      const line = describeMessage(v.message);
      expect(line.startsWith(v.message.type)).toBe(true);
      expect(line).not.toMatch(/[\n\r]/);
    }
    expect(describeMessage({ type: 'HELLO', version: 1, boardId: 'a\nb', firmware: '', channelCount: 0 })).not.toMatch(
      /\n/,
    );
  });
});

describe('message types', () => {
  it('picks one message of the union by its name', () => {
    expectTypeOf<MessageOf<'VEND'>>().toEqualTypeOf<VendMessage>();
    expectTypeOf<VendMessage>().toEqualTypeOf<{
      type: 'VEND';
      vendId: number;
      channel: number;
      price: number;
      method: number;
    }>();
    expectTypeOf<HelloMessage['boardId']>().toEqualTypeOf<string>();
    expectTypeOf(encodeMessage).returns.toExtend<{ type: number; data: Uint8Array }>();
  });
});
