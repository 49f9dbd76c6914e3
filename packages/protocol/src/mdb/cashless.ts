/**
 * The cashless reader (card / phone reader) at address 0x10, MDB/ICP levels 1 to 3 with
 * 16-bit money fields (expanded currency mode is not used). Commands go VMC -> reader,
 * responses reader -> VMC; both as the bytes of a block without its CHK (see block.ts).
 * Prices and funds are scaled values (see scaling.ts).
 */

import { MdbAddress } from './block.js';
import {
  block,
  commandByte,
  exactCommand,
  fail,
  readU16,
  readU32,
  u16,
  u32,
  u8,
  u8List,
  type MdbFailure,
} from './fields.js';
import { encodeIdentity, MDB_IDENTITY_LENGTH, readIdentity, type MdbIdentity } from './identity.js';

/** Command bytes of the reader (address 0x10 plus the command). */
export const CashlessCommandByte = Object.freeze({
  RESET: 0x10,
  SETUP: 0x11,
  POLL: 0x12,
  VEND: 0x13,
  READER: 0x14,
  REVALUE: 0x15,
  EXPANSION: 0x17,
} as const);

/** EXPANSION (0x17) subcommand of DIAGNOSTICS; its answer starts with this byte too. */
export const CASHLESS_DIAGNOSTICS = 0xff;

/** Most bytes of user-defined data in DIAGNOSTICS (a block carries 35 bytes before CHK). */
export const CASHLESS_DIAGNOSTICS_MAX_DATA = 33;

/** First byte of each reader response. */
export const CashlessResponseCode = Object.freeze({
  JUST_RESET: 0x00,
  READER_CONFIG: 0x01,
  BEGIN_SESSION: 0x03,
  SESSION_CANCEL_REQUEST: 0x04,
  VEND_APPROVED: 0x05,
  VEND_DENIED: 0x06,
  END_SESSION: 0x07,
  CANCELLED: 0x08,
  PERIPHERAL_ID: 0x09,
  MALFUNCTION: 0x0a,
  OUT_OF_SEQUENCE: 0x0b,
  REVALUE_APPROVED: 0x0d,
  REVALUE_DENIED: 0x0e,
  REVALUE_LIMIT_AMOUNT: 0x0f,
  DIAGNOSTICS_RESPONSE: CASHLESS_DIAGNOSTICS,
} as const);

/**
 * The reader's state as CMD OUT OF SEQUENCE reports it (level 2 and 3 readers): the states
 * of the standard's cashless state machine, numbered in its order.
 */
export const CashlessReaderStatus = Object.freeze({
  /** After power-up or RESET, until the VMC's SETUP. */
  INACTIVE: 0x01,
  DISABLED: 0x02,
  /** Enabled, no session. */
  ENABLED: 0x03,
  /** A session is open, no vend under way. */
  SESSION_IDLE: 0x04,
  VEND: 0x05,
  /** Level 2 and 3. */
  REVALUE: 0x06,
  /** Level 3. */
  NEGATIVE_VEND: 0x07,
} as const);

export type CashlessReaderStatus = (typeof CashlessReaderStatus)[keyof typeof CashlessReaderStatus];

/** Optional feature bits of a level 3 reader: PERIPHERAL ID `features`, and OPTIONAL FEATURE ENABLED. */
export const CashlessOptionalFeature = Object.freeze({
  FILE_TRANSPORT_LAYER: 0x01,
  /** 32-bit money fields (not used here: every money field is 16-bit). */
  MONETARY_32_BIT: 0x02,
  MULTI_CURRENCY: 0x04,
  /** NEGATIVE VEND REQUEST: the customer puts an item in and the card is credited. */
  NEGATIVE_VEND: 0x08,
  DATA_ENTRY: 0x10,
  ALWAYS_IDLE: 0x20,
} as const);

/** READER CONFIG DATA `options` bits. */
export const CashlessReaderOption = Object.freeze({
  /** The reader can refund a failed vend to the card. */
  REFUNDS: 0x01,
  /** More than one vend per session. */
  MULTIVEND: 0x02,
  /** The reader has its own display. */
  DISPLAY: 0x04,
  /** The reader accepts VEND CASH SALE. */
  CASH_SALE: 0x08,
} as const);

/** BEGIN SESSION `funds` value meaning "funds not known" (e.g. an online card). */
export const CASHLESS_FUNDS_UNKNOWN = 0xffff;

