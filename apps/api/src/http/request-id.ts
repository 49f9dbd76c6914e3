/**
 * Request ids: the server makes its own for every request (a UUID: the `x-request-id` it
 * answers with, and the id the audit log and the logs record). A client's `x-request-id`
 * is kept beside it, in the logs, only when it is short and well formed (letters, digits
 * and `._:-`, at most 64 characters); anything else is dropped, never echoed or stored.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** The client's request id when it is acceptable, else null. */
export function clientRequestIdOf(req: IncomingMessage): string | null {
  const value = req.headers['x-request-id'];
  return typeof value === 'string' && CLIENT_REQUEST_ID.test(value) ? value : null;
}

/** The ids of one request: the server's own and the client's (when kept). */
export interface RequestIds {
  requestId: string;
  clientRequestId: string | null;
}

export function requestIdsOf(req: IncomingMessage): RequestIds {
  return { requestId: randomUUID(), clientRequestId: clientRequestIdOf(req) };
}
