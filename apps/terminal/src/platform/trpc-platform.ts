/**
 * The device API over tRPC v11 (plain HTTP, one request per call, events over SSE). Every
 * call but `device.activate` is signed with the terminal's Ed25519 key (a custom `fetch`
 * adds the VMC-SIG-1 headers, and the event stream signs each connection and reconnection
 * with a fresh nonce); every answer is a platform message opened and checked before its
 * body is returned.
 */
import type { KeyObject } from 'node:crypto';
import {
  createTRPCUntypedClient,
  httpLink,
  httpSubscriptionLink,
  isTRPCClientError,
  splitLink,
  type TRPCUntypedClient,
} from '@trpc/client';
import type { AnyRouter } from '@trpc/server';
import { EventSource } from 'eventsource';
import {
  RefusedMessageError,
  newNonce,
  signRequest,
  type ActivateRequest,
  type ActivateResponse,
  type PlatformMessage,
} from '@vmcloud/protocol/device';
import {
  PlatformError,
  failureOfCode,
  type EventStreamHandlers,
  type EventSubscription,
  type Platform,
  type RawPlatformEvent,
} from './platform.js';
import type { MessageVerifier } from './verifier.js';
import type { PlatformClock } from './platform-clock.js';

/** The fetch the links call (the global one by default). */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** The tRPC endpoint of an API base URL: `${apiUrl}/trpc`. */
export function trpcUrl(apiUrl: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/trpc`;
}

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

function bodyText(body: RequestInit['body']): string {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  throw new TypeError('a signed device call carries a JSON text body');
}

/**
 * A fetch that signs each request: the target is the URL's path and query as sent, the
 * timestamp the platform's time (`clock`, else this machine's), the nonce fresh. Each
 * answer's Date header corrects the clock.
 */
export function signingFetch(key: SigningKey, options: { fetch?: Fetch; clock?: PlatformClock } = {}): Fetch {
  const inner = options.fetch ?? globalThis.fetch;
  const clock = options.clock;
  const now = clock ? () => clock.now() : Date.now;
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const method = (init.method ?? 'GET').toUpperCase();
    const signature = signRequest(
      {
        method,
        target: `${url.pathname}${url.search}`,
        timestamp: now(),
        nonce: newNonce(),
        body: bodyText(init.body),
      },
      key.keyId,
      key.privateKey,
    );
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(signature)) headers.set(name, value);
    const sentAt = Date.now();
    const response = await inner(url, { ...init, method, headers });
    clock?.observe(response.headers.get('date'), sentAt, Date.now());
    return response;
  };
}

/** A fetch that gives up after `timeoutMs` (a call must not hang a sale). */
function timeoutFetch(inner: Fetch, timeoutMs: number): Fetch {
  return (input, init = {}) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return inner(input, { ...init, signal });
  };
}

/** A failed call as a `PlatformError`. */
export function platformErrorOf(error: unknown): PlatformError {
  if (error instanceof PlatformError) return error;
  if (error instanceof RefusedMessageError) {
    return new PlatformError('transient', 'UNVERIFIED', error.message, { cause: error });
  }
  if (isTRPCClientError(error)) {
    const data = error.data as { code?: unknown; httpStatus?: unknown } | undefined;
    const code = typeof data?.code === 'string' ? data.code : undefined;
    if (code !== undefined) return new PlatformError(failureOfCode(code), code, error.message, { cause: error });
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new PlatformError('transient', 'NETWORK', `${error.message}${cause}`, { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PlatformError('transient', 'NETWORK', message, { cause: error });
}

/** `device.activate`: unsigned, and answered in plain JSON (the terminal has no platform key yet). */
export async function activateDevice(
  apiUrl: string,
  request: ActivateRequest,
  options: { fetch?: Fetch; timeoutMs?: number } = {},
): Promise<ActivateResponse> {
  const client = createTRPCUntypedClient<AnyRouter>({
    links: [
      httpLink({
        url: trpcUrl(apiUrl),
        fetch: timeoutFetch(options.fetch ?? globalThis.fetch, options.timeoutMs ?? 20_000),
      }),
    ],
  });
  try {
    return (await client.mutation('device.activate', request)) as ActivateResponse;
  } catch (error) {
    throw platformErrorOf(error);
  }
}

export interface TrpcPlatformOptions {
  apiUrl: string;
  key: SigningKey;
  verifier: MessageVerifier;
  fetch?: Fetch;
  /** How long a call may take, default 15 s. */
  timeoutMs?: number;
  /** The platform's time, learnt from its answers (give the verifier the same one). */
  clock?: PlatformClock;
}

type Procedure =
  | 'heartbeat'
  | 'config'
  | 'createOrder'
  | 'orderStatus'
  | 'vendStarted'
  | 'reportVend'
  | 'recordSales'
  | 'redeemGiftCode'
  | 'uploadLogs';

export class TrpcPlatform implements Platform {
  readonly #client: TRPCUntypedClient<AnyRouter>;
  readonly #verifier: MessageVerifier;

  constructor(options: TrpcPlatformOptions) {
    const signed = signingFetch(options.key, {
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const url = trpcUrl(options.apiUrl);
    this.#verifier = options.verifier;
    this.#client = createTRPCUntypedClient<AnyRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url, EventSource, eventSourceOptions: { fetch: signed } }),
          false: httpLink({ url, fetch: timeoutFetch(signed, options.timeoutMs ?? 15_000) }),
        }),
      ],
    });
  }

  async #call<T>(kind: 'query' | 'mutation', procedure: Procedure, input: unknown): Promise<T> {
    let message: PlatformMessage;
    try {
      message = (await (kind === 'query'
        ? this.#client.query(`device.${procedure}`, input)
        : this.#client.mutation(`device.${procedure}`, input))) as PlatformMessage;
    } catch (error) {
      throw platformErrorOf(error);
    }
    try {
      return this.#verifier.open<T>(message, `device.${procedure}`).body;
    } catch (error) {
      throw platformErrorOf(error);
    }
  }

  heartbeat: Platform['heartbeat'] = (request) => this.#call('mutation', 'heartbeat', request);
  config: Platform['config'] = () => this.#call('query', 'config', {});
  createOrder: Platform['createOrder'] = (request) => this.#call('mutation', 'createOrder', request);
  orderStatus: Platform['orderStatus'] = (request) => this.#call('query', 'orderStatus', request);
  vendStarted: Platform['vendStarted'] = (request) => this.#call('mutation', 'vendStarted', request);
  reportVend: Platform['reportVend'] = (request) => this.#call('mutation', 'reportVend', request);
  recordSales: Platform['recordSales'] = (request) => this.#call('mutation', 'recordSales', request);
  redeemGiftCode: Platform['redeemGiftCode'] = (request) => this.#call('mutation', 'redeemGiftCode', request);
  uploadLogs: Platform['uploadLogs'] = (request) => this.#call('mutation', 'uploadLogs', request);

  subscribeEvents(lastEventId: string | undefined, handlers: EventStreamHandlers): EventSubscription {
    const input = lastEventId === undefined ? {} : { lastEventId };
    const subscription = this.#client.subscription('device.events', input, {
      onStarted: () => handlers.onStarted?.(),
      onData: (data: unknown) => handlers.onEvent(rawEventOf(data)),
      onError: (error: unknown) => handlers.onError(platformErrorOf(error)),
      onComplete: () => undefined,
    });
    return { close: () => subscription.unsubscribe() };
  }
}

/**
 * A tracked event as the client hands it over, `{ id, data }`. Anything else is passed on
 * as it is, for the verifier to refuse as malformed.
 */
function rawEventOf(data: unknown): RawPlatformEvent {
  const { id, data: message } = (typeof data === 'object' && data !== null ? data : {}) as {
    id?: unknown;
    data?: unknown;
  };
  return { id: typeof id === 'string' ? id : '', message: (message ?? data) as PlatformMessage };
}
