/**
 * The terminal's standing conversation with the platform, besides the sales themselves:
 * heartbeats with the machine's status and the outbox's depth, the config (pulled at boot,
 * and again whenever a heartbeat or an event says it changed; the cached one serves while
 * the platform is away), the event stream (resumed from the last event processed; every
 * message verified before it is acted on), and the upload of the terminal's own log lines.
 */
import { randomUUID } from 'node:crypto';
import {
  RefusedMessageError,
  type DeviceConfig,
  type DeviceEvent,
  type DeviceOrder,
  type Envelope,
  type HeartbeatRequest,
} from '@vmcloud/protocol/device';
import { errorMessage, type Logger } from '../log.js';
import type { MachineDriver, MachineErrors, MachineInfo } from '../machine/driver.js';
import { DEFAULT_RETRY, retryDelay, type RetrySettings } from '../outbox/outbox.js';
import { asPlatformError, type EventSubscription, type Platform, type RawPlatformEvent } from '../platform/platform.js';
import type { MessageVerifier } from '../platform/verifier.js';
import type { TerminalStore } from '../store/store.js';

/** What the sync hands the sale machine. */
export interface SaleEvents {
  payment(saleId: string, status: 'paid' | 'expired' | 'refunded'): void;
  remoteVend(order: DeviceOrder): void;
}

/** What the sync needs of the outbox. */
export interface OutboxView {
  depth(): number;
  retryNow(): void;
}

export interface PlatformSyncOptions {
  platform: Platform;
  store: TerminalStore;
  driver: Pick<MachineDriver, 'poll' | 'setAccept'>;
  sales: SaleEvents;
  outbox: OutboxView;
  verifier: MessageVerifier;
  logger: Logger;
  appVersion: string;
  machine?: MachineInfo;
  /** Heartbeat period, seconds, instead of the config's (tests). */
  heartbeatSeconds?: number;
  /** Back-off of the event stream's reconnections. */
  eventRetry?: RetrySettings;
  /** How often buffered log lines are uploaded, ms (default 60 s). */
  logUploadMs?: number;
  /** Lines per upload (default 200). */
  logBatchLines?: number;
  now?: () => number;
  random?: () => number;
}

/** The heartbeat period before any config is known, seconds. */
export const DEFAULT_HEARTBEAT_SECONDS = 60;

const ERROR_BITS: (keyof MachineErrors)[] = [
  'coinChanger',
  'billValidator',
  'cashlessReader',
  'temperatureSensor',
  'dropSensor',
  'motorPower',
];

/** STATUS `errors` bits of the serial protocol. */
export function errorBits(errors: MachineErrors): number {
  return ERROR_BITS.reduce((bits, name, bit) => (errors[name] ? bits | (1 << bit) : bits), 0);
}

/** The controller's "no reading" temperature. */
const NO_TEMPERATURE = -32768;

export class PlatformSync {
  readonly #platform: Platform;
  readonly #store: TerminalStore;
  readonly #driver: Pick<MachineDriver, 'poll' | 'setAccept'>;
  readonly #sales: SaleEvents;
  readonly #outbox: OutboxView;
  readonly #verifier: MessageVerifier;
  readonly #logger: Logger;
  readonly #options: PlatformSyncOptions;
  readonly #now: () => number;
  readonly #startedAt: number;
  #online = false;
  #started = false;
  #heartbeatTimer: NodeJS.Timeout | undefined;
  #heartbeatSeconds: number | undefined;
  #eventTimer: NodeJS.Timeout | undefined;
  #logTimer: NodeJS.Timeout | undefined;
  #subscription: EventSubscription | undefined;
  #eventFailures = 0;
  #pulling: Promise<void> | undefined;
  #uploading: Promise<void> | undefined;

  constructor(options: PlatformSyncOptions) {
    this.#platform = options.platform;
    this.#store = options.store;
    this.#driver = options.driver;
    this.#sales = options.sales;
    this.#outbox = options.outbox;
    this.#verifier = options.verifier;
    this.#logger = options.logger;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#startedAt = this.#now();
  }

  /** The platform answered the last call made to it. */
  get online(): boolean {
    return this.#online;
  }

