/**
 * The API's configuration, from environment variables, validated at start. Every
 * variable has a default that runs the platform on the embedded SQLite database.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes, type KeyObject } from 'node:crypto';
import { developmentSigningKey, parseSigningKey } from './devices/platform-key.js';
import { DEFAULT_DATABASE_URL, parseMasterKey } from '@vmcloud/db';
import { z } from 'zod';

const Env = z.object({
  DATABASE_URL: z
    .string()
    .trim()
    .min(1)
    .default(DEFAULT_DATABASE_URL)
    .refine((url) => !/^[a-z]+:\/\//i.test(url) || /^mysql:\/\//i.test(url), {
      message: 'must be a SQLite path (file:./data/vmcloud.db) or a mysql:// URL',
    }),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  VMCLOUD_MASTER_KEY: z.string().trim().optional(),
  VMCLOUD_MASTER_KEY_FILE: z.string().trim().default('./data/master.key'),
  VMCLOUD_SEED: z.enum(['auto', 'never', 'demo']).default('auto'),
  VMCLOUD_ADMIN_PASSWORD: z
    .string()
    .regex(/^[A-Za-z0-9_]{8,25}$/, 'must be 8-25 letters, digits or underscores')
    .optional(),
  VMCLOUD_TRUSTED_PROXIES: z.string().optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  SESSION_TTL_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 90)
    .default(12),
  COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  VMCLOUD_SIGNING_KEY: z.string().trim().optional(),
  VMCLOUD_SIGNING_KEY_FILE: z.string().trim().default('./data/signing.key'),
  VMCLOUD_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  VMCLOUD_ALLOWED_ORIGINS: z.string().optional(),
  VMCLOUD_HEARTBEAT_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  VMCLOUD_QR_EXPIRY_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  VMCLOUD_PAYMENT_QUERY_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  NODE_ENV: z.string().default('development'),
  VMCLOUD_DEMO_FLEET: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(
      z.enum(['on', 'off'], {
        error: 'must be on or off (on: npm start also runs three simulated machines selling, outside production)',
      }),
    )
    .default('on'),
});

export interface ApiConfig {
  databaseUrl: string;
  host: string;
  port: number;
  /** Where the master key comes from, and the key itself (32 bytes). */
  masterKey: { source: 'env' | 'file'; key: Buffer; path?: string };
  /**
   * What `start` seeds on an empty database: `auto` the demo (outside production) or the
   * platform and its administrator only (production); `demo` the demo even in production;
   * `never` nothing.
   */
  seed: 'auto' | 'never' | 'demo';
  /** NODE_ENV=production. */
  production: boolean;
  /** The platform administrator's first password (VMCLOUD_ADMIN_PASSWORD); null: a one-time one is printed. */
  adminPassword: string | null;
  /** Proxies (addresses) whose X-Forwarded-For names the client (VMCLOUD_TRUSTED_PROXIES, comma-separated). */
  trustedProxies: string[];
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** How long a session lasts, in milliseconds. */
  sessionTtlMs: number;
  /** Send the session cookie with `Secure` (the API is behind HTTPS); COOKIE_SECURE, by default on in production. */
  secureCookies: boolean;
  /** The platform's Ed25519 key that signs what terminals receive. */
  signingKey: { source: 'env' | 'file'; key: KeyObject; path?: string };
  /** The platform's address as phones, terminals and payment providers reach it; null: http://HOST:PORT. */
  publicUrl: string | null;
  /**
   * Origins besides the API's own whose pages may call it with the session cookie
   * (VMCLOUD_ALLOWED_ORIGINS, comma-separated; VMCLOUD_PUBLIC_URL's origin is one anyway).
   */
  allowedOrigins: string[];
  heartbeatSeconds: number;
  qrExpirySeconds: number;
  paymentQueryAfterSeconds: number;
  /** `start` also runs the demo fleet (simulated machines and their terminals); never in production. */
  demoFleet: boolean;
}

