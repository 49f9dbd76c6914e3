import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../testing/fake-platform.js';
import { LOG_BUFFER_LIMIT, TerminalStore, type NewSale } from './store.js';

const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vmcloud-store-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'state', 'terminal.db');
}

function open(path = ':memory:'): TerminalStore {
  const store = TerminalStore.open(path);
  cleanups.push(() => store.close());
  return store;
}

function sale(saleId: string, channel: number, createdAt: number): NewSale {
  return {
    saleId,
    vendId: 7,
    kind: 'machine_sale',
    channel,
    price: 100,
    method: 'cash',
    vendMethod: 'cash',
    state: 'vending',
    createdAt,
  };
}

const T0 = Date.parse('2026-03-01T08:00:00.000Z');

describe('TerminalStore', () => {
  it('creates its file (mode 0600) and directory, in WAL mode, and keeps everything across a reopen', () => {
    const path = tempPath();
    const store = TerminalStore.open(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    store.insertSale(sale('s1', 1, T0));
    store.enqueueReport('recordSales', 's1', { saleId: 's1' }, T0);
    store.setLastEventId('42');
    store.saveConfig(testConfig(), T0);
    store.close();

    const again = open(path);
    expect(again.getSale('s1')).toMatchObject({ state: 'vending', vendId: 7, dispensed: false, acknowledgedAt: null });
    expect(again.reports()).toMatchObject([
      { kind: 'recordSales', saleId: 's1', payload: { saleId: 's1' }, parked: false },
    ]);
    expect(again.lastEventId()).toBe('42');
    expect(again.cachedConfig()?.config.version).toBe(1);
  });

  it('rolls back a sale change and its report together', () => {
    const store = open();
    store.insertSale(sale('s1', 1, T0));
    expect(() =>
      store.transaction(() => {
        store.updateSale('s1', { state: 'done', result: 'ok', dispensed: true, soldAt: T0 }, T0);
        store.enqueueReport('recordSales', 's1', {}, T0);
        throw new Error('power cut');
      }),
    ).toThrow('power cut');
    expect(store.getSale('s1')?.state).toBe('vending');
    expect(store.reports()).toEqual([]);
  });

  it('counts stock as the config’s less the dispensed sales since the restock that the platform had not acknowledged', () => {
    const store = open();
    const config = testConfig();
    const channel = config.channels[0];
    if (channel) Object.assign(channel, { stock: 5, restockedAt: new Date(T0).toISOString() });
    const asOf = T0 + 10_000;
    store.saveConfig(config, asOf);
    const sold = (saleId: string, at: number, acknowledgedAt: number | null, dispensed = true): void => {
      store.insertSale(sale(saleId, 1, at));
      store.updateSale(saleId, { state: 'done', dispensed, soldAt: at, acknowledgedAt }, at);
    };
    sold('before-restock', T0 - 1, null);
    sold('acked-before-config', T0 + 1, T0 + 5000);
    sold('acked-after-config', T0 + 2, T0 + 20_000);
    sold('unacked', T0 + 3, null);
    sold('jammed', T0 + 4, null, false);
    expect(store.channel(1)).toMatchObject({ stock: 3, enabled: true, price: 100 });
    expect(store.channel(99)).toBeUndefined();
  });

  it('keeps a channel blocked until a newer config enables it', () => {
    const store = open();
    store.saveConfig(testConfig({ version: 3 }), T0);
    store.blockChannel(2, 'jam', T0);
    expect(store.channel(2)).toMatchObject({ enabled: false, disabledReason: 'jam' });
    store.saveConfig(testConfig({ version: 3 }), T0);
    expect(store.channel(2)?.enabled).toBe(false);
    const disabled = testConfig({ version: 4 });
    const channel = disabled.channels[1];
    if (channel) Object.assign(channel, { enabled: false, disabledReason: 'jam' });
    store.saveConfig(disabled, T0);
    expect(store.channel(2)).toMatchObject({ enabled: false, disabledReason: 'jam' });
    store.saveConfig(testConfig({ version: 5 }), T0);
    expect(store.channel(2)).toMatchObject({ enabled: true, disabledReason: null });
  });

  it('remembers accepted message ids until they expire', () => {
    const store = open();
    store.markSeen('a', T0);
    store.markSeen('b', T0 + 1000);
    expect(store.hasSeen('a')).toBe(true);
    expect(store.pruneSeen(T0 + 1)).toBe(1);
    expect(store.hasSeen('a')).toBe(false);
    expect(store.hasSeen('b')).toBe(true);
  });

  it('keeps at most LOG_BUFFER_LIMIT log lines, dropping the oldest', () => {
    const store = open();
    store.transaction(() => {
      for (let n = 1; n <= LOG_BUFFER_LIMIT + 5; n += 1) store.appendLog(`{"n":${n}}`, 'info', T0 + n);
    });
    expect(store.bufferedLogLines()).toBe(LOG_BUFFER_LIMIT);
    expect(store.nextLogBatch(1, () => 'u')?.lines).toEqual(['{"n":6}']);
  });

  it('cuts log uploads of buffered lines, and gives the same upload (same id) until it is dropped', () => {
    const store = open();
    store.appendLog('{"n":1}', 'info', T0);
    store.appendLog('{"n":2}', 'error', T0 + 1);
    store.appendLog('{"n":3}', 'debug', T0 + 2);
    let ids = 0;
    const newId = (): string => `upload-${(ids += 1)}`;
    const first = store.nextLogBatch(2, newId);
    expect(first).toEqual({
      uploadId: 'upload-1',
      level: 'error',
      lines: ['{"n":1}', '{"n":2}'],
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 1).toISOString(),
    });
    expect(store.nextLogBatch(2, newId)).toEqual(first);
    store.dropLogBatch('upload-1');
    expect(store.nextLogBatch(2, newId)).toMatchObject({ uploadId: 'upload-2', lines: ['{"n":3}'], level: 'debug' });
    store.dropLogBatch('upload-2');
    expect(store.nextLogBatch(2, newId)).toBeUndefined();
  });
});
