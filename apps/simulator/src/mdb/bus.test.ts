import { CashlessReaderStatus, CreditSource, MdbAddress, type MdbWord } from '@vmcloud/protocol';
import { describe, expect, it } from 'vitest';
import { BillValidator } from './bill-validator.js';
import { MdbBus, formatMdbWords, type MdbBusEvent, type MdbBusOptions, type MdbTimers } from './bus.js';
import { CashlessReader } from './cashless-reader.js';
import { CoinChanger } from './coin-changer.js';

/** A machine with CNY coins and bills: 1 jiao / 5 jiao / 1 yuan coins in tubes, 1..100 yuan bills. */
function machine(options: MdbBusOptions & { changerLevel?: 2 | 3; stackerCapacity?: number } = {}) {
  const changer = new CoinChanger({
    level: options.changerLevel ?? 3,
    coinTypes: [
      { value: 10, tube: { capacity: 50, count: 20 } },
      { value: 50, tube: { capacity: 50, count: 10 } },
      { value: 100, tube: { capacity: 10, count: 8 } },
    ],
  });
  const validator = new BillValidator({
    billTypes: [100, 500, 1000, 2000, 5000, 10000],
    stackerCapacity: options.stackerCapacity ?? 500,
  });
  const reader = new CashlessReader();
  const bus = new MdbBus([changer, validator, reader], options);
  const events: MdbBusEvent[] = [];
  bus.onAny((event) => events.push(event));
  bus.setup();
  const setupEvents = events.splice(0);
  bus.clearTraffic();
  return { changer, validator, reader, bus, events, setupEvents };
}

type Wire = ['VMC' | 'DEV', MdbWord[]];

/** The recorded traffic as [who sent it, words]. */
function wire(bus: MdbBus, address?: number): Wire[] {
  return bus.traffic
    .filter((entry) => address === undefined || entry.address === address)
    .map((entry) => [entry.direction === 'vmc_to_peripheral' ? 'VMC' : 'DEV', entry.words]);
}

const VMC_ACK: Wire = ['VMC', [0x000]];
const DEV_ACK: Wire = ['DEV', [0x100]];

describe('MdbBus setup', () => {
  it('resets, sets up and enables every device as a VMC does at power-up', () => {
    const changer = new CoinChanger({ coinTypes: [{ value: 10, tube: { capacity: 50, count: 20 } }, { value: 50 }] });
    const bus = new MdbBus([changer]);
    bus.setup();
    expect(
      bus.traffic.filter((entry) => entry.address === MdbAddress.COIN_CHANGER).map((entry) => entry.summary),
    ).toEqual([
      'RESET',
      'ACK',
      'POLL',
      'POLL events=[STATUS code=11]',
      'ACK',
      'SETUP',
      'CONFIG level=3 countryCode=4438 scalingFactor=10 decimalPlaces=2 tubeRouting=1 coinCredits=[1, 5]',
      'ACK',
      'IDENTIFICATION',
      'IDENTIFICATION manufacturer="VMS" serial="000000000001" model="SIM-CHANGER" softwareVersion=256 features=1',
      'ACK',
      'FEATURE_ENABLE features=1',
      'ACK',
      'TUBE_STATUS',
      'TUBE_STATUS fullMask=0 counts=[20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]',
      'ACK',
      'COIN_TYPE acceptMask=3 manualDispenseMask=65535',
      'ACK',
    ]);
    expect(wire(bus, MdbAddress.COIN_CHANGER).slice(0, 5)).toEqual([
      ['VMC', [0x108, 0x08]],
      DEV_ACK,
      ['VMC', [0x10b, 0x0b]],
      ['DEV', [0x0b, 0x10b]],
      VMC_ACK,
    ]);
    // Validator and reader are not fitted: three RESETs each, no answer, no error.
    expect(wire(bus, MdbAddress.BILL_VALIDATOR)).toEqual([
      ['VMC', [0x130, 0x30]],
      ['VMC', [0x130, 0x30]],
      ['VMC', [0x130, 0x30]],
    ]);
    expect(bus.devices.billValidator).toBeNull();
    expect(bus.devices.cashless).toBeNull();
    expect(bus.devices.coinChanger).toMatchObject({
      level: 3,
      scalingFactor: 10,
      coinValues: [10, 50, ...new Array<number>(14).fill(0)],
      alternativePayout: true,
    });
    expect(changer.state().acceptMask).toBe(0b11);
  });

  it('learns the scaling of every device', () => {
    const { bus } = machine();
    expect(bus.devices.billValidator).toMatchObject({
      scalingFactor: 100,
      billValues: [100, 500, 1000, 2000, 5000, 10000],
      stackerCapacity: 500,
      escrow: true,
    });
    expect(bus.devices.cashless).toMatchObject({ level: 3, scaleFactor: 1, decimalPlaces: 2 });
  });
});

