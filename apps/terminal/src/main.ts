import { loadTerminalConfig } from './config.js';
import { connectMachine } from './machine/connect.js';
import type { MachineDriverEventName } from './machine/driver.js';

const EVENTS: readonly MachineDriverEventName[] = [
  'hello',
  'rebooted',
  'credit',
  'selection',
  'event',
  'vend_result',
  'link_down',
  'link_up',
];

function log(entry: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...entry })}\n`);
}

try {
  const config = loadTerminalConfig(process.env);
  log({ type: 'config', config });
  // A serial device, or a simulated machine's socket (tcp://host:port) from `npm run simulate`.
  const driver = await connectMachine({ path: config.serialPath, baudRate: config.serialBaud });
  for (const event of EVENTS) driver.on(event, (payload) => log({ type: event, payload }));
  const info = await driver.open();
  log({ type: 'machine', info });
  const stop = (): void => {
    void driver.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
