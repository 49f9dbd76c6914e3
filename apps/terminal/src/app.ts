/**
 * The terminal put together: the store, the machine, the platform client, the outbox, the
 * sale machine and the sync with the platform, started in that order and stopped in the
 * reverse one.
 */
import { join } from 'node:path';
import type { TerminalConfig } from './config.js';
import type { Identity } from './identity/identity.js';
import { errorMessage, type Logger } from './log.js';
import type { MachineDriver, MachineInfo } from './machine/driver.js';
import { Outbox } from './outbox/outbox.js';
import type { Platform } from './platform/platform.js';
import { TrpcPlatform } from './platform/trpc-platform.js';
import { MessageVerifier } from './platform/verifier.js';
import { PlatformClock } from './platform/platform-clock.js';
import { SaleMachine } from './sale/sale-machine.js';
import { TerminalStore } from './store/store.js';
import { PlatformSync } from './sync/platform-sync.js';

export const STORE_FILE = 'terminal.db';

export interface TerminalAppOptions {
  config: TerminalConfig;
  identity: Identity;
  driver: MachineDriver;
  logger: Logger;
  appVersion: string;
  /** The platform (default: the device API at `config.apiUrl`, signed with the identity's key). */
  platform?: (verifier: MessageVerifier) => Platform;
  /** The store (default: `terminal.db` in the data directory). */
  store?: TerminalStore;
  now?: () => number;
}

export class TerminalApp {
  readonly store: TerminalStore;
  readonly outbox: Outbox;
  readonly sales: SaleMachine;
  readonly sync: PlatformSync;
  readonly machine: MachineInfo;
  readonly #driver: MachineDriver;
  readonly #logger: Logger;

  private constructor(parts: {
    store: TerminalStore;
    outbox: Outbox;
    sales: SaleMachine;
    sync: PlatformSync;
    machine: MachineInfo;
    driver: MachineDriver;
    logger: Logger;
  }) {
    this.store = parts.store;
    this.outbox = parts.outbox;
    this.sales = parts.sales;
    this.sync = parts.sync;
    this.machine = parts.machine;
    this.#driver = parts.driver;
    this.#logger = parts.logger;
  }

  /** Opens the machine and the store, settles what an earlier run left, and starts selling. */
  static async start(options: TerminalAppOptions): Promise<TerminalApp> {
    const { config, identity, driver, logger } = options;
    const now = options.now ?? Date.now;
    const store = options.store ?? TerminalStore.open(join(config.dataDir, STORE_FILE));
    logger.attach((line, level, at) => store.appendLog(line, level, at.getTime()));
    try {
      const machine = await driver.open();
      logger.info('machine', { ...machine });
      if (identity.boardId && machine.boardId !== identity.boardId) {
        logger.warn('board_changed', {
          activatedWith: identity.boardId,
          now: machine.boardId,
          message: 'the controller board is not the one this terminal was activated with',
        });
      }
      // Answers are checked, and calls signed, by the platform's time as its answers tell it.
      const clock = new PlatformClock({
        local: now,
        onChange: (offsetMs) =>
          logger.warn('clock_offset', {
            offsetMs,
            message: 'this machine’s clock is off from the platform’s; calls are signed with the platform’s time',
          }),
      });
      const verifier = new MessageVerifier({
        platformKey: identity.platformKey,
        machineId: identity.machineId,
        seen: store,
        now: () => clock.now(),
      });
      const platform =
        options.platform?.(verifier) ??
        new TrpcPlatform({
          apiUrl: config.apiUrl,
          key: { keyId: identity.keyId, privateKey: identity.signingKey },
          verifier,
          clock,
        });
      const holder: { sync?: PlatformSync } = {};
      const outbox = new Outbox({
        store,
        platform,
        logger,
        now,
        retry: { minMs: config.outboxRetryMs, maxMs: config.outboxRetryMaxMs },
        onReachable: (reachable) => holder.sync?.reachable(reachable),
        onAcknowledged: (report, answer) => {
          const gift = (answer as { giftCode?: { code: string; value: number; expiresAt: string } | null } | undefined)
            ?.giftCode;
          if (gift) logger.info('gift_code_won', { saleId: report.saleId, ...gift });
        },
      });
      const sales = new SaleMachine({
        driver,
        platform,
        store,
        outbox,
        logger,
        now,
        online: () => holder.sync?.online ?? false,
        qrPollMs: config.qrPollMs,
      });
      const sync = new PlatformSync({
        platform,
        store,
        driver,
        sales,
        outbox,
        verifier,
        logger,
        appVersion: options.appVersion,
        machine,
        logUploadMs: config.logUploadSeconds * 1000,
        ...(config.heartbeatSeconds === undefined ? {} : { heartbeatSeconds: config.heartbeatSeconds }),
        now,
      });
      holder.sync = sync;
      outbox.start();
      await sync.start();
      await sales.start();
      logger.info('terminal_started', {
        machineId: identity.machineId,
        boardId: machine.boardId,
        outboxDepth: outbox.depth(),
        online: sync.online,
      });
      return new TerminalApp({ store, outbox, sales, sync, machine, driver, logger });
    } catch (error) {
      logger.attach(null);
      store.close();
      throw error;
    }
  }

  /** Stops selling and closes the machine and the store; a sale under way stays journaled for the next start. */
  async stop(): Promise<void> {
    this.sales.stop();
    this.sync.stop();
    this.outbox.stop();
    try {
      await this.#driver.close();
    } catch (error) {
      this.#logger.warn('machine_close_failed', { error: errorMessage(error) });
    }
    this.#logger.info('terminal_stopped');
    this.#logger.attach(null);
    this.store.close();
  }
}
