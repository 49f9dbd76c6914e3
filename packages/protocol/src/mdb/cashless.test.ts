import { describe, expect, it } from 'vitest';
import { decodeMasterBlock, decodePeripheralBlock, encodeMasterBlock, encodePeripheralBlock } from './block.js';
import {
  decodeCashlessCommand,
  decodeCashlessResponse,
  encodeCashlessCommand,
  encodeCashlessResponse,
  type CashlessCommand,
  type CashlessResponse,
} from './cashless.js';
import { fromHex } from '../hex.js';

/** `'11 01 C8'` -> bytes, as numbers to compare with blocks and 9-bit words. */
const hex = (text: string): number[] => Array.from(fromHex(text));

/** Commands and their blocks on the bus, CHK last (hex worked out by hand from the standard's layouts). */
const COMMANDS: [CashlessCommand, string][] = [
  [{ type: 'RESET' }, '10 10'],
  [{ type: 'SETUP_CONFIG', vmcLevel: 3, displayColumns: 0, displayRows: 0, displayInfo: 0 }, '11 00 03 00 00 00 14'],
  // The example of docs/serial-protocol.md, "MDB": max 200, min 100.
  [{ type: 'SETUP_PRICES', maxPrice: 200, minPrice: 100 }, '11 01 00 C8 00 64 3E'],
  [{ type: 'POLL' }, '12 12'],
  // The example of docs/serial-protocol.md, "MDB": price 100, item 1.
  [{ type: 'VEND_REQUEST', price: 100, item: 1 }, '13 00 00 64 00 01 78'],
  [{ type: 'VEND_CANCEL' }, '13 01 14'],
  [{ type: 'VEND_SUCCESS', item: 1 }, '13 02 00 01 16'],
  [{ type: 'VEND_FAILURE' }, '13 03 16'],
  [{ type: 'SESSION_COMPLETE' }, '13 04 17'],
  [{ type: 'CASH_SALE', price: 250, item: 12 }, '13 05 00 FA 00 0C 1E'],
  [{ type: 'READER_DISABLE' }, '14 00 14'],
  [{ type: 'READER_ENABLE' }, '14 01 15'],
  [{ type: 'READER_CANCEL' }, '14 02 16'],
  [{ type: 'NEGATIVE_VEND_REQUEST', price: 100, item: 1 }, '13 06 00 64 00 01 7E'],
  [{ type: 'REVALUE_REQUEST', amount: 500 }, '15 00 01 F4 0A'],
  [{ type: 'REVALUE_LIMIT_REQUEST' }, '15 01 16'],
  [{ type: 'OPTIONAL_FEATURE_ENABLE', features: 0x08 }, '17 04 00 00 00 08 23'],
  [{ type: 'DIAGNOSTICS', data: [0x01, 0x02] }, '17 FF 01 02 19'],
  [{ type: 'DIAGNOSTICS', data: [] }, '17 FF 16'],
  [
    { type: 'REQUEST_ID', manufacturer: 'VMC', serial: 'SN0000000001', model: 'VMCLOUD-SIM', softwareVersion: 0x0100 },
    '17 00 56 4D 43 53 4E 30 30 30 30 30 30 30 30 30 31 56 4D 43 4C 4F 55 44 2D 53 49 4D 20 01 00 D0',
  ],
];