describe('MdbBus coins', () => {
  it('credits a coin from the bytes of the POLL answer', () => {
    const { changer, bus, events } = machine();
    expect(changer.insertCoin(50)).toBe('tubes');
    bus.pollOnce();
    expect(wire(bus, MdbAddress.COIN_CHANGER)).toEqual([
      ['VMC', [0x10b, 0x0b]],
      // 0101 0001: coin type 1 to its tube, 11 coins in it now; CHK 0x5C with the mode bit.
      ['DEV', [0x51, 0x0b, 0x15c]],
      VMC_ACK,
    ]);
    expect(events).toEqual([{ type: 'credit', source: CreditSource.COIN, amount: 50 }]);
    expect(bus.devices.coinChanger?.tubeCounts[1]).toBe(11);
    bus.pollOnce();
    expect(events).toHaveLength(1);
  });

  it('reports slugs without crediting them', () => {
    const { changer, bus, events } = machine();
    expect(changer.insertCoin(20)).toBe('slug');
    expect(changer.insertCoin(20)).toBe('slug');
    expect(changer.insertCoin(100)).toBe('tubes');
    bus.pollOnce();
    expect(wire(bus, MdbAddress.COIN_CHANGER)).toEqual([
      ['VMC', [0x10b, 0x0b]],
      // 0101 0010: coin type 2 to its tube, 9 in it now; 0010 0010: two slugs.
      ['DEV', [0x52, 0x09, 0x22, 0x17d]],
      VMC_ACK,
    ]);
    expect(events).toEqual([
      { type: 'credit', source: CreditSource.COIN, amount: 100 },
      { type: 'slugs', count: 2 },
    ]);
    bus.pollOnce();
    expect(events).toHaveLength(2);
  });

  it('pays change for a cash sale from the tubes; the coins that went to the cash box stay there', () => {
    const { changer, validator, bus, events } = machine();
    // Two 1 yuan coins: the tube (8 of 10) takes one... and one more; a third goes to the cash box.
    changer.insertCoin(100);
    changer.insertCoin(100);
    changer.insertCoin(100);
    validator.insertBill(1000);
    bus.pollOnce();
    expect(bus.escrowAccept()).toBe(true);
    expect(events.filter((event) => event.type === 'credit').map((event) => event.amount)).toEqual([
      100, 100, 100, 1000,
    ]);
    expect(changer.state().tubes.map((tube) => tube.count)).toEqual([20, 10, 10]);
    expect(changer.state().cashBox).toEqual({ counts: [0, 0, 1], total: 100 });

    // Credit 13.00 yuan, a 3.50 yuan sale: 9.50 yuan change.
    bus.clearTraffic();
    events.length = 0;
    expect(bus.payout(950)).toBe(950);

    // 9 x 1 yuan + 1 x 5 jiao.
    expect(changer.state().tubes.map((tube) => tube.count)).toEqual([20, 9, 1]);
    expect(changer.state().dispensed).toEqual({ counts: [0, 1, 9], total: 950 });
    expect(changer.state().cashBox).toEqual({ counts: [0, 0, 1], total: 100 });
    expect(validator.state().stacker.total).toBe(1000);
    expect(bus.devices.coinChanger?.tubeCounts.slice(0, 3)).toEqual([20, 9, 1]);
    const sent = wire(bus, MdbAddress.COIN_CHANGER);
    // ALTERNATIVE PAYOUT 95 x 10 fen.
    expect(sent[0]).toEqual(['VMC', [0x10f, 0x02, 0x5f, 0x70]]);
    expect(sent[1]).toEqual(DEV_ACK);
    // PAYOUT STATUS: 1 coin of type 1, 9 of type 2.
    const status = sent.findIndex(([, words]) => words[0] === 0x10f && words[1] === 0x03);
    expect(sent[status + 1]).toEqual(['DEV', [0, 1, 9, ...new Array<number>(13).fill(0), 0x10a]]);
    expect(events).toEqual([{ type: 'tube_low', coinType: 2, value: 100, count: 1 }]);
  });

  it('pays what the tubes hold when they cannot make the amount', () => {
    const { changer, bus } = machine();
    expect(bus.payout(100_000)).toBe(20 * 10 + 10 * 50 + 8 * 100);
    expect(changer.state().tubes.map((tube) => tube.count)).toEqual([0, 0, 0]);
    // 5 fen cannot be paid with 1 jiao coins.
    expect(bus.payout(5)).toBe(0);
  });

  it('follows a long payout for as long as the changer makes progress', () => {
    const changer = new CoinChanger({ coinTypes: [{ value: 10, tube: { capacity: 50, count: 40 } }], coinsPerPoll: 1 });
    const bus = new MdbBus([changer], { maxPolls: 3 });
    bus.setup();
    expect(bus.payout(250)).toBe(250);
    expect(changer.state().tubes[0]?.count).toBe(15);
    expect(bus.traffic.filter((entry) => entry.summary === 'PAYOUT_VALUE value=1')).toHaveLength(25);
  });

  it('tells a level 2 changer which coins to DISPENSE', () => {
    const { changer, bus } = machine({ changerLevel: 2 });
    expect(bus.devices.coinChanger?.alternativePayout).toBe(false);
    expect(bus.payout(160)).toBe(160);
    const sent = wire(bus, MdbAddress.COIN_CHANGER).filter(([, words]) => words[0] === 0x10d);
    // 0001 0010: one coin of type 2; 0001 0001: one of type 1; 0001 0000: one of type 0.
    expect(sent).toEqual([
      ['VMC', [0x10d, 0x12, 0x1f]],
      ['VMC', [0x10d, 0x11, 0x1e]],
      ['VMC', [0x10d, 0x10, 0x1d]],
    ]);
    expect(changer.state().tubes.map((tube) => tube.count)).toEqual([19, 9, 7]);
  });

  it('stops accepting coins on setAccept and reports the coin return lever', () => {
    const { changer, reader, bus, events } = machine();
    bus.setAccept({ coins: false, bills: true, cashless: false });
    expect(wire(bus)).toEqual([
      ['VMC', [0x10c, 0x00, 0x00, 0xff, 0xff, 0x0a]],
      DEV_ACK,
      ['VMC', [0x134, 0x00, 0x3f, 0x00, 0x3f, 0xb2]],
      DEV_ACK,
      ['VMC', [0x114, 0x00, 0x14]],
      DEV_ACK,
    ]);
    expect(changer.insertCoin(100)).toBe('rejected');
    expect(reader.tapCard({ funds: 100 })).toBe('refused');
    changer.pressReturnLever();
    bus.pollOnce();
    expect(events).toEqual([{ type: 'coin_return_request' }]);
  });
});

