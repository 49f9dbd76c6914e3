/**
 * The demo fleet of `npm start` outside production: the simulator's fleet
 * (apps/simulator, `fleet-main.js`) as a child process that sets up three simulated
 * machines on this API, runs their terminals and sends them customers. Its lines are
 * forwarded to our stdout; it is stopped with the API.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from './log.js';

/** The built fleet, next to the built API in the repository. */
export const FLEET_MAIN = fileURLToPath(new URL('../../simulator/dist/fleet-main.js', import.meta.url));

export interface DemoFleet {
  /** Stops the fleet (SIGTERM, then SIGKILL after `graceMs`) and resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/** The URL the fleet reaches the API at: a wildcard address is reached on the loopback. */
export function localApiUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Starts the fleet for the API at `apiUrl`; undefined (after one warning) when it is not built. */
export function startDemoFleet(apiUrl: string, log: Logger, main: string = FLEET_MAIN): DemoFleet | undefined {
  if (!existsSync(main)) {
    log.warn('no demo fleet: the simulator is not built (npm start builds it; VMCLOUD_DEMO_FLEET=off turns it off)', {
      path: main,
    });
    return undefined;
  }
  const child = spawn(process.execPath, [main, '--api', apiUrl], { stdio: ['ignore', 'pipe', 'pipe'] });
  createInterface({ input: child.stdout }).on('line', (line) => process.stdout.write(`${line}\n`));
  createInterface({ input: child.stderr }).on('line', (line) => process.stderr.write(`[fleet] ${line}\n`));
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    child.once('error', (error) => {
      log.warn('the demo fleet did not start', { error: error.message });
      resolve();
    });
    child.once('exit', (code, signal) => {
      if (!stopping) log.warn('the demo fleet stopped', { code, signal });
      resolve();
    });
  });
  return {
    async stop(graceMs = 20_000) {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(kill);
    },
  };
}
