import { CreditSource, EventCode, MdbAddress, VendMethod, VendResult, type MessageOf } from '@vmcloud/protocol';
import { until } from '@vmcloud/protocol/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createSimulatedMachine, type SimulatedMachine, type SimulatedMachineOptions } from './simulator.js';
import { openHost, type SerialHost } from './testing/host.js';

let count = 0;
let running: { sim: SimulatedMachine; host: SerialHost }[] = [];

/** A 6-channel machine (10 products a channel, 0 ms motor cycles) with a terminal connected through its serial port. */
async function machineWithHost(options: SimulatedMachineOptions = {}) {
  count += 1;
  const sim = createSimulatedMachine({
    path: `/dev/ttyVMC-test-${count}`,
    boardId: `TEST-${count}`,
    channels: 6,
    dispenseMs: 0,
    machine: { temperature: 40 },
    ...options,
  });
  const host = await openHost(sim.path);
  running.push({ sim, host });
  await host.next('HELLO');
  return { sim, host };
}

afterEach(async () => {
  for (const { sim, host } of running) {
    await host.closePort();
    sim.close();
  }
  running = [];
});

function vend(vendId: number, channel: number, price: number, method: number): MessageOf<'VEND'> {
  return { type: 'VEND', vendId, channel, price, method };
}

/** Sends VEND and waits for its VEND_RESULT. */
async function vendResult(host: SerialHost, message: MessageOf<'VEND'>): Promise<MessageOf<'VEND_RESULT'>> {
  const sent = await host.send(message);
  expect(sent.delivered).toBe(true);
  return (await host.next('VEND_RESULT', (result) => result.vendId === message.vendId)).message;
}

/** The MDB words the board sent to, and received from, the device at `address`, as `VMC:` / `DEV:` lines. */
function mdbWords(sim: SimulatedMachine, address: number): string[] {
  return sim
    .mdbTraffic()
    .filter((entry) => entry.address === address)
    .map(
      (entry) =>
        `${entry.direction === 'vmc_to_peripheral' ? 'VMC' : 'DEV'}: ${entry.words.map((word) => word.toString(16).padStart(3, '0')).join(' ')}`,
    );
}