describe('MdbBus bills', () => {
  it('holds a bill in escrow and returns it: no credit', () => {
    const { validator, bus, events } = machine();
    expect(validator.insertBill(1000)).toBe('escrow');
    bus.pollOnce();
    expect(events).toEqual([{ type: 'escrow', billType: 2, amount: 1000 }]);
    expect(bus.escrow).toEqual({ billType: 2, amount: 1000 });
    bus.clearTraffic();
    expect(bus.escrowReturn()).toBe(true);
    expect(wire(bus)).toEqual([
      ['VMC', [0x135, 0x00, 0x35]],
      DEV_ACK,
      ['VMC', [0x133, 0x33]],
      ['DEV', [0xa2, 0x1a2]],
      VMC_ACK,
    ]);
    expect(events.slice(1)).toEqual([{ type: 'escrow_returned', billType: 2, amount: 1000 }]);
    expect(bus.escrow).toBeNull();
    expect(validator.state().returned).toEqual([1000]);
    expect(validator.state().stacker.bills).toBe(0);
    expect(bus.escrowReturn()).toBe(false);
  });

  it('holds a bill in escrow and stacks it: credit, and one more bill in the stacker', () => {
    const { validator, bus, events } = machine();
    validator.insertBill(5000);
    bus.pollOnce();
    bus.clearTraffic();
    expect(bus.escrowAccept()).toBe(true);
    expect(wire(bus)).toEqual([
      ['VMC', [0x135, 0x01, 0x36]],
      DEV_ACK,
      ['VMC', [0x133, 0x33]],
      // 1000 0100: bill type 4 stacked.
      ['DEV', [0x84, 0x184]],
      VMC_ACK,
      ['VMC', [0x136, 0x36]],
      ['DEV', [0x00, 0x01, 0x101]],
      VMC_ACK,
    ]);
    expect(events).toEqual([
      { type: 'escrow', billType: 4, amount: 5000 },
      { type: 'credit', source: CreditSource.BILL, amount: 5000 },
    ]);
    expect(validator.state().stacker).toMatchObject({ bills: 1, total: 5000 });
    expect(bus.devices.billValidator?.stacker).toEqual({ full: false, bills: 1 });
  });

  it('reports the stacker full, and the validator then refuses bills', () => {
    const { validator, bus, events } = machine({ stackerCapacity: 2 });
    for (const value of [100, 500]) {
      validator.insertBill(value);
      bus.pollOnce();
      bus.escrowAccept();
    }
    expect(events.filter((event) => event.type === 'stacker_full')).toEqual([{ type: 'stacker_full', bills: 2 }]);
    expect(bus.devices.billValidator?.stacker).toEqual({ full: true, bills: 2 });
    expect(validator.insertBill(100)).toBe('rejected');
    bus.pollOnce();
    expect(events.filter((event) => event.type === 'credit').map((event) => event.amount)).toEqual([100, 500]);
    expect(validator.state().stacker).toMatchObject({ bills: 2, full: true });
  });
});