/** SETUP max/min prices `maxPrice` meaning "no maximum known". */
export const CASHLESS_MAX_PRICE_UNKNOWN = 0xffff;

export type CashlessCommand =
  | { type: 'RESET' }
  /** SETUP config data: the VMC's feature level and its display. */
  | { type: 'SETUP_CONFIG'; vmcLevel: number; displayColumns: number; displayRows: number; displayInfo: number }
  /** SETUP max/min prices, scaled. */
  | { type: 'SETUP_PRICES'; maxPrice: number; minPrice: number }
  | { type: 'POLL' }
  /** VEND REQUEST: the customer chose `item` at `price` (scaled). */
  | { type: 'VEND_REQUEST'; price: number; item: number }
  | { type: 'VEND_CANCEL' }
  /** VEND SUCCESS: the product was dispensed; the reader charges the card. */
  | { type: 'VEND_SUCCESS'; item: number }
  /** VEND FAILURE: the product was not dispensed; the reader refunds the card. */
  | { type: 'VEND_FAILURE' }
  /** SESSION COMPLETE: the VMC ends the session. */
  | { type: 'SESSION_COMPLETE' }
  /** VEND CASH SALE: an item sold for cash, for the reader's audit. */
  | { type: 'CASH_SALE'; price: number; item: number }
  /** NEGATIVE VEND REQUEST (level 3): the customer put `item` back; credit the card with `price` (scaled). */
  | { type: 'NEGATIVE_VEND_REQUEST'; price: number; item: number }
  | { type: 'READER_DISABLE' }
  | { type: 'READER_ENABLE' }
  | { type: 'READER_CANCEL' }
  /** REVALUE REQUEST (level 2 and 3): put `amount` (scaled) on the card in the session. */
  | { type: 'REVALUE_REQUEST'; amount: number }
  /** REVALUE LIMIT REQUEST: how much may still be put on the card; the reader answers REVALUE LIMIT AMOUNT. */
  | { type: 'REVALUE_LIMIT_REQUEST' }
  /** EXPANSION REQUEST ID: the VMC's identity; the reader answers PERIPHERAL ID. */
  | ({ type: 'REQUEST_ID' } & MdbIdentity)
  /** EXPANSION OPTIONAL FEATURE ENABLED (level 3): the CashlessOptionalFeature bits the VMC uses. */
  | { type: 'OPTIONAL_FEATURE_ENABLE'; features: number }
  /** EXPANSION DIAGNOSTICS: manufacturer-defined bytes; the reader answers DIAGNOSTICS RESPONSE. */
  | { type: 'DIAGNOSTICS'; data: number[] };

export type CashlessResponse =
  | { type: 'JUST_RESET' }
  | {
      type: 'READER_CONFIG';
      /** Reader feature level, 1..3. */
      level: number;
      /** Country / currency code (e.g. 0x1156 for CNY). */
      countryCode: number;
      scaleFactor: number;
      decimalPlaces: number;
      /** Longest time, in seconds, the reader may take to answer a VEND REQUEST. */
      maxResponseTime: number;
      /** CashlessReaderOption bits. */
      options: number;
    }
  | {
      type: 'BEGIN_SESSION';
      /** Funds on the card, scaled; CASHLESS_FUNDS_UNKNOWN if not known. */
      funds: number;
      /** Level 2/3 only: payment media id, payment type and payment data (sent together or not at all). */
      mediaId?: number;
      paymentType?: number;
      paymentData?: number;
    }
  | { type: 'SESSION_CANCEL_REQUEST' }
  /** VEND APPROVED: the amount (scaled) that will be charged. */
  | { type: 'VEND_APPROVED'; amount: number }
  | { type: 'VEND_DENIED' }
  | { type: 'END_SESSION' }
  | { type: 'CANCELLED' }
  /** PERIPHERAL ID; level 3 readers add 32 optional feature bits. */
  | ({ type: 'PERIPHERAL_ID'; features?: number } & MdbIdentity)
  | { type: 'MALFUNCTION'; code: number }
  /** CMD OUT OF SEQUENCE; level 2/3 readers add their state (a CashlessReaderStatus). */
  | { type: 'OUT_OF_SEQUENCE'; status?: number }
  | { type: 'REVALUE_APPROVED' }
  | { type: 'REVALUE_DENIED' }
  /** REVALUE LIMIT AMOUNT: how much (scaled) may still be put on the card. */
  | { type: 'REVALUE_LIMIT_AMOUNT'; amount: number }
  /** DIAGNOSTICS RESPONSE: manufacturer-defined bytes. */
  | { type: 'DIAGNOSTICS_RESPONSE'; data: number[] };

