import {
  CashlessReaderStatus,
  encodeCashlessCommand,
  encodeMasterBlock,
  type CashlessCommand,
} from '@vmcloud/protocol';
import { describe, expect, it } from 'vitest';
import { CashlessReader } from './cashless-reader.js';

const ACK = [0x000];
const POLL = [0x112, 0x12];
const PERIPHERAL_ACK = [0x100];
const SETUP_CONFIG_LEVEL_3 = [0x111, 0x00, 0x03, 0x00, 0x00, 0x00, 0x14];
const READER_ENABLE = [0x114, 0x01, 0x15];
/** The example of docs/serial-protocol.md, "MDB": VEND REQUEST price 100, item 1. */
const VEND_REQUEST_100 = [0x113, 0x00, 0x00, 0x64, 0x00, 0x01, 0x78];
const VEND_SUCCESS_1 = [0x113, 0x02, 0x00, 0x01, 0x16];
const VEND_FAILURE = [0x113, 0x03, 0x16];
const SESSION_COMPLETE = [0x113, 0x04, 0x17];
const PERIPHERAL_NAK = [0x1ff];
/** REVALUE REQUEST 500 (15 00 01 F4), REVALUE LIMIT REQUEST (15 01). */
const REVALUE_500 = [0x115, 0x00, 0x01, 0xf4, 0x0a];
const REVALUE_LIMIT = [0x115, 0x01, 0x16];
/** NEGATIVE VEND REQUEST price 100, item 1 (13 06 00 64 00 01). */
const NEGATIVE_VEND_100 = [0x113, 0x06, 0x00, 0x64, 0x00, 0x01, 0x7e];
/** OPTIONAL FEATURE ENABLED: negative vend (17 04 00 00 00 08). */
const ENABLE_NEGATIVE_VEND = [0x117, 0x04, 0x00, 0x00, 0x00, 0x08, 0x23];

/** The words the VMC sends for `command`. */
const words = (command: CashlessCommand): number[] => encodeMasterBlock(encodeCashlessCommand(command));

/** Takes the reader through JUST RESET, SETUP (VMC level 3) and READER ENABLE. */
function ready(reader: CashlessReader): void {
  expect(reader.receive(POLL)).toEqual([0x00, 0x100]);
  reader.receive(ACK);
  expect(reader.receive(SETUP_CONFIG_LEVEL_3)).toHaveLength(9);
  reader.receive(ACK);
  expect(reader.receive(READER_ENABLE)).toEqual(PERIPHERAL_ACK);
}

/** Taps a card and takes the BEGIN SESSION. */
function session(reader: CashlessReader, funds: number, deny = false): void {
  expect(reader.tapCard({ funds, deny })).toBe('session');
  expect(reader.receive(POLL)[0]).toBe(0x03);
  reader.receive(ACK);
}

