import { describe, expect, it } from 'vitest';
import {
  DATA_LENGTH,
  MESSAGE_DIRECTION,
  MESSAGE_TYPES,
  MessageType,
  isMessageType,
  messageName,
  type MessageDirection,
  type MessageName,
} from './messages.js';
import {
  CHK_LENGTH,
  DLE,
  ETX,
  MAX_BODY_LENGTH,
  MAX_DATA,
  MIN_BODY_LENGTH,
  SEQ_LENGTH,
  STX,
  TYPE_LENGTH,
} from './frame.js';

/**
 * The message table of docs/serial-protocol.md, copied by hand: type byte, name,
 * direction, the sizes of the DATA fields as the table lists them, and the exact DATA
 * length from the spec's "DATA lengths are exact" list.
 */
const SPEC: readonly {
  type: number;
  name: MessageName;
  direction: MessageDirection;
  fields: readonly number[];
  length: number;
}[] = [
  { type: 0x01, name: 'ACK', direction: 'both', fields: [], length: 0 },
  { type: 0x02, name: 'NAK', direction: 'both', fields: [1], length: 1 },
  { type: 0x10, name: 'POLL', direction: 'host-to-vmc', fields: [], length: 0 },
  {
    type: 0x11,
    name: 'VEND',
    direction: 'host-to-vmc',
    fields: [4, 2, 4, 1],
    length: 11,
  },
  {
    type: 0x12,
    name: 'SET_ACCEPT',
    direction: 'host-to-vmc',
    fields: [1],
    length: 1,
  },
  {
    type: 0x13,
    name: 'PAYOUT',
    direction: 'host-to-vmc',
    fields: [],
    length: 0,
  },
  {
    type: 0x14,
    name: 'SET_TEMP',
    direction: 'host-to-vmc',
    fields: [2],
    length: 2,
  },
  {
    type: 0x15,
    name: 'RESET',
    direction: 'host-to-vmc',
    fields: [],
    length: 0,
  },
  {
    type: 0x40,
    name: 'STATUS',
    direction: 'vmc-to-host',
    fields: [1, 2, 1, 2, 4],
    length: 10,
  },
  {
    type: 0x41,
    name: 'VEND_RESULT',
    direction: 'vmc-to-host',
    fields: [4, 2, 1, 4],
    length: 11,
  },
  {
    type: 0x42,
    name: 'CREDIT',
    direction: 'vmc-to-host',
    fields: [1, 4, 4],
    length: 9,
  },
  {
    type: 0x43,
    name: 'PAYOUT_RESULT',
    direction: 'vmc-to-host',
    fields: [4, 4],
    length: 8,
  },
  {
    type: 0x44,
    name: 'SELECTION',
    direction: 'vmc-to-host',
    fields: [2],
    length: 2,
  },
  {
    type: 0x45,
    name: 'EVENT',
    direction: 'vmc-to-host',
    fields: [1, 4],
    length: 5,
  },
  {
    type: 0x46,
    name: 'HELLO',
    direction: 'vmc-to-host',
    fields: [1, 16, 8, 2],
    length: 27,
  },
];

describe('message table', () => {
  it.each(SPEC)('$name is type $type with $length bytes of DATA', ({ type, name, direction, fields, length }) => {
    expect(MessageType[name]).toBe(type);
    expect(messageName(type)).toBe(name);
    expect(isMessageType(type)).toBe(true);
    expect(fields.reduce((sum, size) => sum + size, 0)).toBe(length);
    expect(DATA_LENGTH[MessageType[name]]).toBe(length);
    expect(MESSAGE_DIRECTION[MessageType[name]]).toBe(direction);
  });

  it('has exactly the messages of the spec, in ascending type order', () => {
    expect(MESSAGE_TYPES).toEqual(SPEC.map((message) => message.type));
    expect(Object.keys(MessageType)).toEqual(SPEC.map((message) => message.name));
    expect(Object.keys(DATA_LENGTH).map(Number)).toEqual(SPEC.map((message) => message.type));
    expect(Object.keys(MESSAGE_DIRECTION).map(Number)).toEqual(SPEC.map((message) => message.type));
  });

  it('knows no other type byte', () => {
    const known = new Set(SPEC.map((message) => message.type));
    for (let byte = 0; byte <= 0xff; byte += 1) {
      if (known.has(byte)) continue;
      expect(isMessageType(byte), `0x${byte.toString(16)}`).toBe(false);
      expect(messageName(byte)).toBeUndefined();
    }
  });

  it('fits every message in a frame', () => {
    for (const type of MESSAGE_TYPES) {
      expect(DATA_LENGTH[type]).toBeLessThanOrEqual(MAX_DATA);
    }
  });

  it('is frozen', () => {
    expect(Object.isFrozen(MessageType)).toBe(true);
    expect(Object.isFrozen(DATA_LENGTH)).toBe(true);
    expect(Object.isFrozen(MESSAGE_DIRECTION)).toBe(true);
    expect(Object.isFrozen(MESSAGE_TYPES)).toBe(true);
  });
});

describe('frame constants', () => {
  it('match the spec', () => {
    expect([STX, ETX, DLE]).toEqual([0x06, 0x07, 0x10]);
    expect([TYPE_LENGTH, SEQ_LENGTH, CHK_LENGTH, MAX_DATA]).toEqual([1, 4, 2, 256]);
    expect([MIN_BODY_LENGTH, MAX_BODY_LENGTH]).toEqual([7, 263]);
  });
});
