/**
 * The bill validator at address 0x30, MDB/ICP levels 1 and 2 (without a recycler).
 * Commands go VMC -> validator; its data answers are decoded knowing the command they
 * answer. Bill credits are scaled (see scaling.ts). Bill types are 0..15; a bit mask has
 * bit n for bill type n.
 */

import { MDB_MAX_POLL_LENGTH, MdbAddress } from './block.js';
import {
  block,
  checkUnsigned,
  commandByte,
  exactCommand,
  fail,
  pollBlock,
  readU16,
  u16,
  u8,
  u8List,
  type MdbFailure,
} from './fields.js';
import { encodeIdentity, MDB_IDENTITY_LENGTH, readIdentity, type MdbIdentity } from './identity.js';

/** Number of bill types a validator can have. */
export const MDB_BILL_TYPES = 16;

/** Command bytes of the validator (address 0x30 plus the command). */
export const BillValidatorCommandByte = Object.freeze({
  RESET: 0x30,
  SETUP: 0x31,
  SECURITY: 0x32,
  POLL: 0x33,
  BILL_TYPE: 0x34,
  ESCROW: 0x35,
  STACKER: 0x36,
  EXPANSION: 0x37,
} as const);

/** What happened to a bill (POLL bill routing). */
export const BillRouting = Object.freeze({
  /** Stacked in the cash box (credit). */
  STACKED: 0,
  /** Held in escrow, waiting for the VMC's ESCROW command. */
  ESCROW: 1,
  /** Given back to the customer from escrow. */
  RETURNED: 2,
  TO_RECYCLER: 3,
  /** A bill of a disabled type was refused. */
  DISABLED_REJECTED: 4,
  TO_RECYCLER_MANUAL_FILL: 5,
  MANUAL_DISPENSE: 6,
  RECYCLER_TO_CASH_BOX: 7,
} as const);

export type BillRouting = (typeof BillRouting)[keyof typeof BillRouting];

/** Validator status codes reported by POLL. */
export const BillValidatorStatus = Object.freeze({
  DEFECTIVE_MOTOR: 1,
  SENSOR_PROBLEM: 2,
  BUSY: 3,
  ROM_CHECKSUM_ERROR: 4,
  JAMMED: 5,
  /** The validator was reset (answer to the first POLL after a reset). */
  JUST_RESET: 6,
  BILL_REMOVED: 7,
  CASH_BOX_OUT_OF_POSITION: 8,
  DISABLED: 9,
  /** ESCROW was sent with no bill in escrow. */
  INVALID_ESCROW_REQUEST: 10,
  /** A bill was not recognised (or could not be taken) and was given back. */
  BILL_REJECTED: 11,
  POSSIBLE_CREDITED_BILL_REMOVAL: 12,
} as const);

export type BillValidatorStatus = (typeof BillValidatorStatus)[keyof typeof BillValidatorStatus];

/** Escrow capability byte of the SETUP answer. */
const ESCROW_CAPABLE = 0xff;

/** Bit 15 of the STACKER answer. */
const STACKER_FULL_BIT = 0x8000;

export type BillValidatorCommand =
  | { type: 'RESET' }
  | { type: 'SETUP' }
  /** SECURITY: bit n set asks for high security on bill type n. */
  | { type: 'SECURITY'; highSecurityMask: number }
  | { type: 'POLL' }
  /** BILL TYPE: which bill types are accepted, and which of them are held in escrow. */
  | { type: 'BILL_TYPE'; acceptMask: number; escrowMask: number }
  /** ESCROW: stack the bill held in escrow (true) or give it back (false). */
  | { type: 'ESCROW'; stack: boolean }
  | { type: 'STACKER' }
  /** EXPANSION level 1 IDENTIFICATION. */
  | { type: 'IDENTIFICATION' };

export type BillValidatorCommandType = BillValidatorCommand['type'];

