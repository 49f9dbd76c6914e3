import { describe, expect, it } from 'vitest';
import { BillValidator } from './bill-validator.js';

/** CNY bills 1, 5, 10, 20, 50, 100 yuan; scaling factor 100 fen. */
function makeValidator(stackerCapacity = 3): BillValidator {
  return new BillValidator({ billTypes: [100, 500, 1000, 2000, 5000, 10000], stackerCapacity });
}

const ACK = [0x000];
const POLL = [0x133, 0x33];
const STACKER = [0x136, 0x36];
const PERIPHERAL_ACK = [0x100];
/** BILL TYPE: accept types 0..5, hold them all in escrow. */
const ENABLE_WITH_ESCROW = [0x134, 0x00, 0x3f, 0x00, 0x3f, 0xb2];
/** BILL TYPE: accept types 0..5, stack at once. */
const ENABLE_WITHOUT_ESCROW = [0x134, 0x00, 0x3f, 0x00, 0x00, 0x73];

function ready(validator: BillValidator, enable = ENABLE_WITH_ESCROW): void {
  expect(validator.receive(POLL)).toEqual([0x06, 0x106]);
  validator.receive(ACK);
  expect(validator.receive(enable)).toEqual(PERIPHERAL_ACK);
}

describe('BillValidator on the bus', () => {
  it('answers SETUP with scaling factor, decimal places, stacker capacity, escrow and bill credits', () => {
    const validator = makeValidator();
    expect(validator.receive([0x131, 0x31])).toEqual([
      0x01, 0x11, 0x56, 0x00, 0x64, 0x02, 0x00, 0x03, 0x00, 0x00, 0xff, 0x01, 0x05, 0x0a, 0x14, 0x32, 0x64, 0x18a,
    ]);
  });

  it('holds a bill in escrow and gives it back on ESCROW return', () => {
    const validator = makeValidator();
    ready(validator);
    expect(validator.insertBill(1000)).toBe('escrow');
    // 1001 0010: bill type 2 in the escrow position.
    expect(validator.receive(POLL)).toEqual([0x92, 0x192]);
    validator.receive(ACK);
    expect(validator.state().escrow).toEqual({ billType: 2, value: 1000 });
    // A second bill cannot go in while one is held.
    expect(validator.insertBill(500)).toBe('rejected');
    expect(validator.receive([0x135, 0x00, 0x35])).toEqual(PERIPHERAL_ACK);
    // 1010 0010: bill type 2 returned.
    expect(validator.receive(POLL)).toEqual([0xa2, 0x1a2]);
    validator.receive(ACK);
    const state = validator.state();
    expect(state.escrow).toBeNull();
    expect(state.returned).toEqual([500, 1000]);
    expect(state.stacker.bills).toBe(0);
  });

  it('stacks the bill held in escrow on ESCROW stack and counts it in the stacker', () => {
    const validator = makeValidator();
    ready(validator);
    expect(validator.insertBill(2000)).toBe('escrow');
    expect(validator.receive(POLL)).toEqual([0x93, 0x193]);
    validator.receive(ACK);
    expect(validator.receive([0x135, 0x01, 0x36])).toEqual(PERIPHERAL_ACK);
    // 1000 0011: bill type 3 stacked.
    expect(validator.receive(POLL)).toEqual([0x83, 0x183]);
    validator.receive(ACK);
    expect(validator.receive(STACKER)).toEqual([0x00, 0x01, 0x101]);
    expect(validator.state().stacker).toEqual({
      bills: 1,
      capacity: 3,
      full: false,
      counts: [0, 0, 0, 1, 0, 0],
      total: 2000,
    });
  });

  it('reports the stacker full and refuses bills once it is', () => {
    const validator = makeValidator(3);
    ready(validator, ENABLE_WITHOUT_ESCROW);
    expect([validator.insertBill(100), validator.insertBill(100), validator.insertBill(100)]).toEqual([
      'stacked',
      'stacked',
      'stacked',
    ]);
    expect(validator.insertBill(100)).toBe('rejected');
    // Three stacked type 0 bills, then BILL REJECTED.
    expect(validator.receive(POLL)).toEqual([0x80, 0x80, 0x80, 0x0b, 0x18b]);
    validator.receive(ACK);
    // Bit 15: full; 3 bills.
    expect(validator.receive(STACKER)).toEqual([0x80, 0x03, 0x183]);
    expect(validator.state().stacker.full).toBe(true);
    expect(validator.state().returned).toEqual([100]);
  });

  it('refuses bills while disabled, bills of a disabled type and unknown bills', () => {
    const validator = makeValidator();
    expect(validator.insertBill(100)).toBe('rejected');
    // JUST RESET, then one insertion while disabled (010 00001).
    expect(validator.receive(POLL)).toEqual([0x06, 0x41, 0x147]);
    validator.receive(ACK);
    // Only type 0 enabled.
    expect(validator.receive([0x134, 0x00, 0x01, 0x00, 0x01, 0x36])).toEqual(PERIPHERAL_ACK);
    expect(validator.insertBill(500)).toBe('rejected');
    expect(validator.insertBill(300)).toBe('rejected');
    // 1100 0001: type 1 refused as disabled; 0000 1011: bill rejected.
    expect(validator.receive(POLL)).toEqual([0xc1, 0x0b, 0x1cc]);
  });

  it('reports repeated bills fed while disabled as one running count', () => {
    const validator = makeValidator();
    for (let i = 0; i < 3; i++) expect(validator.insertBill(500)).toBe('rejected');
    // JUST RESET, then 010 00011: three attempts while disabled, in one byte.
    expect(validator.receive(POLL)).toEqual([0x06, 0x43, 0x149]);
    // Not acknowledged: the same count again, plus the attempt made since.
    expect(validator.insertBill(100)).toBe('rejected');
    expect(validator.receive(POLL)).toEqual([0x06, 0x44, 0x14a]);
    validator.receive(ACK);
    expect(validator.receive(POLL)).toEqual(PERIPHERAL_ACK);
    for (let i = 0; i < 33; i++) validator.insertBill(100);
    // At most 31 in one byte; the rest in the next POLL.
    expect(validator.receive(POLL)).toEqual([0x5f, 0x15f]);
    validator.receive(ACK);
    expect(validator.receive(POLL)).toEqual([0x42, 0x142]);
    validator.receive(ACK);
    expect(validator.receive(POLL)).toEqual(PERIPHERAL_ACK);
    expect(validator.state().returned).toHaveLength(37);
    expect(validator.state().stacker.bills).toBe(0);
  });

  it('reports an ESCROW with no bill held as an invalid escrow request', () => {
    const validator = makeValidator();
    ready(validator);
    expect(validator.receive([0x135, 0x01, 0x36])).toEqual(PERIPHERAL_ACK);
    expect(validator.receive(POLL)).toEqual([0x0a, 0x10a]);
  });

  it('gives the bill in escrow back on RESET', () => {
    const validator = makeValidator();
    ready(validator);
    validator.insertBill(5000);
    expect(validator.receive([0x130, 0x30])).toEqual(PERIPHERAL_ACK);
    expect(validator.state().escrow).toBeNull();
    expect(validator.state().returned).toEqual([5000]);
    expect(validator.receive(POLL)).toEqual([0x06, 0x106]);
  });
});
