/**
 * WAL checkpoints of a SQLite file, off the event loop.
 *
 * In WAL mode every COMMIT appends pages to the -wal file, and a checkpoint copies them
 * back into the database file. SQLite's own automatic checkpoint runs inside the COMMIT
 * that crosses 1,000 pages, on the connection that commits: for the API that is the event
 * loop, stalled for the copy and two fsyncs (about 4 ms each time here, every 60 or so
 * commits under load). So a worker thread with a connection of its own checkpoints every
 * `intervalMs` while the WAL has pages to copy (PASSIVE: it never blocks a writer), and
 * the API's connection keeps an automatic checkpoint only as a backstop, at 10,000 pages,
 * for when writes never pause long enough for the worker to catch up.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The backstop on the writing connection, in pages. */
export const BACKSTOP_PAGES = 10_000;
/** SQLite's default, used again if the worker cannot run. */
const INLINE_PAGES = 1_000;

// Plain CommonJS, so that it runs the same from the sources and from dist/.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 0');
let timer;
let closing = false;
const pass = () => {
  const [state] = db.pragma('wal_checkpoint(PASSIVE)');
  if (workerData.report) parentPort.postMessage({ pass: state });
  return state.log > state.checkpointed;
};
const loop = () => {
  if (closing) return;
  let behind = false;
  try {
    behind = pass();
  } catch (error) {
    // SQLITE_BUSY and the like: try again at the next turn.
  }
  timer = setTimeout(loop, behind ? workerData.busyMs : workerData.intervalMs);
};
parentPort.on('message', (message) => {
  if (message !== 'close') return;
  closing = true;
  clearTimeout(timer);
  db.close();
  parentPort.postMessage({ closed: true });
});
timer = setTimeout(loop, workerData.intervalMs);
`;

export interface CheckpointerOptions {
  /** Between passes while the WAL is caught up. */
  intervalMs?: number;
  /** Between passes while writes keep coming. */
  busyMs?: number;
  /** Called after each pass with SQLite's answer (tests). */
  onPass?(state: { busy: number; log: number; checkpointed: number }): void;
}

export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private stopped: Promise<void> | undefined;

  /**
   * `fallback` is called if the worker fails; it should switch the writing connection back
   * to SQLite's automatic checkpoints.
   */
  constructor(file: string, fallback: () => void, options: CheckpointerOptions = {}) {
    this.worker = new Worker(WORKER, {
      eval: true,
      workerData: {
        file,
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        intervalMs: options.intervalMs ?? 200,
        busyMs: options.busyMs ?? 20,
        report: options.onPass !== undefined,
      },
    });
    this.worker.unref();
    this.worker.on('message', (message: { pass?: { busy: number; log: number; checkpointed: number } }) => {
      if (message.pass) options.onPass?.(message.pass);
    });
    this.worker.on('error', fallback);
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  /** Stops the worker and closes its connection. */
  close(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      const stop = () => void this.worker.terminate().then(() => resolve());
      void this.exited.then(() => resolve());
      this.worker.on('message', (message: { closed?: boolean }) => {
        if (message.closed) stop();
      });
      this.worker.postMessage('close');
      setTimeout(stop, 2_000).unref(); // a worker that does not answer is stopped anyway
    });
    return this.stopped;
  }
}

export function inlineCheckpoints(client: { pragma(source: string): unknown }): void {
  client.pragma(`wal_autocheckpoint = ${INLINE_PAGES}`);
}
