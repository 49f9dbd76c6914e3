import { describe, expect, it } from 'vitest';
import {
  BillRouting,
  BillValidatorStatus,
  decodeBillValidatorCommand,
  decodeBillValidatorResponse,
  encodeBillValidatorCommand,
  encodeBillValidatorResponse,
  type BillValidatorCommand,
  type BillValidatorCommandType,
  type BillValidatorResponse,
} from './bill-validator.js';
import { decodeMasterBlock, decodePeripheralBlock, encodeMasterBlock, encodePeripheralBlock } from './block.js';
import { fromHex } from '../hex.js';

/** `'11 01 C8'` -> bytes, as numbers to compare with blocks and 9-bit words. */
const hex = (text: string): number[] => Array.from(fromHex(text));

/** Commands and their blocks on the bus, CHK last. */
const COMMANDS: [BillValidatorCommand, string][] = [
  [{ type: 'RESET' }, '30 30'],
  [{ type: 'SETUP' }, '31 31'],
  [{ type: 'SECURITY', highSecurityMask: 0x0003 }, '32 00 03 35'],
  [{ type: 'POLL' }, '33 33'],
  [{ type: 'BILL_TYPE', acceptMask: 0xffff, escrowMask: 0xffff }, '34 FF FF FF FF 30'],
  [{ type: 'BILL_TYPE', acceptMask: 0xffff, escrowMask: 0x0000 }, '34 FF FF 00 00 32'],
  [{ type: 'BILL_TYPE', acceptMask: 0, escrowMask: 0 }, '34 00 00 00 00 34'],
  [{ type: 'ESCROW', stack: true }, '35 01 36'],
  [{ type: 'ESCROW', stack: false }, '35 00 35'],
  [{ type: 'STACKER' }, '36 36'],
  [{ type: 'IDENTIFICATION' }, '37 00 37'],
];

/** Answers, the command they answer, and their blocks on the bus, CHK last. */
const RESPONSES: [BillValidatorCommandType, BillValidatorResponse, string][] = [
  [
    'SETUP',
    {
      type: 'CONFIG',
      level: 1,
      countryCode: 0x1156,
      scalingFactor: 100,
      decimalPlaces: 2,
      stackerCapacity: 500,
      securityLevels: 0,
      escrow: true,
      billCredits: [1, 5, 10, 20, 50, 100],
    },
    '01 11 56 00 64 02 01 F4 00 00 FF 01 05 0A 14 32 64 7C',
  ],
  [
    'POLL',
    {
      type: 'POLL',
      events: [
        { type: 'BILL', routing: BillRouting.ESCROW, billType: 2 },
        { type: 'STATUS', code: BillValidatorStatus.JUST_RESET },
        { type: 'DISABLED_INSERTIONS', count: 3 },
      ],
    },
    '92 06 43 DB',
  ],
  ['POLL', { type: 'POLL', events: [{ type: 'BILL', routing: BillRouting.STACKED, billType: 2 }] }, '82 82'],
  ['POLL', { type: 'POLL', events: [{ type: 'BILL', routing: BillRouting.RETURNED, billType: 2 }] }, 'A2 A2'],
  ['STACKER', { type: 'STACKER', full: false, bills: 37 }, '00 25 25'],
  ['STACKER', { type: 'STACKER', full: true, bills: 500 }, '81 F4 75'],
  [
    'IDENTIFICATION',
    { type: 'IDENTIFICATION', manufacturer: 'JCM', serial: 'BV0000000007', model: 'BILLS-1', softwareVersion: 0x0031 },
    '4A 43 4D 42 56 30 30 30 30 30 30 30 30 30 37 42 49 4C 4C 53 2D 31 20 20 20 20 20 00 31 FE',
  ],
];

