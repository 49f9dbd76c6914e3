/**
 * What the device channel needs beside the database, made once per API process: the
 * platform's signing key, the hub that wakes terminals' event streams, the payment
 * providers, and the timings (settable, so that tests run in seconds).
 */
import type { DbHandle } from '@vmcloud/db';
import type { KeyObject } from 'node:crypto';
import type { PaymentProviders } from '../payments/provider.js';
import { SandboxProvider, sandboxSecret } from '../payments/sandbox.js';
import { EventHub } from './hub.js';
import { HeartbeatBatcher } from './heartbeat.js';
import { DeviceKeyCache } from './identity.js';
import { platformSigner, type PlatformSigner } from './platform-key.js';

export interface DeviceSettings {
  /** How often terminals send a heartbeat; a machine is offline after 3 missed. */
  heartbeatSeconds: number;
  /** How long a customer has to pay a QR code. */
  qrExpirySeconds: number;
  /** Ask the provider about a QR payment when no notification came this long after the QR was shown. */
  paymentQueryAfterSeconds: number;
  /** The platform's address as phones and providers reach it (QR pages, notify URLs). */
  publicUrl: string;
  /** Longest an event stream stays quiet before it looks in the database again (other API instances' events). */
  eventPollSeconds: number;
}

export const DEFAULT_DEVICE_SETTINGS: Omit<DeviceSettings, 'publicUrl'> = {
  heartbeatSeconds: 30,
  qrExpirySeconds: 120,
  paymentQueryAfterSeconds: 10,
  eventPollSeconds: 15,
};

export interface DeviceServices {
  signer: PlatformSigner;
  /** Writes heartbeats that arrive together in one transaction. */
  heartbeats: HeartbeatBatcher;
  hub: EventHub;
  /** Terminals' registered keys as recently read. */
  keys: DeviceKeyCache;
  providers: PaymentProviders;
  /** The built-in sandbox provider (also `providers.sandbox`): its pay page and notifications. */
  sandbox: SandboxProvider;
  settings: DeviceSettings;
}

export interface DeviceServicesOptions {
  db: DbHandle;
  now: () => Date;
  signingKey: KeyObject;
  settings: Partial<DeviceSettings> & { publicUrl: string };
  /** First retry of a sandbox notification nobody acknowledged (default 1000 ms). */
  sandboxRetryMs?: number;
}

export function createDeviceServices(options: DeviceServicesOptions): DeviceServices {
  const signer = platformSigner(options.signingKey);
  const settings: DeviceSettings = { ...DEFAULT_DEVICE_SETTINGS, ...options.settings };
  const sandbox = new SandboxProvider({
    db: options.db,
    now: options.now,
    publicUrl: () => settings.publicUrl,
    secret: sandboxSecret(options.signingKey),
    retryMs: options.sandboxRetryMs,
  });
  return {
    signer,
    hub: new EventHub(),
    keys: new DeviceKeyCache(),
    heartbeats: new HeartbeatBatcher(options.db, options.now),
    settings,
    sandbox,
    providers: { sandbox },
  };
}