  /** Every answer or failure to reach the platform, from any part of the terminal. */
  reachable(reachable: boolean): void {
    if (reachable === this.#online) return;
    this.#online = reachable;
    if (reachable) {
      this.#logger.info('platform_online');
      this.#outbox.retryNow();
    } else {
      this.#logger.warn('platform_offline', {
        message: 'the platform does not answer; cash and card sales go on and are reported when it is back',
      });
    }
  }

  /** Pulls the config, then heartbeats, listens to events and uploads logs until `stop`. */
  async start(): Promise<void> {
    this.#started = true;
    const cached = this.#store.cachedConfig();
    if (cached) await this.#applyAccept(cached.config);
    await this.pullConfig();
    this.#subscribe();
    this.#scheduleHeartbeat(0);
    const logEvery = this.#options.logUploadMs ?? 60_000;
    this.#logTimer = setInterval(() => void this.uploadLogs(), logEvery);
  }

  stop(): void {
    this.#started = false;
    if (this.#heartbeatTimer) clearTimeout(this.#heartbeatTimer);
    if (this.#eventTimer) clearTimeout(this.#eventTimer);
    if (this.#logTimer) clearInterval(this.#logTimer);
    this.#heartbeatTimer = undefined;
    this.#eventTimer = undefined;
    this.#logTimer = undefined;
    this.#subscription?.close();
    this.#subscription = undefined;
  }

  // ---- config ----

  /** Pulls the config now (one pull at a time); the cached one stays in force if it fails. */
  pullConfig(): Promise<void> {
    this.#pulling ??= this.#pullConfig().finally(() => {
      this.#pulling = undefined;
    });
    return this.#pulling;
  }

  async #pullConfig(): Promise<void> {
    const asOf = this.#now();
    let config: DeviceConfig;
    try {
      config = await this.#platform.config();
    } catch (thrown) {
      const error = asPlatformError(thrown);
      this.reachable(error.code !== 'NETWORK');
      const cached = this.#store.cachedConfig();
      this.#logger.warn('config_unavailable', {
        code: error.code,
        error: error.message,
        using: cached ? `cached version ${cached.config.version}` : 'none: nothing sells until a config arrives',
      });
      return;
    }
    this.reachable(true);
    this.#store.saveConfig(config, asOf);
    await this.#applyAccept(config);
    this.#logger.info('config_applied', {
      version: config.version,
      channels: config.channels.map((channel) => ({
        number: channel.number,
        price: channel.price,
        enabled: channel.enabled,
        stock: this.#store.channel(channel.number)?.stock ?? 0,
      })),
    });
    if (this.#started && this.#heartbeatPeriod() !== this.#heartbeatSeconds) this.#scheduleHeartbeat();
  }

  /** The machine takes the money the config's payment methods name: coins and bills for cash, the reader for card. */
  async #applyAccept(config: DeviceConfig): Promise<void> {
    const methods = config.settings.paymentMethods;
    const accept = {
      coins: methods.includes('cash'),
      bills: methods.includes('cash'),
      cashless: methods.includes('card'),
    };
    try {
      await this.#driver.setAccept(accept);
    } catch (error) {
      this.#logger.warn('accept_not_set', { ...accept, error: errorMessage(error) });
    }
  }

  // ---- heartbeats ----

  #heartbeatPeriod(): number {
    return (
      this.#options.heartbeatSeconds ??
      this.#store.cachedConfig()?.config.settings.heartbeatSeconds ??
      DEFAULT_HEARTBEAT_SECONDS
    );
  }

  #scheduleHeartbeat(delayMs?: number): void {
    if (this.#heartbeatTimer) clearTimeout(this.#heartbeatTimer);
    if (!this.#started) return;
    this.#heartbeatSeconds = this.#heartbeatPeriod();
    this.#heartbeatTimer = setTimeout(
      () => {
        void this.heartbeat().finally(() => this.#scheduleHeartbeat());
      },
      delayMs ?? this.#heartbeatSeconds * 1000,
    );
  }

  /** Sends one heartbeat; pulls the config when its version moved. */
  async heartbeat(): Promise<void> {
    const request: HeartbeatRequest = {
      appVersion: this.#options.appVersion,
      uptimeSeconds: Math.floor((this.#now() - this.#startedAt) / 1000),
      vmcLinkUp: false,
      doorOpen: false,
      temperature: null,
      errors: 0,
      outboxDepth: this.#outbox.depth(),
      ...(this.#options.machine ? { firmware: this.#options.machine.firmware } : {}),
    };
    try {
      const status = await this.#driver.poll();
      request.vmcLinkUp = true;
      request.doorOpen = status.doorOpen;
      request.temperature = status.temperature === NO_TEMPERATURE ? null : status.temperature;
      request.errors = errorBits(status.errors);
    } catch (error) {
      this.#logger.warn('machine_status_unavailable', { error: errorMessage(error) });
    }
    this.#verifier.prune();
    try {
      const answer = await this.#platform.heartbeat(request);
      this.reachable(true);
      this.#logger.log({
        type: 'heartbeat',
        level: 'debug',
        configVersion: answer.configVersion,
        outboxDepth: request.outboxDepth,
      });
      if (answer.configVersion !== this.#store.cachedConfig()?.config.version) await this.pullConfig();
    } catch (thrown) {
      const error = asPlatformError(thrown);
      this.reachable(error.code !== 'NETWORK');
      this.#logger.warn('heartbeat_failed', { code: error.code, error: error.message });
    }
  }

  // ---- events ----

  #subscribe(): void {
    if (!this.#started) return;
    const lastEventId = this.#store.lastEventId();
    this.#subscription = this.#platform.subscribeEvents(lastEventId, {
      onStarted: () => {
        this.#eventFailures = 0;
        this.#logger.info('events_connected', { lastEventId: lastEventId ?? null });
      },
      onEvent: (event) => this.handleEvent(event),
      onError: (error) => {
        this.#subscription?.close();
        this.#subscription = undefined;
        if (!this.#started) return;
        this.#eventFailures += 1;
        const delay = retryDelay(this.#eventFailures, this.#options.eventRetry ?? DEFAULT_RETRY, this.#options.random);
        this.#logger.warn('events_lost', { code: error.code, error: error.message, retryInMs: delay });
        this.#eventTimer = setTimeout(() => {
          this.#eventTimer = undefined;
          this.#subscribe();
        }, delay);
      },
    });
  }

  /** Verifies one pushed message and acts on it; forged, replayed, expired and misaddressed ones are refused. */
  handleEvent(raw: RawPlatformEvent): void {
    let envelope: Envelope<DeviceEvent>;
    try {
      envelope = this.#verifier.open<DeviceEvent>(raw.message, undefined, { remember: false });
      if (!envelope.type.startsWith('event.') || envelope.type !== `event.${String(envelope.body?.type)}`) {
        throw new RefusedMessageError('malformed', `a ${envelope.type} is not an event`);
      }
    } catch (error) {
      if (error instanceof RefusedMessageError && error.reason === 'replayed') {
        this.#logger.info('event_refused', { id: raw.id, reason: error.reason, error: error.message });
        if (raw.id !== '') this.#store.setLastEventId(raw.id);
        return;
      }
      this.#logger.warn('event_refused', {
        id: raw.id,
        reason: error instanceof RefusedMessageError ? error.reason : 'malformed',
        error: errorMessage(error),
      });
      return;
    }
    const event = envelope.body;
    let pull = false;
    this.#store.transaction(() => {
      pull = this.#act(event);
      this.#verifier.remember(envelope);
      this.#store.setLastEventId(raw.id !== '' ? raw.id : envelope.id);
    });
    if (pull) void this.pullConfig();
  }

  /** True when the config must be pulled. */
  #act(event: DeviceEvent): boolean {
    switch (event.type) {
      case 'config':
        this.#logger.info('event', { event: 'config', version: event.version });
        return event.version !== this.#store.cachedConfig()?.config.version;
      case 'payment':
        this.#logger.info('event', { event: 'payment', saleId: event.saleId, status: event.status });
        this.#sales.payment(event.saleId, event.status);
        return false;
      case 'remote_vend':
        this.#logger.info('event', { event: 'remote_vend', saleId: event.order.saleId, channel: event.order.channel });
        this.#sales.remoteVend(event.order);
        return false;
      case 'command':
        this.#logger.info('command_ignored', { command: event.command, commandId: event.commandId, args: event.args });
        return false;
      default:
        this.#logger.warn('event_unknown', { event: (event as { type?: unknown }).type });
        return false;
    }
  }

  // ---- logs ----

  /** Uploads the buffered log lines, batch by batch; a batch sent again keeps its uploadId. */
  uploadLogs(): Promise<void> {
    this.#uploading ??= this.#uploadLogs().finally(() => {
      this.#uploading = undefined;
    });
    return this.#uploading;
  }

  async #uploadLogs(): Promise<void> {
    const max = this.#options.logBatchLines ?? 200;
    for (let batches = 0; batches < 20; batches += 1) {
      const batch = this.#store.nextLogBatch(max, randomUUID);
      if (!batch) return;
      try {
        await this.#platform.uploadLogs(batch);
      } catch (thrown) {
        const error = asPlatformError(thrown);
        if (error.transient) return;
        // Refused for good: dropped, and said on stderr only (buffering the line would upload it again).
        this.#store.dropLogBatch(batch.uploadId);
        process.stderr.write(
          `${JSON.stringify({ type: 'logs_refused', uploadId: batch.uploadId, error: error.message })}\n`,
        );
        continue;
      }
      this.#store.dropLogBatch(batch.uploadId);
    }
  }
}
