import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Logger } from '../log.js';
import { PlatformError } from '../platform/platform.js';
import { TerminalStore } from '../store/store.js';
import { FakePlatform } from '../testing/fake-platform.js';
import { Outbox, retryDelay, type OutboxOptions } from './outbox.js';

type Line = { type: string } & Record<string, unknown>;

const cleanups: (() => void)[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-03-01T08:00:00.000Z') });
});

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  vi.useRealTimers();
});

function setup(store = TerminalStore.open(':memory:'), options: Partial<OutboxOptions> = {}) {
  const platform = new FakePlatform();
  const lines: Line[] = [];
  const logger = new Logger({ write: (text) => void lines.push(JSON.parse(text) as Line) });
  const outbox = new Outbox({
    store,
    platform,
    logger,
    retry: { minMs: 100, maxMs: 1000 },
    random: () => 1,
    ...options,
  });
  cleanups.push(() => outbox.stop());
  return { store, platform, lines, outbox };
}

function cashSale(store: TerminalStore, saleId: string): void {
  const now = Date.now();
  store.transaction(() => {
    store.insertSale({
      saleId,
      vendId: 1,
      kind: 'machine_sale',
      channel: 1,
      price: 100,
      method: 'cash',
      vendMethod: 'cash',
      state: 'done',
      createdAt: now,
    });
    store.enqueueReport(
      'recordSales',
      saleId,
      {
        saleId,
        channel: 1,
        vendId: 1,
        price: 100,
        paymentMethod: 'cash',
        result: 'ok',
        dispensed: true,
        soldAt: new Date(now).toISOString(),
      },
      now,
    );
  });
}

describe('retryDelay', () => {
  it('doubles from the minimum to the cap, with up to half taken off at random', () => {
    const settings = { minMs: 1000, maxMs: 60_000 };
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelay(n, settings, () => 1))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000,
    ]);
    expect(retryDelay(3, settings, () => 0)).toBe(2000);
    expect(retryDelay(3, settings, () => 0.5)).toBe(3000);
  });
});