/** One activity reported in a POLL answer. */
export type BillValidatorEvent =
  | { type: 'BILL'; routing: BillRouting; billType: number }
  /** Bills inserted while the validator was disabled, since the last POLL. */
  | { type: 'DISABLED_INSERTIONS'; count: number }
  | { type: 'STATUS'; code: number };

export type BillValidatorResponse =
  /** Answer to SETUP. */
  | {
      type: 'CONFIG';
      /** Validator feature level, 1 or 2. */
      level: number;
      /** Country / currency code (e.g. 0x1156 for CNY). */
      countryCode: number;
      scalingFactor: number;
      decimalPlaces: number;
      /** Bills the stacker holds when full. */
      stackerCapacity: number;
      /** Bit n set: bill type n is checked at high security. */
      securityLevels: number;
      /** The validator can hold a bill in escrow. */
      escrow: boolean;
      /** Scaled credit of bill types 0.. (at most 16; types not sent are worth 0). */
      billCredits: number[];
    }
  /** Answer to POLL (a validator with nothing to report answers ACK instead). */
  | { type: 'POLL'; events: BillValidatorEvent[] }
  /** Answer to STACKER: the full flag and the number of bills in the stacker (0..0x7fff). */
  | { type: 'STACKER'; full: boolean; bills: number }
  /** Answer to IDENTIFICATION. */
  | ({ type: 'IDENTIFICATION' } & MdbIdentity);

export type BillValidatorCommandDecodeResult = { ok: true; command: BillValidatorCommand } | MdbFailure;
export type BillValidatorResponseDecodeResult = { ok: true; response: BillValidatorResponse } | MdbFailure;

const C = BillValidatorCommandByte;

/** The bytes of a validator command, address byte first, without CHK. Throws RangeError on out-of-range fields. */
export function encodeBillValidatorCommand(command: BillValidatorCommand): Uint8Array {
  switch (command.type) {
    case 'RESET':
      return block(C.RESET);
    case 'SETUP':
      return block(C.SETUP);
    case 'SECURITY':
      return block(C.SECURITY, u16('highSecurityMask', command.highSecurityMask));
    case 'POLL':
      return block(C.POLL);
    case 'BILL_TYPE':
      return block(C.BILL_TYPE, u16('acceptMask', command.acceptMask), u16('escrowMask', command.escrowMask));
    case 'ESCROW':
      return block(C.ESCROW, command.stack ? 0x01 : 0x00);
    case 'STACKER':
      return block(C.STACKER);
    case 'IDENTIFICATION':
      return block(C.EXPANSION, 0x00);
  }
}

/** A validator command from the bytes of a VMC block (without CHK). Never throws. */
export function decodeBillValidatorCommand(bytes: Uint8Array): BillValidatorCommandDecodeResult {
  const first = commandByte(bytes, MdbAddress.BILL_VALIDATOR);
  if (typeof first !== 'number') return first;
  const exactly = (length: number, command: () => BillValidatorCommand): BillValidatorCommandDecodeResult =>
    exactCommand(bytes, length, command);
  switch (first) {
    case C.RESET:
      return exactly(1, () => ({ type: 'RESET' }));
    case C.SETUP:
      return exactly(1, () => ({ type: 'SETUP' }));
    case C.SECURITY:
      return exactly(3, () => ({ type: 'SECURITY', highSecurityMask: readU16(bytes, 1) }));
    case C.POLL:
      return exactly(1, () => ({ type: 'POLL' }));
    case C.BILL_TYPE:
      return exactly(5, () => ({ type: 'BILL_TYPE', acceptMask: readU16(bytes, 1), escrowMask: readU16(bytes, 3) }));
    case C.ESCROW: {
      const y1 = bytes[1];
      if (bytes.length === 2 && y1 !== 0x00 && y1 !== 0x01) return fail('value');
      return exactly(2, () => ({ type: 'ESCROW', stack: y1 === 0x01 }));
    }
    case C.STACKER:
      return exactly(1, () => ({ type: 'STACKER' }));
    case C.EXPANSION:
      if (bytes[1] === 0x00) return exactly(2, () => ({ type: 'IDENTIFICATION' }));
      return fail(bytes.length < 2 ? 'length' : 'unknown');
    default:
      return fail('unknown');
  }
}

