import { loadTerminalConfig } from './config.js';

try {
  const config = loadTerminalConfig(process.env);
  process.stdout.write(`${JSON.stringify(config)}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