describe('simulated machine over its serial port', () => {
  it('announces itself with HELLO to a terminal that opens the port after the board booted', async () => {
    const { sim, host } = await machineWithHost({ boardId: 'VMC-0042', firmware: 'SIM-1.0', channels: 12 });
    expect(host.all('HELLO')).toEqual([
      { type: 'HELLO', version: 1, boardId: 'VMC-0042', firmware: 'SIM-1.0', channelCount: 12 },
    ]);
    expect(host.bytes.slice(0, 2)).toEqual([0x06, 0x46]);
    expect(sim.state().hostConnected).toBe(true);
  });

  it('answers POLL with STATUS', async () => {
    const { sim, host } = await machineWithHost();
    await host.send({ type: 'POLL' });
    const { message } = await host.next('STATUS');
    expect(message).toEqual({
      type: 'STATUS',
      doorOpen: false,
      temperature: 40,
      cooling: sim.state().compressor,
      errors: 0,
      credit: 0,
    });
  });

  it('vends OK: one product out of the channel, in the dispense log, VEND_RESULT with the vendId', async () => {
    const { sim, host } = await machineWithHost();
    const result = await vendResult(host, vend(7, 3, 350, VendMethod.HOST_PAID));
    expect(result).toEqual({ type: 'VEND_RESULT', vendId: 7, channel: 3, result: VendResult.OK, credit: 0 });
    const state = sim.state();
    expect(state.stock).toEqual([10, 10, 9, 10, 10, 10]);
    // The drop with the vend that made it: what end-to-end tests compare with the server's orders.
    expect(state.dispenseLog).toEqual([
      { sequence: 1, vendId: 7, channel: 3, price: 350, method: 0, at: expect.any(Number), sensed: true },
    ]);
    expect(state.vends).toEqual([
      { vendId: 7, channel: 3, price: 350, method: 0, state: 'done', result: VendResult.OK, credit: 0, charged: 0 },
    ]);
  });

  it('runs a motor cycle on machine time', async () => {
    const { sim, host } = await machineWithHost({ dispenseMs: 1200 });
    await host.send(vend(8, 1, 0, VendMethod.FREE));
    await until(() => sim.state().machine.motorRunning === 1);
    sim.advance(1199);
    expect(sim.state().dispenseLog).toHaveLength(0);
    sim.advance(1);
    const { message } = await host.next('VEND_RESULT');
    expect(message.result).toBe(VendResult.OK);
    expect(sim.state().stock[0]).toBe(9);
  });

  it('answers BUSY to a second VEND while a motor runs, and remembers nothing for it', async () => {
    const { sim, host } = await machineWithHost({ dispenseMs: 1200 });
    await host.send(vend(20, 1, 0, VendMethod.FREE));
    await until(() => sim.state().machine.motorRunning === 1);
    const busy = await vendResult(host, vend(21, 2, 0, VendMethod.FREE));
    expect(busy).toMatchObject({ vendId: 21, result: VendResult.BUSY });
    sim.advance(1200);
    expect((await host.next('VEND_RESULT', (result) => result.vendId === 20)).message.result).toBe(VendResult.OK);
    expect(sim.state().vends.map((record) => record.vendId)).toEqual([20]);
    // Once the motor is free, the same vendId is taken on.
    await host.send(vend(21, 2, 0, VendMethod.FREE));
    await until(() => sim.state().machine.motorRunning === 2);
    sim.advance(1200);
    expect((await host.next('VEND_RESULT', (result) => result.vendId === 21)).message.result).toBe(VendResult.OK);
    expect(sim.state().dispenseLog.map((record) => record.channel)).toEqual([1, 2]);
  });

  it('reports a jam: nothing dispensed, EVENT motor fault for the channel', async () => {
    const { sim, host } = await machineWithHost();
    sim.faults.jam(2);
    const result = await vendResult(host, vend(9, 2, 300, VendMethod.HOST_PAID));
    expect(result.result).toBe(VendResult.JAM);
    expect((await host.next('EVENT')).message).toEqual({ type: 'EVENT', code: EventCode.MOTOR_FAULT, value: 2 });
    expect(sim.state().stock[1]).toBe(10);
    expect(sim.state().dispenseLog).toEqual([]);
    expect(sim.state().machine.jammedChannels).toEqual([2]);
  });

  it('reports an empty channel whose sensor said stocked: the motor turned, nothing dropped', async () => {
    const { sim, host } = await machineWithHost();
    sim.faults.emptyChannel(4);
    const result = await vendResult(host, vend(10, 4, 300, VendMethod.HOST_PAID));
    expect(result.result).toBe(VendResult.EMPTY);
    expect(sim.state().machine.channels[3]?.motorCycles).toBe(1);
    expect(sim.state().dispenseLog).toEqual([]);
  });

  it('refuses an invalid channel without moving anything', async () => {
    const { sim, host } = await machineWithHost();
    const result = await vendResult(host, vend(11, 7, 300, VendMethod.HOST_PAID));
    expect(result.result).toBe(VendResult.INVALID_CHANNEL);
    expect(sim.state().machine.channels.every((channel) => channel.motorCycles === 0)).toBe(true);
  });

  it('refuses a cash vend without enough credit', async () => {
    const { sim, host } = await machineWithHost();
    sim.customer.insertCoin(100);
    sim.advance(100);
    await host.next('CREDIT');
    const result = await vendResult(host, vend(12, 1, 350, VendMethod.CASH_CREDIT));
    expect(result).toEqual({
      type: 'VEND_RESULT',
      vendId: 12,
      channel: 1,
      result: VendResult.INSUFFICIENT_CREDIT,
      credit: 100,
    });
    expect(sim.state().dispenseLog).toEqual([]);
    expect(sim.state().credit).toBe(100);
  });

  it('sells for cash and pays the change from the tubes', async () => {
    const { sim, host } = await machineWithHost({
      coinChanger: {
        coinTypes: [
          { value: 10, tube: { capacity: 100, count: 50 } },
          { value: 50, tube: { capacity: 100, count: 40 } },
          // One more 1-yuan coin fits in its tube; the rest go to the cash box.
          { value: 100, tube: { capacity: 31, count: 30 } },
        ],
      },
    });
    for (let i = 0; i < 4; i++) expect(sim.customer.insertCoin(100)).toBe(i === 0 ? 'tubes' : 'cash_box');
    sim.advance(100);
    const credits = [];
    for (let i = 0; i < 4; i++) credits.push((await host.next('CREDIT')).message);
    expect(credits).toEqual(
      [1, 2, 3, 4].map((n) => ({ type: 'CREDIT', source: CreditSource.COIN, amount: 100, credit: n * 100 })),
    );

    const result = await vendResult(host, vend(13, 5, 350, VendMethod.CASH_CREDIT));
    expect(result).toMatchObject({ result: VendResult.OK, credit: 50 });
    expect(sim.state().stock[4]).toBe(9);

    await host.send({ type: 'PAYOUT' });
    expect((await host.next('PAYOUT_RESULT')).message).toEqual({ type: 'PAYOUT_RESULT', paid: 50, remaining: 0 });
    const state = sim.state();
    expect(state.credit).toBe(0);
    expect(state.coinTubes?.map((tube) => tube.count)).toEqual([50, 39, 31]);
    expect(state.cashBox?.total).toBe(300);
    expect(state.coinsPaidOut?.total).toBe(50);
  });

  it('stacks a bill from escrow, and gives back one that would take the credit above the maximum', async () => {
    const { sim, host } = await machineWithHost({ maxCredit: 1000 });
    expect(sim.customer.insertBill(500)).toBe('escrow');
    sim.advance(100);
    expect((await host.next('CREDIT')).message).toEqual({
      type: 'CREDIT',
      source: CreditSource.BILL,
      amount: 500,
      credit: 500,
    });
    expect(sim.customer.insertBill(1000)).toBe('escrow');
    sim.advance(100);
    await until(() => (sim.state().bills?.returned.length ?? 0) > 0);
    const bills = sim.state().bills;
    expect(bills?.escrow).toBeNull();
    expect(bills?.stacker.bills).toBe(1);
    expect(bills?.stacker.total).toBe(500);
    expect(bills?.returned).toEqual([1000]);
    expect(sim.state().credit).toBe(500);
    const escrow = sim
      .mdbTraffic()
      .filter((entry) => entry.address === MdbAddress.BILL_VALIDATOR && entry.summary.startsWith('ESCROW'))
      .map((entry) => entry.summary);
    expect(escrow).toEqual(['ESCROW stack=true', 'ESCROW stack=false']);
    expect(host.all('CREDIT')).toHaveLength(1);
  });

  it('sells by card when the reader approves, with the MDB bytes of the vend', async () => {
    const { sim, host } = await machineWithHost();
    expect(sim.customer.tapCard({ funds: 1000 })).toBe('session');
    sim.advance(100);
    expect((await host.next('CREDIT')).message).toEqual({
      type: 'CREDIT',
      source: CreditSource.CASHLESS,
      amount: 1000,
      credit: 1000,
    });
    sim.clearMdbTraffic();
    const result = await vendResult(host, vend(14, 1, 350, VendMethod.CASHLESS));
    expect(result).toEqual({ type: 'VEND_RESULT', vendId: 14, channel: 1, result: VendResult.OK, credit: 0 });
    const words = mdbWords(sim, MdbAddress.CASHLESS);
    // VEND REQUEST price 350 (01 5E) item 1, CHK 73; the reader ACKs.
    expect(words.slice(0, 2)).toEqual(['VMC: 113 000 001 05e 000 001 073', 'DEV: 100']);
    // POLL, VEND APPROVED amount 350 (CHK 64 with the mode bit), ACK.
    expect(words).toContain('DEV: 005 001 05e 164');
    // VEND SUCCESS item 1, then SESSION COMPLETE, then END SESSION on a POLL.
    expect(words).toContain('VMC: 113 002 000 001 016');
    expect(words).toContain('VMC: 113 004 017');
    expect(words).toContain('DEV: 007 107');
    expect(words.indexOf('VMC: 113 002 000 001 016')).toBeLessThan(words.indexOf('VMC: 113 004 017'));
    const session = sim.state().cardSessions?.[0];
    expect(session).toMatchObject({ startFunds: 1000, funds: 650, open: false });
    expect(session?.vends).toEqual([{ item: 1, price: 350, outcome: 'dispensed' }]);
    expect(sim.state().dispenseLog).toHaveLength(1);
  });

  it('dispenses nothing when the reader denies the card', async () => {
    const { sim, host } = await machineWithHost();
    sim.customer.tapCard({ funds: 1000, deny: true });
    sim.advance(100);
    await host.next('CREDIT');
    sim.clearMdbTraffic();
    const result = await vendResult(host, vend(15, 1, 350, VendMethod.CASHLESS));
    expect(result.result).toBe(VendResult.CASHLESS_DENIED);
    const words = mdbWords(sim, MdbAddress.CASHLESS);
    expect(words[0]).toBe('VMC: 113 000 001 05e 000 001 073');
    // VEND DENIED (06, CHK 06), and the session is completed.
    expect(words).toContain('DEV: 006 106');
    expect(words).toContain('VMC: 113 004 017');
    expect(words).not.toContain('VMC: 113 002 000 001 016');
    expect(sim.state().dispenseLog).toEqual([]);
    expect(sim.state().cardSessions?.[0]).toMatchObject({ funds: 1000, open: false });
  });

  it('refuses a card vend when no card was tapped', async () => {
    const { sim, host } = await machineWithHost();
    const result = await vendResult(host, vend(16, 1, 350, VendMethod.CASHLESS));
    expect(result.result).toBe(VendResult.CASHLESS_DENIED);
    expect(sim.state().dispenseLog).toEqual([]);
  });
});

