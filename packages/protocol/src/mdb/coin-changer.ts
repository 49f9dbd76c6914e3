/**
 * The coin changer at address 0x08, MDB/ICP levels 2 and 3. Commands go VMC -> changer;
 * a changer's data answers are not self-describing, so they are decoded knowing the
 * command they answer. Coin credits and payout values are scaled (see scaling.ts).
 * Coin types are 0..15; a bit mask has bit n for coin type n.
 */

import { MDB_MAX_POLL_LENGTH, MdbAddress } from './block.js';
import {
  block,
  checkUnsigned,
  commandByte,
  exactCommand,
  fail,
  padded,
  pollBlock,
  readU16,
  readU32,
  u16,
  u32,
  u8,
  u8List,
  type MdbFailure,
} from './fields.js';
import { encodeIdentity, MDB_IDENTITY_LENGTH, readIdentity, type MdbIdentity } from './identity.js';

/** Number of coin types a changer can have. */
export const MDB_COIN_TYPES = 16;

/** Command bytes of the changer (address 0x08 plus the command). */
export const ChangerCommandByte = Object.freeze({
  RESET: 0x08,
  /** SETUP (called STATUS in early versions of the standard). */
  SETUP: 0x09,
  TUBE_STATUS: 0x0a,
  POLL: 0x0b,
  COIN_TYPE: 0x0c,
  DISPENSE: 0x0d,
  EXPANSION: 0x0f,
} as const);

/** Level 3 EXPANSION subcommands. */
export const ChangerExpansion = Object.freeze({
  IDENTIFICATION: 0x00,
  FEATURE_ENABLE: 0x01,
  ALTERNATIVE_PAYOUT: 0x02,
  PAYOUT_STATUS: 0x03,
  PAYOUT_VALUE_POLL: 0x04,
} as const);

/** Level 3 optional feature bits (IDENTIFICATION `features`, FEATURE ENABLE). */
export const ChangerFeature = Object.freeze({
  /** The changer chooses the coins for a payout value (ALTERNATIVE PAYOUT). */
  ALTERNATIVE_PAYOUT: 0x01,
  EXTENDED_DIAGNOSTIC: 0x02,
  CONTROLLED_MANUAL_FILL_AND_PAYOUT: 0x04,
  FILE_TRANSPORT_LAYER: 0x08,
} as const);

/** Where a deposited coin went. */
export const CoinRouting = Object.freeze({
  CASH_BOX: 0,
  TUBES: 1,
  NOT_USED: 2,
  REJECT: 3,
} as const);

export type CoinRouting = (typeof CoinRouting)[keyof typeof CoinRouting];

/** Changer status codes reported by POLL. */
export const ChangerStatus = Object.freeze({
  /** The customer pressed the coin return lever. */
  ESCROW_REQUEST: 1,
  /** The changer is busy paying out change. */
  PAYOUT_BUSY: 2,
  /** A coin was validated but did not get to where it was routed. */
  NO_CREDIT: 3,
  DEFECTIVE_TUBE_SENSOR: 4,
  DOUBLE_ARRIVAL: 5,
  ACCEPTOR_UNPLUGGED: 6,
  TUBE_JAM: 7,
  ROM_CHECKSUM_ERROR: 8,
  COIN_ROUTING_ERROR: 9,
  BUSY: 10,
  /** The changer was reset (answer to the first POLL after a reset). */
  JUST_RESET: 11,
  COIN_JAM: 12,
  POSSIBLE_CREDITED_COIN_REMOVAL: 13,
} as const);

export type ChangerStatus = (typeof ChangerStatus)[keyof typeof ChangerStatus];

