/**
 * The tRPC endpoint over node:http.
 *
 * tRPC's own node adapter turns every request into Fetch-API `Request`, `AbortSignal`
 * and stream objects before it reaches the router, and that is where most of its time
 * goes (docs/PERFORMANCE-NOTES.md). This handler answers the everyday calls itself —
 * queries by GET and mutations by POST, single or batched, with JSON input — and builds
 * the response with tRPC's own error shape and status functions, so the bytes are the
 * same. It also streams a subscription by GET as server-sent events, byte for byte as
 * tRPC's SSE producer writes them (1,000 terminals hold a stream each: the official path
 * keeps a Fetch `Request`, AbortControllers, web streams and a chain of generators per
 * stream). Anything else (streaming batches, other content types, unknown procedures,
 * the wrong method, unparsable input, SSE settings such as pings) goes to the official
 * adapter, which gets the request body already read.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AnyRouter, AnyProcedure } from '@trpc/server';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { isObservable, observableToAsyncIterable } from '@trpc/server/observable';
import {
  getErrorShape,
  getHTTPStatusCode,
  getTRPCErrorFromUnknown,
  isAbortError,
  isAsyncIterable,
  isTrackedEnvelope,
  sseHeaders,
  transformTRPCResponse,
  TRPCError,
  type TRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import type { Context } from '../trpc/context.js';

export interface TrpcHandlerOptions {
  router: AnyRouter;
  /** `body`: the request body as read (undefined when it was not read: a GET, a stream). */
  createContext(req: IncomingMessage, body: string | undefined): Context;
  /** Called once the calls are done, before the response head is written (cookies). */
  responseHeaders(ctx: Context): Record<string, string | string[]>;
  onError?(error: TRPCError, path: string | undefined, ctx: Context | undefined): void;
  /** The largest request body accepted, in bytes. */
  maxBodyBytes?: number;
}

const JSON_TYPE = /^application\/json\b/i;

class BodyTooLarge extends Error {}