describe('exactly-once vends', () => {
  it('dispenses once for the same VEND sent twice, answering the second from memory', async () => {
    const { sim, host } = await machineWithHost();
    const first = await vendResult(host, vend(100, 2, 250, VendMethod.HOST_PAID));
    const second = await vendResult(host, vend(100, 2, 250, VendMethod.HOST_PAID));
    expect(first.result).toBe(VendResult.OK);
    expect(second).toEqual(first);
    expect(sim.state().dispenseLog).toHaveLength(1);
    expect(sim.state().stock[1]).toBe(9);
  });

  it('answers ID_CONFLICT for a known vendId with other parameters, dispensing nothing', async () => {
    const { sim, host } = await machineWithHost();
    await vendResult(host, vend(101, 2, 250, VendMethod.HOST_PAID));
    const conflict = await vendResult(host, vend(101, 3, 250, VendMethod.HOST_PAID));
    expect(conflict).toMatchObject({ vendId: 101, channel: 3, result: VendResult.ID_CONFLICT });
    const price = await vendResult(host, vend(101, 2, 300, VendMethod.HOST_PAID));
    expect(price.result).toBe(VendResult.ID_CONFLICT);
    expect(sim.state().dispenseLog).toHaveLength(1);
    expect(sim.state().stock).toEqual([10, 9, 10, 10, 10, 10]);
    // The stored vend is still the first one.
    expect(sim.state().vends).toHaveLength(1);
  });

  it('after a power cut before the motor started, the retry dispenses the product now, charging the credit once', async () => {
    const { sim, host } = await machineWithHost();
    for (let i = 0; i < 4; i++) sim.customer.insertCoin(100);
    sim.advance(100);
    await host.next('CREDIT', (credit) => credit.credit === 400);

    sim.faults.powerCutAt('before_motor');
    const sent = await host.send(vend(200, 1, 350, VendMethod.CASH_CREDIT));
    expect(sent.delivered).toBe(true);
    await until(() => !sim.state().powered);
    expect(sim.state().dispenseLog).toEqual([]);
    expect(sim.state().vends).toMatchObject([{ vendId: 200, state: 'started', charged: 350 }]);
    expect(sim.state().credit).toBe(50);

    sim.powerOn();
    const hello = await host.next('HELLO');
    expect(hello.message.boardId).toBe(sim.boardId);
    expect((await host.next('EVENT')).message).toEqual({ type: 'EVENT', code: EventCode.POWER_RESTORED, value: 0 });
    const result = await vendResult(host, vend(200, 1, 350, VendMethod.CASH_CREDIT));
    expect(result).toMatchObject({ result: VendResult.OK, credit: 50 });
    expect(sim.state().dispenseLog).toHaveLength(1);
    expect(sim.state().stock[0]).toBe(9);
    expect(sim.state().credit).toBe(50);
    expect(host.all('VEND_RESULT')).toHaveLength(1);
  });

  it('after a power cut once the product dropped, the retry answers OK without dispensing again', async () => {
    const { sim, host } = await machineWithHost();
    sim.faults.powerCutAt('after_drop');
    await host.send(vend(201, 6, 400, VendMethod.HOST_PAID));
    await until(() => !sim.state().powered);
    expect(sim.state().dispenseLog).toHaveLength(1);
    expect(sim.state().vends).toMatchObject([{ vendId: 201, state: 'dropped' }]);
    expect(host.all('VEND_RESULT')).toEqual([]);

    sim.powerOn();
    await host.next('HELLO');
    const result = await vendResult(host, vend(201, 6, 400, VendMethod.HOST_PAID));
    expect(result.result).toBe(VendResult.OK);
    expect(sim.state().dispenseLog).toHaveLength(1);
    expect(sim.state().stock[5]).toBe(9);
    expect(sim.state().vends).toMatchObject([{ vendId: 201, state: 'done', result: VendResult.OK }]);
    // Asked once more, the answer comes from memory again.
    expect((await vendResult(host, vend(201, 6, 400, VendMethod.HOST_PAID))).result).toBe(VendResult.OK);
    expect(sim.state().dispenseLog).toHaveLength(1);
  });

  it('dispenses exactly once over a line with 1% of bytes corrupted, dropped or duplicated', async () => {
    const { sim, host } = await machineWithHost({ seed: 5 });
    sim.faults.lineNoise({ corrupt: 0.004, drop: 0.003, duplicate: 0.003 });
    const results: number[] = [];
    for (let vendId = 300; vendId < 310; vendId++) {
      const message = vend(vendId, 1 + (vendId % 6), 100, VendMethod.HOST_PAID);
      let result: MessageOf<'VEND_RESULT'> | undefined;
      // The host sends VEND again (a new frame, the same vendId) until it learns the result.
      for (let attempt = 0; attempt < 10 && !result; attempt++) {
        await host.send(message);
        result = await host
          .next('VEND_RESULT', (answer) => answer.vendId === vendId, 1500)
          .then((answer) => answer.message)
          .catch(() => undefined);
      }
      results.push(result?.result ?? -1);
    }
    expect(results).toEqual(new Array<number>(10).fill(VendResult.OK));
    const log = sim.state().dispenseLog;
    expect(log).toHaveLength(10);
    expect(sim.state().stock.reduce((sum, stock) => sum + stock, 0)).toBe(60 - 10);
    const counts = sim.faults.lineNoiseCounts();
    expect(counts.corrupted + counts.dropped + counts.duplicated).toBeGreaterThan(0);
  });
});

