import { describe, expect, it } from 'vitest';
import {
  decodeBillValidatorCommand,
  decodeBillValidatorResponse,
  encodeBillValidatorCommand,
  encodeBillValidatorResponse,
  type BillValidatorCommandType,
} from './bill-validator.js';
import {
  decodeMasterBlock,
  decodeMasterTransmission,
  decodePeripheralBlock,
  decodePeripheralTransmission,
  encodeMasterBlock,
  encodePeripheralBlock,
} from './block.js';
import {
  decodeCashlessCommand,
  decodeCashlessResponse,
  encodeCashlessCommand,
  encodeCashlessResponse,
} from './cashless.js';
import {
  decodeChangerCommand,
  decodeChangerResponse,
  encodeChangerCommand,
  encodeChangerResponse,
  type ChangerCommandType,
} from './coin-changer.js';

/** A small seeded generator so that a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RUNS = 12_000;

describe('MDB decoders on random input', () => {
  it(`never throw on ${RUNS} random word sequences, and accept only what re-encodes to the same words`, () => {
    const next = random(0x4d4442);
    let accepted = 0;
    for (let run = 0; run < RUNS; run++) {
      const length = Math.floor(next() * 40);
      const words: number[] = [];
      for (let i = 0; i < length; i++) {
        const r = next();
        // Mostly 9-bit words, some out of range or not integers.
        words.push(r < 0.97 ? Math.floor(next() * 0x200) : r < 0.985 ? Math.floor(next() * 0x1000) - 8 : next());
      }
      // Make a share of them well-formed so that the accepting paths run too.
      if (run % 3 === 0 && words.length >= 2) {
        const bytes = Uint8Array.from(
          words.slice(0, Math.min(words.length - 1, 35)),
          (w) => Math.abs(Math.floor(w)) & 0xff,
        );
        words.splice(0, words.length, ...(run % 2 ? encodeMasterBlock(bytes) : encodePeripheralBlock(bytes)));
      }
      const master = decodeMasterBlock(words);
      const peripheral = decodePeripheralBlock(words);
      const masterAny = decodeMasterTransmission(words);
      const peripheralAny = decodePeripheralTransmission(words);
      if (master.ok) {
        accepted++;
        expect(encodeMasterBlock(master.bytes)).toEqual(words);
      }
      if (peripheral.ok) {
        accepted++;
        expect(encodePeripheralBlock(peripheral.bytes)).toEqual(words);
      }
      expect(typeof masterAny.ok).toBe('boolean');
      expect(typeof peripheralAny.ok).toBe('boolean');
    }
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  it(`device decoders never throw on ${RUNS} random blocks, and what they accept encodes back`, () => {
    const next = random(0x434f494e);
    const changerCommands: ChangerCommandType[] = [
      'SETUP',
      'TUBE_STATUS',
      'POLL',
      'IDENTIFICATION',
      'PAYOUT_STATUS',
      'PAYOUT_VALUE_POLL',
      'DISPENSE',
    ];
    const validatorCommands: BillValidatorCommandType[] = ['SETUP', 'POLL', 'STACKER', 'IDENTIFICATION', 'ESCROW'];
    let accepted = 0;
    for (let run = 0; run < RUNS; run++) {
      const bytes = Uint8Array.from({ length: Math.floor(next() * 36) }, () => Math.floor(next() * 256));
      // Steer the first byte to a known command or response code half of the time.
      if (bytes.length > 0 && run % 2 === 0)
        bytes[0] = [0x08, 0x0f, 0x10, 0x13, 0x17, 0x30, 0x35, 0x03, 0x09][run % 9] ?? 0;

      const cashlessCommand = decodeCashlessCommand(bytes);
      if (cashlessCommand.ok) {
        accepted++;
        expect(encodeCashlessCommand(cashlessCommand.command)).toEqual(bytes);
      }
      const cashlessResponse = decodeCashlessResponse(bytes);
      if (cashlessResponse.ok) {
        accepted++;
        expect(decodeCashlessResponse(encodeCashlessResponse(cashlessResponse.response))).toEqual(cashlessResponse);
      }
      const changerCommand = decodeChangerCommand(bytes);
      if (changerCommand.ok) {
        accepted++;
        expect(encodeChangerCommand(changerCommand.command)).toEqual(bytes);
      }
      const validatorCommand = decodeBillValidatorCommand(bytes);
      if (validatorCommand.ok) {
        accepted++;
        expect(encodeBillValidatorCommand(validatorCommand.command)).toEqual(bytes);
      }
      const changerCommandType = changerCommands[run % changerCommands.length] ?? 'POLL';
      const changerResponse = decodeChangerResponse(changerCommandType, bytes);
      if (changerResponse.ok) {
        accepted++;
        const again = decodeChangerResponse(changerCommandType, encodeChangerResponse(changerResponse.response));
        expect(again).toEqual(changerResponse);
      }
      const validatorCommandType = validatorCommands[run % validatorCommands.length] ?? 'POLL';
      const validatorResponse = decodeBillValidatorResponse(validatorCommandType, bytes);
      if (validatorResponse.ok) {
        accepted++;
        const again = decodeBillValidatorResponse(
          validatorCommandType,
          encodeBillValidatorResponse(validatorResponse.response),
        );
        expect(again).toEqual(validatorResponse);
      }
    }
    expect(accepted).toBeGreaterThan(RUNS / 20);
  });
});
