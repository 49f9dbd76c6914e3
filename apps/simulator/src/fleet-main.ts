/**
 * The demo fleet on the command line (`npm start` runs it next to the API outside
 * production):
 *
 *   node apps/simulator/dist/fleet-main.js --api http://127.0.0.1:3000 [--dir ./data/fleet]
 *       [--machines 3] [--seed N]
 *
 * `--dir` defaults to VMCLOUD_FLEET_DIR, else ./data/fleet. Logs one line per event on
 * stdout, prefixed [fleet]. SIGINT/SIGTERM (or the parent process going away) stop the
 * customers, the terminals and the machines.
 */
import { parseArgs } from 'node:util';
import { errorText, startFleet, type Fleet } from './fleet/index.js';

const say = (line: string): void => console.log(`[fleet] ${line}`);

function options() {
  const { values } = parseArgs({
    options: {
      api: { type: 'string' },
      dir: { type: 'string' },
      machines: { type: 'string' },
      seed: { type: 'string' },
    },
    strict: true,
  });
  const apiUrl = (values.api ?? process.env.VMCLOUD_API_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(apiUrl)) throw new Error(`--api must be an http:// URL, got ${apiUrl}`);
  const machines = Number(values.machines ?? 3);
  if (!Number.isInteger(machines) || machines < 1 || machines > 20) throw new Error('--machines must be 1 to 20');
  // Each start its own day, unless a seed is given (the log names it, to see that day again).
  const seed = Number(values.seed ?? Math.floor(Math.random() * 1_000_000));
  if (!Number.isInteger(seed) || seed < 0) throw new Error('--seed must be a whole number');
  return { apiUrl, dir: values.dir ?? process.env.VMCLOUD_FLEET_DIR ?? './data/fleet', machines, seed };
}

let fleet: Fleet | undefined;
let stopping = false;
async function stop(why: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  say(`stopping (${why})`);
  const force = setTimeout(() => process.exit(0), 15_000);
  force.unref();
  if (!fleet) return; // still starting: stopped as soon as it has started
  await fleet.stop().catch(() => undefined);
  process.exit(0);
}
process.once('SIGINT', () => void stop('SIGINT'));
process.once('SIGTERM', () => void stop('SIGTERM'));
// Started by the API: when it goes away without a word, so does the fleet.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop('the parent process ended');
}, 2000).unref();

try {
  const settings = options();
  say(`starting ${settings.machines} simulated machines for ${settings.apiUrl} (data in ${settings.dir})`);
  fleet = await startFleet(settings);
  if (stopping) {
    await fleet.stop();
    process.exit(0);
  }
} catch (error) {
  say(`not started: ${errorText(error)}`);
  process.exitCode = 1;
}
