import { generateKeyPairSync } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceOrder, UploadLogsRequest } from '@vmcloud/protocol/device';
import { Logger } from '../log.js';
import { MessageVerifier } from '../platform/verifier.js';
import { SaleMachine } from '../sale/sale-machine.js';
import { TerminalStore } from '../store/store.js';
import { FakeDriver } from '../testing/fake-driver.js';
import { FakePlatform, TEST_MACHINE_ID, testConfig } from '../testing/fake-platform.js';
import { PlatformSync, errorBits, type PlatformSyncOptions, type SaleEvents } from './platform-sync.js';

type Line = { type: string; level: string } & Record<string, unknown>;

const cleanups: (() => void)[] = [];

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-03-01T08:00:00.000Z') });
});

afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
  vi.useRealTimers();
});

class RecordingSales implements SaleEvents {
  readonly payments: [string, string][] = [];
  readonly remoteVends: DeviceOrder[] = [];
  payment(saleId: string, status: 'paid' | 'expired' | 'refunded'): void {
    this.payments.push([saleId, status]);
  }
  remoteVend(order: DeviceOrder): void {
    this.remoteVends.push(order);
  }
}

function setup(options: { store?: TerminalStore; sales?: SaleEvents; sync?: Partial<PlatformSyncOptions> } = {}) {
  const store = options.store ?? TerminalStore.open(':memory:');
  const platform = new FakePlatform();
  const driver = new FakeDriver();
  const sales = options.sales ?? new RecordingSales();
  const lines: Line[] = [];
  const logger = new Logger({ write: (text) => void lines.push(JSON.parse(text) as Line) });
  const outbox = { depth: () => store.outboxDepth(), retryNow: vi.fn() };
  const verifier = new MessageVerifier({ platformKey: platform.publicKey, machineId: TEST_MACHINE_ID, seen: store });
  const sync = new PlatformSync({
    platform,
    store,
    driver,
    sales,
    outbox,
    verifier,
    logger,
    appVersion: '0.1.0',
    machine: driver.info,
    eventRetry: { minMs: 1000, maxMs: 8000 },
    random: () => 1,
    ...options.sync,
  });
  cleanups.push(() => {
    sync.stop();
    store.close();
  });
  return { store, platform, driver, sales, lines, sync, outbox };
}

describe('errorBits', () => {
  it('sets the STATUS bits of the serial protocol', () => {
    const none = {
      coinChanger: false,
      billValidator: false,
      cashlessReader: false,
      temperatureSensor: false,
      dropSensor: false,
      motorPower: false,
    };
    expect(errorBits(none)).toBe(0);
    expect(errorBits({ ...none, coinChanger: true, temperatureSensor: true })).toBe(0x09);
    expect(errorBits({ ...none, motorPower: true })).toBe(0x20);
  });
});