describe('MdbBus cashless', () => {
  it('approves a vend the card covers, with the exact MDB bytes', () => {
    const { reader, bus, events } = machine();
    expect(reader.tapCard({ funds: 500 })).toBe('session');
    bus.pollOnce();
    expect(events).toEqual([{ type: 'credit', source: CreditSource.CASHLESS, amount: 500 }]);
    expect(bus.cashlessSession).toEqual({ funds: 500 });
    bus.clearTraffic();

    expect(bus.cashlessVend(100, 1)).toBe('approved');
    bus.cashlessVendResult(true);
    bus.cashlessSessionComplete();
    expect(wire(bus)).toEqual([
      // VEND REQUEST price 100, item 1 (the example block of docs/serial-protocol.md, "MDB").
      ['VMC', [0x113, 0x00, 0x00, 0x64, 0x00, 0x01, 0x78]],
      DEV_ACK,
      ['VMC', [0x112, 0x12]],
      // VEND APPROVED 100.
      ['DEV', [0x05, 0x00, 0x64, 0x169]],
      VMC_ACK,
      // VEND SUCCESS item 1.
      ['VMC', [0x113, 0x02, 0x00, 0x01, 0x16]],
      DEV_ACK,
      // SESSION COMPLETE, then END SESSION on the next POLL.
      ['VMC', [0x113, 0x04, 0x17]],
      DEV_ACK,
      ['VMC', [0x112, 0x12]],
      ['DEV', [0x07, 0x107]],
      VMC_ACK,
    ]);
    expect(reader.state().sessions).toEqual([
      {
        startFunds: 500,
        funds: 400,
        deny: false,
        revalued: 0,
        vends: [{ item: 1, price: 100, outcome: 'dispensed' }],
        open: false,
      },
    ]);
    expect(bus.cashlessSession).toBeNull();
    expect(events.at(-1)).toEqual({ type: 'cashless_session_end' });
  });

  it('is denied when the funds do not cover the price, with the exact MDB bytes', () => {
    const { reader, bus } = machine();
    reader.tapCard({ funds: 50 });
    bus.pollOnce();
    bus.clearTraffic();
    expect(bus.cashlessVend(100, 1)).toBe('denied');
    expect(wire(bus)).toEqual([
      ['VMC', [0x113, 0x00, 0x00, 0x64, 0x00, 0x01, 0x78]],
      DEV_ACK,
      ['VMC', [0x112, 0x12]],
      // VEND DENIED.
      ['DEV', [0x06, 0x106]],
      VMC_ACK,
    ]);
    // Nothing approved: nothing to report.
    bus.cashlessVendResult(true);
    expect(bus.traffic).toHaveLength(5);
    expect(reader.state().session).toMatchObject({ funds: 50, vends: [{ outcome: 'denied' }] });
  });

  it('is denied for a card set to deny, however much is on it', () => {
    const { reader, bus } = machine();
    reader.tapCard({ funds: 100_000, deny: true });
    bus.pollOnce();
    expect(bus.cashlessVend(100, 3)).toBe('denied');
    expect(reader.state().session?.funds).toBe(100_000);
  });

  it('is denied without a session, and when the price cannot be sent', () => {
    const { bus } = machine();
    expect(bus.cashlessVend(100, 1)).toBe('denied');
    expect(bus.traffic).toHaveLength(0);
    const scaled = new MdbBus([new CashlessReader({ scaleFactor: 10 })]);
    scaled.setup();
    expect(scaled.cashlessVend(105, 1)).toBe('denied');
  });

  it('does not charge the card when the vend failed', () => {
    const { reader, bus } = machine();
    reader.tapCard({ funds: 500 });
    bus.pollOnce();
    expect(bus.cashlessVend(300, 2)).toBe('approved');
    bus.clearTraffic();
    bus.cashlessVendResult(false);
    expect(wire(bus)).toEqual([['VMC', [0x113, 0x03, 0x16]], DEV_ACK]);
    expect(reader.state().session).toMatchObject({ funds: 500, vends: [{ item: 2, price: 300, outcome: 'failed' }] });
  });

  it('ends the session when the customer takes the card away', () => {
    const { reader, bus, events } = machine();
    reader.tapCard({ funds: 500 });
    bus.pollOnce();
    reader.removeCard();
    bus.clearTraffic();
    bus.pollOnce();
    bus.pollOnce();
    expect(wire(bus, MdbAddress.CASHLESS)).toEqual([
      ['VMC', [0x112, 0x12]],
      // SESSION CANCEL REQUEST: the VMC answers SESSION COMPLETE.
      ['DEV', [0x04, 0x104]],
      VMC_ACK,
      ['VMC', [0x113, 0x04, 0x17]],
      DEV_ACK,
      ['VMC', [0x112, 0x12]],
      ['DEV', [0x07, 0x107]],
      VMC_ACK,
    ]);
    expect(events.at(-1)).toEqual({ type: 'cashless_session_end' });
    expect(reader.state().session).toBeNull();
  });

  it('waits for a reader that takes several POLLs to decide', () => {
    const reader = new CashlessReader({ approvalPolls: 3 });
    const bus = new MdbBus([reader]);
    bus.setup();
    reader.tapCard({ funds: 500 });
    bus.pollOnce();
    bus.clearTraffic();
    expect(bus.cashlessVend(200, 9)).toBe('approved');
    expect(bus.traffic.filter((entry) => entry.summary === 'POLL')).toHaveLength(4);
  });
});

