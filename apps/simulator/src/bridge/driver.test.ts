/**
 * The terminal's machine driver against a simulated machine in this process: the terminal
 * opens the machine's port with the code it runs on hardware (`SerialPortStream` over
 * `simulatorBinding`), and its vends are checked on the machine's physical state.
 */
import { until } from '@vmcloud/protocol/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SerialProtocolDriver,
  VendOutcomeUnknownError,
  closeSerialPort,
  openSerialPort,
  type MachineDriverEvents,
  type SerialProtocolDriverOptions,
} from '@vmcloud/terminal';
import { simulatorBinding } from '../ports/mock.js';
import { createSimulatedMachine, type SimulatedMachine } from '../simulator.js';
import { noiseAt } from '../cli/options.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let machineNumber = 0;

function machine(options: Parameters<typeof createSimulatedMachine>[0] = {}): SimulatedMachine {
  machineNumber += 1;
  const sim = createSimulatedMachine({
    path: `/dev/ttyDRIVER${machineNumber}`,
    boardId: `DRV${String(machineNumber).padStart(6, '0')}`,
    channels: 6,
    dispenseMs: 40,
    clock: 'real',
    tickMs: 5,
    ...options,
  });
  cleanups.push(() => sim.close());
  return sim;
}

async function driverFor(
  sim: SimulatedMachine,
  options: SerialProtocolDriverOptions = {},
): Promise<SerialProtocolDriver> {
  const port = await openSerialPort({ path: sim.path, baudRate: 9600, binding: simulatorBinding });
  const driver = new SerialProtocolDriver(port, {
    link: { ackTimeoutMs: 60 },
    pollIntervalMs: 100,
    retryDelayMs: 50,
    ...options,
    release: () => closeSerialPort(port),
  });
  cleanups.push(() => driver.close());
  return driver;
}

function record<E extends keyof MachineDriverEvents>(driver: SerialProtocolDriver, event: E): MachineDriverEvents[E][] {
  const seen: MachineDriverEvents[E][] = [];
  driver.on(event, (payload) => seen.push(payload));
  return seen;
}