describe('CashlessReader on the bus', () => {
  it('answers SETUP config data with its READER CONFIG DATA', () => {
    const reader = new CashlessReader();
    expect(reader.receive(SETUP_CONFIG_LEVEL_3)).toEqual([0x01, 0x03, 0x11, 0x56, 0x01, 0x02, 0x05, 0x01, 0x174]);
    // SETUP max/min prices, the example of docs/serial-protocol.md, "MDB".
    expect(reader.receive([0x111, 0x01, 0x00, 0xc8, 0x00, 0x64, 0x3e])).toEqual(PERIPHERAL_ACK);
  });

  it('opens a session for a tapped card: BEGIN SESSION with the funds', () => {
    const reader = new CashlessReader();
    expect(reader.tapCard({ funds: 500 })).toBe('refused');
    ready(reader);
    expect(reader.tapCard({ funds: 500, mediaId: 0x01020304 })).toBe('session');
    expect(reader.tapCard({ funds: 100 })).toBe('refused');
    // Level 3: funds 500, media id, payment type 0, payment data 0.
    expect(reader.receive(POLL)).toEqual([0x03, 0x01, 0xf4, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x102]);
    expect(reader.state().session).toMatchObject({ startFunds: 500, funds: 500, open: true });
  });

  it('sends the short BEGIN SESSION at level 1', () => {
    const reader = new CashlessReader({ level: 1 });
    ready(reader);
    reader.tapCard({ funds: 500 });
    expect(reader.receive(POLL)).toEqual([0x03, 0x01, 0xf4, 0x1f8]);
  });

  it('approves a vend the funds cover, and charges the card on VEND SUCCESS', () => {
    const reader = new CashlessReader();
    ready(reader);
    session(reader, 500);
    expect(reader.receive(VEND_REQUEST_100)).toEqual(PERIPHERAL_ACK);
    // VEND APPROVED 100.
    expect(reader.receive(POLL)).toEqual([0x05, 0x00, 0x64, 0x169]);
    reader.receive(ACK);
    expect(reader.receive(VEND_SUCCESS_1)).toEqual(PERIPHERAL_ACK);
    expect(reader.state().session?.funds).toBe(400);
    expect(reader.state().session?.vends).toEqual([{ item: 1, price: 100, outcome: 'dispensed' }]);
  });

  it('denies a vend the funds do not cover, and any vend on a denying card', () => {
    const reader = new CashlessReader();
    ready(reader);
    session(reader, 50);
    expect(reader.receive(VEND_REQUEST_100)).toEqual(PERIPHERAL_ACK);
    expect(reader.receive(POLL)).toEqual([0x06, 0x106]);
    reader.receive(ACK);
    expect(reader.receive(SESSION_COMPLETE)).toEqual(PERIPHERAL_ACK);
    expect(reader.receive(POLL)).toEqual([0x07, 0x107]);
    reader.receive(ACK);

    session(reader, 10_000, true);
    expect(reader.receive(VEND_REQUEST_100)).toEqual(PERIPHERAL_ACK);
    expect(reader.receive(POLL)).toEqual([0x06, 0x106]);
    const sessions = reader.state().sessions;
    expect(sessions.map((s) => s.vends[0]?.outcome)).toEqual(['denied', 'denied']);
    expect(sessions.map((s) => s.funds)).toEqual([50, 10_000]);
  });

  it('does not charge the card on VEND FAILURE', () => {
    const reader = new CashlessReader();
    ready(reader);
    session(reader, 500);
    reader.receive(VEND_REQUEST_100);
    reader.receive(POLL);
    reader.receive(ACK);
    expect(reader.receive(VEND_FAILURE)).toEqual(PERIPHERAL_ACK);
    expect(reader.state().session).toMatchObject({ funds: 500, vends: [{ item: 1, price: 100, outcome: 'failed' }] });
  });

  it('takes `approvalPolls` POLLs to decide', () => {
    const reader = new CashlessReader({ approvalPolls: 2 });
    ready(reader);
    session(reader, 500);
    reader.receive(VEND_REQUEST_100);
    expect(reader.receive(POLL)).toEqual(PERIPHERAL_ACK);
    expect(reader.receive(POLL)).toEqual(PERIPHERAL_ACK);
    expect(reader.receive(POLL)).toEqual([0x05, 0x00, 0x64, 0x169]);
  });

  it('answers a command out of sequence, VEND CANCEL with VEND DENIED, and a removed card with a cancel request', () => {
    const reader = new CashlessReader();
    ready(reader);
    // No session: CMD OUT OF SEQUENCE, and the level 3 reader's state: 03 Enabled.
    expect(reader.receive(VEND_REQUEST_100)).toEqual([0x0b, 0x03, 0x10e]);
    session(reader, 500);
    reader.receive(VEND_REQUEST_100);
    expect(reader.receive([0x113, 0x01, 0x14])).toEqual([0x06, 0x106]);
    reader.receive(ACK);
    expect(reader.receive(POLL)).toEqual(PERIPHERAL_ACK);
    expect(reader.removeCard()).toBe(true);
    expect(reader.receive(POLL)).toEqual([0x04, 0x104]);
  });
});