describe('MdbBus on a noisy line', () => {
  it('asks again with RET when an answer has a bad CHK, and credits the coin once', () => {
    let corrupt = 1;
    const { changer, bus, events } = machine({
      line: (words, direction, address) => {
        if (
          direction === 'peripheral_to_vmc' &&
          address === MdbAddress.COIN_CHANGER &&
          words.length > 1 &&
          corrupt > 0
        ) {
          corrupt--;
          return words.map((word, i) => (i === words.length - 1 ? word ^ 0x01 : word));
        }
        return words;
      },
    });
    changer.insertCoin(10);
    corrupt = 1;
    bus.pollOnce();
    expect(wire(bus, MdbAddress.COIN_CHANGER)).toEqual([
      ['VMC', [0x10b, 0x0b]],
      ['DEV', [0x50, 0x15, 0x164]],
      ['VMC', [0x0aa]],
      ['DEV', [0x50, 0x15, 0x165]],
      VMC_ACK,
    ]);
    expect(bus.traffic[1]?.summary).toBe('unreadable (checksum)');
    expect(events).toEqual([{ type: 'credit', source: CreditSource.COIN, amount: 10 }]);
  });

  it('keeps an answer it could not read for the next POLL: the coin is credited once, later', () => {
    let broken = false;
    const { changer, bus, events } = machine({
      line: (words, direction) =>
        broken && direction === 'peripheral_to_vmc' && words.length > 1 ? words.slice(0, -1) : words,
    });
    changer.insertCoin(100);
    broken = true;
    bus.pollOnce();
    expect(events.filter((event) => event.type === 'credit')).toEqual([]);
    // The changer was never ACKed, so it still holds the coin report.
    broken = false;
    bus.pollOnce();
    bus.pollOnce();
    expect(events.filter((event) => event.type === 'credit')).toEqual([
      { type: 'credit', source: CreditSource.COIN, amount: 100 },
    ]);
  });

  it('reports a device that stops answering', () => {
    let unplugged = false;
    const { bus, events } = machine({
      line: (words, direction, address) =>
        unplugged && direction === 'peripheral_to_vmc' && address === MdbAddress.BILL_VALIDATOR ? [] : words,
    });
    unplugged = true;
    bus.pollOnce();
    expect(events).toEqual([{ type: 'device_error', address: MdbAddress.BILL_VALIDATOR, reason: 'no_response' }]);
    expect(wire(bus, MdbAddress.BILL_VALIDATOR)).toEqual([
      ['VMC', [0x133, 0x33]],
      ['VMC', [0x133, 0x33]],
      ['VMC', [0x133, 0x33]],
    ]);
  });

  it('sets a device up again when it reports JUST RESET on its own', () => {
    const { changer, bus } = machine();
    // The changer browns out and resets itself.
    changer.receive([0x108, 0x08]);
    expect(changer.state().acceptMask).toBe(0);
    bus.pollOnce();
    const summaries = bus.traffic.filter((entry) => entry.address === MdbAddress.COIN_CHANGER).map((e) => e.summary);
    expect(summaries.slice(0, 6)).toEqual([
      'POLL',
      'POLL events=[STATUS code=11]',
      'ACK',
      'SETUP',
      expect.stringMatching(/^CONFIG/),
      'ACK',
    ]);
    expect(summaries).toContain('COIN_TYPE acceptMask=7 manualDispenseMask=65535');
    expect(changer.state().acceptMask).toBe(0b111);
  });
});