function encodeEvent(event: BillValidatorEvent): number {
  switch (event.type) {
    case 'BILL':
      return 0x80 | (checkUnsigned('routing', event.routing, 3) << 4) | checkUnsigned('billType', event.billType, 4);
    case 'DISABLED_INSERTIONS':
      return 0x40 | checkUnsigned('count', event.count, 5);
    case 'STATUS':
      return checkUnsigned('code', event.code, 4);
  }
}

/** The bytes of a validator answer, without CHK. Throws RangeError on out-of-range fields or an empty POLL answer. */
export function encodeBillValidatorResponse(response: BillValidatorResponse): Uint8Array {
  switch (response.type) {
    case 'CONFIG':
      return block(
        u8('level', response.level),
        u16('countryCode', response.countryCode),
        u16('scalingFactor', response.scalingFactor),
        u8('decimalPlaces', response.decimalPlaces),
        u16('stackerCapacity', response.stackerCapacity),
        u16('securityLevels', response.securityLevels),
        response.escrow ? ESCROW_CAPABLE : 0x00,
        u8List('billCredits', response.billCredits, MDB_BILL_TYPES),
      );
    case 'POLL':
      return pollBlock(response.events.map(encodeEvent));
    case 'STACKER':
      return block(u16('bills', checkUnsigned('bills', response.bills, 15) | (response.full ? STACKER_FULL_BIT : 0)));
    case 'IDENTIFICATION':
      return block(encodeIdentity(response));
  }
}

/**
 * A validator's data answer to `command`, from the bytes of its block (without CHK).
 * Commands answered only by ACK give `unknown`. Never throws.
 */
export function decodeBillValidatorResponse(
  command: BillValidatorCommandType,
  bytes: Uint8Array,
): BillValidatorResponseDecodeResult {
  const length = bytes.length;
  const ok = (response: BillValidatorResponse): BillValidatorResponseDecodeResult => ({ ok: true, response });
  switch (command) {
    case 'SETUP':
      if (length < 11 || length > 11 + MDB_BILL_TYPES) return fail('length');
      return ok({
        type: 'CONFIG',
        level: bytes[0] ?? 0,
        countryCode: readU16(bytes, 1),
        scalingFactor: readU16(bytes, 3),
        decimalPlaces: bytes[5] ?? 0,
        stackerCapacity: readU16(bytes, 6),
        securityLevels: readU16(bytes, 8),
        escrow: bytes[10] !== 0x00,
        billCredits: Array.from(bytes.subarray(11)),
      });
    case 'POLL': {
      if (length < 1 || length > MDB_MAX_POLL_LENGTH) return fail('length');
      const events: BillValidatorEvent[] = [];
      for (const z of bytes) {
        if (z & 0x80) events.push({ type: 'BILL', routing: ((z >> 4) & 0x07) as BillRouting, billType: z & 0x0f });
        else if ((z & 0xe0) === 0x40) events.push({ type: 'DISABLED_INSERTIONS', count: z & 0x1f });
        else if ((z & 0xf0) === 0) events.push({ type: 'STATUS', code: z });
        else return fail('unknown');
      }
      return ok({ type: 'POLL', events });
    }
    case 'STACKER': {
      if (length !== 2) return fail('length');
      const word = readU16(bytes, 0);
      return ok({ type: 'STACKER', full: (word & STACKER_FULL_BIT) !== 0, bills: word & 0x7fff });
    }
    case 'IDENTIFICATION': {
      if (length !== MDB_IDENTITY_LENGTH) return fail('length');
      const identity = readIdentity(bytes, 0);
      return identity ? ok({ type: 'IDENTIFICATION', ...identity }) : fail('value');
    }
    default:
      return fail('unknown');
  }
}