describe('config and heartbeats', () => {
  it('pulls the config at start, then heartbeats with the machine’s status and the outbox depth', async () => {
    const { sync, platform, store, driver } = setup({ sync: { heartbeatSeconds: 5 } });
    driver.status.errors.dropSensor = true;
    driver.status.doorOpen = true;
    store.enqueueReport('recordSales', 's', {}, Date.now());
    await sync.start();
    expect(platform.callsOf('config')).toHaveLength(1);
    expect(store.cachedConfig()?.config.version).toBe(1);
    expect(sync.online).toBe(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(platform.callsOf('heartbeat')).toEqual([
      {
        appVersion: '0.1.0',
        uptimeSeconds: 0,
        vmcLinkUp: true,
        doorOpen: true,
        temperature: 45,
        errors: 0x10,
        outboxDepth: 1,
        firmware: 'FAKE-1',
      },
    ]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(platform.callsOf('heartbeat')).toHaveLength(2);
    expect(platform.callsOf('config')).toHaveLength(1);

    platform.configVersion = 2;
    await vi.advanceTimersByTimeAsync(5000);
    expect(platform.callsOf('config')).toHaveLength(2);
    expect(store.cachedConfig()?.config.version).toBe(2);
  });

  it('has the machine take only the money the config offers', async () => {
    const { sync, platform, driver } = setup({ sync: { heartbeatSeconds: 5 } });
    platform.config_ = testConfig({ settings: { ...testConfig().settings, paymentMethods: ['qr', 'card'] } });
    await sync.start();
    expect(driver.accepts).toEqual([{ coins: false, bills: false, cashless: true }]);
    platform.config_ = testConfig();
    platform.configVersion = 2;
    await vi.advanceTimersByTimeAsync(0);
    expect(driver.accepts.at(-1)).toEqual({ coins: true, bills: true, cashless: true });
  });

  it('heartbeats every config.settings.heartbeatSeconds without an override', async () => {
    const { sync, platform } = setup();
    platform.config_ = testConfig({ settings: { ...testConfig().settings, heartbeatSeconds: 20 } });
    await sync.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(platform.callsOf('heartbeat')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(19_999);
    expect(platform.callsOf('heartbeat')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(platform.callsOf('heartbeat')).toHaveLength(2);
  });

  it('keeps the cached config while the platform is away, reports the machine link down, and says when the platform is back', async () => {
    const store = TerminalStore.open(':memory:');
    store.saveConfig(testConfig({ version: 7 }), Date.now());
    const { sync, platform, driver, lines, outbox } = setup({ store, sync: { heartbeatSeconds: 5 } });
    platform.offline = true;
    driver.pollFails = true;
    await sync.start();
    expect(store.cachedConfig()?.config.version).toBe(7);
    expect(lines.find((line) => line.type === 'config_unavailable')).toMatchObject({ using: 'cached version 7' });
    await vi.advanceTimersByTimeAsync(0);
    expect(platform.callsOf('heartbeat')[0]).toMatchObject({ vmcLinkUp: false, temperature: null, doorOpen: false });
    expect(sync.online).toBe(false);

    platform.offline = false;
    await vi.advanceTimersByTimeAsync(5000);
    expect(sync.online).toBe(true);
    expect(outbox.retryNow).toHaveBeenCalled();
    expect(lines.some((line) => line.type === 'platform_online')).toBe(true);
    expect(store.cachedConfig()?.config.version).toBe(1);
  });
});

describe('the event stream', () => {
  it('acts on verified events and remembers the last one; a config event pulls the config', async () => {
    const { sync, platform, store, sales, lines } = setup();
    await sync.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(platform.subscriptions).toEqual([undefined]);
    const order = platform.order('r-1', 2, { status: 'paid' });
    platform.push(platform.signEvent({ type: 'payment', saleId: 's-1', orderId: 'o-1', status: 'paid' }));
    platform.push(platform.signEvent({ type: 'remote_vend', order }));
    platform.push(platform.signEvent({ type: 'command', command: 'reboot', commandId: 'c-1', args: {} }));
    platform.configVersion = 3;
    platform.push(platform.signEvent({ type: 'config', version: 3 }));
    await vi.advanceTimersByTimeAsync(0);
    const recorded = sales as RecordingSales;
    expect(recorded.payments).toEqual([['s-1', 'paid']]);
    expect(recorded.remoteVends).toEqual([order]);
    expect(lines.find((line) => line.type === 'command_ignored')).toMatchObject({
      command: 'reboot',
      commandId: 'c-1',
    });
    expect(store.lastEventId()).toBe('4');
    expect(store.cachedConfig()?.config.version).toBe(3);
  });

  it('refuses forged, misaddressed, expired, replayed and mistyped messages', async () => {
    const { sync, platform, store, sales, lines } = setup();
    await sync.start();
    const order = platform.order('r-1', 2, { status: 'paid' });
    const other = generateKeyPairSync('ed25519').privateKey;
    platform.push(platform.signEvent({ type: 'remote_vend', order }, { key: other }));
    platform.push(platform.signEvent({ type: 'remote_vend', order }, { machineId: 'machine-2' }));
    platform.push(platform.signEvent({ type: 'remote_vend', order }, { ttlMs: -1 }));
    const good = platform.signEvent({ type: 'remote_vend', order });
    platform.push(good);
    platform.push(good);
    const mistyped = platform.signEvent({ type: 'remote_vend', order });
    const payload = JSON.parse(mistyped.message.payload) as { type: string };
    expect(payload.type).toBe('event.remote_vend');
    platform.push({ id: '99', message: { payload: 'not json', signature: mistyped.message.signature } });
    expect((sales as RecordingSales).remoteVends).toHaveLength(1);
    expect(lines.filter((line) => line.type === 'event_refused').map((line) => line.reason)).toEqual([
      'forged',
      'misaddressed',
      'expired',
      'replayed',
      'forged',
    ]);
    expect(store.lastEventId()).toBe(good.id);
  });

  it('a forged remote vend dispenses nothing; a real one dispenses once', async () => {
    const store = TerminalStore.open(':memory:');
    store.saveConfig(testConfig(), Date.now());
    const driver = new FakeDriver();
    const logger = new Logger({ write: () => undefined });
    const holder: { sync?: PlatformSync } = {};
    const platformForSales = new FakePlatform();
    const machine = new SaleMachine({
      driver,
      platform: platformForSales,
      store,
      logger,
      outbox: { kick: () => undefined },
    });
    cleanups.push(() => machine.stop());
    await machine.start();
    const { platform, sync } = setup({ store, sales: machine });
    holder.sync = sync;
    await sync.start();
    const order = platform.order('r-9', 5, { status: 'paid' });
    platform.push(
      platform.signEvent({ type: 'remote_vend', order }, { key: generateKeyPairSync('ed25519').privateKey }),
    );
    await machine.idle();
    expect(driver.requests).toEqual([]);
    const real = platform.signEvent({ type: 'remote_vend', order });
    platform.push(real);
    platform.push(real);
    await machine.idle();
    expect(driver.requests).toEqual([{ vendId: order.vendId, channel: 5, price: 500, method: 'host_paid' }]);
    expect(driver.dispensed).toEqual([5]);
  });

  it('resubscribes after the stream is lost, with back-off, from the last event processed', async () => {
    const { sync, platform, lines } = setup();
    await sync.start();
    platform.push(platform.signEvent({ type: 'payment', saleId: 's', orderId: 'o', status: 'expired' }));
    platform.offline = true;
    platform.dropStreams();
    expect(lines.find((line) => line.type === 'events_lost')).toMatchObject({ retryInMs: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(platform.subscriptions).toEqual([undefined, '1']);
    await vi.advanceTimersByTimeAsync(2000);
    expect(platform.subscriptions).toEqual([undefined, '1', '1']);
    platform.offline = false;
    await vi.advanceTimersByTimeAsync(4000);
    expect(platform.subscriptions).toEqual([undefined, '1', '1', '1']);
    expect(platform.subscribed).toBe(1);
  });

  it('resumes after a restart from the event id kept in the store', async () => {
    const store = TerminalStore.open(':memory:');
    store.setLastEventId('41');
    const { sync, platform } = setup({ store });
    await sync.start();
    expect(platform.subscriptions).toEqual(['41']);
  });
});

describe('log upload', () => {
  it('uploads buffered lines in batches; a batch that failed goes again with the same uploadId', async () => {
    const { sync, platform, store } = setup({ sync: { logBatchLines: 2, logUploadMs: 10_000 } });
    const logger = new Logger({ write: () => undefined });
    logger.attach((line, level, at) => store.appendLog(line, level, at.getTime()));
    logger.info('one');
    logger.warn('two');
    logger.info('three');
    platform.failures.set('uploadLogs', 1);
    await sync.uploadLogs();
    await sync.uploadLogs();
    const uploads = platform.callsOf('uploadLogs') as UploadLogsRequest[];
    expect(uploads).toHaveLength(3);
    expect(uploads[0]?.uploadId).toBe(uploads[1]?.uploadId);
    expect(uploads[1]).toMatchObject({ level: 'warn' });
    expect(uploads[1]?.lines.map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(['one', 'two']);
    expect(uploads[2]?.uploadId).not.toBe(uploads[1]?.uploadId);
    expect(uploads[2]?.lines).toHaveLength(1);
    expect(store.bufferedLogLines()).toBe(0);
  });
});
