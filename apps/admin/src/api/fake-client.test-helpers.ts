/**
 * A stand-in for the console's tRPC client in component tests: `client.users.create.mutate(x)`
 * answers from the handler of `users.create`; a handler that throws `refuse(...)` fails the
 * call with the TRPCClientError the API would send (code, message, field errors), so the
 * views' error handling runs as it does in the browser.
 *
 *     const fake = vi.hoisted(() => ({ handlers: {} as Handlers }));
 *     vi.mock('../../api/client', async (real) => ({ ...(await real()), api: fakeClient(fake.handlers).client }));
 */
import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@vmcloud/api';
import type { ApiClient } from './client';

export type Handlers = Record<string, (input: unknown) => unknown>;

const STATUS = { BAD_REQUEST: 400, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 } as const;

/** A refusal as the client surfaces it. */
export function refuse(
  code: keyof typeof STATUS,
  message: string,
  fieldErrors?: Record<string, string[]>,
): TRPCClientError<AppRouter> {
  return new TRPCClientError<AppRouter>(message, {
    result: { error: { message, code: -32600, data: { code, httpStatus: STATUS[code], fieldErrors } } },
  });
}

export interface FakeClient {
  client: ApiClient;
  calls: { path: string; input: unknown }[];
  inputsOf(path: string): unknown[];
}

/** A client over `handlers` (read at call time, so a test may change them). */
export function fakeClient(handlers: Handlers): FakeClient {
  const calls: { path: string; input: unknown }[] = [];
  const node = (path: string[]): unknown =>
    new Proxy(() => undefined, {
      get(_, key) {
        if (typeof key !== 'string') return undefined;
        if (key === 'query' || key === 'mutate') {
          return async (input: unknown) => {
            const name = path.join('.');
            calls.push({ path: name, input });
            const handler = handlers[name];
            if (!handler) throw refuse('NOT_FOUND', `no fake for ${name}`);
            return handler(input);
          };
        }
        return node([...path, key]);
      },
    });
  return {
    client: node([]) as ApiClient,
    calls,
    inputsOf: (path) => calls.filter((c) => c.path === path).map((c) => c.input),
  };
}