describe('reports and commands', () => {
  it('reports the door opening and closing, and refuses to vend with the door open', async () => {
    const { sim, host } = await machineWithHost();
    sim.faults.openDoor();
    expect((await host.next('EVENT')).message).toEqual({ type: 'EVENT', code: EventCode.DOOR_OPENED, value: 0 });
    expect((await vendResult(host, vend(400, 1, 0, VendMethod.FREE))).result).toBe(VendResult.DOOR_OPEN);
    await host.send({ type: 'POLL' });
    expect((await host.next('STATUS')).message.doorOpen).toBe(true);
    sim.faults.closeDoor();
    expect((await host.next('EVENT')).message).toEqual({ type: 'EVENT', code: EventCode.DOOR_CLOSED, value: 0 });
    expect(sim.state().dispenseLog).toEqual([]);
  });

  it('raises a temperature alarm when the cooling fails', async () => {
    const { sim, host } = await machineWithHost({
      machine: { temperature: 40, refrigeration: { alarmDelayMs: 60_000 } },
    });
    sim.advance(5_000);
    sim.faults.coolingFailure(true);
    sim.faults.openDoor();
    sim.advance(5 * 60_000);
    const alarm = (await host.next('EVENT', (event) => event.code === EventCode.TEMPERATURE_ALARM)).message;
    expect(alarm.value).toBeGreaterThan(90);
    expect(sim.state().machine.refrigeration.alarm).toBe(true);
  });

  it('sends SELECTION when a button is pressed', async () => {
    const { sim, host } = await machineWithHost();
    expect(sim.customer.pressButton(5)).toBe(true);
    expect((await host.next('SELECTION')).message).toEqual({ type: 'SELECTION', channel: 5 });
  });

  it('enables and disables the payment devices on SET_ACCEPT', async () => {
    const { sim, host } = await machineWithHost();
    await host.send({ type: 'SET_ACCEPT', coins: false, bills: true, cashless: false });
    await until(() => sim.coinChanger?.state().acceptMask === 0);
    expect(sim.customer.insertCoin(100)).toBe('rejected');
    expect(sim.customer.tapCard({ funds: 500 })).toBe('refused');
    expect(sim.mdbTraffic().some((entry) => entry.summary === 'READER_DISABLE')).toBe(true);
    await host.send({ type: 'SET_ACCEPT', coins: true, bills: true, cashless: true });
    await until(() => sim.coinChanger?.state().acceptMask !== 0);
    expect(sim.customer.insertCoin(100)).toBe('tubes');
  });

  it('sets the cabinet temperature on SET_TEMP', async () => {
    const { sim, host } = await machineWithHost();
    await host.send({ type: 'SET_TEMP', target: -25 });
    await until(() => sim.state().setpoint === -25);
    expect(sim.state().machine.refrigeration.setpoint).toBe(-25);
  });

  it('reports an MDB device that stops answering in the STATUS error bits, and clears it when it answers again', async () => {
    const { sim, host } = await machineWithHost();
    sim.faults.mdbDevice('coin_changer', false);
    sim.advance(100);
    await host.send({ type: 'POLL' });
    expect((await host.next('STATUS')).message.errors).toBe(0b1);
    sim.faults.mdbDevice('coin_changer', true);
    sim.advance(100);
    await host.send({ type: 'POLL' });
    expect((await host.next('STATUS')).message.errors).toBe(0);
  });

  it('keeps the cash credit through a power cut', async () => {
    const { sim, host } = await machineWithHost();
    sim.customer.insertCoin(50);
    sim.advance(100);
    await host.next('CREDIT');
    sim.powerCut();
    expect(sim.firmware).toBeNull();
    expect(sim.customer.insertCoin(50)).toBe('rejected');
    sim.powerOn();
    await host.next('HELLO');
    await host.send({ type: 'POLL' });
    expect((await host.next('STATUS')).message.credit).toBe(50);
  });
});
