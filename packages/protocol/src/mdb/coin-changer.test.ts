import { describe, expect, it } from 'vitest';
import { decodeMasterBlock, decodePeripheralBlock, encodeMasterBlock, encodePeripheralBlock } from './block.js';
import {
  ChangerStatus,
  CoinRouting,
  decodeChangerCommand,
  decodeChangerResponse,
  encodeChangerCommand,
  encodeChangerResponse,
  type ChangerCommand,
  type ChangerCommandType,
  type ChangerResponse,
} from './coin-changer.js';
import { fromHex } from '../hex.js';

/** `'11 01 C8'` -> bytes, as numbers to compare with blocks and 9-bit words. */
const hex = (text: string): number[] => Array.from(fromHex(text));

function sixteen(...head: number[]): number[] {
  return [...head, ...new Array<number>(16 - head.length).fill(0)];
}

/** Commands and their blocks on the bus, CHK last. */
const COMMANDS: [ChangerCommand, string][] = [
  [{ type: 'RESET' }, '08 08'],
  [{ type: 'SETUP' }, '09 09'],
  [{ type: 'TUBE_STATUS' }, '0A 0A'],
  [{ type: 'POLL' }, '0B 0B'],
  [{ type: 'COIN_TYPE', acceptMask: 0x000f, manualDispenseMask: 0x000f }, '0C 00 0F 00 0F 2A'],
  [{ type: 'COIN_TYPE', acceptMask: 0, manualDispenseMask: 0xffff }, '0C 00 00 FF FF 0A'],
  // Three coins of type 2: count in the high nibble, type in the low one.
  [{ type: 'DISPENSE', coinType: 2, count: 3 }, '0D 32 3F'],
  [{ type: 'IDENTIFICATION' }, '0F 00 0F'],
  [{ type: 'FEATURE_ENABLE', features: 1 }, '0F 01 00 00 00 01 11'],
  [{ type: 'ALTERNATIVE_PAYOUT', value: 20 }, '0F 02 14 25'],
  [{ type: 'PAYOUT_STATUS' }, '0F 03 12'],
  [{ type: 'PAYOUT_VALUE_POLL' }, '0F 04 13'],
];

/** Answers, the command they answer, and their blocks on the bus, CHK last. */
const RESPONSES: [ChangerCommandType, ChangerResponse, string][] = [
  [
    'SETUP',
    {
      type: 'CONFIG',
      level: 3,
      countryCode: 0x1156,
      scalingFactor: 10,
      decimalPlaces: 2,
      tubeRouting: 0x0007,
      coinCredits: [1, 5, 10],
    },
    '03 11 56 0A 02 00 07 01 05 0A 8D',
  ],
  [
    'TUBE_STATUS',
    { type: 'TUBE_STATUS', fullMask: 0x0002, counts: sixteen(20, 50, 3) },
    '00 02 14 32 03 00 00 00 00 00 00 00 00 00 00 00 00 00 4B',
  ],
  [
    'POLL',
    {
      type: 'POLL',
      events: [
        { type: 'COIN_DEPOSITED', coinType: 2, routing: CoinRouting.TUBES, tubeCount: 4 },
        { type: 'STATUS', code: ChangerStatus.PAYOUT_BUSY },
        { type: 'SLUGS', count: 3 },
        { type: 'COINS_DISPENSED_MANUALLY', coinType: 1, count: 2, tubeCount: 9 },
      ],
    },
    '52 04 02 23 A1 09 25',
  ],
  [
    'POLL',
    { type: 'POLL', events: [{ type: 'COIN_DEPOSITED', coinType: 0, routing: CoinRouting.CASH_BOX, tubeCount: 0 }] },
    '40 00 40',
  ],
  ['POLL', { type: 'POLL', events: [{ type: 'STATUS', code: ChangerStatus.JUST_RESET }] }, '0B 0B'],
  [
    'IDENTIFICATION',
    {
      type: 'IDENTIFICATION',
      manufacturer: 'CGE',
      serial: '123456789012',
      model: 'CHANGER-3',
      softwareVersion: 0x0105,
      features: 1,
    },
    '43 47 45 31 32 33 34 35 36 37 38 39 30 31 32 43 48 41 4E 47 45 52 2D 33 20 20 20 01 05 00 00 00 01 FE',
  ],
  [
    'PAYOUT_STATUS',
    { type: 'PAYOUT_STATUS', counts: sixteen(0, 2, 1) },
    '00 02 01 00 00 00 00 00 00 00 00 00 00 00 00 00 03',
  ],
  ['PAYOUT_VALUE_POLL', { type: 'PAYOUT_VALUE', value: 15 }, '0F 0F'],
];