export type CashlessCommandDecodeResult = { ok: true; command: CashlessCommand } | MdbFailure;
export type CashlessResponseDecodeResult = { ok: true; response: CashlessResponse } | MdbFailure;

const C = CashlessCommandByte;
const R = CashlessResponseCode;

/** The bytes of a reader command, address byte first, without CHK. Throws RangeError on out-of-range fields. */
export function encodeCashlessCommand(command: CashlessCommand): Uint8Array {
  switch (command.type) {
    case 'RESET':
      return block(C.RESET);
    case 'SETUP_CONFIG':
      return block(
        C.SETUP,
        0x00,
        u8('vmcLevel', command.vmcLevel),
        u8('displayColumns', command.displayColumns),
        u8('displayRows', command.displayRows),
        u8('displayInfo', command.displayInfo),
      );
    case 'SETUP_PRICES':
      return block(C.SETUP, 0x01, u16('maxPrice', command.maxPrice), u16('minPrice', command.minPrice));
    case 'POLL':
      return block(C.POLL);
    case 'VEND_REQUEST':
      return block(C.VEND, 0x00, u16('price', command.price), u16('item', command.item));
    case 'VEND_CANCEL':
      return block(C.VEND, 0x01);
    case 'VEND_SUCCESS':
      return block(C.VEND, 0x02, u16('item', command.item));
    case 'VEND_FAILURE':
      return block(C.VEND, 0x03);
    case 'SESSION_COMPLETE':
      return block(C.VEND, 0x04);
    case 'CASH_SALE':
      return block(C.VEND, 0x05, u16('price', command.price), u16('item', command.item));
    case 'NEGATIVE_VEND_REQUEST':
      return block(C.VEND, 0x06, u16('price', command.price), u16('item', command.item));
    case 'READER_DISABLE':
      return block(C.READER, 0x00);
    case 'READER_ENABLE':
      return block(C.READER, 0x01);
    case 'READER_CANCEL':
      return block(C.READER, 0x02);
    case 'REVALUE_REQUEST':
      return block(C.REVALUE, 0x00, u16('amount', command.amount));
    case 'REVALUE_LIMIT_REQUEST':
      return block(C.REVALUE, 0x01);
    case 'REQUEST_ID':
      return block(C.EXPANSION, 0x00, encodeIdentity(command));
    case 'OPTIONAL_FEATURE_ENABLE':
      return block(C.EXPANSION, 0x04, u32('features', command.features));
    case 'DIAGNOSTICS':
      return block(C.EXPANSION, CASHLESS_DIAGNOSTICS, u8List('data', command.data, CASHLESS_DIAGNOSTICS_MAX_DATA));
  }
}

