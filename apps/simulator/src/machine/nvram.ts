import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Options for {@link Nvram}. */
export interface NvramOptions {
  /**
   * A file that holds the memory between processes. It is read when the memory is created
   * (if it exists) and rewritten, atomically, on every change.
   */
  path?: string;
}

interface NvramFile {
  version: 1;
  entries: Record<string, string>;
}

/**
 * The controller board's non-volatile memory: a small key -> bytes store that keeps its
 * contents through a power cut. The same object is handed to the firmware at every boot;
 * every write is complete once the call returns (a power cut cannot tear it).
 * Values are copied in and out, so nobody holds a live reference into the memory.
 */
export class Nvram {
  readonly path: string | undefined;
  #entries = new Map<string, Uint8Array>();
  #writes = 0;

  constructor(options: NvramOptions = {}) {
    this.path = options.path;
    if (this.path !== undefined && existsSync(this.path)) this.#load(this.path);
  }

  /** How many changes (set, delete, clear) the memory has taken since it was created. */
  get writes(): number {
    return this.#writes;
  }

  /** The bytes stored under `key`, or undefined. */
  get(key: string): Uint8Array | undefined {
    const value = this.#entries.get(key);
    return value && value.slice();
  }

  /** Stores `value` under `key`. */
  set(key: string, value: Uint8Array): void {
    this.#entries.set(key, value.slice());
    this.#changed();
  }

  /** The JSON value stored under `key` with {@link setJson}, or undefined. */
  getJson<T = unknown>(key: string): T | undefined {
    const value = this.#entries.get(key);
    return value && (JSON.parse(new TextDecoder().decode(value)) as T);
  }

  /** Stores a JSON-serialisable value under `key` (as its UTF-8 JSON text). */
  setJson(key: string, value: unknown): void {
    const text = JSON.stringify(value);
    if (text === undefined) throw new TypeError(`cannot store ${typeof value} as JSON`);
    this.set(key, new TextEncoder().encode(text));
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /** Removes `key`; true if it was there. */
  delete(key: string): boolean {
    const had = this.#entries.delete(key);
    if (had) this.#changed();
    return had;
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** Wipes the whole memory (a board replaced or reflashed). */
  clear(): void {
    this.#entries.clear();
    this.#changed();
  }

  #changed(): void {
    this.#writes++;
    if (this.path !== undefined) this.#save(this.path);
  }

  #load(path: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path, 'utf8'));
    } catch (cause) {
      throw new Error(`NVRAM file ${path} is not readable JSON`, { cause });
    }
    const file = parsed as Partial<NvramFile> | null;
    if (!file || file.version !== 1 || typeof file.entries !== 'object' || file.entries === null) {
      throw new Error(`NVRAM file ${path} is not an NVRAM image (version 1)`);
    }
    for (const [key, base64] of Object.entries(file.entries)) {
      if (typeof base64 !== 'string') throw new Error(`NVRAM file ${path}: entry ${key} is not base64 text`);
      this.#entries.set(key, new Uint8Array(Buffer.from(base64, 'base64')));
    }
  }

  #save(path: string): void {
    const file: NvramFile = { version: 1, entries: {} };
    for (const [key, value] of this.#entries) file.entries[key] = Buffer.from(value).toString('base64');
    mkdirSync(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(file));
    renameSync(temporary, path);
  }
}
