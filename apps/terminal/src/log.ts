/**
 * The terminal's log: one JSON object per line on stdout, `{ at, level, type, ... }`.
 * End-to-end tests follow a sale through these lines; the same lines are kept in the
 * store (when a sink is attached) and uploaded to the platform in batches.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** One log entry: its `type` says what happened; the other fields are its details. */
export interface LogEntry {
  type: string;
  level?: LogLevel;
  [field: string]: unknown;
}

/** Where log lines go besides stdout (the store's upload buffer). */
export type LogSink = (line: string, level: LogLevel, at: Date) => void;

export interface LoggerOptions {
  /** Writes one line (with its newline); default stdout. */
  write?: (text: string) => void;
  now?: () => Date;
}

export class Logger {
  readonly #write: (text: string) => void;
  readonly #now: () => Date;
  #sink: LogSink | undefined;

  constructor(options: LoggerOptions = {}) {
    this.#write = options.write ?? ((text) => void process.stdout.write(text));
    this.#now = options.now ?? (() => new Date());
  }

  /** Also hands every line to `sink` (null to stop). */
  attach(sink: LogSink | null): void {
    this.#sink = sink ?? undefined;
  }

  log(entry: LogEntry): void {
    const at = this.#now();
    const { type, level = 'info', ...fields } = entry;
    const line = JSON.stringify({ at: at.toISOString(), level, type, ...fields }, jsonSafe);
    this.#write(`${line}\n`);
    if (this.#sink) {
      try {
        this.#sink(line, level, at);
      } catch {
        // The buffer is best effort: a full or closed store never stops the terminal.
      }
    }
  }

  info(type: string, fields: Record<string, unknown> = {}): void {
    this.log({ ...fields, type, level: 'info' });
  }

  warn(type: string, fields: Record<string, unknown> = {}): void {
    this.log({ ...fields, type, level: 'warn' });
  }

  error(type: string, fields: Record<string, unknown> = {}): void {
    this.log({ ...fields, type, level: 'error' });
  }
}

/** Errors as their message (and name), never a stack or an empty object. */
function jsonSafe(_key: string, value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