const RESPONSES: [CashlessResponse, string][] = [
  [{ type: 'JUST_RESET' }, '00 00'],
  [
    {
      type: 'READER_CONFIG',
      level: 3,
      countryCode: 0x1156,
      scaleFactor: 1,
      decimalPlaces: 2,
      maxResponseTime: 5,
      options: 1,
    },
    '01 03 11 56 01 02 05 01 74',
  ],
  [{ type: 'BEGIN_SESSION', funds: 500 }, '03 01 F4 F8'],
  [
    { type: 'BEGIN_SESSION', funds: 500, mediaId: 0x12345678, paymentType: 0, paymentData: 0 },
    '03 01 F4 12 34 56 78 00 00 00 0C',
  ],
  [{ type: 'SESSION_CANCEL_REQUEST' }, '04 04'],
  [{ type: 'VEND_APPROVED', amount: 100 }, '05 00 64 69'],
  [{ type: 'VEND_DENIED' }, '06 06'],
  [{ type: 'END_SESSION' }, '07 07'],
  [{ type: 'CANCELLED' }, '08 08'],
  [
    { type: 'PERIPHERAL_ID', manufacturer: 'ACM', serial: 'CARD00000042', model: 'TAPPER', softwareVersion: 0x0210 },
    '09 41 43 4D 43 41 52 44 30 30 30 30 30 30 34 32 54 41 50 50 45 52 20 20 20 20 20 20 02 10 18',
  ],
  [
    {
      type: 'PERIPHERAL_ID',
      manufacturer: 'ACM',
      serial: 'CARD00000042',
      model: 'TAPPER',
      softwareVersion: 0x0210,
      features: 0x20,
    },
    '09 41 43 4D 43 41 52 44 30 30 30 30 30 30 34 32 54 41 50 50 45 52 20 20 20 20 20 20 02 10 00 00 00 20 38',
  ],
  [{ type: 'MALFUNCTION', code: 1 }, '0A 01 0B'],
  [{ type: 'OUT_OF_SEQUENCE' }, '0B 0B'],
  [{ type: 'OUT_OF_SEQUENCE', status: 2 }, '0B 02 0D'],
  [{ type: 'OUT_OF_SEQUENCE', status: 4 }, '0B 04 0F'],
  [{ type: 'REVALUE_APPROVED' }, '0D 0D'],
  [{ type: 'REVALUE_DENIED' }, '0E 0E'],
  [{ type: 'REVALUE_LIMIT_AMOUNT', amount: 1000 }, '0F 03 E8 FA'],
  [{ type: 'DIAGNOSTICS_RESPONSE', data: [0x01, 0x02] }, 'FF 01 02 02'],
];

describe('cashless reader commands', () => {
  it.each(COMMANDS)('%o <-> %s', (command, text) => {
    const wire = hex(text);
    const bytes = encodeCashlessCommand(command);
    expect(Array.from(bytes)).toEqual(wire.slice(0, -1));
    const words = encodeMasterBlock(bytes);
    expect(words).toEqual([(wire[0] ?? 0) | 0x100, ...wire.slice(1)]);
    const block = decodeMasterBlock(words);
    expect(block.ok).toBe(true);
    if (!block.ok) return;
    expect(decodeCashlessCommand(block.bytes)).toEqual({ ok: true, command });
  });

  it('refuse blocks for another device, unknown subcommands and wrong lengths', () => {
    expect(decodeCashlessCommand(Uint8Array.of(0x0b))).toEqual({ ok: false, error: 'address' });
    expect(decodeCashlessCommand(Uint8Array.of(0x13, 0x09))).toEqual({ ok: false, error: 'unknown' });
    expect(decodeCashlessCommand(Uint8Array.of(0x16))).toEqual({ ok: false, error: 'unknown' });
    expect(decodeCashlessCommand(Uint8Array.of(0x13, 0x00, 0x00, 0x64, 0x00))).toEqual({ ok: false, error: 'length' });
    expect(decodeCashlessCommand(Uint8Array.of(0x12, 0x00))).toEqual({ ok: false, error: 'length' });
    expect(decodeCashlessCommand(Uint8Array.of(0x13))).toEqual({ ok: false, error: 'length' });
    expect(decodeCashlessCommand(Uint8Array.of(0x15, 0x02))).toEqual({ ok: false, error: 'unknown' });
    expect(decodeCashlessCommand(Uint8Array.of(0x15, 0x00, 0x01))).toEqual({ ok: false, error: 'length' });
    expect(decodeCashlessCommand(Uint8Array.of(0x17, 0x04, 0x00, 0x00, 0x08))).toEqual({ ok: false, error: 'length' });
    expect(decodeCashlessCommand(Uint8Array.of(0x17, 0xff, ...new Array<number>(34).fill(0)))).toEqual({
      ok: false,
      error: 'length',
    });
    expect(decodeCashlessCommand(new Uint8Array())).toEqual({ ok: false, error: 'length' });
  });

  it('encoders refuse values that do not fit', () => {
    expect(() => encodeCashlessCommand({ type: 'VEND_REQUEST', price: 0x10000, item: 1 })).toThrow(RangeError);
    expect(() => encodeCashlessCommand({ type: 'VEND_REQUEST', price: 1.5, item: 1 })).toThrow(RangeError);
    expect(() => encodeCashlessCommand({ type: 'VEND_SUCCESS', item: -1 })).toThrow(RangeError);
    expect(() =>
      encodeCashlessCommand({ type: 'REQUEST_ID', manufacturer: 'TOOLONG', serial: '', model: '', softwareVersion: 0 }),
    ).toThrow(RangeError);
  });
});