/** A reader command from the bytes of a VMC block (without CHK). Never throws. */
export function decodeCashlessCommand(bytes: Uint8Array): CashlessCommandDecodeResult {
  const first = commandByte(bytes, MdbAddress.CASHLESS);
  if (typeof first !== 'number') return first;
  const sub = bytes[1];
  const exactly = (length: number, command: () => CashlessCommand): CashlessCommandDecodeResult =>
    exactCommand(bytes, length, command);
  switch (first) {
    case C.RESET:
      return exactly(1, () => ({ type: 'RESET' }));
    case C.POLL:
      return exactly(1, () => ({ type: 'POLL' }));
    case C.SETUP:
      if (sub === 0x00) {
        return exactly(6, () => ({
          type: 'SETUP_CONFIG',
          vmcLevel: bytes[2] ?? 0,
          displayColumns: bytes[3] ?? 0,
          displayRows: bytes[4] ?? 0,
          displayInfo: bytes[5] ?? 0,
        }));
      }
      if (sub === 0x01) {
        return exactly(6, () => ({ type: 'SETUP_PRICES', maxPrice: readU16(bytes, 2), minPrice: readU16(bytes, 4) }));
      }
      return fail(sub === undefined ? 'length' : 'unknown');
    case C.VEND:
      switch (sub) {
        case 0x00:
          return exactly(6, () => ({ type: 'VEND_REQUEST', price: readU16(bytes, 2), item: readU16(bytes, 4) }));
        case 0x01:
          return exactly(2, () => ({ type: 'VEND_CANCEL' }));
        case 0x02:
          return exactly(4, () => ({ type: 'VEND_SUCCESS', item: readU16(bytes, 2) }));
        case 0x03:
          return exactly(2, () => ({ type: 'VEND_FAILURE' }));
        case 0x04:
          return exactly(2, () => ({ type: 'SESSION_COMPLETE' }));
        case 0x05:
          return exactly(6, () => ({ type: 'CASH_SALE', price: readU16(bytes, 2), item: readU16(bytes, 4) }));
        case 0x06:
          return exactly(6, () => ({
            type: 'NEGATIVE_VEND_REQUEST',
            price: readU16(bytes, 2),
            item: readU16(bytes, 4),
          }));
        case undefined:
          return fail('length');
        default:
          return fail('unknown');
      }
    case C.READER:
      switch (sub) {
        case 0x00:
          return exactly(2, () => ({ type: 'READER_DISABLE' }));
        case 0x01:
          return exactly(2, () => ({ type: 'READER_ENABLE' }));
        case 0x02:
          return exactly(2, () => ({ type: 'READER_CANCEL' }));
        case undefined:
          return fail('length');
        default:
          return fail('unknown');
      }
    case C.REVALUE:
      switch (sub) {
        case 0x00:
          return exactly(4, () => ({ type: 'REVALUE_REQUEST', amount: readU16(bytes, 2) }));
        case 0x01:
          return exactly(2, () => ({ type: 'REVALUE_LIMIT_REQUEST' }));
        case undefined:
          return fail('length');
        default:
          return fail('unknown');
      }
    case C.EXPANSION:
      switch (sub) {
        case 0x00: {
          if (bytes.length !== 2 + MDB_IDENTITY_LENGTH) return fail('length');
          const identity = readIdentity(bytes, 2);
          return identity ? { ok: true, command: { type: 'REQUEST_ID', ...identity } } : fail('value');
        }
        case 0x04:
          return exactly(6, () => ({ type: 'OPTIONAL_FEATURE_ENABLE', features: readU32(bytes, 2) }));
        case CASHLESS_DIAGNOSTICS:
          if (bytes.length > 2 + CASHLESS_DIAGNOSTICS_MAX_DATA) return fail('length');
          return { ok: true, command: { type: 'DIAGNOSTICS', data: Array.from(bytes.subarray(2)) } };
        case undefined:
          return fail('length');
        default:
          return fail('unknown');
      }
    default:
      return fail('unknown');
  }
}

/** The bytes of a reader response, without CHK. Throws RangeError on out-of-range fields. */
export function encodeCashlessResponse(response: CashlessResponse): Uint8Array {
  switch (response.type) {
    case 'JUST_RESET':
      return block(R.JUST_RESET);
    case 'READER_CONFIG':
      return block(
        R.READER_CONFIG,
        u8('level', response.level),
        u16('countryCode', response.countryCode),
        u8('scaleFactor', response.scaleFactor),
        u8('decimalPlaces', response.decimalPlaces),
        u8('maxResponseTime', response.maxResponseTime),
        u8('options', response.options),
      );
    case 'BEGIN_SESSION': {
      const { mediaId, paymentType, paymentData } = response;
      const funds = u16('funds', response.funds);
      if (mediaId === undefined && paymentType === undefined && paymentData === undefined) {
        return block(R.BEGIN_SESSION, funds);
      }
      if (mediaId === undefined || paymentType === undefined || paymentData === undefined) {
        throw new RangeError('BEGIN SESSION carries mediaId, paymentType and paymentData together or not at all');
      }
      return block(
        R.BEGIN_SESSION,
        funds,
        u32('mediaId', mediaId),
        u8('paymentType', paymentType),
        u16('paymentData', paymentData),
      );
    }
    case 'SESSION_CANCEL_REQUEST':
      return block(R.SESSION_CANCEL_REQUEST);
    case 'VEND_APPROVED':
      return block(R.VEND_APPROVED, u16('amount', response.amount));
    case 'VEND_DENIED':
      return block(R.VEND_DENIED);
    case 'END_SESSION':
      return block(R.END_SESSION);
    case 'CANCELLED':
      return block(R.CANCELLED);
    case 'PERIPHERAL_ID':
      return block(
        R.PERIPHERAL_ID,
        encodeIdentity(response),
        response.features === undefined ? [] : u32('features', response.features),
      );
    case 'MALFUNCTION':
      return block(R.MALFUNCTION, u8('code', response.code));
    case 'OUT_OF_SEQUENCE':
      return block(R.OUT_OF_SEQUENCE, response.status === undefined ? [] : u8('status', response.status));
    case 'REVALUE_APPROVED':
      return block(R.REVALUE_APPROVED);
    case 'REVALUE_DENIED':
      return block(R.REVALUE_DENIED);
    case 'REVALUE_LIMIT_AMOUNT':
      return block(R.REVALUE_LIMIT_AMOUNT, u16('amount', response.amount));
    case 'DIAGNOSTICS_RESPONSE':
      return block(R.DIAGNOSTICS_RESPONSE, u8List('data', response.data, CASHLESS_DIAGNOSTICS_MAX_DATA + 1));
  }
}

