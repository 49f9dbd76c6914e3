import { describe, expect, it } from 'vitest';
import {
  AcceptFlagBit,
  CreditSource,
  DoorState,
  EventCode,
  NakReason,
  StatusErrorBit,
  VendMethod,
  VendResult,
} from './codes.js';

/** Each code table of docs/serial-protocol.md, copied by hand as [name, value] in spec order. */
const SPEC: readonly [string, object, readonly (readonly [string, number])[]][] = [
  [
    'NakReason',
    NakReason,
    [
      ['CHECKSUM', 1],
      ['FORMAT', 2],
      ['UNKNOWN_TYPE', 3],
      ['BAD_LENGTH', 4],
      ['BUSY', 5],
    ],
  ],
  [
    'VendMethod',
    VendMethod,
    [
      ['HOST_PAID', 0],
      ['CASH_CREDIT', 1],
      ['CASHLESS', 2],
      ['FREE', 3],
    ],
  ],
  [
    'VendResult',
    VendResult,
    [
      ['OK', 0],
      ['JAM', 1],
      ['EMPTY', 2],
      ['INVALID_CHANNEL', 3],
      ['INSUFFICIENT_CREDIT', 4],
      ['CASHLESS_DENIED', 5],
      ['DOOR_OPEN', 6],
      ['BUSY', 7],
      ['ID_CONFLICT', 8],
    ],
  ],
  [
    'CreditSource',
    CreditSource,
    [
      ['COIN', 1],
      ['BILL', 2],
      ['CASHLESS', 3],
    ],
  ],
  [
    'EventCode',
    EventCode,
    [
      ['DOOR_OPENED', 1],
      ['DOOR_CLOSED', 2],
      ['TEMPERATURE_ALARM', 3],
      ['POWER_RESTORED', 4],
      ['BILL_STACKER_FULL', 5],
      ['COIN_TUBE_LOW', 6],
      ['MOTOR_FAULT', 7],
      ['COIN_RETURNED', 8],
    ],
  ],
  [
    'StatusErrorBit',
    StatusErrorBit,
    [
      ['COIN_CHANGER', 0],
      ['BILL_VALIDATOR', 1],
      ['CASHLESS_READER', 2],
      ['TEMPERATURE_SENSOR', 3],
      ['DROP_SENSOR', 4],
      ['MOTOR_POWER', 5],
    ],
  ],
  [
    'AcceptFlagBit',
    AcceptFlagBit,
    [
      ['COINS', 0],
      ['BILLS', 1],
      ['CASHLESS_READER', 2],
    ],
  ],
  [
    'DoorState',
    DoorState,
    [
      ['CLOSED', 0],
      ['OPEN', 1],
    ],
  ],
];

describe('code tables', () => {
  it.each(SPEC)('%s matches the spec', (_name, table, entries) => {
    expect(Object.entries(table)).toEqual(entries);
    expect(Object.isFrozen(table)).toBe(true);
  });
});