describe('cashless reader responses', () => {
  it.each(RESPONSES)('%o <-> %s', (response, text) => {
    const wire = hex(text);
    const bytes = encodeCashlessResponse(response);
    expect(Array.from(bytes)).toEqual(wire.slice(0, -1));
    const words = encodePeripheralBlock(bytes);
    expect(words).toEqual([...wire.slice(0, -1), (wire[wire.length - 1] ?? 0) | 0x100]);
    const block = decodePeripheralBlock(words);
    expect(block.ok).toBe(true);
    if (!block.ok) return;
    expect(decodeCashlessResponse(block.bytes)).toEqual({ ok: true, response });
  });

  it('refuse unknown codes and wrong lengths', () => {
    expect(decodeCashlessResponse(Uint8Array.of(0x0c))).toEqual({ ok: false, error: 'unknown' });
    expect(decodeCashlessResponse(Uint8Array.of(0x05, 0x00))).toEqual({ ok: false, error: 'length' });
    expect(decodeCashlessResponse(Uint8Array.of(0x03, 0x01, 0xf4, 0x00))).toEqual({ ok: false, error: 'length' });
    expect(decodeCashlessResponse(Uint8Array.of(0x01, 0x03))).toEqual({ ok: false, error: 'length' });
    expect(decodeCashlessResponse(Uint8Array.of(0x0d, 0x00))).toEqual({ ok: false, error: 'length' });
    expect(decodeCashlessResponse(Uint8Array.of(0x0f, 0x03))).toEqual({ ok: false, error: 'length' });
    expect(decodeCashlessResponse(Uint8Array.of(0xff, ...new Array<number>(35).fill(0)))).toEqual({
      ok: false,
      error: 'length',
    });
    expect(decodeCashlessResponse(new Uint8Array())).toEqual({ ok: false, error: 'length' });
  });

  it('read NUL-padded identities and refuse non-ASCII ones', () => {
    const id = [0x09, ...'ACM'.split('').map((c) => c.charCodeAt(0)), ...new Array<number>(24).fill(0), 0x01, 0x00];
    expect(decodeCashlessResponse(Uint8Array.from(id))).toEqual({
      ok: true,
      response: { type: 'PERIPHERAL_ID', manufacturer: 'ACM', serial: '', model: '', softwareVersion: 0x0100 },
    });
    id[5] = 0x80;
    expect(decodeCashlessResponse(Uint8Array.from(id))).toEqual({ ok: false, error: 'value' });
  });

  it('BEGIN SESSION carries the level 2/3 fields together or not at all', () => {
    expect(() => encodeCashlessResponse({ type: 'BEGIN_SESSION', funds: 1, mediaId: 1 })).toThrow(RangeError);
    expect(() => encodeCashlessResponse({ type: 'BEGIN_SESSION', funds: 0x10000 })).toThrow(RangeError);
  });
});