describe('CashlessReader at level 3', () => {
  it('reports its state with CMD OUT OF SEQUENCE: Inactive, Disabled, Session Idle, Vend', () => {
    const reader = new CashlessReader();
    expect(reader.receive(POLL)).toEqual([0x00, 0x100]);
    reader.receive(ACK);
    // Before SETUP the reader cannot be enabled: 0B 01 (Inactive).
    expect(reader.receive(READER_ENABLE)).toEqual([0x0b, 0x01, 0x10c]);
    expect(reader.receive(SETUP_CONFIG_LEVEL_3)).toHaveLength(9);
    reader.receive(ACK);
    // Set up, not enabled: 0B 02 (Disabled).
    expect(reader.receive(VEND_SUCCESS_1)).toEqual([0x0b, 0x02, 0x10d]);
    expect(reader.receive(READER_ENABLE)).toEqual(PERIPHERAL_ACK);
    session(reader, 500);
    // A session and no vend: 0B 04 (Session Idle).
    expect(reader.receive(VEND_SUCCESS_1)).toEqual([0x0b, 0x04, 0x10f]);
    expect(reader.receive(VEND_REQUEST_100)).toEqual(PERIPHERAL_ACK);
    // A vend under way: 0B 05 (Vend).
    expect(reader.receive(VEND_REQUEST_100)).toEqual([0x0b, 0x05, 0x110]);
    expect(reader.state().status).toBe(CashlessReaderStatus.VEND);
  });

  it('sends the bare CMD OUT OF SEQUENCE at level 1', () => {
    const reader = new CashlessReader({ level: 1 });
    ready(reader);
    expect(reader.receive(VEND_REQUEST_100)).toEqual([0x0b, 0x10b]);
  });

  it('puts money on the card with REVALUE up to its limit, and tells the limit', () => {
    const reader = new CashlessReader({ maxCardFunds: 1000 });
    ready(reader);
    // No session: nothing to revalue.
    expect(reader.receive(REVALUE_500)).toEqual([0x0b, 0x03, 0x10e]);
    session(reader, 300);
    // REVALUE LIMIT AMOUNT 700 (0F 02 BC).
    expect(reader.receive(REVALUE_LIMIT)).toEqual([0x0f, 0x02, 0xbc, 0x1cd]);
    reader.receive(ACK);
    // REVALUE APPROVED: 300 + 500.
    expect(reader.receive(REVALUE_500)).toEqual([0x0d, 0x10d]);
    reader.receive(ACK);
    expect(reader.state().session).toMatchObject({ funds: 800, revalued: 500 });
    // 800 + 500 is over the limit: REVALUE DENIED, nothing put on the card.
    expect(reader.receive(REVALUE_500)).toEqual([0x0e, 0x10e]);
    expect(reader.state().session).toMatchObject({ funds: 800, revalued: 500 });
  });

  it('offers NEGATIVE VEND in PERIPHERAL ID and credits the card for an item put back once the VMC enabled it', () => {
    const reader = new CashlessReader();
    ready(reader);
    const id = reader.receive(
      words({ type: 'REQUEST_ID', manufacturer: 'VMC', serial: '1', model: 'M', softwareVersion: 1 }),
    );
    // The optional feature bits, last before CHK: negative vend.
    expect(id.slice(-5, -1)).toEqual([0x00, 0x00, 0x00, 0x08]);
    reader.receive(ACK);
    session(reader, 500);
    expect(reader.receive(NEGATIVE_VEND_100)).toEqual([0x0b, 0x04, 0x10f]);
    expect(reader.receive(ENABLE_NEGATIVE_VEND)).toEqual(PERIPHERAL_ACK);
    expect(reader.state().features).toBe(0x08);
    expect(reader.receive(NEGATIVE_VEND_100)).toEqual(PERIPHERAL_ACK);
    expect(reader.state().status).toBe(CashlessReaderStatus.NEGATIVE_VEND);
    expect(reader.receive(POLL)).toEqual([0x05, 0x00, 0x64, 0x169]);
    reader.receive(ACK);
    expect(reader.receive(VEND_SUCCESS_1)).toEqual(PERIPHERAL_ACK);
    expect(reader.state().session).toMatchObject({
      funds: 600,
      vends: [{ item: 1, price: 100, outcome: 'dispensed', negative: true }],
    });
  });

  it('answers DIAGNOSTICS with its DIAGNOSTICS RESPONSE', () => {
    const reader = new CashlessReader();
    ready(reader);
    // 17 FF 01 02 -> FF 01 02.
    expect(reader.receive([0x117, 0xff, 0x01, 0x02, 0x19])).toEqual([0xff, 0x01, 0x02, 0x102]);
  });

  it('NAKs the level 2 and 3 commands when the VMC is level 1', () => {
    const reader = new CashlessReader();
    reader.receive(POLL);
    reader.receive(ACK);
    reader.receive(words({ type: 'SETUP_CONFIG', vmcLevel: 1, displayColumns: 0, displayRows: 0, displayInfo: 0 }));
    reader.receive(ACK);
    reader.receive(READER_ENABLE);
    session(reader, 500);
    expect(reader.receive(REVALUE_500)).toEqual(PERIPHERAL_NAK);
    expect(reader.receive(REVALUE_LIMIT)).toEqual(PERIPHERAL_NAK);
    expect(reader.receive(ENABLE_NEGATIVE_VEND)).toEqual(PERIPHERAL_NAK);
    expect(reader.receive(NEGATIVE_VEND_100)).toEqual(PERIPHERAL_NAK);
    expect(reader.receive([0x117, 0xff, 0x01, 0x02, 0x19])).toEqual(PERIPHERAL_NAK);
    expect(reader.state().session?.funds).toBe(500);
  });
});
