/**
 * A platform for tests: it answers the device procedures from memory, records every call,
 * can be taken offline or made to refuse, and pushes events signed with a platform key of
 * its own (or forged, misaddressed, expired ones).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import {
  signMessage,
  type CreateOrderRequest,
  type DeviceConfig,
  type DeviceEvent,
  type DeviceOrder,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type OrderStatusRequest,
  type PlatformMessage,
  type RecordSalesRequest,
  type RecordedSale,
  type RedeemGiftCodeRequest,
  type ReportVendRequest,
  type UploadLogsRequest,
  type VendStartedRequest,
} from '@vmcloud/protocol/device';
import { vendIdForSale } from '../machine/driver.js';
import {
  PlatformError,
  type EventStreamHandlers,
  type EventSubscription,
  type Platform,
} from '../platform/platform.js';

export const TEST_MACHINE_ID = 'machine-1';

export function testConfig(overrides: Partial<DeviceConfig> = {}): DeviceConfig {
  return {
    version: 1,
    machine: { id: TEST_MACHINE_ID, name: 'Test machine', address: null, boardId: 'FAKE0001', deviceNo: null },
    settings: { heartbeatSeconds: 30, qrExpirySeconds: 120, paymentMethods: ['qr', 'cash', 'card', 'gift_code'] },
    channels: [1, 2, 3, 4, 5, 6].map((number) => ({
      number,
      productId: `product-${number}`,
      productName: `Product ${number}`,
      imageUrl: null,
      price: 100 * number,
      capacity: 10,
      stock: 5,
      restockedAt: '2026-01-01T00:00:00.000Z',
      enabled: true,
      disabledReason: null,
    })),
    ads: [],
    release: null,
    secrets: {},
    ...overrides,
  };
}

export interface PlatformCall {
  procedure: string;
  input: unknown;
}

export class FakePlatform implements Platform {
  readonly platformKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly calls: PlatformCall[] = [];
  readonly orders = new Map<string, DeviceOrder>();
  config_: DeviceConfig = testConfig();
  configVersion = 1;
  /** Every call fails as the network would. */
  offline = false;
  /** Procedures that refuse (BAD_REQUEST) with a message. */
  readonly refusals = new Map<string, string>();
  /** Procedures that fail transiently this many more times. */
  readonly failures = new Map<string, number>();
  qrTtlMs = 120_000;
  now: () => number = Date.now;
  #sequence = 0;
  #subscribers = new Set<EventStreamHandlers>();
  subscriptions: (string | undefined)[] = [];

  constructor() {
    const pair = generateKeyPairSync('ed25519');
    this.platformKey = pair.privateKey;
    this.publicKey = pair.publicKey;
  }

  #enter(procedure: string, input: unknown): void {
    this.calls.push({ procedure, input });
    if (this.offline) throw new PlatformError('transient', 'NETWORK', 'fetch failed');
    const refusal = this.refusals.get(procedure);
    if (refusal !== undefined) throw new PlatformError('refused', 'BAD_REQUEST', refusal);
    const failures = this.failures.get(procedure) ?? 0;
    if (failures > 0) {
      this.failures.set(procedure, failures - 1);
      throw new PlatformError('transient', 'INTERNAL_SERVER_ERROR', 'the platform is having a moment');
    }
  }

  callsOf(procedure: string): unknown[] {
    return this.calls.filter((call) => call.procedure === procedure).map((call) => call.input);
  }

  async heartbeat(request: HeartbeatRequest): Promise<HeartbeatResponse> {
    this.#enter('heartbeat', request);
    return { configVersion: this.configVersion, serverTime: new Date(this.now()).toISOString() };
  }

  async config(): Promise<DeviceConfig> {
    this.#enter('config', {});
    return { ...this.config_, version: this.configVersion };
  }

  order(saleId: string, channel: number, overrides: Partial<DeviceOrder> = {}): DeviceOrder {
    const price = this.config_.channels.find((candidate) => candidate.number === channel)?.price ?? 100;
    const order: DeviceOrder = {
      orderId: `order-${saleId}`,
      orderNo: `NO${this.orders.size + 1}`,
      saleId,
      channel,
      price,
      vendId: vendIdForSale(`order-${saleId}`),
      paymentMethod: 'qr',
      status: 'created',
      qr: null,
      giftCode: null,
      ...overrides,
    };
    this.orders.set(saleId, order);
    return order;
  }

  async createOrder(request: CreateOrderRequest): Promise<DeviceOrder> {
    this.#enter('createOrder', request);
    const existing = this.orders.get(request.saleId);
    if (existing) return existing;
    return this.order(request.saleId, request.channel, {
      qr: {
        content: `https://pay.example/${request.saleId}`,
        expiresAt: new Date(this.now() + this.qrTtlMs).toISOString(),
      },
    });
  }

  async orderStatus(request: OrderStatusRequest): Promise<DeviceOrder> {
    this.#enter('orderStatus', request);
    const order = this.orders.get(request.saleId);
    if (!order) throw new PlatformError('refused', 'NOT_FOUND', 'no such order');
    return order;
  }

  /** The customer paid the order (the platform learns it from the payment provider). */
  pay(saleId: string): DeviceOrder {
    const order = this.orders.get(saleId);
    if (!order) throw new Error(`no order for sale ${saleId}`);
    order.status = 'paid';
    return order;
  }

  async vendStarted(request: VendStartedRequest): Promise<DeviceOrder> {
    this.#enter('vendStarted', request);
    const order = this.orders.get(request.saleId);
    if (!order) throw new PlatformError('refused', 'NOT_FOUND', 'no such order');
    order.status = 'vending';
    return order;
  }

  async reportVend(request: ReportVendRequest): Promise<DeviceOrder> {
    this.#enter('reportVend', request);
    const order = this.orders.get(request.saleId);
    if (!order) throw new PlatformError('refused', 'NOT_FOUND', 'no such order');
    order.status = request.dispensed ? 'completed' : 'failed';
    return order;
  }

  async recordSales(request: RecordSalesRequest): Promise<{ sales: RecordedSale[] }> {
    this.#enter('recordSales', request);
    return {
      sales: request.sales.map((sale) => ({
        saleId: sale.saleId,
        orderId: `order-${sale.saleId}`,
        status: sale.dispensed ? 'completed' : 'failed',
        flags: [],
        giftCode: null,
      })),
    };
  }

  async redeemGiftCode(request: RedeemGiftCodeRequest): Promise<DeviceOrder> {
    this.#enter('redeemGiftCode', request);
    return this.order(request.saleId, request.channel, { paymentMethod: 'gift_code', status: 'paid', price: 0 });
  }

  async uploadLogs(request: UploadLogsRequest): Promise<{ stored: boolean }> {
    this.#enter('uploadLogs', request);
    return { stored: true };
  }

  subscribeEvents(lastEventId: string | undefined, handlers: EventStreamHandlers): EventSubscription {
    this.subscriptions.push(lastEventId);
    if (this.offline) {
      queueMicrotask(() => handlers.onError(new PlatformError('transient', 'NETWORK', 'fetch failed')));
      return { close: () => undefined };
    }
    this.#subscribers.add(handlers);
    queueMicrotask(() => handlers.onStarted?.());
    return { close: () => this.#subscribers.delete(handlers) };
  }

  get subscribed(): number {
    return this.#subscribers.size;
  }

  /** Drops every event stream with an error. */
  dropStreams(): void {
    for (const handlers of [...this.#subscribers]) {
      this.#subscribers.delete(handlers);
      handlers.onError(new PlatformError('transient', 'NETWORK', 'stream lost'));
    }
  }

  /** A signed event for this machine (options make it expired, misaddressed or forged). */
  signEvent(
    event: DeviceEvent,
    options: { id?: string; machineId?: string; ttlMs?: number; key?: KeyObject } = {},
  ): { id: string; message: PlatformMessage } {
    this.#sequence += 1;
    const id = options.id ?? String(this.#sequence);
    const now = this.now();
    const message = signMessage(
      {
        machineId: options.machineId ?? TEST_MACHINE_ID,
        id,
        type: `event.${event.type}`,
        issuedAt: new Date(now).toISOString(),
        expiresAt: new Date(now + (options.ttlMs ?? 60_000)).toISOString(),
        body: event,
      },
      options.key ?? this.platformKey,
    );
    return { id, message };
  }

  /** Pushes an event (signed as `signEvent` makes it) down every open stream. */
  push(event: { id: string; message: PlatformMessage }): void {
    for (const handlers of this.#subscribers) handlers.onEvent(event);
  }
}
