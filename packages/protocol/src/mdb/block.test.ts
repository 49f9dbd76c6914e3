import { describe, expect, it } from 'vitest';
import {
  MDB_ACK,
  MDB_MAX_BLOCK_LENGTH,
  MDB_NAK,
  MDB_RET,
  MdbAddress,
  decodeMasterBlock,
  decodeMasterTransmission,
  decodePeripheralBlock,
  decodePeripheralTransmission,
  encodeMasterBlock,
  encodeMasterControl,
  encodePeripheralBlock,
  encodePeripheralControl,
  mdbAddressOf,
  mdbChecksum,
} from './block.js';
import { fromHex } from '../hex.js';

/** `'11 01 C8'` -> bytes, as numbers to compare with blocks and 9-bit words. */
const hex = (text: string): number[] => Array.from(fromHex(text));

/** The example blocks of docs/serial-protocol.md, "MDB", CHK last. */
const SETUP_PRICES = hex('11 01 00 C8 00 64 3E');
const VEND_REQUEST = hex('13 00 00 64 00 01 78');

describe('MDB constants', () => {
  it('match the standard', () => {
    expect(MdbAddress).toEqual({ COIN_CHANGER: 0x08, CASHLESS: 0x10, BILL_VALIDATOR: 0x30 });
    expect([MDB_ACK, MDB_RET, MDB_NAK]).toEqual([0x00, 0xaa, 0xff]);
    expect(MDB_MAX_BLOCK_LENGTH).toBe(36);
  });

  it('find the address of a command byte', () => {
    expect(mdbAddressOf(0x13)).toBe(0x10);
    expect(mdbAddressOf(0x0f)).toBe(0x08);
    expect(mdbAddressOf(0x37)).toBe(0x30);
  });
});

describe('mdbChecksum', () => {
  it('is the sum of the bytes mod 256', () => {
    expect(mdbChecksum(Uint8Array.from(SETUP_PRICES.slice(0, -1)))).toBe(0x3e);
    expect(mdbChecksum(Uint8Array.from(VEND_REQUEST.slice(0, -1)))).toBe(0x78);
    expect(mdbChecksum(Uint8Array.from([0xff, 0xff, 0x03]))).toBe(0x01);
    expect(mdbChecksum(new Uint8Array())).toBe(0);
  });
});

describe('master blocks (VMC -> peripheral)', () => {
  it('encode the spec examples with CHK and the mode bit on the address byte', () => {
    expect(encodeMasterBlock(Uint8Array.from(SETUP_PRICES.slice(0, -1)))).toEqual([
      0x111, 0x01, 0x00, 0xc8, 0x00, 0x64, 0x3e,
    ]);
    expect(encodeMasterBlock(Uint8Array.from(VEND_REQUEST.slice(0, -1)))).toEqual([
      0x113, 0x00, 0x00, 0x64, 0x00, 0x01, 0x78,
    ]);
    expect(encodeMasterBlock(Uint8Array.from([0x0b]))).toEqual([0x10b, 0x0b]);
  });

  it('decode back to the bytes without CHK', () => {
    const result = decodeMasterBlock([0x111, 0x01, 0x00, 0xc8, 0x00, 0x64, 0x3e]);
    expect(result).toEqual({ ok: true, bytes: Uint8Array.from(SETUP_PRICES.slice(0, -1)) });
  });

  it('refuse a bad CHK', () => {
    expect(decodeMasterBlock([0x111, 0x01, 0x00, 0xc8, 0x00, 0x64, 0x3f])).toEqual({ ok: false, error: 'checksum' });
    expect(decodeMasterBlock([0x113, 0x00, 0x00, 0x65, 0x00, 0x01, 0x78])).toEqual({ ok: false, error: 'checksum' });
  });

  it('refuse a missing or misplaced mode bit', () => {
    expect(decodeMasterBlock([0x11, 0x01, 0x00, 0xc8, 0x00, 0x64, 0x3e])).toEqual({ ok: false, error: 'mode' });
    expect(decodeMasterBlock([0x111, 0x101, 0x00, 0xc8, 0x00, 0x64, 0x3e])).toEqual({ ok: false, error: 'mode' });
    expect(decodeMasterBlock([0x111, 0x01, 0x00, 0xc8, 0x00, 0x64, 0x13e])).toEqual({ ok: false, error: 'mode' });
  });

  it('refuse truncated and over-long blocks', () => {
    expect(decodeMasterBlock([])).toEqual({ ok: false, error: 'length' });
    expect(decodeMasterBlock([0x112])).toEqual({ ok: false, error: 'length' });
    // Cut before CHK: the last byte is taken as CHK and does not match.
    expect(decodeMasterBlock([0x111, 0x01, 0x00, 0xc8, 0x00, 0x64])).toEqual({ ok: false, error: 'checksum' });
    const long = [0x117, ...new Array<number>(36).fill(0)];
    expect(decodeMasterBlock(long)).toEqual({ ok: false, error: 'length' });
  });

  it('refuse words that are not 9-bit', () => {
    expect(decodeMasterBlock([0x112, 0x212])).toEqual({ ok: false, error: 'mode' });
    expect(decodeMasterBlock([0x112, -1])).toEqual({ ok: false, error: 'mode' });
    expect(decodeMasterBlock([0x112, 0.5])).toEqual({ ok: false, error: 'mode' });
  });

  it('encoders refuse empty and over-long blocks', () => {
    expect(() => encodeMasterBlock(new Uint8Array())).toThrow(RangeError);
    expect(() => encodeMasterBlock(new Uint8Array(36))).toThrow(RangeError);
    expect(encodeMasterBlock(new Uint8Array(35))).toHaveLength(36);
  });
});

