/**
 * The processes of an end-to-end world: each one's stdout read as JSON lines (or text),
 * waited on with a deadline, and stopped or killed at the end whatever happened.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: spawned processes run the built JavaScript there. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export type Line = Record<string, unknown> & { type?: string };

export class Proc {
  readonly lines: Line[] = [];
  readonly text: string[] = [];
  readonly exited: Promise<number | null>;
  #child: ChildProcessWithoutNullStreams;
  #waiters = new Set<() => void>();
  #buffer = '';
  #stderr = '';

  constructor(
    readonly name: string,
    args: string[],
    env: Record<string, string>,
  ) {
    this.#child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk: string) => this.#read(chunk));
    this.#child.stderr.setEncoding('utf8');
    this.#child.stderr.on('data', (chunk: string) => {
      this.#stderr = (this.#stderr + chunk).slice(-20_000);
    });
    this.exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    void this.exited.then(() => this.#wake());
  }

  #read(chunk: string): void {
    this.#buffer += chunk;
    let nl: number;
    while ((nl = this.#buffer.indexOf('\n')) >= 0) {
      const line = this.#buffer.slice(0, nl);
      this.#buffer = this.#buffer.slice(nl + 1);
      this.text.push(line);
      if (line.startsWith('{')) {
        try {
          this.lines.push(JSON.parse(line) as Line);
        } catch {
          // not JSON after all: kept as text
        }
      }
    }
    this.#wake();
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  get running(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** The first line from `from` on that matches, waiting up to `ms`. */
  async waitFor(match: (line: Line) => boolean, what: string, ms = 30_000, from = 0): Promise<Line> {
    return this.#until(() => this.lines.slice(from).find(match), what, ms);
  }

  /** The first text line from `from` on that matches `pattern`. */
  async waitForText(pattern: RegExp, what: string, ms = 30_000, from = 0): Promise<RegExpMatchArray> {
    return this.#until(
      () => {
        for (const line of this.text.slice(from)) {
          const m = line.match(pattern);
          if (m) return m;
        }
        return undefined;
      },
      what,
      ms,
    );
  }

  #until<T>(check: () => T | undefined, what: string, ms: number): Promise<T> {
    const found = check();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(poke);
      };
      const poke = () => {
        const value = check();
        if (value !== undefined) {
          done();
          resolve(value);
        } else if (!this.running) {
          done();
          reject(new Error(`${this.name} exited while waiting for ${what}\n${this.tail()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: no ${what} within ${ms} ms\n${this.tail()}`));
      }, ms);
      this.#waiters.add(poke);
    });
  }

  /** The last lines it printed, for a failure's message. */
  tail(n = 25): string {
    const told = this.text.filter((line) => !line.includes('"level":"debug"'));
    return [...told.slice(-n), this.#stderr.slice(-3000)].join('\n');
  }

  send(line: string): void {
    this.#child.stdin.write(`${line}\n`);
  }

  /** Stops it (SIGTERM, then SIGKILL after `graceMs`) and waits for it to exit. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  /** Freezes it (SIGSTOP): alive, saying nothing, as a hung process. */
  pause(): void {
    this.#child.kill('SIGSTOP');
  }

  resume(): void {
    this.#child.kill('SIGCONT');
  }

  /** Kills it at once, as a power cut or the OOM killer would. */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.#child.kill('SIGKILL');
    await this.exited;
  }
}

/** A folder for one world's files, removed at the end. */
export function scratchDir(name: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `vmcloud-e2e-${name}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
