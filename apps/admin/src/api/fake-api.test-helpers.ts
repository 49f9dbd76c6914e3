/**
 * A fake API for component tests: the console's real tRPC client over a fetch that
 * answers each procedure from a handler, so refusals arrive as the real TRPCClientError
 * (message, code, field errors) the views handle.
 */
import { createApiClient, type ApiClient } from './client';

/** A refusal as the API sends it. */
export class Refusal {
  constructor(
    readonly code: 'BAD_REQUEST' | 'CONFLICT' | 'NOT_FOUND' | 'FORBIDDEN' | 'INTERNAL_SERVER_ERROR',
    readonly message: string,
    readonly fieldErrors?: Record<string, string[]>,
  ) {}
}

const STATUS = { BAD_REQUEST: 400, CONFLICT: 409, NOT_FOUND: 404, FORBIDDEN: 403, INTERNAL_SERVER_ERROR: 500 };
const RPC_CODE = {
  BAD_REQUEST: -32600,
  CONFLICT: -32009,
  NOT_FOUND: -32004,
  FORBIDDEN: -32003,
  INTERNAL_SERVER_ERROR: -32603,
};

export type Handler = (input: unknown) => unknown;

export interface FakeApi {
  client: ApiClient;
  /** Every call made: procedure path and input. */
  calls: { path: string; input: unknown }[];
  /** The inputs of one procedure's calls. */
  inputsOf(path: string): unknown[];
}

/** A client whose procedures answer from `handlers` (by path, `products.list`); a handler may throw a Refusal. */
export function fakeApi(handlers: Record<string, Handler>): FakeApi {
  const calls: { path: string; input: unknown }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input), 'http://console.test');
    const paths = url.pathname.replace(/^\/trpc\//, '').split(',');
    const inputs: Record<string, unknown> =
      init?.method === 'POST'
        ? (JSON.parse(String(init.body)) as Record<string, unknown>)
        : (JSON.parse(url.searchParams.get('input') ?? '{}') as Record<string, unknown>);
    const results = await Promise.all(
      paths.map(async (path, i) => {
        const given = inputs[String(i)];
        calls.push({ path, input: given });
        const handler = handlers[path];
        try {
          if (!handler) throw new Refusal('NOT_FOUND', `no fake for ${path}`);
          return { result: { data: await handler(given) } };
        } catch (thrown) {
          const r = thrown instanceof Refusal ? thrown : new Refusal('INTERNAL_SERVER_ERROR', String(thrown));
          return {
            error: {
              message: r.message,
              code: RPC_CODE[r.code],
              data: { code: r.code, httpStatus: STATUS[r.code], path, fieldErrors: r.fieldErrors },
            },
          };
        }
      }),
    );
    const failed = results.find((r) => 'error' in r);
    return new Response(JSON.stringify(results), {
      status:
        failed && results.length === 1
          ? STATUS[(failed.error as { data: { code: keyof typeof STATUS } }).data.code]
          : 200,
      headers: { 'content-type': 'application/json' },
    });
  };
  return {
    client: createApiClient({ url: 'http://console.test/trpc', fetch }),
    calls,
    inputsOf: (path) => calls.filter((c) => c.path === path).map((c) => c.input),
  };
}