/** A reader response from the bytes of its block (without CHK). Never throws. */
export function decodeCashlessResponse(bytes: Uint8Array): CashlessResponseDecodeResult {
  const length = bytes.length;
  const code = bytes[0];
  if (code === undefined) return fail('length');
  const ok = (response: CashlessResponse): CashlessResponseDecodeResult => ({ ok: true, response });
  const exactly = (expected: number, response: () => CashlessResponse): CashlessResponseDecodeResult =>
    length === expected ? ok(response()) : fail('length');
  switch (code) {
    case R.JUST_RESET:
      return exactly(1, () => ({ type: 'JUST_RESET' }));
    case R.READER_CONFIG:
      return exactly(8, () => ({
        type: 'READER_CONFIG',
        level: bytes[1] ?? 0,
        countryCode: readU16(bytes, 2),
        scaleFactor: bytes[4] ?? 0,
        decimalPlaces: bytes[5] ?? 0,
        maxResponseTime: bytes[6] ?? 0,
        options: bytes[7] ?? 0,
      }));
    case R.BEGIN_SESSION:
      if (length === 3) return ok({ type: 'BEGIN_SESSION', funds: readU16(bytes, 1) });
      if (length === 10) {
        return ok({
          type: 'BEGIN_SESSION',
          funds: readU16(bytes, 1),
          mediaId: readU32(bytes, 3),
          paymentType: bytes[7] ?? 0,
          paymentData: readU16(bytes, 8),
        });
      }
      return fail('length');
    case R.SESSION_CANCEL_REQUEST:
      return exactly(1, () => ({ type: 'SESSION_CANCEL_REQUEST' }));
    case R.VEND_APPROVED:
      return exactly(3, () => ({ type: 'VEND_APPROVED', amount: readU16(bytes, 1) }));
    case R.VEND_DENIED:
      return exactly(1, () => ({ type: 'VEND_DENIED' }));
    case R.END_SESSION:
      return exactly(1, () => ({ type: 'END_SESSION' }));
    case R.CANCELLED:
      return exactly(1, () => ({ type: 'CANCELLED' }));
    case R.PERIPHERAL_ID: {
      if (length !== 1 + MDB_IDENTITY_LENGTH && length !== 1 + MDB_IDENTITY_LENGTH + 4) return fail('length');
      const identity = readIdentity(bytes, 1);
      if (!identity) return fail('value');
      if (length === 1 + MDB_IDENTITY_LENGTH) return ok({ type: 'PERIPHERAL_ID', ...identity });
      return ok({ type: 'PERIPHERAL_ID', ...identity, features: readU32(bytes, 1 + MDB_IDENTITY_LENGTH) });
    }
    case R.MALFUNCTION:
      return exactly(2, () => ({ type: 'MALFUNCTION', code: bytes[1] ?? 0 }));
    case R.OUT_OF_SEQUENCE:
      if (length === 1) return ok({ type: 'OUT_OF_SEQUENCE' });
      return exactly(2, () => ({ type: 'OUT_OF_SEQUENCE', status: bytes[1] ?? 0 }));
    case R.REVALUE_APPROVED:
      return exactly(1, () => ({ type: 'REVALUE_APPROVED' }));
    case R.REVALUE_DENIED:
      return exactly(1, () => ({ type: 'REVALUE_DENIED' }));
    case R.REVALUE_LIMIT_AMOUNT:
      return exactly(3, () => ({ type: 'REVALUE_LIMIT_AMOUNT', amount: readU16(bytes, 1) }));
    case R.DIAGNOSTICS_RESPONSE:
      if (length > 2 + CASHLESS_DIAGNOSTICS_MAX_DATA) return fail('length');
      return ok({ type: 'DIAGNOSTICS_RESPONSE', data: Array.from(bytes.subarray(1)) });
    default:
      return fail('unknown');
  }
}
