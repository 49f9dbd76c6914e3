import { z } from 'zod';

/** The terminal's configuration, resolved from environment variables. */
export interface TerminalConfig {
  /** Base URL of the VMCloud API. */
  readonly apiUrl: string;
  /** Serial device of the link to the vending machine controller. */
  readonly serialPath: string;
  /** Baud rate of the serial link. */
  readonly serialBaud: number;
  /** Directory for the terminal's own durable state (outbox, keys, config cache). */
  readonly dataDir: string;
  /** Heartbeat period in seconds instead of the config's `heartbeatSeconds` (tests); undefined: the config's. */
  readonly heartbeatSeconds: number | undefined;
  /** The outbox's first retry delay, ms; it doubles up to `outboxRetryMaxMs`. */
  readonly outboxRetryMs: number;
  readonly outboxRetryMaxMs: number;
  /** How often a QR order's status is asked while it waits to be paid, ms. */
  readonly qrPollMs: number;
  /** How often the terminal's buffered log lines are uploaded, seconds. */
  readonly logUploadSeconds: number;
}

export const TERMINAL_CONFIG_DEFAULTS: TerminalConfig = Object.freeze({
  apiUrl: 'http://127.0.0.1:3000',
  serialPath: '/dev/ttyUSB0',
  serialBaud: 9600,
  dataDir: './data/terminal',
  heartbeatSeconds: undefined,
  outboxRetryMs: 1000,
  outboxRetryMaxMs: 60_000,
  qrPollMs: 3000,
  logUploadSeconds: 60,
});

/** A positive integer written in decimal digits. */
function positiveInt() {
  return z
    .string()
    .regex(/^[1-9][0-9]*$/, 'must be a positive integer')
    .transform(Number)
    .pipe(z.int({ error: 'must be a positive integer' }));
}

const TerminalEnv = z.object({
  VMCLOUD_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default(TERMINAL_CONFIG_DEFAULTS.apiUrl),
  VMCLOUD_SERIAL_PATH: z.string().default(TERMINAL_CONFIG_DEFAULTS.serialPath),
  VMCLOUD_SERIAL_BAUD: positiveInt().default(TERMINAL_CONFIG_DEFAULTS.serialBaud),
  VMCLOUD_TERMINAL_DATA_DIR: z.string().default(TERMINAL_CONFIG_DEFAULTS.dataDir),
  VMCLOUD_HEARTBEAT_SECONDS: positiveInt().optional(),
  VMCLOUD_OUTBOX_RETRY_MS: positiveInt().default(TERMINAL_CONFIG_DEFAULTS.outboxRetryMs),
  VMCLOUD_OUTBOX_RETRY_MAX_MS: positiveInt().default(TERMINAL_CONFIG_DEFAULTS.outboxRetryMaxMs),
  VMCLOUD_QR_POLL_MS: positiveInt().default(TERMINAL_CONFIG_DEFAULTS.qrPollMs),
  VMCLOUD_LOG_UPLOAD_SECONDS: positiveInt().default(TERMINAL_CONFIG_DEFAULTS.logUploadSeconds),
});

type TerminalEnvName = keyof typeof TerminalEnv.shape;

const ENV_NAMES = Object.keys(TerminalEnv.shape) as TerminalEnvName[];

/**
 * Reads the terminal's configuration from environment variables. A variable that is
 * unset or empty takes its default. Throws an Error that names every invalid variable
 * with its reason.
 */
export function loadTerminalConfig(env: Readonly<Record<string, string | undefined>>): TerminalConfig {
  const input: Partial<Record<TerminalEnvName, string>> = {};
  for (const name of ENV_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== '') input[name] = value;
  }

  const result = TerminalEnv.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(['Invalid terminal configuration:', ...problems].join('\n'));
  }
  // In production the terminal talks only HTTPS: on plain HTTP anyone on the way could
  // read and replay what it sends, and it would activate against whoever answers.
  const api = new URL(result.data.VMCLOUD_API_URL);
  const loopback = api.hostname === '127.0.0.1' || api.hostname === 'localhost' || api.hostname === '[::1]';
  if (env.NODE_ENV === 'production' && api.protocol !== 'https:' && !loopback) {
    throw new Error('Invalid terminal configuration:\n  VMCLOUD_API_URL: must be an https:// URL in production');
  }
  if (result.data.VMCLOUD_OUTBOX_RETRY_MAX_MS < result.data.VMCLOUD_OUTBOX_RETRY_MS) {
    throw new Error(
      'Invalid terminal configuration:\n  VMCLOUD_OUTBOX_RETRY_MAX_MS: must not be less than VMCLOUD_OUTBOX_RETRY_MS',
    );
  }

  return {
    apiUrl: result.data.VMCLOUD_API_URL,
    serialPath: result.data.VMCLOUD_SERIAL_PATH,
    serialBaud: result.data.VMCLOUD_SERIAL_BAUD,
    dataDir: result.data.VMCLOUD_TERMINAL_DATA_DIR,
    heartbeatSeconds: result.data.VMCLOUD_HEARTBEAT_SECONDS,
    outboxRetryMs: result.data.VMCLOUD_OUTBOX_RETRY_MS,
    outboxRetryMaxMs: result.data.VMCLOUD_OUTBOX_RETRY_MAX_MS,
    qrPollMs: result.data.VMCLOUD_QR_POLL_MS,
    logUploadSeconds: result.data.VMCLOUD_LOG_UPLOAD_SECONDS,
  };
}
