import { describe, expect, it } from 'vitest';
import { CoinChanger } from './coin-changer.js';

/** CNY coins: 1 jiao, 5 jiao, 1 yuan; scaling factor 10 fen. */
function makeChanger(options: { level?: 2 | 3; coinsPerPoll?: number } = {}): CoinChanger {
  return new CoinChanger({
    coinTypes: [
      { value: 10, tube: { capacity: 50, count: 20 } },
      { value: 50, tube: { capacity: 50, count: 10 } },
      { value: 100, tube: { capacity: 30, count: 5 } },
      { value: 1000 },
    ],
    ...options,
  });
}

const ACK = [0x000];
const RET = [0x0aa];
const POLL = [0x10b, 0x0b];
const PERIPHERAL_ACK = [0x100];

/** Resets the changer's report of JUST RESET and enables coin types 0..3. */
function ready(changer: CoinChanger): void {
  expect(changer.receive(POLL)).toEqual([0x0b, 0x10b]);
  changer.receive(ACK);
  expect(changer.receive([0x10c, 0x00, 0x0f, 0xff, 0xff, 0x19])).toEqual(PERIPHERAL_ACK);
}

describe('CoinChanger on the bus', () => {
  it('answers JUST RESET to the first POLL, and keeps it until the VMC ACKs', () => {
    const changer = makeChanger();
    expect(changer.receive(POLL)).toEqual([0x0b, 0x10b]);
    // No ACK: the same data comes again.
    expect(changer.receive(POLL)).toEqual([0x0b, 0x10b]);
    // RET: sent once more.
    expect(changer.receive(RET)).toEqual([0x0b, 0x10b]);
    expect(changer.receive(ACK)).toEqual([]);
    expect(changer.receive(POLL)).toEqual(PERIPHERAL_ACK);
  });

  it('answers SETUP with its configuration and TUBE STATUS with its tubes', () => {
    const changer = makeChanger();
    // Level 3, CNY, scaling 10, 2 decimals, tubes for types 0..2, credits 1, 5, 10, 100.
    expect(changer.receive([0x109, 0x09])).toEqual([
      0x03, 0x11, 0x56, 0x0a, 0x02, 0x00, 0x07, 0x01, 0x05, 0x0a, 0x64, 0x1f1,
    ]);
    expect(changer.receive([0x10a, 0x0a])).toEqual([
      0x00, 0x00, 20, 10, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x123,
    ]);
  });

  it('stays silent on a bad CHK or a block for another device, and NAKs what it does not know', () => {
    const changer = makeChanger();
    expect(changer.receive([0x10b, 0x0c])).toEqual([]);
    expect(changer.receive([0x10b])).toEqual([]);
    expect(changer.receive([0x112, 0x12])).toEqual([]);
    expect(changer.receive([0x10e, 0x0e])).toEqual([0x1ff]);
  });

  it('refuses coins until the VMC enables their type, then routes them to the tubes and reports them', () => {
    const changer = makeChanger();
    expect(changer.insertCoin(50)).toBe('rejected');
    ready(changer);
    expect(changer.insertCoin(50)).toBe('tubes');
    expect(changer.insertCoin(1000)).toBe('cash_box');
    // 2 jiao is no coin of this changer: a slug.
    expect(changer.insertCoin(20)).toBe('slug');
    // 0101 0001: deposited, routed to tubes, type 1, now 11 in the tube; 0100 0011: to the cash box, type 3;
    // 0010 0001: one slug.
    expect(changer.receive(POLL)).toEqual([0x51, 11, 0x43, 0, 0x21, 0x1c0]);
    changer.receive(ACK);
    expect(changer.receive(POLL)).toEqual(PERIPHERAL_ACK);
    const state = changer.state();
    expect(state.tubes.map((tube) => tube.count)).toEqual([20, 11, 5]);
    expect(state.cashBox).toEqual({ counts: [0, 0, 0, 1], total: 1000 });
    expect(state.rejected).toEqual([50, 20]);
  });

  it('counts unrecognised coins as slugs, reports them once in a POLL and credits nothing', () => {
    const changer = makeChanger();
    ready(changer);
    for (const value of [20, 20, 200]) expect(changer.insertCoin(value)).toBe('slug');
    // 0010 0011: three slugs since the last POLL; not acknowledged, so the next POLL says it again.
    expect(changer.receive(POLL)).toEqual([0x23, 0x123]);
    expect(changer.receive(POLL)).toEqual([0x23, 0x123]);
    changer.receive(ACK);
    expect(changer.insertCoin(5)).toBe('slug');
    expect(changer.receive(POLL)).toEqual([0x21, 0x121]);
    changer.receive(ACK);
    expect(changer.receive(POLL)).toEqual(PERIPHERAL_ACK);
    const state = changer.state();
    expect(state.slugs).toBe(4);
    expect(state.rejected).toEqual([20, 20, 200, 5]);
    expect(state.tubes.map((tube) => tube.count)).toEqual([20, 10, 5]);
    expect(state.cashBox.total).toBe(0);
  });

  it('reports at most 31 slugs in one POLL and the rest in the next', () => {
    const changer = makeChanger();
    ready(changer);
    for (let i = 0; i < 33; i++) changer.insertCoin(1);
    expect(changer.receive(POLL)).toEqual([0x3f, 0x13f]);
    changer.receive(ACK);
    expect(changer.receive(POLL)).toEqual([0x22, 0x122]);
  });

  it('sends a coin to the cash box when its tube is full', () => {
    const changer = new CoinChanger({ coinTypes: [{ value: 100, tube: { capacity: 2, count: 1 } }] });
    ready(changer);
    expect(changer.insertCoin(100)).toBe('tubes');
    expect(changer.insertCoin(100)).toBe('cash_box');
    expect(changer.receive(POLL)).toEqual([0x50, 2, 0x40, 2, 0x194]);
    expect(changer.receive([0x10a, 0x0a])).toEqual([0x00, 0x01, 2, ...new Array<number>(15).fill(0), 0x103]);
    expect(changer.state().tubes[0]).toEqual({ coinType: 0, value: 100, count: 2, capacity: 2, full: true });
    expect(changer.state().cashBox.total).toBe(100);
  });

  it('pays a value with ALTERNATIVE PAYOUT, choosing the coins from its tubes', () => {
    const changer = makeChanger({ coinsPerPoll: 2 });
    ready(changer);
    expect(changer.receive([0x10f, 0x00, 0x0f])).toHaveLength(34);
    changer.receive(ACK);
    expect(changer.receive([0x10f, 0x01, 0x00, 0x00, 0x00, 0x01, 0x11])).toEqual(PERIPHERAL_ACK);
    // 1.60 yuan = 16 x 10 fen: 1 yuan + 5 jiao + 1 jiao.
    expect(changer.receive([0x10f, 0x02, 0x10, 0x21])).toEqual(PERIPHERAL_ACK);
    // Busy: PAYOUT STATUS answers ACK alone.
    expect(changer.receive([0x10f, 0x03, 0x12])).toEqual(PERIPHERAL_ACK);
    // Two coins drop per poll: 1 yuan and 5 jiao = 15.
    expect(changer.receive([0x10f, 0x04, 0x13])).toEqual([0x0f, 0x10f]);
    changer.receive(ACK);
    expect(changer.receive([0x10f, 0x04, 0x13])).toEqual([0x01, 0x101]);
    changer.receive(ACK);
    // Done: ACK alone.
    expect(changer.receive([0x10f, 0x04, 0x13])).toEqual(PERIPHERAL_ACK);
    expect(changer.receive([0x10f, 0x03, 0x12])).toEqual([1, 1, 1, ...new Array<number>(13).fill(0), 0x103]);
    expect(changer.state().tubes.map((tube) => tube.count)).toEqual([19, 9, 4]);
    expect(changer.state().dispensed).toEqual({ counts: [1, 1, 1, 0], total: 160 });
  });

  it('reports payout busy on POLL while DISPENSE runs', () => {
    const changer = makeChanger({ level: 2, coinsPerPoll: 2 });
    ready(changer);
    // DISPENSE three coins of type 0.
    expect(changer.receive([0x10d, 0x30, 0x3d])).toEqual(PERIPHERAL_ACK);
    expect(changer.receive(POLL)).toEqual([0x02, 0x102]);
    changer.receive(ACK);
    expect(changer.receive(POLL)).toEqual(PERIPHERAL_ACK);
    expect(changer.state().tubes[0]?.count).toBe(17);
    // A level 2 changer has no EXPANSION.
    expect(changer.receive([0x10f, 0x00, 0x0f])).toEqual([0x1ff]);
  });

  it('drops what it was doing on RESET', () => {
    const changer = makeChanger();
    ready(changer);
    expect(changer.receive([0x108, 0x08])).toEqual(PERIPHERAL_ACK);
    expect(changer.insertCoin(50)).toBe('rejected');
    expect(changer.receive(POLL)).toEqual([0x0b, 0x10b]);
  });

  it('reports the coin return lever as ESCROW REQUEST', () => {
    const changer = makeChanger();
    ready(changer);
    changer.pressReturnLever();
    expect(changer.receive(POLL)).toEqual([0x01, 0x101]);
  });
});