describe('bill validator commands', () => {
  it.each(COMMANDS)('%o <-> %s', (command, text) => {
    const wire = hex(text);
    const bytes = encodeBillValidatorCommand(command);
    expect(Array.from(bytes)).toEqual(wire.slice(0, -1));
    const words = encodeMasterBlock(bytes);
    expect(words).toEqual([(wire[0] ?? 0) | 0x100, ...wire.slice(1)]);
    const block = decodeMasterBlock(words);
    expect(block.ok).toBe(true);
    if (!block.ok) return;
    expect(decodeBillValidatorCommand(block.bytes)).toEqual({ ok: true, command });
  });

  it('refuse blocks for another device, undefined values and wrong lengths', () => {
    expect(decodeBillValidatorCommand(Uint8Array.of(0x0b))).toEqual({ ok: false, error: 'address' });
    expect(decodeBillValidatorCommand(Uint8Array.of(0x35, 0x02))).toEqual({ ok: false, error: 'value' });
    expect(decodeBillValidatorCommand(Uint8Array.of(0x35))).toEqual({ ok: false, error: 'length' });
    expect(decodeBillValidatorCommand(Uint8Array.of(0x34, 0xff, 0xff))).toEqual({ ok: false, error: 'length' });
    expect(decodeBillValidatorCommand(Uint8Array.of(0x37, 0x01))).toEqual({ ok: false, error: 'unknown' });
    expect(decodeBillValidatorCommand(Uint8Array.of(0x37))).toEqual({ ok: false, error: 'length' });
  });

  it('encoders refuse values that do not fit', () => {
    expect(() => encodeBillValidatorCommand({ type: 'BILL_TYPE', acceptMask: -1, escrowMask: 0 })).toThrow(RangeError);
    expect(() => encodeBillValidatorCommand({ type: 'SECURITY', highSecurityMask: 0x10000 })).toThrow(RangeError);
  });
});

describe('bill validator answers', () => {
  it.each(RESPONSES)('%s: %o <-> %s', (command, response, text) => {
    const wire = hex(text);
    const bytes = encodeBillValidatorResponse(response);
    expect(Array.from(bytes)).toEqual(wire.slice(0, -1));
    const words = encodePeripheralBlock(bytes);
    expect(words).toEqual([...wire.slice(0, -1), (wire[wire.length - 1] ?? 0) | 0x100]);
    const block = decodePeripheralBlock(words);
    expect(block.ok).toBe(true);
    if (!block.ok) return;
    expect(decodeBillValidatorResponse(command, block.bytes)).toEqual({ ok: true, response });
  });

  it('refuse wrong lengths and undefined patterns', () => {
    expect(decodeBillValidatorResponse('SETUP', new Uint8Array(10))).toEqual({ ok: false, error: 'length' });
    expect(decodeBillValidatorResponse('SETUP', new Uint8Array(28))).toEqual({ ok: false, error: 'length' });
    expect(decodeBillValidatorResponse('STACKER', Uint8Array.of(0))).toEqual({ ok: false, error: 'length' });
    // 001xxxxx and 0001xxxx are not defined for a validator without a recycler.
    expect(decodeBillValidatorResponse('POLL', Uint8Array.of(0x21))).toEqual({ ok: false, error: 'unknown' });
    expect(decodeBillValidatorResponse('POLL', Uint8Array.of(0x11))).toEqual({ ok: false, error: 'unknown' });
    expect(decodeBillValidatorResponse('ESCROW', Uint8Array.of(0))).toEqual({ ok: false, error: 'unknown' });
  });

  it('encoders refuse an empty POLL answer and out-of-range fields', () => {
    expect(() => encodeBillValidatorResponse({ type: 'POLL', events: [] })).toThrow(RangeError);
    expect(() => encodeBillValidatorResponse({ type: 'STACKER', full: false, bills: 0x8000 })).toThrow(RangeError);
    expect(() =>
      encodeBillValidatorResponse({ type: 'POLL', events: [{ type: 'DISABLED_INSERTIONS', count: 32 }] }),
    ).toThrow(RangeError);
  });
});