describe('MdbBus poll loop', () => {
  it('polls every device on each tick of its timers until stopped', () => {
    const scheduled: { delay: number; run: () => void; cancelled: boolean }[] = [];
    const timers: MdbTimers = {
      schedule(delay, run) {
        const timer = { delay, run, cancelled: false };
        scheduled.push(timer);
        return () => {
          timer.cancelled = true;
        };
      },
    };
    const { changer, bus, events } = machine({ timers, pollIntervalMs: 25 });
    bus.start();
    expect(bus.running).toBe(true);
    expect(scheduled.map((timer) => timer.delay)).toEqual([25]);
    changer.insertCoin(50);
    scheduled[0]?.run();
    expect(bus.traffic.filter((entry) => entry.summary === 'POLL').map((entry) => entry.address)).toEqual([
      MdbAddress.COIN_CHANGER,
      MdbAddress.BILL_VALIDATOR,
      MdbAddress.CASHLESS,
    ]);
    expect(events).toEqual([{ type: 'credit', source: CreditSource.COIN, amount: 50 }]);
    expect(scheduled).toHaveLength(2);
    bus.stop();
    expect(bus.running).toBe(false);
    expect(scheduled[1]?.cancelled).toBe(true);
  });
});

describe('formatMdbWords', () => {
  it('shows each byte in hex and marks the mode bit', () => {
    expect(formatMdbWords([0x113, 0x00, 0x00, 0x64, 0x00, 0x01, 0x78])).toBe('13* 00 00 64 00 01 78');
    expect(formatMdbWords([0x05, 0x00, 0x64, 0x169])).toBe('05 00 64 69*');
  });
});

