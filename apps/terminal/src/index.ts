/**
 * The terminal app as a library: the machine driver the sale logic talks to, the serial
 * ports (real, or a simulated machine's socket) it runs over, and the parts that sell
 * through the platform (the store, the outbox, the sale machine, the platform client).
 */
export * from './machine/index.js';
export * from './serial/index.js';
export { loadTerminalConfig, TERMINAL_CONFIG_DEFAULTS, type TerminalConfig } from './config.js';
export { Logger, type LogEntry, type LogLevel } from './log.js';
export { TerminalStore, type SaleRecord, type SaleState, type Report, type ReportKind } from './store/store.js';
export { Outbox, retryDelay, type RetrySettings } from './outbox/outbox.js';
export { SaleMachine, type SaleMachineState, type SaleMachineOptions, type QrView } from './sale/sale-machine.js';
export { PlatformSync, type PlatformSyncOptions } from './sync/platform-sync.js';
export {
  PlatformError,
  type Platform,
  type PlatformFailure,
  type RawPlatformEvent,
  type EventStreamHandlers,
} from './platform/platform.js';
export { TrpcPlatform, activateDevice, signingFetch, trpcUrl } from './platform/trpc-platform.js';
export { MessageVerifier } from './platform/verifier.js';
export { activateTerminal, loadIdentity, type Identity } from './identity/identity.js';
export { TerminalApp, type TerminalAppOptions } from './app.js';
