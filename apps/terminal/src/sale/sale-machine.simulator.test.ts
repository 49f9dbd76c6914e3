/**
 * The sale machine against a simulated vending machine in this process (the terminal's own
 * serial driver over `simulatorBinding`, as on hardware) and a fake platform: a cash sale,
 * a QR sale paid by a pushed event, and a terminal that died mid-vend whose successor
 * settles the sale from the same store file without a second dispense.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSimulatedMachine, simulatorBinding, type SimulatedMachine } from '@vmcloud/simulator';
import { until } from '@vmcloud/protocol/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { Logger } from '../log.js';
import type { MachineDriverEvents } from '../machine/driver.js';
import { SerialProtocolDriver } from '../machine/serial-protocol-driver.js';
import { closeSerialPort, openSerialPort } from '../serial/open.js';
import { MessageVerifier } from '../platform/verifier.js';
import { TerminalStore } from '../store/store.js';
import { PlatformSync } from '../sync/platform-sync.js';
import { FakePlatform, TEST_MACHINE_ID, testConfig } from '../testing/fake-platform.js';
import { SaleMachine } from './sale-machine.js';

type Line = { type: string } & Record<string, unknown>;

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

let machineNumber = 0;

function simulatedMachine(): SimulatedMachine {
  machineNumber += 1;
  const sim = createSimulatedMachine({
    path: `/dev/ttySALE${machineNumber}`,
    boardId: `SALE${String(machineNumber).padStart(4, '0')}`,
    channels: 6,
    dispenseMs: 300,
    clock: 'real',
    tickMs: 5,
  });
  cleanups.push(() => sim.close());
  return sim;
}

async function driverFor(sim: SimulatedMachine): Promise<SerialProtocolDriver> {
  const port = await openSerialPort({ path: sim.path, baudRate: 9600, binding: simulatorBinding });
  const driver = new SerialProtocolDriver(port, {
    link: { ackTimeoutMs: 60 },
    pollIntervalMs: 100,
    retryDelayMs: 50,
    release: () => closeSerialPort(port),
  });
  cleanups.push(() => driver.close());
  await driver.open();
  return driver;
}

function storePath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmcloud-sale-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'terminal.db');
}

function terminal(driver: SerialProtocolDriver, path: string, platform = new FakePlatform()) {
  const store = TerminalStore.open(path);
  if (!store.cachedConfig()) store.saveConfig(testConfig(), Date.now());
  const lines: Line[] = [];
  const logger = new Logger({ write: (text) => void lines.push(JSON.parse(text) as Line) });
  const sales = new SaleMachine({
    driver,
    platform,
    store,
    logger,
    outbox: { kick: () => undefined },
    vendRetryMs: 200,
  });
  const verifier = new MessageVerifier({ platformKey: platform.publicKey, machineId: TEST_MACHINE_ID, seen: store });
  const sync = new PlatformSync({
    platform,
    store,
    driver,
    sales,
    outbox: { depth: () => store.outboxDepth(), retryNow: () => undefined },
    verifier,
    logger,
    appVersion: 'test',
  });
  cleanups.push(() => {
    sales.stop();
    store.close();
  });
  return { store, lines, sales, sync, platform };
}

function record<E extends keyof MachineDriverEvents>(driver: SerialProtocolDriver, event: E): MachineDriverEvents[E][] {
  const seen: MachineDriverEvents[E][] = [];
  driver.on(event, (payload) => seen.push(payload));
  return seen;
}

describe('selling from a simulated machine', () => {
  it('sells for cash: the customer’s coins, a button, one product and the change', async () => {
    const sim = simulatedMachine();
    const driver = await driverFor(sim);
    const credits = record(driver, 'credit');
    const { sales, store, lines } = terminal(driver, storePath());
    await sales.start();

    for (const coin of [100, 100, 50]) expect(sim.customer.insertCoin(coin)).not.toBe('rejected');
    await until(() => credits.length === 3, { what: 'the credit reports' });
    expect(sim.customer.pressButton(2)).toBe(true);
    await until(() => lines.some((line) => line.type === 'sale' && line.state === 'done'), {
      what: 'the sale',
      timeoutMs: 10_000,
    });
    await sales.idle();

    const [sale] = store.allSales();
    expect(sale).toMatchObject({
      channel: 2,
      price: 200,
      method: 'cash',
      state: 'done',
      result: 'ok',
      dispensed: true,
    });
    const state = sim.state();
    expect(state.dispenseLog.map((drop) => [drop.channel, drop.vendId])).toEqual([[2, sale?.vendId]]);
    expect(state.stock[1]).toBe(9);
    expect(store.reports().map((report) => report.kind)).toEqual(['recordSales']);
    // The 50 fen left over came back as change.
    await until(() => lines.some((line) => line.type === 'change_paid'), { what: 'the change' });
    expect(lines.find((line) => line.type === 'change_paid')).toMatchObject({ paid: 50, remaining: 0 });
    expect(sim.state().credit).toBe(0);
  }, 30_000);

  it('sells by QR code: the order, its code, the payment pushed as an event, the vend with the order’s vendId', async () => {
    const sim = simulatedMachine();
    const driver = await driverFor(sim);
    const { sales, store, lines, sync, platform } = terminal(driver, storePath());
    await sales.start();

    expect(sim.customer.pressButton(5)).toBe(true);
    await until(() => sales.state === 'awaiting_payment', { what: 'the QR code' });
    const saleId = sales.sale?.saleId ?? '';
    expect(lines.find((line) => line.type === 'qr')).toMatchObject({
      saleId,
      content: `https://pay.example/${saleId}`,
    });
    expect(sim.state().dispenseLog).toEqual([]);

    const order = platform.pay(saleId);
    sync.handleEvent(platform.signEvent({ type: 'payment', saleId, orderId: order.orderId, status: 'paid' }));
    await until(() => sales.state === 'idle', { what: 'the vend', timeoutMs: 10_000 });

    expect(sim.state().dispenseLog.map((drop) => [drop.channel, drop.vendId, drop.method])).toEqual([
      [5, order.vendId, 0],
    ]);
    expect(store.reports().map((report) => report.kind)).toEqual(['vendStarted', 'reportVend']);
    expect(store.getSale(saleId)).toMatchObject({ state: 'done', dispensed: true, orderId: order.orderId });
  }, 30_000);

  it('a terminal that died mid-vend: the next one, on the same store file, settles the sale with one dispense', async () => {
    const sim = simulatedMachine();
    const path = storePath();
    const platform = new FakePlatform();
    const first = await driverFor(sim);
    const before = terminal(first, path, platform);
    await before.sales.start();

    const order = platform.order('remote-crash', 4, { status: 'paid', paymentMethod: 'qr' });
    before.sales.remoteVend(order);
    await until(() => sim.state().machine.motorRunning === 4, { what: 'the motor of channel 4' });
    // The terminal dies while the motor turns: nobody hears the result.
    before.sales.stop();
    await first.close();
    before.store.close();
    await until(() => sim.state().dispenseLog.length === 1, { what: 'the drop' });

    const second = await driverFor(sim);
    const after = terminal(second, path, platform);
    expect(after.store.getSale('remote-crash')).toMatchObject({ state: 'vending', result: null });
    await after.sales.start();
    await after.sales.idle();

    expect(after.store.getSale('remote-crash')).toMatchObject({ state: 'done', result: 'ok', dispensed: true });
    const state = sim.state();
    expect(state.dispenseLog.map((drop) => [drop.channel, drop.vendId])).toEqual([[4, order.vendId]]);
    expect(state.stock[3]).toBe(9);
    expect(after.store.reports().map((report) => report.kind)).toEqual(['vendStarted', 'reportVend']);
    expect(after.store.reports()[1]?.payload).toMatchObject({
      saleId: 'remote-crash',
      vendId: order.vendId,
      dispensed: true,
    });
  }, 30_000);
});