describe('coin changer commands', () => {
  it.each(COMMANDS)('%o <-> %s', (command, text) => {
    const wire = hex(text);
    const bytes = encodeChangerCommand(command);
    expect(Array.from(bytes)).toEqual(wire.slice(0, -1));
    const words = encodeMasterBlock(bytes);
    expect(words).toEqual([(wire[0] ?? 0) | 0x100, ...wire.slice(1)]);
    const block = decodeMasterBlock(words);
    expect(block.ok).toBe(true);
    if (!block.ok) return;
    expect(decodeChangerCommand(block.bytes)).toEqual({ ok: true, command });
  });

  it('refuse blocks for another device, unknown commands and wrong lengths', () => {
    expect(decodeChangerCommand(Uint8Array.of(0x12))).toEqual({ ok: false, error: 'address' });
    expect(decodeChangerCommand(Uint8Array.of(0x0e))).toEqual({ ok: false, error: 'unknown' });
    expect(decodeChangerCommand(Uint8Array.of(0x0f, 0x09))).toEqual({ ok: false, error: 'unknown' });
    expect(decodeChangerCommand(Uint8Array.of(0x0f))).toEqual({ ok: false, error: 'length' });
    expect(decodeChangerCommand(Uint8Array.of(0x0c, 0x00, 0x0f, 0x00))).toEqual({ ok: false, error: 'length' });
    expect(decodeChangerCommand(Uint8Array.of(0x0d))).toEqual({ ok: false, error: 'length' });
  });

  it('encoders refuse values that do not fit', () => {
    expect(() => encodeChangerCommand({ type: 'DISPENSE', coinType: 16, count: 1 })).toThrow(RangeError);
    expect(() => encodeChangerCommand({ type: 'DISPENSE', coinType: 1, count: 16 })).toThrow(RangeError);
    expect(() => encodeChangerCommand({ type: 'ALTERNATIVE_PAYOUT', value: 256 })).toThrow(RangeError);
    expect(() => encodeChangerCommand({ type: 'COIN_TYPE', acceptMask: 0x10000, manualDispenseMask: 0 })).toThrow(
      RangeError,
    );
  });
});

describe('coin changer answers', () => {
  it.each(RESPONSES)('%s: %o <-> %s', (command, response, text) => {
    const wire = hex(text);
    const bytes = encodeChangerResponse(response);
    expect(Array.from(bytes)).toEqual(wire.slice(0, -1));
    const words = encodePeripheralBlock(bytes);
    expect(words).toEqual([...wire.slice(0, -1), (wire[wire.length - 1] ?? 0) | 0x100]);
    const block = decodePeripheralBlock(words);
    expect(block.ok).toBe(true);
    if (!block.ok) return;
    expect(decodeChangerResponse(command, block.bytes)).toEqual({ ok: true, response });
  });

  it('fill in tube counts and payout counts the changer did not send', () => {
    expect(decodeChangerResponse('TUBE_STATUS', Uint8Array.of(0x00, 0x01, 7))).toEqual({
      ok: true,
      response: { type: 'TUBE_STATUS', fullMask: 1, counts: sixteen(7) },
    });
    expect(decodeChangerResponse('PAYOUT_STATUS', Uint8Array.of(0, 3))).toEqual({
      ok: true,
      response: { type: 'PAYOUT_STATUS', counts: sixteen(0, 3) },
    });
  });

  it('refuse wrong lengths, cut-short events and undefined patterns', () => {
    expect(decodeChangerResponse('SETUP', Uint8Array.of(3, 0x11, 0x56, 10, 2, 0))).toEqual({
      ok: false,
      error: 'length',
    });
    expect(decodeChangerResponse('SETUP', new Uint8Array(24))).toEqual({ ok: false, error: 'length' });
    expect(decodeChangerResponse('TUBE_STATUS', Uint8Array.of(0))).toEqual({ ok: false, error: 'length' });
    // A deposited coin without its tube count.
    expect(decodeChangerResponse('POLL', Uint8Array.of(0x02, 0x52))).toEqual({ ok: false, error: 'length' });
    // 0001xxxx is not defined.
    expect(decodeChangerResponse('POLL', Uint8Array.of(0x11))).toEqual({ ok: false, error: 'unknown' });
    expect(decodeChangerResponse('POLL', new Uint8Array(17))).toEqual({ ok: false, error: 'length' });
    expect(decodeChangerResponse('PAYOUT_VALUE_POLL', Uint8Array.of(1, 2))).toEqual({ ok: false, error: 'length' });
    // Commands the changer answers with ACK only.
    expect(decodeChangerResponse('DISPENSE', Uint8Array.of(0))).toEqual({ ok: false, error: 'unknown' });
  });

  it('encoders refuse an empty POLL answer and out-of-range fields', () => {
    expect(() => encodeChangerResponse({ type: 'POLL', events: [] })).toThrow(RangeError);
    expect(() => encodeChangerResponse({ type: 'TUBE_STATUS', fullMask: 0, counts: [1, 2] })).toThrow(RangeError);
    expect(() =>
      encodeChangerResponse({
        type: 'POLL',
        events: [{ type: 'COINS_DISPENSED_MANUALLY', coinType: 1, count: 8, tubeCount: 0 }],
      }),
    ).toThrow(RangeError);
    expect(() =>
      encodeChangerResponse({
        type: 'CONFIG',
        level: 3,
        countryCode: 0,
        scalingFactor: 1,
        decimalPlaces: 2,
        tubeRouting: 0,
        coinCredits: new Array<number>(17).fill(1),
      }),
    ).toThrow(RangeError);
  });
});
