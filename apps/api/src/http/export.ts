/**
 * Files the console downloads: `GET /export/orders.csv?input=<JSON of the filter>`.
 *
 * The route calls the procedure (`orders.exportCsv`) as the signed-in user, so the
 * session, permission, module, tenant and input checks are the procedure's own, with its
 * messages; a refusal is answered before any byte of the file, in the API's error shape
 * with its HTTP status. The file is written as the procedure yields it, one batch of
 * records at a time, and the next batch is read only once the previous one has gone out
 * (the socket drained), so an export holds one batch in memory whatever its length. A
 * client that goes away stops the export; a failure midway cuts the connection, so a
 * partial file never looks complete.
 *
 * Each session runs one export at a time, and an instance at most MAX_EXPORTS: more are
 * answered 429.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import type { Context } from '../trpc/context.js';
import { createCallerFactory } from '../trpc/init.js';
import { appRouter } from '../app-router.js';
import { exportFilename } from '../sales/listing.js';

/** Exports running at once on one instance. */
export const MAX_EXPORTS = 4;

const callerOf = createCallerFactory(appRouter);

type Send = (res: ServerResponse, status: number, body: unknown) => void;

export interface ExportRoutes {
  /** Answers the request if its path is an export's; false otherwise. */
  (req: IncomingMessage, res: ServerResponse, pathname: string, query: string): boolean;
}

export function createExportRoutes(options: {
  context: (req: IncomingMessage) => Context;
  now: () => Date;
  sendJson: Send;
}): ExportRoutes {
  const running = new Set<string>();
  let count = 0;

  const refuse = (res: ServerResponse, status: number, code: string, message: string) =>
    options.sendJson(res, status, { error: { code, message } });

  async function ordersCsv(req: IncomingMessage, res: ServerResponse, query: string): Promise<void> {
    const ctx = options.context(req);
    let input: unknown = {};
    const raw = new URLSearchParams(query).get('input');
    if (raw !== null) {
      try {
        input = JSON.parse(raw);
      } catch {
        return refuse(res, 400, 'BAD_REQUEST', 'input: must be the filter as JSON');
      }
    }
    const session = ctx.request.sessionToken;
    if (session && running.has(session)) {
      return refuse(res, 429, 'TOO_MANY_REQUESTS', 'An export of this session is still running; wait for it to finish');
    }
    if (count >= MAX_EXPORTS) {
      return refuse(res, 429, 'TOO_MANY_REQUESTS', 'Too many exports are running; try again in a moment');
    }
    count += 1;
    if (session) running.add(session);
    try {
      let chunks: AsyncGenerator<string, void>;
      try {
        chunks = await callerOf(ctx).orders.exportCsv(input as never);
      } catch (error) {
        // The caller has logged an unexpected failure with the request's id.
        const failure = error instanceof TRPCError ? error : new TRPCError({ code: 'INTERNAL_SERVER_ERROR' });
        const message = failure.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : failure.message;
        return refuse(res, getHTTPStatusCodeFromError(failure), failure.code, message);
      }
      await streamFile(res, chunks, exportFilename(options.now()), (error) =>
        ctx.log.error('export failed midway', {
          requestId: ctx.request.requestId,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        }),
      );
    } finally {
      count -= 1;
      if (session) running.delete(session);
    }
  }

  return (req, res, pathname, query) => {
    if (pathname !== '/export/orders.csv') return false;
    if (req.method !== 'GET') {
      res.setHeader('allow', 'GET');
      refuse(res, 405, 'METHOD_NOT_SUPPORTED', `${pathname} answers GET only`);
      return true;
    }
    void ordersCsv(req, res, query);
    return true;
  };
}

/** Resolves when the socket has taken what was written, or is gone. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Writes `chunks` as the file `filename`, a chunk when the socket has taken the last one. */
export async function streamFile(
  res: ServerResponse,
  chunks: AsyncGenerator<string, void>,
  filename: string,
  onError: (error: unknown) => void,
): Promise<void> {
  let gone = false;
  const leave = () => {
    gone = true;
  };
  res.once('close', leave);
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
  });
  // A byte order mark, so that a spreadsheet opens the UTF-8 names as such.
  res.write('\uFEFF');
  try {
    for (;;) {
      if (gone) break;
      const next = await chunks.next();
      if (next.done) break;
      if (!res.write(next.value) && !gone) await drained(res);
    }
    if (!gone) res.end();
  } catch (error) {
    onError(error);
    res.destroy();
  } finally {
    res.off('close', leave);
    await chunks.return(undefined).catch(() => undefined);
  }
}
