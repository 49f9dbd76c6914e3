import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { vendIdForSale } from '../machine/driver.js';
import { Logger } from '../log.js';
import { TerminalStore } from '../store/store.js';
import { FakeDriver } from '../testing/fake-driver.js';
import { FakePlatform, testConfig } from '../testing/fake-platform.js';
import { SaleMachine, type SaleMachineOptions } from './sale-machine.js';

type Line = { type: string; level: string } & Record<string, unknown>;

interface Rig {
  store: TerminalStore;
  driver: FakeDriver;
  platform: FakePlatform;
  lines: Line[];
  machine: SaleMachine;
  kicks: { count: number };
  online: { value: boolean };
  make: (options?: Partial<SaleMachineOptions>) => SaleMachine;
}

const rigs: Rig[] = [];
let saleNumber = 0;

function rig(options: { store?: TerminalStore; driver?: FakeDriver; config?: boolean } = {}): Rig {
  const store = options.store ?? TerminalStore.open(':memory:');
  if (options.config !== false && !store.cachedConfig()) store.saveConfig(testConfig(), Date.now());
  const driver = options.driver ?? new FakeDriver();
  const platform = new FakePlatform();
  const lines: Line[] = [];
  const logger = new Logger({ write: (text) => void lines.push(JSON.parse(text) as Line) });
  const kicks = { count: 0 };
  const online = { value: true };
  const make = (overrides: Partial<SaleMachineOptions> = {}): SaleMachine =>
    new SaleMachine({
      driver,
      platform,
      store,
      logger,
      outbox: { kick: () => void (kicks.count += 1) },
      newSaleId: () => `sale-${(saleNumber += 1)}`,
      online: () => online.value,
      qrPollMs: 3000,
      vendRetryMs: 5000,
      ...overrides,
    });
  const result: Rig = { store, driver, platform, lines, machine: make(), kicks, online, make };
  rigs.push(result);
  return result;
}

/** Lets promise chains run (no timer moves): the fakes answer in microtasks. */
async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 200; turn += 1) {
    if (condition()) return;
    await Promise.resolve();
  }
  throw new Error('the condition did not come true');
}

function saleLines(lines: Line[], saleId?: string): Line[] {
  return lines.filter((line) => line.type === 'sale' && (saleId === undefined || line.saleId === saleId));
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-03-01T08:00:00.000Z') });
});

afterEach(() => {
  for (const { machine, store } of rigs.splice(0)) {
    machine.stop();
    store.close();
  }
  vi.useRealTimers();
});

