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
    // No session: CMD OUT OF SEQUENCE.
    expect(reader.receive(VEND_REQUEST_100)).toEqual([0x0b, 0x10b]);
    session(reader, 500);
    reader.receive(VEND_REQUEST_100);
    expect(reader.receive([0x113, 0x01, 0x14])).toEqual([0x06, 0x106]);
    reader.receive(ACK);
    expect(reader.receive(POLL)).toEqual(PERIPHERAL_ACK);
    expect(reader.removeCard()).toBe(true);
    expect(reader.receive(POLL)).toEqual([0x04, 0x104]);
  });
});
