/**
 * One terminal process of the fleet (`node apps/terminal/dist/main.js`): activated once
 * with a code, then run on its machine's socket; its JSON lines read and waited on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One JSON line the terminal printed. */
export type TerminalLine = Record<string, unknown> & { type?: string };

/** The built terminal, next to the built simulator in the repository. */
export const TERMINAL_MAIN = fileURLToPath(new URL('../../../terminal/dist/main.js', import.meta.url));

export interface TerminalSettings {
  /** The API, e.g. http://127.0.0.1:3000. */
  apiUrl: string;
  /** The machine's socket, tcp://127.0.0.1:PORT. */
  serialPath: string;
  /** The terminal's own durable state (keys, identity, store). */
  dataDir: string;
  /** The terminal's main script; default {@link TERMINAL_MAIN}. */
  main?: string;
  /** More environment (timings in tests). */
  env?: Record<string, string>;
}

/** The machine id a terminal's data directory is activated as, or null when it is not. */
export function activatedMachineId(dataDir: string): string | null {
  const path = join(dataDir, 'identity.json');
  if (!existsSync(path)) return null;
  try {
    const identity = JSON.parse(readFileSync(path, 'utf8')) as { machineId?: unknown };
    return typeof identity.machineId === 'string' ? identity.machineId : null;
  } catch {
    return null;
  }
}

function environment(settings: TerminalSettings): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    VMCLOUD_API_URL: settings.apiUrl,
    VMCLOUD_SERIAL_PATH: settings.serialPath,
    VMCLOUD_TERMINAL_DATA_DIR: settings.dataDir,
    ...settings.env,
  };
}

/** Runs `--activate CODE` to its end; throws with the terminal's own words when it fails. */
export async function activateTerminal(settings: TerminalSettings, code: string): Promise<void> {
  const child = spawn(process.execPath, [settings.main ?? TERMINAL_MAIN, '--activate', code], {
    env: environment(settings),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  const exit = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (status) => resolve(status));
  });
  if (exit !== 0) throw new Error(`activation failed (exit ${exit}): ${stderr.trim().split('\n').pop() ?? ''}`);
}

/** A running terminal. */
export class TerminalProcess {
  #child: ChildProcess | undefined;
  #lines: TerminalLine[] = [];
  /** How many lines were dropped from the front of `#lines`. */
  #dropped = 0;
  #waiters = new Set<() => void>();
  #listeners = new Set<(line: TerminalLine) => void>();
  #stderr = '';
  #stopping = false;
  #exited: Promise<void> = Promise.resolve();

  constructor(
    readonly settings: TerminalSettings,
    /** Called when the process ends without being asked to (with the last words on stderr). */
    private readonly onExit: (code: number | null, stderr: string) => void = () => undefined,
  ) {}

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** Starts the process and resolves once it says it started (or rejects when it exits first). */
  async start(timeoutMs = 30_000): Promise<void> {
    this.#stopping = false;
    const from = this.mark();
    const child = spawn(process.execPath, [this.settings.main ?? TERMINAL_MAIN], {
      env: environment(this.settings),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child = child;
    this.#stderr = '';
    let buffer = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const text = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (text.startsWith('{')) {
          try {
            this.#push(JSON.parse(text) as TerminalLine);
          } catch {
            // not a JSON line: ignored
          }
        }
      }
    });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-4000);
    });
    child.stdin?.on('error', () => undefined);
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code) => {
        this.#wake();
        if (!this.#stopping) this.onExit(code, this.#stderr.trim());
        resolve();
      });
    });
    await this.waitFor((line) => line.type === 'terminal_started', timeoutMs, from, 'the terminal to start');
  }

  #push(line: TerminalLine): void {
    this.#lines.push(line);
    if (this.#lines.length > 2000) {
      this.#lines.splice(0, 1000);
      this.#dropped += 1000;
    }
    for (const listener of [...this.#listeners]) listener(line);
    this.#wake();
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** Calls `listener` for every line from now on. Returns a function that removes it. */
  onLine(listener: (line: TerminalLine) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A position in the terminal's output to wait from. */
  mark(): number {
    return this.#dropped + this.#lines.length;
  }

  /** The first line from `from` on that matches, waiting up to `ms`. */
  waitFor(match: (line: TerminalLine) => boolean, ms: number, from: number, what: string): Promise<TerminalLine> {
    const child = this.#child;
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const start = Math.max(0, from - this.#dropped);
        for (let i = start; i < this.#lines.length; i += 1) {
          const line = this.#lines[i] as TerminalLine;
          if (match(line)) {
            done();
            resolve(line);
            return true;
          }
        }
        if (child !== this.#child || !this.running) {
          done();
          reject(
            new Error(`the terminal stopped while waiting for ${what}: ${this.#stderr.trim().split('\n').pop() ?? ''}`),
          );
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${Math.round(ms / 1000)} s`));
      }, ms);
      const wake = (): void => void check();
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(wake);
      };
      this.#waiters.add(wake);
      check();
    });
  }

  /** Writes a kiosk line to the terminal's stdin (`select N`, `gift N CODE`, `cancel`). */
  send(line: string): void {
    this.#child?.stdin?.write(`${line}\n`);
  }

  /** Stops the process: SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 8000): Promise<void> {
    this.#stopping = true;
    const child = this.#child;
    if (!child || !this.running) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