export type ChangerCommand =
  | { type: 'RESET' }
  | { type: 'SETUP' }
  | { type: 'TUBE_STATUS' }
  | { type: 'POLL' }
  /** COIN TYPE: which coin types are accepted, and which may be paid out with the manual dispense buttons. */
  | { type: 'COIN_TYPE'; acceptMask: number; manualDispenseMask: number }
  /** DISPENSE: `count` (0..15) coins of `coinType` from its tube. */
  | { type: 'DISPENSE'; coinType: number; count: number }
  | { type: 'IDENTIFICATION' }
  | { type: 'FEATURE_ENABLE'; features: number }
  /** ALTERNATIVE PAYOUT: pay out `value` (scaled); the changer chooses the coins. */
  | { type: 'ALTERNATIVE_PAYOUT'; value: number }
  | { type: 'PAYOUT_STATUS' }
  | { type: 'PAYOUT_VALUE_POLL' };

export type ChangerCommandType = ChangerCommand['type'];

/** One activity reported in a POLL answer. */
export type ChangerEvent =
  /** Coins paid out with the manual dispense buttons; `tubeCount` is what is left in the tube. */
  | { type: 'COINS_DISPENSED_MANUALLY'; coinType: number; count: number; tubeCount: number }
  /** A coin was accepted; `tubeCount` is the number of coins now in that coin type's tube. */
  | { type: 'COIN_DEPOSITED'; coinType: number; routing: CoinRouting; tubeCount: number }
  /** Slugs (unrecognised coins) seen since the last POLL. */
  | { type: 'SLUGS'; count: number }
  | { type: 'STATUS'; code: number };

export type ChangerResponse =
  /** Answer to SETUP. */
  | {
      type: 'CONFIG';
      /** Changer feature level, 2 or 3. */
      level: number;
      /** Country / currency code (e.g. 0x1156 for CNY). */
      countryCode: number;
      scalingFactor: number;
      decimalPlaces: number;
      /** Bit n set: coin type n can be routed to a tube. */
      tubeRouting: number;
      /** Scaled credit of coin types 0.. (at most 16; types not sent are worth 0). */
      coinCredits: number[];
    }
  /** Answer to TUBE STATUS: bit n of `fullMask` set when tube n is full; 16 coin counts. */
  | { type: 'TUBE_STATUS'; fullMask: number; counts: number[] }
  /** Answer to POLL (a changer with nothing to report answers ACK instead). */
  | { type: 'POLL'; events: ChangerEvent[] }
  /** Answer to IDENTIFICATION; `features` are ChangerFeature bits. */
  | ({ type: 'IDENTIFICATION'; features: number } & MdbIdentity)
  /** Answer to PAYOUT STATUS: coins of each type paid out by the last ALTERNATIVE PAYOUT (16 counts). */
  | { type: 'PAYOUT_STATUS'; counts: number[] }
  /** Answer to PAYOUT VALUE POLL: scaled value paid since the payout started or the last value poll. */
  | { type: 'PAYOUT_VALUE'; value: number };

export type ChangerCommandDecodeResult = { ok: true; command: ChangerCommand } | MdbFailure;
export type ChangerResponseDecodeResult = { ok: true; response: ChangerResponse } | MdbFailure;

const C = ChangerCommandByte;
const X = ChangerExpansion;

function coinType(name: string, value: number): number {
  return checkUnsigned(name, value, 4);
}

/** The bytes of a changer command, address byte first, without CHK. Throws RangeError on out-of-range fields. */
export function encodeChangerCommand(command: ChangerCommand): Uint8Array {
  switch (command.type) {
    case 'RESET':
      return block(C.RESET);
    case 'SETUP':
      return block(C.SETUP);
    case 'TUBE_STATUS':
      return block(C.TUBE_STATUS);
    case 'POLL':
      return block(C.POLL);
    case 'COIN_TYPE':
      return block(
        C.COIN_TYPE,
        u16('acceptMask', command.acceptMask),
        u16('manualDispenseMask', command.manualDispenseMask),
      );
    case 'DISPENSE':
      return block(
        C.DISPENSE,
        (checkUnsigned('count', command.count, 4) << 4) | coinType('coinType', command.coinType),
      );
    case 'IDENTIFICATION':
      return block(C.EXPANSION, X.IDENTIFICATION);
    case 'FEATURE_ENABLE':
      return block(C.EXPANSION, X.FEATURE_ENABLE, u32('features', command.features));
    case 'ALTERNATIVE_PAYOUT':
      return block(C.EXPANSION, X.ALTERNATIVE_PAYOUT, u8('value', command.value));
    case 'PAYOUT_STATUS':
      return block(C.EXPANSION, X.PAYOUT_STATUS);
    case 'PAYOUT_VALUE_POLL':
      return block(C.EXPANSION, X.PAYOUT_VALUE_POLL);
  }
}