describe('SerialProtocolDriver on a simulated machine', () => {
  it('learns who the machine is from its HELLO', async () => {
    const sim = machine();
    const driver = await driverFor(sim);
    await expect(driver.open()).resolves.toEqual({
      boardId: sim.boardId,
      firmware: 'SIM-1.0',
      channelCount: 6,
      protocolVersion: 1,
    });
  });

  it('vends one product, and the same vendId again dispenses nothing more', async () => {
    const sim = machine();
    const driver = await driverFor(sim);
    const results = record(driver, 'vend_result');
    await driver.open();

    const outcome = await driver.vend({ vendId: 0x1234_5678, channel: 3, price: 350, method: 'host_paid' });
    expect(outcome).toEqual({ vendId: 0x1234_5678, channel: 3, result: 'ok', dispensed: true, credit: 0 });
    const after = sim.state();
    expect(after.dispenseLog).toHaveLength(1);
    expect(after.dispenseLog[0]?.channel).toBe(3);
    expect(after.stock).toEqual([10, 10, 9, 10, 10, 10]);

    const again = await driver.vend({ vendId: 0x1234_5678, channel: 3, price: 350, method: 'host_paid' });
    expect(again).toEqual(outcome);
    expect(sim.state().dispenseLog).toHaveLength(1);
    expect(sim.state().stock[2]).toBe(9);
    // Reported once per vendId, however often the machine repeats it.
    expect(results).toEqual([outcome]);
  });

  it('reports refusals without dispensing: invalid channel, id conflict, insufficient cash credit', async () => {
    const sim = machine();
    const driver = await driverFor(sim);
    await driver.open();
    await expect(driver.vend({ vendId: 7, channel: 99, price: 100, method: 'free' })).resolves.toMatchObject({
      result: 'invalid_channel',
      dispensed: false,
    });
    await driver.vend({ vendId: 8, channel: 1, price: 100, method: 'free' });
    await expect(driver.vend({ vendId: 8, channel: 2, price: 100, method: 'free' })).resolves.toMatchObject({
      result: 'id_conflict',
      dispensed: false,
    });
    await expect(driver.vend({ vendId: 9, channel: 2, price: 100, method: 'cash' })).resolves.toMatchObject({
      result: 'insufficient_credit',
      dispensed: false,
    });
    expect(sim.state().dispenseLog.map((drop) => drop.channel)).toEqual([1]);
  });

  it('sells for cash credit: credit reported, deducted by the vend', async () => {
    const sim = machine();
    const driver = await driverFor(sim);
    const credits = record(driver, 'credit');
    await driver.open();
    expect(sim.customer.insertCoin(100)).not.toBe('rejected');
    expect(sim.customer.insertCoin(100)).not.toBe('rejected');
    await until(() => credits.length === 2);
    expect(credits.map((credit) => credit.credit)).toEqual([100, 200]);
    await expect(driver.poll()).resolves.toMatchObject({ credit: 200, doorOpen: false });
    await expect(driver.vend({ vendId: 21, channel: 4, price: 150, method: 'cash' })).resolves.toEqual({
      vendId: 21,
      channel: 4,
      result: 'ok',
      dispensed: true,
      credit: 50,
    });
    expect(sim.state().credit).toBe(50);
    expect(sim.state().dispenseLog).toHaveLength(1);
  });

  it('hears the coin return lever: the credit paid back from the tubes, and the status credit drops', async () => {
    const sim = machine();
    const driver = await driverFor(sim);
    const credits = record(driver, 'credit');
    const events = record(driver, 'event');
    await driver.open();
    expect(sim.customer.insertCoin(100)).not.toBe('rejected');
    expect(sim.customer.insertCoin(50)).not.toBe('rejected');
    await until(() => credits.length === 2);
    await expect(driver.poll()).resolves.toMatchObject({ credit: 150 });
    const paidOutBefore = sim.state().coinsPaidOut?.total ?? 0;
    sim.customer.pressReturnLever();
    await until(() => events.length > 0);
    expect(events).toEqual([{ type: 'coin_returned', amount: 150 }]);
    await expect(driver.poll()).resolves.toMatchObject({ credit: 0 });
    expect(sim.state().credit).toBe(0);
    expect((sim.state().coinsPaidOut?.total ?? 0) - paidOutBefore).toBe(150);
  });

  it('vends exactly once each over a line with 1% of its bytes corrupted, dropped or duplicated', async () => {
    const sim = machine({ seed: 7 });
    const driver = await driverFor(sim);
    await driver.open();
    sim.faults.lineNoise(noiseAt(0.01));
    const channels = [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2];
    const outcomes = [];
    for (const [index, channel] of channels.entries()) {
      outcomes.push(await driver.vend({ vendId: 5000 + index, channel, price: 200, method: 'host_paid' }));
    }
    expect(outcomes.every((outcome) => outcome.result === 'ok')).toBe(true);
    expect(outcomes.map((outcome) => outcome.vendId)).toEqual(channels.map((_, index) => 5000 + index));
    const state = sim.state();
    expect(state.dispenseLog.map((drop) => drop.channel)).toEqual(channels);
    expect(state.stock).toEqual([6, 6, 7, 7, 7, 7]);
    const counts = sim.faults.lineNoiseCounts();
    expect(counts.corrupted + counts.dropped + counts.duplicated).toBeGreaterThan(0);
  });

  it('reports the link down when the machine goes silent, and up again with its HELLO after it reboots', async () => {
    const sim = machine();
    const driver = await driverFor(sim, { link: { ackTimeoutMs: 40, maxRetransmissions: 2 }, pollIntervalMs: 50 });
    const downs = record(driver, 'link_down');
    const ups = record(driver, 'link_up');
    const reboots = record(driver, 'rebooted');
    const events = record(driver, 'event');
    await driver.open();

    sim.powerCut();
    await until(() => downs.length === 1);
    expect(downs[0]).toEqual({ undelivered: 'POLL' });
    expect(ups).toHaveLength(0);

    sim.powerOn();
    await until(() => ups.length === 1 && reboots.length === 1);
    expect(reboots[0]?.boardId).toBe(sim.boardId);
    await until(() => events.some((event) => event.type === 'power_restored'));
  });

  it('learns the true result of a vend cut short by a power cut after the product dropped, without a second dispense', async () => {
    const sim = machine();
    const driver = await driverFor(sim);
    const reboots = record(driver, 'rebooted');
    await driver.open();
    sim.faults.powerCutAt('after_drop');
    sim.events.on('machine', ({ event }) => {
      if (event.type === 'power_lost') setTimeout(() => sim.powerOn(), 200);
    });
    const outcome = await driver.vend({ vendId: 777, channel: 5, price: 0, method: 'free' });
    expect(outcome).toMatchObject({ vendId: 777, channel: 5, result: 'ok', dispensed: true });
    expect(reboots).toHaveLength(1);
    expect(sim.state().vends.find((vend) => vend.vendId === 777)).toMatchObject({ state: 'done', result: 0 });
    expect(sim.state().dispenseLog.map((drop) => drop.channel)).toEqual([5]);
    expect(sim.state().stock[4]).toBe(9);
  });

  it('gives up on a vend whose outcome it cannot learn, saying to retry with the same vendId', async () => {
    const sim = machine();
    const driver = await driverFor(sim, { vendTimeoutMs: 600, link: { ackTimeoutMs: 40, maxRetransmissions: 1 } });
    await driver.open();
    sim.powerCut();
    const failure = driver.vend({ vendId: 4242, channel: 1, price: 100, method: 'host_paid' });
    await expect(failure).rejects.toBeInstanceOf(VendOutcomeUnknownError);
    await expect(failure).rejects.toThrow(/same vendId 4242/);
    expect(sim.state().dispenseLog).toHaveLength(0);

    // Power back: the retry with the same vendId is the sale's only vend.
    sim.powerOn();
    await expect(driver.vend({ vendId: 4242, channel: 1, price: 100, method: 'host_paid' })).resolves.toMatchObject({
      result: 'ok',
    });
    expect(sim.state().dispenseLog).toHaveLength(1);
  });
});
