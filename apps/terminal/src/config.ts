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
}

export const TERMINAL_CONFIG_DEFAULTS: TerminalConfig = Object.freeze({
  apiUrl: 'http://127.0.0.1:3000',
  serialPath: '/dev/ttyUSB0',
  serialBaud: 9600,
  dataDir: './data/terminal',
});

const TerminalEnv = z.object({
  VMCLOUD_API_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .default(TERMINAL_CONFIG_DEFAULTS.apiUrl),
  VMCLOUD_SERIAL_PATH: z.string().default(TERMINAL_CONFIG_DEFAULTS.serialPath),
  VMCLOUD_SERIAL_BAUD: z
    .string()
    .regex(/^[1-9][0-9]*$/, 'must be a positive integer')
    .transform(Number)
    .pipe(z.int({ error: 'must be a positive integer' }))
    .default(TERMINAL_CONFIG_DEFAULTS.serialBaud),
  VMCLOUD_TERMINAL_DATA_DIR: z.string().default(TERMINAL_CONFIG_DEFAULTS.dataDir),
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

  return {
    apiUrl: result.data.VMCLOUD_API_URL,
    serialPath: result.data.VMCLOUD_SERIAL_PATH,
    serialBaud: result.data.VMCLOUD_SERIAL_BAUD,
    dataDir: result.data.VMCLOUD_TERMINAL_DATA_DIR,
  };
}