/** A changer command from the bytes of a VMC block (without CHK). Never throws. */
export function decodeChangerCommand(bytes: Uint8Array): ChangerCommandDecodeResult {
  const first = commandByte(bytes, MdbAddress.COIN_CHANGER);
  if (typeof first !== 'number') return first;
  const exactly = (length: number, command: () => ChangerCommand): ChangerCommandDecodeResult =>
    exactCommand(bytes, length, command);
  switch (first) {
    case C.RESET:
      return exactly(1, () => ({ type: 'RESET' }));
    case C.SETUP:
      return exactly(1, () => ({ type: 'SETUP' }));
    case C.TUBE_STATUS:
      return exactly(1, () => ({ type: 'TUBE_STATUS' }));
    case C.POLL:
      return exactly(1, () => ({ type: 'POLL' }));
    case C.COIN_TYPE:
      return exactly(5, () => ({
        type: 'COIN_TYPE',
        acceptMask: readU16(bytes, 1),
        manualDispenseMask: readU16(bytes, 3),
      }));
    case C.DISPENSE:
      return exactly(2, () => ({ type: 'DISPENSE', coinType: (bytes[1] ?? 0) & 0x0f, count: (bytes[1] ?? 0) >> 4 }));
    case C.EXPANSION:
      switch (bytes[1]) {
        case X.IDENTIFICATION:
          return exactly(2, () => ({ type: 'IDENTIFICATION' }));
        case X.FEATURE_ENABLE:
          return exactly(6, () => ({ type: 'FEATURE_ENABLE', features: readU32(bytes, 2) }));
        case X.ALTERNATIVE_PAYOUT:
          return exactly(3, () => ({ type: 'ALTERNATIVE_PAYOUT', value: bytes[2] ?? 0 }));
        case X.PAYOUT_STATUS:
          return exactly(2, () => ({ type: 'PAYOUT_STATUS' }));
        case X.PAYOUT_VALUE_POLL:
          return exactly(2, () => ({ type: 'PAYOUT_VALUE_POLL' }));
        case undefined:
          return fail('length');
        default:
          return fail('unknown');
      }
    default:
      return fail('unknown');
  }
}

function encodeEvent(event: ChangerEvent): number[] {
  switch (event.type) {
    case 'COINS_DISPENSED_MANUALLY':
      return [
        0x80 | (checkUnsigned('count', event.count, 3) << 4) | coinType('coinType', event.coinType),
        ...u8('tubeCount', event.tubeCount),
      ];
    case 'COIN_DEPOSITED':
      return [
        0x40 | (checkUnsigned('routing', event.routing, 2) << 4) | coinType('coinType', event.coinType),
        ...u8('tubeCount', event.tubeCount),
      ];
    case 'SLUGS':
      return [0x20 | checkUnsigned('count', event.count, 5)];
    case 'STATUS':
      return [coinType('code', event.code)];
  }
}

/** The events of a POLL answer; `unknown` for a byte pattern the standard does not define, `length` if cut short. */
function decodeEvents(bytes: Uint8Array): ChangerResponseDecodeResult {
  const events: ChangerEvent[] = [];
  let i = 0;
  while (i < bytes.length) {
    const z = bytes[i] ?? 0;
    if (z & 0x80 || z & 0x40) {
      const tubeCount = bytes[i + 1];
      if (tubeCount === undefined) return fail('length');
      events.push(
        z & 0x80
          ? { type: 'COINS_DISPENSED_MANUALLY', coinType: z & 0x0f, count: (z >> 4) & 0x07, tubeCount }
          : { type: 'COIN_DEPOSITED', coinType: z & 0x0f, routing: ((z >> 4) & 0x03) as CoinRouting, tubeCount },
      );
      i += 2;
    } else if (z & 0x20) {
      events.push({ type: 'SLUGS', count: z & 0x1f });
      i += 1;
    } else if ((z & 0xf0) === 0) {
      events.push({ type: 'STATUS', code: z });
      i += 1;
    } else {
      return fail('unknown');
    }
  }
  return { ok: true, response: { type: 'POLL', events } };
}

