/** A call the API answered with an error; `message` is the server's own message when it sent one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  /** The tRPC error code (`UNAUTHORIZED`, `BAD_REQUEST`, ...), when the server sent one. */
  readonly code: string | undefined;
  /** Whether `message` is the server's own (else it only names the HTTP status). */
  readonly fromServer: boolean;

  constructor(message: string, status: number, code: string | undefined, fromServer: boolean) {
    super(message);
    this.status = status;
    this.code = code;
    this.fromServer = fromServer;
  }
}

/** Statuses a proxy or gateway answers with when the API behind it is down. */
const GATEWAY_FAILURES: ReadonlySet<number> = new Set([502, 503, 504]);

/**
 * The message to show a user for a failed call: the server's own message, else the
 * HTTP status, else `unreachable` when the API was never reached (network failure, or a
 * gateway answering for an API that is down).
 */
export function failureMessage(error: unknown, unreachable: string): string {
  if (!(error instanceof ApiError)) return unreachable;
  if (!error.fromServer && GATEWAY_FAILURES.has(error.status)) return unreachable;
  return error.message;
}

export interface CallOptions {
  /** The fetch to use; tests pass their own. */
  fetch?: typeof fetch;
  /** Prefix of the procedure URLs. */
  baseUrl?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The error object of a tRPC error response, with or without a data transformer. */
function readTrpcError(body: unknown): Record<string, unknown> | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  return isRecord(body.error.json) ? body.error.json : body.error;
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function toApiError(response: Response, body: unknown): ApiError {
  const error = readTrpcError(body);
  const data = error && isRecord(error.data) ? error.data : undefined;
  const code = data && typeof data.code === 'string' ? data.code : undefined;
  if (error && typeof error.message === 'string' && error.message !== '') {
    return new ApiError(error.message, response.status, code, true);
  }
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return new ApiError(status, response.status, code, false);
}

/**
 * Calls a tRPC mutation over plain HTTP: POST `/trpc/<path>` with the input as JSON.
 * Resolves to the procedure's result; rejects with an ApiError when the server answers
 * with an error, or with the fetch's own error when the server cannot be reached.
 */
export async function callMutation(path: string, input: unknown, options: CallOptions = {}): Promise<unknown> {
  const send = options.fetch ?? fetch;
  const response = await send(`${options.baseUrl ?? '/trpc'}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(input),
  });
  const body = await readJson(response);
  if (!response.ok) throw toApiError(response, body);
  if (!isRecord(body) || !isRecord(body.result)) {
    throw new ApiError(`Unexpected response from ${path}`, response.status, undefined, false);
  }
  return body.result.data;
}