export class ConfigError extends Error {
  constructor(issues: string[]) {
    super(`invalid configuration:\n${issues.map((i) => `  ${i}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads the configuration. Without VMCLOUD_MASTER_KEY, a development install keeps a
 * generated key in VMCLOUD_MASTER_KEY_FILE; production refuses to start without one.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  let masterKey: ApiConfig['masterKey'];
  if (e.VMCLOUD_MASTER_KEY) {
    try {
      masterKey = { source: 'env', key: parseMasterKey(e.VMCLOUD_MASTER_KEY) };
    } catch (error) {
      throw new ConfigError([`VMCLOUD_MASTER_KEY: ${(error as Error).message}`]);
    }
  } else if (e.NODE_ENV === 'production') {
    throw new ConfigError(['VMCLOUD_MASTER_KEY: required in production (64 hex characters or base64 of 32 bytes)']);
  } else {
    masterKey = { source: 'file', ...developmentMasterKey(resolve(e.VMCLOUD_MASTER_KEY_FILE)) };
  }
  return {
    databaseUrl: e.DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    masterKey,
    seed: e.VMCLOUD_SEED,
    production: e.NODE_ENV === 'production',
    adminPassword: e.VMCLOUD_ADMIN_PASSWORD ?? null,
    trustedProxies: (e.VMCLOUD_TRUSTED_PROXIES ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter((a) => a !== ''),
    logLevel: e.LOG_LEVEL,
    sessionTtlMs: Math.round(e.SESSION_TTL_HOURS * 3_600_000),
    secureCookies: e.COOKIE_SECURE === undefined ? e.NODE_ENV === 'production' : e.COOKIE_SECURE === 'true',
    signingKey: signingKeyOf(e),
    publicUrl: e.VMCLOUD_PUBLIC_URL ?? null,
    allowedOrigins: allowedOriginsOf(e),
    heartbeatSeconds: e.VMCLOUD_HEARTBEAT_SECONDS,
    qrExpirySeconds: e.VMCLOUD_QR_EXPIRY_SECONDS,
    paymentQueryAfterSeconds: e.VMCLOUD_PAYMENT_QUERY_SECONDS,
    demoFleet: e.VMCLOUD_DEMO_FLEET === 'on' && e.NODE_ENV !== 'production',
  };
}

/** The origins of VMCLOUD_PUBLIC_URL and VMCLOUD_ALLOWED_ORIGINS (`https://host[:port]`, no path). */
export function allowedOriginsOf(env: { VMCLOUD_PUBLIC_URL?: string; VMCLOUD_ALLOWED_ORIGINS?: string }): string[] {
  const origins = new Set<string>();
  if (env.VMCLOUD_PUBLIC_URL) origins.add(new URL(env.VMCLOUD_PUBLIC_URL).origin);
  const bad: string[] = [];
  for (const entry of (env.VMCLOUD_ALLOWED_ORIGINS ?? '').split(',')) {
    const value = entry.trim();
    if (value === '') continue;
    let url: URL | undefined;
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || url.origin !== value.replace(/\/$/, '')) bad.push(value);
    else origins.add(url.origin);
  }
  if (bad.length > 0) {
    throw new ConfigError([
      `VMCLOUD_ALLOWED_ORIGINS: ${bad.join(', ')}: each must be an origin such as https://console.example.com (scheme, host and port only)`,
    ]);
  }
  return [...origins];
}

/**
 * The platform's signing key: VMCLOUD_SIGNING_KEY, required in production; in development
 * a key file made on the first start.
 */
function signingKeyOf(e: z.infer<typeof Env>): ApiConfig['signingKey'] {
  if (e.VMCLOUD_SIGNING_KEY) {
    try {
      return { source: 'env', key: parseSigningKey(e.VMCLOUD_SIGNING_KEY) };
    } catch (error) {
      throw new ConfigError([`VMCLOUD_SIGNING_KEY: ${(error as Error).message}`]);
    }
  }
  if (e.NODE_ENV === 'production') {
    throw new ConfigError(['VMCLOUD_SIGNING_KEY: required in production (an Ed25519 private key, PKCS#8 PEM)']);
  }
  const path = resolve(e.VMCLOUD_SIGNING_KEY_FILE);
  try {
    return { source: 'file', key: developmentSigningKey(path), path };
  } catch (error) {
    throw new ConfigError([`VMCLOUD_SIGNING_KEY_FILE (${path}): ${(error as Error).message}`]);
  }
}

function developmentMasterKey(path: string): { key: Buffer; path: string } {
  if (existsSync(path)) {
    try {
      return { key: parseMasterKey(readFileSync(path, 'utf8')), path };
    } catch (error) {
      throw new ConfigError([`VMCLOUD_MASTER_KEY_FILE (${path}): ${(error as Error).message}`]);
    }
  }
  const key = randomBytes(32);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${key.toString('hex')}\n`, { mode: 0o600 });
  return { key, path };
}