describe('Outbox', () => {
  it('sends reports in the order written (sales together) and marks the sales acknowledged', async () => {
    const { store, platform, outbox } = setup();
    cashSale(store, 'a');
    cashSale(store, 'b');
    expect(outbox.depth()).toBe(2);
    outbox.start();
    await outbox.settled();
    expect(
      platform
        .callsOf('recordSales')
        .map((call) => (call as { sales: { saleId: string }[] }).sales.map((sale) => sale.saleId)),
    ).toEqual([['a', 'b']]);
    expect(outbox.depth()).toBe(0);
    expect(store.getSale('a')).toMatchObject({ acknowledgedAt: Date.now(), orderId: 'order-a' });
  });

  it('retries a transient failure with growing delays until the platform answers, keeping the order', async () => {
    const { store, platform, outbox, lines } = setup();
    platform.offline = true;
    cashSale(store, 'a');
    cashSale(store, 'b');
    outbox.start();
    await outbox.settled();
    expect(platform.callsOf('recordSales')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(99);
    expect(platform.callsOf('recordSales')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(platform.callsOf('recordSales')).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(200);
    await vi.advanceTimersByTimeAsync(400);
    await vi.advanceTimersByTimeAsync(800);
    await vi.advanceTimersByTimeAsync(1000);
    expect(platform.callsOf('recordSales')).toHaveLength(6);
    expect(lines.filter((line) => line.type === 'report_retry').map((line) => line.retryInMs)).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(store.reports()[0]).toMatchObject({ saleId: 'a', attempts: 6, lastError: 'NETWORK: fetch failed' });

    platform.offline = false;
    await vi.advanceTimersByTimeAsync(1000);
    await outbox.settled();
    expect(outbox.depth()).toBe(0);
    const last = platform.calls.at(-1)?.input as { sales: { saleId: string }[] };
    expect(platform.calls).toHaveLength(7);
    expect(last.sales.map((sale) => sale.saleId)).toEqual(['a', 'b']);
  });

  it('retryNow sends the waiting report at once when the platform is back', async () => {
    const { store, platform, outbox } = setup(undefined, { retry: { minMs: 60_000, maxMs: 60_000 } });
    platform.offline = true;
    cashSale(store, 'a');
    outbox.start();
    await outbox.settled();
    platform.offline = false;
    outbox.retryNow();
    await outbox.settled();
    expect(outbox.depth()).toBe(0);
  });

  it('parks a report the platform refuses for good, and sends the next', async () => {
    const { store, platform, outbox, lines } = setup();
    platform.refusals.set('recordSales', 'price is not a number');
    cashSale(store, 'a');
    outbox.start();
    await outbox.settled();
    expect(lines.find((line) => line.type === 'report_parked')).toMatchObject({
      level: 'error',
      saleId: 'a',
      code: 'BAD_REQUEST',
    });
    platform.refusals.clear();
    cashSale(store, 'b');
    outbox.kick();
    await outbox.settled();
    expect(store.reports()).toMatchObject([{ saleId: 'a', parked: true }]);
    expect(outbox.depth()).toBe(0);
    expect(store.getSale('b')?.acknowledgedAt).not.toBeNull();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(platform.callsOf('recordSales')).toHaveLength(2);
  });

  it('what waited when the terminal stopped goes out after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vmcloud-outbox-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'terminal.db');
    const before = setup(TerminalStore.open(path));
    before.platform.offline = true;
    cashSale(before.store, 'a');
    before.outbox.start();
    await before.outbox.settled();
    before.outbox.stop();
    before.store.close();

    const after = setup(TerminalStore.open(path));
    cleanups.push(() => after.store.close());
    expect(after.outbox.depth()).toBe(1);
    after.outbox.start();
    await vi.advanceTimersByTimeAsync(100);
    await after.outbox.settled();
    expect(after.platform.callsOf('recordSales')).toHaveLength(1);
    expect(after.outbox.depth()).toBe(0);
  });

  it('sends the sales made while offline in one call when the platform is back', async () => {
    const { store, platform, outbox } = setup();
    platform.offline = true;
    for (const saleId of ['a', 'b', 'c']) cashSale(store, saleId);
    store.enqueueReport('vendStarted', 'q', { saleId: 'q', at: '2026-03-01T08:00:00.000Z' }, Date.now());
    cashSale(store, 'd');
    platform.order('q', 2);
    outbox.start();
    await outbox.settled();
    platform.offline = false;
    outbox.retryNow();
    await outbox.settled();
    const sent = platform.calls
      .slice(1)
      .map((call) =>
        call.procedure === 'recordSales'
          ? (call.input as { sales: { saleId: string }[] }).sales.map((sale) => sale.saleId)
          : call.procedure,
      );
    expect(sent).toEqual([['a', 'b', 'c'], 'vendStarted', ['d']]);
    expect(outbox.depth()).toBe(0);
    expect(store.getSale('c')).toMatchObject({ orderId: 'order-c' });
  });

  it('a batch refused is sent again one by one: only the sale refused is parked', async () => {
    const { store, platform, outbox } = setup();
    for (const saleId of ['a', 'bad', 'c']) cashSale(store, saleId);
    const recordSales = platform.recordSales.bind(platform);
    platform.recordSales = async (request) => {
      if (request.sales.some((sale) => sale.saleId === 'bad')) {
        platform.calls.push({ procedure: 'recordSales', input: request });
        throw new PlatformError('refused', 'BAD_REQUEST', 'price mismatch');
      }
      return recordSales(request);
    };
    outbox.start();
    await outbox.settled();
    const batches = platform
      .callsOf('recordSales')
      .map((input) => (input as { sales: { saleId: string }[] }).sales.map((sale) => sale.saleId));
    expect(batches).toEqual([['a', 'bad', 'c'], ['a'], ['bad', 'c'], ['bad'], ['c']]);
    expect(store.reports()).toMatchObject([{ saleId: 'bad', parked: true }]);
  });

  it('reports vend starts and vend results of orders to their own procedures', async () => {
    const { store, platform, outbox } = setup();
    const order = platform.order('q', 2);
    store.enqueueReport('vendStarted', 'q', { saleId: 'q', at: '2026-03-01T08:00:00.000Z' }, Date.now());
    store.enqueueReport(
      'reportVend',
      'q',
      { saleId: 'q', vendId: order.vendId, result: 'ok', dispensed: true, at: '2026-03-01T08:00:01.000Z' },
      Date.now(),
    );
    outbox.start();
    await outbox.settled();
    expect(platform.calls.map((call) => call.procedure)).toEqual(['vendStarted', 'reportVend']);
    expect(order.status).toBe('completed');
  });
});
