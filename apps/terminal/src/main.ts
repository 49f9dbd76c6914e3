/**
 * The terminal's command line:
 *
 *   node dist/main.js                 sell through the platform (after activation); stdin takes
 *                                     the kiosk's customer actions: select N, gift N CODE, cancel
 *   node dist/main.js --activate CODE activate this terminal once with a one-time code
 *
 * Settings come from the environment (README, "Configuration"). Logs are JSON lines on
 * stdout; a failure to start is one line on stderr and exit code 1.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { TerminalApp } from './app.js';
import { loadTerminalConfig } from './config.js';
import { activateTerminal, loadIdentity } from './identity/identity.js';
import { kioskInput } from './kiosk-input.js';
import { Logger, errorMessage } from './log.js';
import { connectMachine } from './machine/connect.js';
import type { MachineDriver } from './machine/driver.js';
import { activateDevice } from './platform/trpc-platform.js';

const USAGE = `usage: node dist/main.js [--activate CODE]

  (no option)       run the terminal: sell through the platform
  --activate CODE   activate this terminal with the one-time code from the console
`;

function appVersion(): string {
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

class UsageError extends Error {}

function parseArgs(args: string[]): { activate?: string } {
  if (args.length === 0) return {};
  if (args[0] === '--help' || args[0] === '-h') throw new UsageError('');
  if (args[0] === '--activate') {
    const code = args[1];
    if (code === undefined || code === '' || args.length > 2)
      throw new UsageError('--activate takes one activation code');
    return { activate: code };
  }
  throw new UsageError(`unknown argument ${JSON.stringify(args[0])}`);
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let args: { activate?: string };
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message === '') {
        process.stdout.write(USAGE);
        return;
      }
      fail(`${error.message}\n${USAGE}`);
    }
    throw error;
  }

  const config = loadTerminalConfig(process.env);
  const logger = new Logger();
  const version = appVersion();

  if (args.activate !== undefined) {
    const driver = await connectMachine({ path: config.serialPath, baudRate: config.serialBaud });
    try {
      const identity = await activateTerminal({
        dataDir: config.dataDir,
        driver,
        activationCode: args.activate,
        appVersion: version,
        activate: (request) => activateDevice(config.apiUrl, request),
      });
      logger.info('activated', {
        machineId: identity.machineId,
        tenantId: identity.tenantId,
        boardId: identity.boardId,
        keyId: identity.keyId,
        message: `activated: this terminal is machine ${identity.machineId} (board ${identity.boardId})`,
      });
    } finally {
      await driver.close();
    }
    return;
  }

  const identity = loadIdentity(config.dataDir);
  if (!identity) {
    fail(
      `This terminal is not activated (no identity in ${config.dataDir}).\n` +
        'Activate it once with the one-time code from the console: node dist/main.js --activate CODE',
    );
  }

  logger.info('config', { config });
  // A serial device, or a simulated machine's socket (tcp://host:port) from `npm run simulate`.
  const driver: MachineDriver = await connectMachine({ path: config.serialPath, baudRate: config.serialBaud });
  let app: TerminalApp;
  try {
    app = await TerminalApp.start({ config, identity, driver, logger, appVersion: version });
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
  // Until the kiosk screen exists, its customer actions come in as lines on stdin.
  createInterface({ input: process.stdin }).on('line', (line) => kioskInput(line, app.sales, logger));
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info('shutdown', { signal });
    void app.stop().then(
      () => process.exit(0),
      (error: unknown) => fail(`the terminal did not stop cleanly: ${errorMessage(error)}`),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main().then(
  () => {
    if (process.argv.includes('--activate')) process.exit(0);
  },
  (error: unknown) => fail(errorMessage(error)),
);