/** The bytes of a changer answer, without CHK. Throws RangeError on out-of-range fields or an empty POLL answer. */
export function encodeChangerResponse(response: ChangerResponse): Uint8Array {
  switch (response.type) {
    case 'CONFIG':
      return block(
        u8('level', response.level),
        u16('countryCode', response.countryCode),
        u8('scalingFactor', response.scalingFactor),
        u8('decimalPlaces', response.decimalPlaces),
        u16('tubeRouting', response.tubeRouting),
        u8List('coinCredits', response.coinCredits, MDB_COIN_TYPES),
      );
    case 'TUBE_STATUS':
      if (response.counts.length !== MDB_COIN_TYPES) throw new RangeError('TUBE STATUS has 16 counts');
      return block(u16('fullMask', response.fullMask), u8List('counts', response.counts, MDB_COIN_TYPES));
    case 'POLL':
      return pollBlock(response.events.flatMap(encodeEvent));
    case 'IDENTIFICATION':
      return block(encodeIdentity(response), u32('features', response.features));
    case 'PAYOUT_STATUS':
      if (response.counts.length !== MDB_COIN_TYPES) throw new RangeError('PAYOUT STATUS has 16 counts');
      return block(u8List('counts', response.counts, MDB_COIN_TYPES));
    case 'PAYOUT_VALUE':
      return block(u8('value', response.value));
  }
}

/**
 * A changer's data answer to `command`, from the bytes of its block (without CHK). Counts
 * the changer did not send are 0. Commands answered only by ACK give `unknown`. Never throws.
 */
export function decodeChangerResponse(command: ChangerCommandType, bytes: Uint8Array): ChangerResponseDecodeResult {
  const length = bytes.length;
  const ok = (response: ChangerResponse): ChangerResponseDecodeResult => ({ ok: true, response });
  switch (command) {
    case 'SETUP':
      if (length < 7 || length > 7 + MDB_COIN_TYPES) return fail('length');
      return ok({
        type: 'CONFIG',
        level: bytes[0] ?? 0,
        countryCode: readU16(bytes, 1),
        scalingFactor: bytes[3] ?? 0,
        decimalPlaces: bytes[4] ?? 0,
        tubeRouting: readU16(bytes, 5),
        coinCredits: Array.from(bytes.subarray(7)),
      });
    case 'TUBE_STATUS':
      if (length < 2 || length > 2 + MDB_COIN_TYPES) return fail('length');
      return ok({ type: 'TUBE_STATUS', fullMask: readU16(bytes, 0), counts: padded(bytes, 2, MDB_COIN_TYPES) });
    case 'POLL':
      if (length < 1 || length > MDB_MAX_POLL_LENGTH) return fail('length');
      return decodeEvents(bytes);
    case 'IDENTIFICATION': {
      if (length !== MDB_IDENTITY_LENGTH + 4) return fail('length');
      const identity = readIdentity(bytes, 0);
      if (!identity) return fail('value');
      return ok({ type: 'IDENTIFICATION', ...identity, features: readU32(bytes, MDB_IDENTITY_LENGTH) });
    }
    case 'PAYOUT_STATUS':
      if (length < 1 || length > MDB_COIN_TYPES) return fail('length');
      return ok({ type: 'PAYOUT_STATUS', counts: padded(bytes, 0, MDB_COIN_TYPES) });
    case 'PAYOUT_VALUE_POLL':
      if (length !== 1) return fail('length');
      return ok({ type: 'PAYOUT_VALUE', value: bytes[0] ?? 0 });
    default:
      return fail('unknown');
  }
}