describe('peripheral blocks (peripheral -> VMC)', () => {
  it('encode with CHK and the mode bit on the last byte', () => {
    // VEND APPROVED 100
    expect(encodePeripheralBlock(Uint8Array.from([0x05, 0x00, 0x64]))).toEqual([0x05, 0x00, 0x64, 0x169]);
    // JUST RESET
    expect(encodePeripheralBlock(Uint8Array.from([0x00]))).toEqual([0x00, 0x100]);
  });

  it('decode back to the bytes without CHK', () => {
    expect(decodePeripheralBlock([0x05, 0x00, 0x64, 0x169])).toEqual({
      ok: true,
      bytes: Uint8Array.from([5, 0, 0x64]),
    });
  });

  it('refuse a bad CHK, a missing mode bit and truncation', () => {
    expect(decodePeripheralBlock([0x05, 0x00, 0x64, 0x168])).toEqual({ ok: false, error: 'checksum' });
    expect(decodePeripheralBlock([0x05, 0x00, 0x64, 0x69])).toEqual({ ok: false, error: 'mode' });
    expect(decodePeripheralBlock([0x105, 0x00, 0x64, 0x169])).toEqual({ ok: false, error: 'mode' });
    // The CHK word (the one with the mode bit) lost.
    expect(decodePeripheralBlock([0x05, 0x00, 0x64])).toEqual({ ok: false, error: 'mode' });
    expect(decodePeripheralBlock([0x100])).toEqual({ ok: false, error: 'length' });
  });
});

describe('control bytes', () => {
  it('from the VMC have no mode bit', () => {
    expect(encodeMasterControl('ACK')).toEqual([0x000]);
    expect(encodeMasterControl('RET')).toEqual([0x0aa]);
    expect(encodeMasterControl('NAK')).toEqual([0x0ff]);
  });

  it('from a peripheral have the mode bit', () => {
    expect(encodePeripheralControl('ACK')).toEqual([0x100]);
    expect(encodePeripheralControl('NAK')).toEqual([0x1ff]);
  });

  it('decode as transmissions', () => {
    expect(decodeMasterTransmission([0x000])).toEqual({ ok: true, kind: 'control', control: 'ACK' });
    expect(decodeMasterTransmission([0x0aa])).toEqual({ ok: true, kind: 'control', control: 'RET' });
    expect(decodeMasterTransmission([0x0ff])).toEqual({ ok: true, kind: 'control', control: 'NAK' });
    expect(decodeMasterTransmission([0x0ab])).toEqual({ ok: false, error: 'length' });
    expect(decodeMasterTransmission([0x112])).toEqual({ ok: false, error: 'length' });
    expect(decodeMasterTransmission([0x112, 0x12])).toEqual({
      ok: true,
      kind: 'block',
      bytes: Uint8Array.from([0x12]),
    });

    expect(decodePeripheralTransmission([0x100])).toEqual({ ok: true, kind: 'control', control: 'ACK' });
    expect(decodePeripheralTransmission([0x1ff])).toEqual({ ok: true, kind: 'control', control: 'NAK' });
    // RET is the VMC's alone.
    expect(decodePeripheralTransmission([0x1aa])).toEqual({ ok: false, error: 'length' });
    expect(decodePeripheralTransmission([0x000])).toEqual({ ok: false, error: 'mode' });
    expect(decodePeripheralTransmission([0x00, 0x100])).toEqual({ ok: true, kind: 'block', bytes: Uint8Array.of(0) });
    expect(decodePeripheralTransmission([])).toEqual({ ok: false, error: 'length' });
  });
});
