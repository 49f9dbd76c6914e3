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
  type TRPC_ERROR_CODE_KEY,
  type TRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import type { Context } from '../trpc/context.js';
import { BodyTooLarge, declaredLength, describeBytes, readBody } from './limits.js';

export interface TrpcHandlerOptions {
  router: AnyRouter;
  /** `body`: the request body as read (undefined when it was not read: a GET, a stream). */
  createContext(req: IncomingMessage, body: string | undefined): Context;
  /** Called once the calls are done, before the response head is written (cookies). */
  responseHeaders(ctx: Context): Record<string, string | string[]>;
  onError?(error: TRPCError, path: string | undefined, ctx: Context | undefined): void;
  /** The largest request body accepted, in bytes (unless `bodyLimit` says otherwise). */
  maxBodyBytes?: number;
  /** The largest body of a request naming `paths`, when it depends on them (uploads). */
  bodyLimit?(req: IncomingMessage, paths: readonly string[]): number | Promise<number>;
  /** The most calls a batch may hold; more are refused (BAD_REQUEST) before any runs. */
  maxBatchSize?: number;
  /**
   * Called before anything else with the procedures a request names (undefined where a
   * name is unknown); a refusal is answered in tRPC's error shape, nothing is read or run.
   */
  admit?(
    req: IncomingMessage,
    calls: readonly (AnyProcedure | undefined)[],
  ): { status: number; message: string } | null | undefined;
}

const JSON_TYPE = /^application\/json\b/i;

const NO_PARAMETERS = new URLSearchParams();

const CODE_OF_STATUS: Record<number, TRPC_ERROR_CODE_KEY> = {
  400: 'BAD_REQUEST',
  403: 'FORBIDDEN',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

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

/** The procedure paths of a request, undecodable ones making it undefined. */
function decodedPaths(named: string[]): string[] | undefined {
  try {
    return named.map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

/** Returns a request handler for paths under the tRPC prefix; `path` is the part after `/trpc/`. */
export function createTrpcHandler(options: TrpcHandlerOptions) {
  const { router } = options;
  const procedures = router._def.procedures as Record<string, AnyProcedure | undefined>;
  const config = router._def._config;
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;

  const official = (req: IncomingMessage, res: ServerResponse, path: string, body?: string, maxBodySize?: number) => {
    if (body !== undefined) (req as IncomingMessage & { body?: unknown }).body = body;
    let context: Context | undefined;
    return nodeHTTPRequestHandler({
      router,
      req,
      res,
      path,
      maxBodySize: body === undefined ? maxBodySize : undefined,
      maxBatchSize: options.maxBatchSize,
      createContext: () => (context = options.createContext(req, body)),
      responseMeta: () => ({ headers: context ? options.responseHeaders(context) : {} }),
      onError: ({ error, path: at }) => options.onError?.(error, at, context),
    });
  };

  /**
   * Answers a request refused before any call ran, in tRPC's error shape (a batch's client
   * gives the one error to every call). `close`: the body was left unread, so the
   * connection is closed after the answer rather than reading the rest.
   */
  const refuse = (res: ServerResponse, status: number, message: string, close = false) => {
    const error = new TRPCError({ code: CODE_OF_STATUS[status] ?? 'BAD_REQUEST', message });
    const shape = getErrorShape({ config, ctx: undefined, error, input: undefined, path: undefined, type: 'unknown' });
    const payload = JSON.stringify(transformTRPCResponse(config, { error: shape }));
    res.writeHead(status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
      ...(close ? { connection: 'close' } : {}),
    });
    res.end(payload);
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
    const search = query === '' ? NO_PARAMETERS : new URLSearchParams(query);
    const batch = search.get('batch') === '1';
    const named = batch ? path.split(',') : [path];
    if (options.maxBatchSize !== undefined && batch && named.length > options.maxBatchSize) {
      return refuse(
        res,
        400,
        `A batch may hold at most ${options.maxBatchSize} calls; this one holds ${named.length}`,
        method !== 'GET' && method !== 'HEAD',
      );
    }
    const paths = decodedPaths(named);
    if (options.admit) {
      const refusal = options.admit(
        req,
        (paths ?? named).map((p) => procedures[p]),
      );
      if (refusal) return refuse(res, refusal.status, refusal.message, method !== 'GET' && method !== 'HEAD');
    }
    const hasBody = method !== 'GET' && method !== 'HEAD';
    const limit = hasBody ? ((await options.bodyLimit?.(req, paths ?? named)) ?? maxBodyBytes) : maxBodyBytes;
    const tooLarge = () =>
      refuse(res, 413, `The request body is larger than this call accepts (${describeBytes(limit)})`, true);
    if (hasBody && (declaredLength(req) ?? 0) > limit) return tooLarge();

    const procedureType = method === 'GET' ? 'query' : method === 'POST' ? 'mutation' : null;
    const contentType = req.headers['content-type'];
    const json = contentType === undefined || JSON_TYPE.test(contentType);
    /** The body, read within the limit; undefined after a refusal (answered). */
    const bodyOf = async (): Promise<string | undefined> => {
      try {
        return (await readBody(req, limit)).toString('utf8');
      } catch (error) {
        if (error instanceof BodyTooLarge) {
          tooLarge();
          return undefined;
        }
        throw error;
      }
    };
    if (!procedureType || req.headers['trpc-accept'] !== undefined) {
      // Streamed answers and other methods: tRPC's adapter, given a JSON body already read.
      if (method !== 'POST' || !json || contentType === undefined) return official(req, res, path, undefined, limit);
      const body = await bodyOf();
      return body === undefined ? undefined : official(req, res, path, body);
    }
    if (method === 'GET' && config.sse === undefined) {
      const procedure = procedures[path];
      if (procedure?._def.type === 'subscription') {
        if (batch) return official(req, res, path);
        const raw = search.get('input');
        if (raw === null) return subscribe(req, res, procedure, path, search, undefined);
        const parsed = parseJson(raw);
        if (!parsed.ok) return official(req, res, path);
        return subscribe(req, res, procedure, path, search, config.transformer.input.deserialize(parsed.value));
      }
    }
    if (method === 'POST' && !json) return official(req, res, path, undefined, limit);
    if (!paths) return official(req, res, path, undefined, limit);
    const found: AnyProcedure[] = [];
    for (const p of paths) {
      const procedure = procedures[p];
      if (!procedure || procedure._def.type !== procedureType) return official(req, res, path, undefined, limit);
      found.push(procedure);
    }

    let raw: string | null;
    let body: string | undefined;
    if (method === 'GET') {
      raw = search.get('input');
    } else {
      body = await bodyOf();
      if (body === undefined) return;
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