describe('cash and card sales', () => {
  it('sells for cash: journals the sale as vending, vends with the sale’s vendId, reports it, pays the change', async () => {
    const { machine, driver, store, lines, kicks } = rig();
    await machine.start();
    driver.insert(500);
    driver.press(2);
    await machine.idle();

    expect(driver.dispensed).toEqual([2]);
    const [sale] = store.allSales();
    expect(sale).toMatchObject({
      kind: 'machine_sale',
      channel: 2,
      price: 200,
      method: 'cash',
      state: 'done',
      result: 'ok',
      dispensed: true,
    });
    expect(sale?.vendId).toBe(vendIdForSale(sale?.saleId ?? ''));
    expect(driver.requests).toEqual([{ vendId: sale?.vendId, channel: 2, price: 200, method: 'cash' }]);
    expect(driver.payouts).toEqual([{ paid: 300, remaining: 0 }]);
    const reports = store.reports();
    expect(reports.map((report) => report.kind)).toEqual(['recordSales']);
    expect(reports[0]?.payload).toEqual({
      saleId: sale?.saleId,
      channel: 2,
      vendId: sale?.vendId,
      price: 200,
      paymentMethod: 'cash',
      result: 'ok',
      dispensed: true,
      soldAt: '2026-03-01T08:00:00.000Z',
    });
    expect(kicks.count).toBeGreaterThan(0);
    expect(saleLines(lines).map((line) => line.state)).toEqual(['vending', 'done']);
    expect(machine.state).toBe('idle');
  });

  it('sells exact cash without paying change', async () => {
    const { machine, driver } = rig();
    await machine.start();
    driver.insert(100);
    driver.press(1);
    await machine.idle();
    expect(driver.dispensed).toEqual([1]);
    expect(driver.payouts).toEqual([]);
  });

  it('sells by card while a card session is open', async () => {
    const { machine, driver, store } = rig();
    await machine.start();
    driver.presentCard();
    driver.press(3);
    await machine.idle();
    expect(driver.requests).toMatchObject([{ channel: 3, price: 300, method: 'card' }]);
    expect(store.reports()[0]?.payload).toMatchObject({ paymentMethod: 'card', result: 'ok', dispensed: true });
  });

  it('a denied card sells nothing but is journaled and reported (dispensed false)', async () => {
    const { machine, driver, store, lines } = rig();
    await machine.start();
    driver.cardDenied = true;
    driver.presentCard();
    driver.press(3);
    await machine.idle();
    expect(driver.dispensed).toEqual([]);
    expect(store.allSales()[0]).toMatchObject({ state: 'failed', result: 'card_denied', dispensed: false });
    expect(store.reports()[0]?.payload).toMatchObject({
      paymentMethod: 'card',
      result: 'card_denied',
      dispensed: false,
    });
    expect(saleLines(lines).at(-1)).toMatchObject({ state: 'failed', result: 'card_denied' });
    // The card session ended with that vend: the next press without a card is a QR sale.
    driver.press(3);
    await until(() => machine.state === 'awaiting_payment');
  });
  it('a card session tapped and left counts no more after a minute: the next button is not a card vend', async () => {
    const { machine, driver } = rig();
    await machine.start();
    driver.presentCard();
    await vi.advanceTimersByTimeAsync(60_000);
    driver.press(3);
    await until(() => machine.state === 'awaiting_payment');
    expect(driver.requests).toEqual([]);
  });
});