const NO_PARAMETERS = new URLSearchParams();

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** Returns a request handler for paths under the tRPC prefix; `path` is the part after `/trpc/`. */
export function createTrpcHandler(options: TrpcHandlerOptions) {
  const { router } = options;
  const procedures = router._def.procedures as Record<string, AnyProcedure | undefined>;
  const config = router._def._config;
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;

  const official = (req: IncomingMessage, res: ServerResponse, path: string, body?: string) => {
    if (body !== undefined) (req as IncomingMessage & { body?: unknown }).body = body;
    let context: Context | undefined;
    return nodeHTTPRequestHandler({
      router,
      req,
      res,
      path,
      createContext: () => (context = options.createContext(req, body)),
      responseMeta: () => ({ headers: context ? options.responseHeaders(context) : {} }),
      onError: ({ error, path: at }) => options.onError?.(error, at, context),
    });
  };

  /**
   * A subscription as server-sent events, written as tRPC's `sseStreamProducer` writes
   * them: `connected`, then each value (`id:` when tracked), then `return` when it ends,
   * or `serialized-error` when it fails (the call's refusal too, after `connected`, with
   * status 200). The stream ends when the client goes away.
   */
  const subscribe = async (
    req: IncomingMessage,
    res: ServerResponse,
    procedure: AnyProcedure,
    path: string,
    search: URLSearchParams,
    input: unknown,
  ) => {
    const lastEventIdGiven =
      headerValue(req.headers['last-event-id']) ?? search.get('lastEventId') ?? search.get('Last-Event-Id');
    if (lastEventIdGiven) {
      if (typeof input === 'object' && input !== null && !Array.isArray(input))
        input = { ...input, lastEventId: lastEventIdGiven };
      else input ??= { lastEventId: lastEventIdGiven };
    }
    const ctx = options.createContext(req, undefined);
    const abort = new AbortController();
    let ended = false;
    res.once('close', () => {
      ended = true;
      abort.abort();
    });
    const fail = (cause: unknown) => {
      const error = getTRPCErrorFromUnknown(cause);
      options.onError?.(error, path, ctx);
      const shape = getErrorShape({ config, ctx, error, input, path, type: 'subscription' });
      return `event: serialized-error\ndata: ${JSON.stringify(config.transformer.output.serialize(shape))}\n\n\n`;
    };
    let iterable: AsyncIterable<unknown> | null = null;
    let refusal: string | null = null;
    try {
      const result: unknown = await procedure({
        ctx,
        path,
        type: 'subscription',
        getRawInput: async () => input,
        signal: abort.signal,
        batchIndex: 0,
      });
      if (isObservable(result)) iterable = observableToAsyncIterable(result, abort.signal);
      else if (isAsyncIterable(result)) iterable = result;
      else
        throw new TRPCError({
          code: 'INTERNAL_SERVER_ERROR',
          message: `Subscription ${path} did not return an observable or a AsyncGenerator`,
        });
    } catch (cause) {
      refusal = fail(cause);
    }
    if (ended) return;
    res.writeHead(200, { vary: 'trpc-accept, accept', ...sseHeaders, ...options.responseHeaders(ctx) });
    res.write('event: connected\ndata: {}\n\n\n');
    if (refusal !== null || iterable === null) {
      res.end(refusal);
      return;
    }
    let lastEventId = lastEventIdGiven && !/[\0\n\r]/.test(lastEventIdGiven) ? lastEventIdGiven : null;
    const iterator = iterable[Symbol.asyncIterator]();
    try {
      for (;;) {
        const step = await iterator.next();
        if (step.done || ended) break;
        const value: unknown = step.value;
        let id: string | undefined;
        let data: unknown = value;
        if (isTrackedEnvelope(value)) [id, data] = value;
        const json = JSON.stringify(config.transformer.output.serialize(data));
        if (id !== undefined) {
          lastEventId = id;
          res.write(`data: ${json}\nid: ${id}\n\n\n`);
        } else if (lastEventId === null) {
          res.write(`data: ${json}\n\n\n`);
        } else {
          res.write(`data: ${json}\nid: \n\n\nevent: restore-id\ndata: \nid: ${lastEventId}\n\n\n`);
        }
      }
      if (!ended) res.end('event: return\ndata: \n\n\n');
    } catch (cause) {
      if (ended || isAbortError(cause)) return;
      res.end(fail(cause));
    } finally {
      if (ended) await iterator.return?.();
    }
  };

  /** `query` is the request's query string, without the `?`. */
  return async function handle(req: IncomingMessage, res: ServerResponse, path: string, query: string) {
    const method = req.method;
    const procedureType = method === 'GET' ? 'query' : method === 'POST' ? 'mutation' : null;
    if (!procedureType || req.headers['trpc-accept'] !== undefined) return official(req, res, path);
    if (method === 'GET' && config.sse === undefined) {
      const procedure = procedures[path];
      if (procedure?._def.type === 'subscription') {
        const search = query === '' ? NO_PARAMETERS : new URLSearchParams(query);
        if (search.get('batch') === '1') return official(req, res, path);
        const raw = search.get('input');
        if (raw === null) return subscribe(req, res, procedure, path, search, undefined);
        const parsed = parseJson(raw);
        if (!parsed.ok) return official(req, res, path);
        return subscribe(req, res, procedure, path, search, config.transformer.input.deserialize(parsed.value));
      }
    }
    const contentType = req.headers['content-type'];
    if (method === 'POST' && contentType !== undefined && !JSON_TYPE.test(contentType)) {
      return official(req, res, path);
    }

    const search = query === '' ? NO_PARAMETERS : new URLSearchParams(query);
    const batch = search.get('batch') === '1';
    let paths: string[];
    try {
      paths = (batch ? path.split(',') : [path]).map(decodeURIComponent);
    } catch {
      return official(req, res, path);
    }
    const found: AnyProcedure[] = [];
    for (const p of paths) {
      const procedure = procedures[p];
      if (!procedure || procedure._def.type !== procedureType) return official(req, res, path);
      found.push(procedure);
    }

    let raw: string | null;
    let body: string | undefined;
    if (method === 'GET') {
      raw = search.get('input');
    } else {
      try {
        body = await readBody(req, maxBodyBytes);
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
          res.end(JSON.stringify({ error: { message: 'Request body too large', code: -32600 } }));
          return;
        }
        throw error;
      }
      raw = body === '' ? null : body;
    }
    let parsed: unknown = undefined;
    if (raw !== null) {
      const result = parseJson(raw);
      if (!result.ok) return official(req, res, path, body);
      parsed = result.value;
    }
    if (batch && parsed !== undefined && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) {
      return official(req, res, path, body);
    }
    const ctx = options.createContext(req, body);
    const errors: (TRPCError | undefined)[] = [];
    const call = async (procedure: AnyProcedure, at: string, input: unknown, batchIndex: number) => {
      try {
        const data: unknown = await procedure({
          ctx,
          path: at,
          type: procedureType,
          getRawInput: async () => input,
          signal: undefined,
          batchIndex,
        });
        return { result: { data } } as TRPCResponse;
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        options.onError?.(error, at, ctx);
        errors[batchIndex] = error;
        return { error: getErrorShape({ config, ctx, error, input, path: at, type: procedureType }) } as TRPCResponse;
      }
    };
    let answer: TRPCResponse | TRPCResponse[];
    if (batch) {
      const inputs = parsed as Record<string, unknown> | undefined;
      answer = await Promise.all(
        found.map((procedure, i) => call(procedure, paths[i] as string, inputs?.[String(i)], i)),
      );
    } else {
      answer = await call(found[0] as AnyProcedure, paths[0] as string, parsed, 0);
    }
    const status = errors.length === 0 ? 200 : getHTTPStatusCode(answer, errors);
    const payload = JSON.stringify(transformTRPCResponse(config, answer));
    res.writeHead(status, {
      vary: 'trpc-accept, accept',
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      ...options.responseHeaders(ctx),
    });
    res.end(payload);
  };
}
