/**
 * The API client: @trpc/client over the API's `AppRouter` type, so every call is checked
 * against the server's procedures at compile time. Calls of one tick go out as one
 * batched request; the session travels in the API's httpOnly cookie.
 */
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import type { AppRouter } from '@vmcloud/api';

export interface ClientOptions {
  /** Where the API's tRPC endpoint is (default `/trpc`, same origin). */
  url?: string;
  /** The fetch to use; tests pass their own. */
  fetch?: typeof fetch;
}

export function createApiClient(options: ClientOptions = {}) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: options.url ?? '/trpc', fetch: options.fetch })],
  });
}

export type ApiClient = ReturnType<typeof createApiClient>;

/** The console's client. */
export const api = createApiClient();

/** Statuses a proxy or gateway answers with when the API behind it is down. */
const GATEWAY_FAILURES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * The message to show a user for a failed call: the server's own message (which names
 * the field for bad input), else `unreachable` when the API was never reached (network
 * failure, or a gateway answering for an API that is down).
 */
export function failureMessage(error: unknown, unreachable: string): string {
  if (!(error instanceof TRPCClientError)) return unreachable;
  const data = error.data as { code?: string; httpStatus?: number } | undefined;
  if (!data?.code) return unreachable;
  if (data.httpStatus !== undefined && GATEWAY_FAILURES.has(data.httpStatus) && !error.message) return unreachable;
  return error.message;
}

/** Field errors of a BAD_REQUEST, by field path, to show beside the form's inputs. */
export function fieldErrorsOf(error: unknown): Record<string, string[]> {
  if (!(error instanceof TRPCClientError)) return {};
  const data = error.data as { fieldErrors?: Record<string, string[]> } | undefined;
  return data?.fieldErrors ?? {};
}

/**
 * The tRPC code of a refusal (`UNAUTHORIZED`, `FORBIDDEN`, `NOT_FOUND`, `BAD_REQUEST`,
 * `CONFLICT`, ...), or undefined when the API was not reached.
 */
export function failureCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data = error.data as { code?: string } | undefined;
  return data?.code;
}