describe('QR sales', () => {
  async function startQr(r: Rig, channel = 4): Promise<string> {
    await r.machine.start();
    r.driver.press(channel);
    await until(() => r.machine.state === 'awaiting_payment');
    const saleId = r.machine.sale?.saleId;
    if (!saleId) throw new Error('no sale');
    return saleId;
  }

  it('creates an order, shows its QR code, and vends host_paid with the order’s vendId when the payment event comes', async () => {
    const r = rig();
    const saleId = await startQr(r);
    const order = r.platform.orders.get(saleId);
    expect(r.platform.callsOf('createOrder')).toEqual([{ saleId, channel: 4, paymentMethod: 'qr' }]);
    expect(r.lines.find((line) => line.type === 'qr')).toMatchObject({
      saleId,
      orderNo: order?.orderNo,
      content: `https://pay.example/${saleId}`,
      expiresAt: '2026-03-01T08:02:00.000Z',
    });
    expect(r.machine.qr()).toMatchObject({ saleId, secondsLeft: 120 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(r.machine.qr()?.secondsLeft).toBe(119);
    expect(r.driver.requests).toEqual([]);

    r.machine.payment(saleId, 'paid');
    await r.machine.idle();
    expect(r.driver.requests).toEqual([{ vendId: order?.vendId, channel: 4, price: 400, method: 'host_paid' }]);
    expect(r.driver.dispensed).toEqual([4]);
    expect(r.store.reports().map((report) => [report.kind, report.saleId])).toEqual([
      ['vendStarted', saleId],
      ['reportVend', saleId],
    ]);
    expect(r.store.reports()[1]?.payload).toEqual({
      saleId,
      vendId: order?.vendId,
      result: 'ok',
      dispensed: true,
      at: '2026-03-01T08:00:01.000Z',
    });
    expect(saleLines(r.lines, saleId).map((line) => line.state)).toEqual([
      'selecting',
      'awaiting_payment',
      'vending',
      'done',
    ]);
  });

  it('learns of the payment by polling the order when no event comes', async () => {
    const r = rig();
    const saleId = await startQr(r);
    r.platform.pay(saleId);
    await vi.advanceTimersByTimeAsync(2999);
    expect(r.driver.requests).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await r.machine.idle();
    expect(r.driver.dispensed).toEqual([4]);
    expect(r.lines.find((line) => line.type === 'payment')).toMatchObject({ saleId, via: 'poll' });
  });

  it('an expired QR code vends nothing, even if a payment comes after', async () => {
    const r = rig();
    const saleId = await startQr(r);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(r.machine.state).toBe('idle');
    expect(r.store.getSale(saleId)).toMatchObject({ state: 'failed', reason: 'expired' });
    r.machine.payment(saleId, 'paid');
    await r.machine.idle();
    expect(r.driver.requests).toEqual([]);
    expect(r.store.reports()).toEqual([]);
  });

  it('the customer cancels: nothing vends, the machine is free again', async () => {
    const r = rig();
    const saleId = await startQr(r);
    r.machine.cancel();
    expect(r.store.getSale(saleId)).toMatchObject({ state: 'failed', reason: 'cancelled' });
    await r.machine.idle();
    r.platform.pay(saleId);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(r.driver.requests).toEqual([]);
  });

  it('ignores a selection while a sale is under way, with a log line', async () => {
    const r = rig();
    const saleId = await startQr(r);
    r.driver.press(1);
    expect(r.lines.find((line) => line.type === 'selection_ignored')).toMatchObject({
      channel: 1,
      state: 'awaiting_payment',
      saleId,
    });
    expect(r.platform.callsOf('createOrder')).toHaveLength(1);
  });

  it('offline, QR is refused with a clear line and cash still sells', async () => {
    const r = rig();
    r.online.value = false;
    await r.machine.start();
    r.driver.press(4);
    await r.machine.idle();
    expect(r.platform.callsOf('createOrder')).toEqual([]);
    expect(r.lines.find((line) => line.type === 'qr_unavailable_offline')).toMatchObject({ level: 'warn' });
    expect(r.lines.find((line) => line.type === 'selection_refused')).toMatchObject({ channel: 4, reason: 'offline' });
    r.driver.insert(400);
    r.driver.press(4);
    await r.machine.idle();
    expect(r.driver.dispensed).toEqual([4]);
  });

  it('a failed order creation leaves the machine free and vends nothing', async () => {
    const r = rig();
    r.platform.offline = true;
    await r.machine.start();
    r.driver.press(4);
    await r.machine.idle();
    expect(r.lines.find((line) => line.type === 'sale' && line.state === 'failed')).toMatchObject({
      reason: 'order_not_created',
    });
    expect(r.machine.state).toBe('idle');
    expect(r.store.allSales()).toEqual([]);
  });
});

describe('gift codes and remote vends', () => {
  it('redeems a gift code and vends free with the order’s vendId, then reports the vend', async () => {
    const r = rig();
    await r.machine.start();
    await r.machine.redeemGiftCode(5, 'GIFT-1234');
    await r.machine.idle();
    const [sale] = r.store.allSales();
    expect(r.platform.callsOf('redeemGiftCode')).toEqual([{ saleId: sale?.saleId, code: 'GIFT-1234', channel: 5 }]);
    expect(r.driver.requests).toEqual([
      { vendId: r.platform.orders.get(sale?.saleId ?? '')?.vendId, channel: 5, price: 0, method: 'free' },
    ]);
    expect(r.store.reports().map((report) => report.kind)).toEqual(['reportVend']);
  });

  it('a refused gift code vends nothing and says why', async () => {
    const r = rig();
    r.platform.refusals.set('redeemGiftCode', 'the gift code was used already');
    await r.machine.start();
    await r.machine.redeemGiftCode(5, 'USED');
    await r.machine.idle();
    expect(r.driver.requests).toEqual([]);
    expect(r.lines.find((line) => line.type === 'sale' && line.state === 'failed')).toMatchObject({
      reason: 'gift_code_refused',
      error: 'the gift code was used already',
    });
  });

  it('vends a remote order host_paid with its vendId, once however often it is pushed', async () => {
    const r = rig();
    await r.machine.start();
    const order = r.platform.order('remote-1', 6, { status: 'paid' });
    r.machine.remoteVend(order);
    r.machine.remoteVend(order);
    await r.machine.idle();
    expect(r.driver.requests).toEqual([{ vendId: order.vendId, channel: 6, price: 600, method: 'host_paid' }]);
    expect(r.store.reports().map((report) => report.kind)).toEqual(['vendStarted', 'reportVend']);
    expect(r.lines.filter((line) => line.type === 'remote_vend_duplicate')).toHaveLength(1);
  });

  it('a remote vend that comes while a QR code waits is vended after that sale ends', async () => {
    const r = rig();
    await r.machine.start();
    r.driver.press(4);
    await until(() => r.machine.state === 'awaiting_payment');
    const order = r.platform.order('remote-2', 1, { status: 'paid' });
    r.machine.remoteVend(order);
    expect(r.driver.requests).toEqual([]);
    r.machine.cancel();
    await r.machine.idle();
    expect(r.driver.requests).toMatchObject([{ vendId: order.vendId, channel: 1 }]);
  });
});

describe('channels out of sale', () => {
  it('refuses a sold-out channel, counting the sales the platform has not acknowledged', async () => {
    const r = rig({ config: false });
    const config = testConfig();
    const channel = config.channels[0];
    if (channel) channel.stock = 1;
    r.store.saveConfig(config, Date.now());
    await r.machine.start();
    r.driver.insert(1000);
    r.driver.press(1);
    await r.machine.idle();
    expect(r.driver.dispensed).toEqual([1]);
    r.driver.press(1);
    await r.machine.idle();
    expect(r.driver.dispensed).toEqual([1]);
    expect(r.lines.find((line) => line.type === 'selection_refused')).toMatchObject({ channel: 1, reason: 'sold_out' });
  });

  it('refuses a channel the config disables', async () => {
    const r = rig({ config: false });
    const config = testConfig();
    const channel = config.channels[1];
    if (channel) Object.assign(channel, { enabled: false, disabledReason: 'maintenance' });
    r.store.saveConfig(config, Date.now());
    await r.machine.start();
    r.driver.insert(1000);
    r.driver.press(2);
    await r.machine.idle();
    expect(r.driver.requests).toEqual([]);
    expect(r.lines.find((line) => line.type === 'selection_refused')).toMatchObject({ reason: 'disabled:maintenance' });
  });

  it('a jam takes the channel out of sale until a newer config enables it again', async () => {
    const r = rig();
    await r.machine.start();
    r.driver.results.set(3, ['jam']);
    r.driver.insert(1000);
    r.driver.press(3);
    await r.machine.idle();
    expect(r.store.allSales()[0]).toMatchObject({ state: 'failed', result: 'jam', dispensed: false });
    expect(r.lines.find((line) => line.type === 'channel_disabled')).toMatchObject({ channel: 3, reason: 'jam' });
    r.driver.press(3);
    await r.machine.idle();
    expect(r.driver.requests).toHaveLength(1);

    r.store.saveConfig(testConfig({ version: 1 }), Date.now());
    r.driver.press(3);
    await r.machine.idle();
    expect(r.driver.requests).toHaveLength(1);

    r.store.saveConfig(testConfig({ version: 2 }), Date.now());
    r.driver.press(3);
    await r.machine.idle();
    expect(r.driver.dispensed).toEqual([3]);
  });

  it('refuses every selection before any config is known', async () => {
    const r = rig({ config: false });
    await r.machine.start();
    r.driver.insert(1000);
    r.driver.press(1);
    await r.machine.idle();
    expect(r.driver.requests).toEqual([]);
    expect(r.lines.find((line) => line.type === 'selection_refused')).toMatchObject({ reason: 'no_config' });
  });
});

describe('crash safety', () => {
  it('an unknown outcome keeps the sale vending and asks again later with the same vendId', async () => {
    const r = rig();
    await r.machine.start();
    r.driver.loseOutcomes = 1;
    r.driver.insert(200);
    r.driver.press(2);
    await until(() => r.driver.requests.length === 1);
    const saleId = r.store.allSales()[0]?.saleId ?? '';
    expect(r.store.getSale(saleId)?.state).toBe('vending');
    expect(r.machine.state).toBe('vending');
    r.driver.press(1);
    expect(r.lines.find((line) => line.type === 'selection_ignored')).toBeDefined();

    await vi.advanceTimersByTimeAsync(5000);
    await r.machine.idle();
    expect(r.driver.requests.map((request) => request.vendId)).toEqual([vendIdForSale(saleId), vendIdForSale(saleId)]);
    expect(r.driver.dispensed).toEqual([2]);
    expect(r.store.getSale(saleId)).toMatchObject({ state: 'done', dispensed: true });
    expect(r.store.reports().map((report) => report.kind)).toEqual(['recordSales']);
  });

  it('on start, a sale left vending is asked for again with its vendId: dispensed once, then reported', async () => {
    const store = TerminalStore.open(':memory:');
    store.saveConfig(testConfig(), Date.now());
    const driver = new FakeDriver();
    const first = rig({ store, driver });
    await first.machine.start();
    driver.loseOutcomes = 1;
    driver.insert(300);
    driver.press(3);
    await until(() => driver.requests.length === 1);
    // The terminal dies here: the machine dispensed, nobody heard it.
    first.machine.stop();
    expect(driver.dispensed).toEqual([3]);
    expect(store.reports()).toEqual([]);

    const second = first.make();
    await second.start();
    await second.idle();
    const [sale] = store.allSales();
    expect(driver.requests.map((request) => request.vendId)).toEqual([sale?.vendId, sale?.vendId]);
    expect(driver.dispensed).toEqual([3]);
    expect(sale).toMatchObject({ state: 'done', result: 'ok', dispensed: true });
    expect(store.reports().map((report) => report.kind)).toEqual(['recordSales']);
    second.stop();
  });

  it('on start, a QR code still valid is shown again and can be paid', async () => {
    const store = TerminalStore.open(':memory:');
    store.saveConfig(testConfig(), Date.now());
    const first = rig({ store });
    await first.machine.start();
    first.driver.press(2);
    await until(() => first.machine.state === 'awaiting_payment');
    const saleId = first.machine.sale?.saleId ?? '';
    first.machine.stop();

    await vi.advanceTimersByTimeAsync(30_000);
    const second = first.make();
    await second.start();
    expect(second.state).toBe('awaiting_payment');
    expect(second.qr()).toMatchObject({ saleId, secondsLeft: 90 });
    second.payment(saleId, 'paid');
    await second.idle();
    expect(first.driver.dispensed).toEqual([2]);
    second.stop();
  });

  it('on start, a lapsed QR code is closed unless the platform says it was paid', async () => {
    const store = TerminalStore.open(':memory:');
    store.saveConfig(testConfig(), Date.now());
    const first = rig({ store });
    await first.machine.start();
    first.driver.press(2);
    await until(() => first.machine.state === 'awaiting_payment');
    const saleId = first.machine.sale?.saleId ?? '';
    first.machine.stop();
    await vi.advanceTimersByTimeAsync(600_000);

    const second = first.make();
    await second.start();
    await second.idle();
    expect(store.getSale(saleId)).toMatchObject({ state: 'failed', reason: 'expired' });
    expect(first.driver.requests).toEqual([]);
    second.stop();
  });

  it('on start, a lapsed QR code the platform says was paid is vended with the order’s vendId', async () => {
    const store = TerminalStore.open(':memory:');
    store.saveConfig(testConfig(), Date.now());
    const first = rig({ store });
    await first.machine.start();
    first.driver.press(2);
    await until(() => first.machine.state === 'awaiting_payment');
    const saleId = first.machine.sale?.saleId ?? '';
    first.machine.stop();
    const order = first.platform.pay(saleId);
    await vi.advanceTimersByTimeAsync(600_000);

    const second = first.make();
    await second.start();
    await second.idle();
    expect(first.driver.requests).toEqual([{ vendId: order.vendId, channel: 2, price: 200, method: 'host_paid' }]);
    expect(store.reports().map((report) => report.kind)).toEqual(['vendStarted', 'reportVend']);
    second.stop();
  });
});