describe('MdbBus cashless at level 3', () => {
  it('enables negative vend at setup, revalues, reads the revalue limit and the diagnostics', () => {
    const { reader, bus } = machine();
    expect(bus.devices.cashless?.features).toBe(0x08);
    expect(reader.state().features).toBe(0x08);
    reader.tapCard({ funds: 500 });
    bus.pollOnce();

    expect(bus.cashlessRevalue(300)).toBe('approved');
    expect(reader.state().session).toMatchObject({ funds: 800, revalued: 300 });
    expect(bus.cashlessRevalueLimit()).toBe(10_000 - 800);
    expect(bus.cashlessRevalue(10_000)).toBe('denied');

    expect(bus.cashlessNegativeVend(100, 2)).toBe('approved');
    bus.cashlessVendResult(true);
    expect(reader.state().session?.funds).toBe(900);
    expect(reader.state().session?.vends).toEqual([{ item: 2, price: 100, outcome: 'dispensed', negative: true }]);

    expect(bus.cashlessDiagnostics([0x01, 0x02, 0x03])).toEqual([0x01, 0x02, 0x03]);
  });

  it('does not ask a level 1 reader for what it cannot do', () => {
    const bus = new MdbBus([new CashlessReader({ level: 1 })]);
    bus.setup();
    expect(bus.devices.cashless?.features).toBe(0);
    bus.clearTraffic();
    expect(bus.cashlessRevalue(100)).toBe('denied');
    expect(bus.cashlessRevalueLimit()).toBeNull();
    expect(bus.cashlessNegativeVend(100, 1)).toBe('denied');
    expect(bus.cashlessDiagnostics([1])).toBeNull();
    expect(bus.traffic).toEqual([]);
  });

  it('sets up again a reader that says it is Inactive in its CMD OUT OF SEQUENCE', () => {
    const { reader, bus, events } = machine();
    reader.tapCard({ funds: 500 });
    bus.pollOnce();
    events.splice(0);
    // The reader resets on its own (a power glitch): it has lost its setup and the session.
    reader.receive([0x110, 0x10]);
    bus.clearTraffic();

    expect(bus.cashlessVend(100, 1)).toBe('denied');
    expect(events).toContainEqual({
      type: 'device_error',
      address: MdbAddress.CASHLESS,
      reason: 'out_of_sequence',
      code: CashlessReaderStatus.INACTIVE,
    });
    const summaries = bus.traffic.map((entry) => entry.summary);
    expect(summaries).toContain('OUT_OF_SEQUENCE status=1');
    // No wait for a decision that will not come: set up again instead, and enabled.
    expect(summaries).not.toContain('VEND_CANCEL');
    expect(summaries).toContain('READER_ENABLE');
    expect(reader.state().status).toBe(CashlessReaderStatus.ENABLED);
    expect(bus.cashlessSession).toBeNull();
  });

  it('ends its session when the reader says it has none', () => {
    const { reader, bus, events } = machine();
    reader.tapCard({ funds: 500 });
    bus.pollOnce();
    events.splice(0);
    // The reader ended the session without the VMC hearing END SESSION yet.
    reader.receive([0x113, 0x04, 0x17]);
    bus.clearTraffic();

    expect(bus.cashlessVend(100, 1)).toBe('denied');
    expect(bus.traffic.map((entry) => entry.summary)).toEqual([
      'VEND_REQUEST price=100 item=1',
      'OUT_OF_SEQUENCE status=3',
      'ACK',
    ]);
    expect(bus.cashlessSession).toBeNull();
    expect(events).toContainEqual({ type: 'cashless_session_end' });
  });
});
