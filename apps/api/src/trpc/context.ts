/**
 * The request context, in two halves: `createContext` is pure (tests call it with a fresh
 * database), and the HTTP adapter only reads headers and cookies into a `RequestInfo`.
 * Nothing here touches the database: the session is resolved by the procedures that need
 * one (`authedProcedure` and below), not for every request.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Keyring } from '@vmcloud/db';
import type { Logger } from '../log.js';
import type { PrincipalCache } from '../auth/principal.js';
import type { PasswordCost } from '../auth/password.js';
import type { DeviceServices } from '../devices/services.js';
import type { SignedRequest } from '../devices/identity.js';

export type { SignedRequest };

/** What the adapter read from the request. */
export interface RequestInfo {
  /** The server's own id of the request (what the audit log records). */
  requestId: string;
  /** The client's `x-request-id`, when short and well formed (http/request-id.ts); logged beside it. */
  clientRequestId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** The session token from the cookie or an `Authorization: Bearer` header. */
  sessionToken: string | null;
  /** A terminal's signature of the call, when it carries one. */
  signed: SignedRequest | null;
}

/** A cookie the procedure wants set on the response (sign-in, sign-out). */
export interface ResponseCookie {
  name: string;
  value: string;
  /** Seconds; 0 deletes the cookie. */
  maxAge: number;
}

/** Long-lived parts shared by every request of one API process. */
export interface Services {
  db: Database;
  keyring: Keyring;
  log: Logger;
  principals: PrincipalCache;
  /** scrypt cost for new password hashes; tests lower it. */
  passwordCost?: PasswordCost;
  /** Session lifetime in milliseconds. */
  sessionTtlMs: number;
  /** Send the session cookie with `Secure` (behind HTTPS). */
  secureCookies: boolean;
  /** The clock; tests move it. */
  now: () => Date;
  /** The device channel: the platform's signing key, the event hub, payment providers, settings. */
  devices: DeviceServices;
}

export interface Context extends Services {
  request: RequestInfo;
  /** Cookies to set on the response; the adapter writes them. */
  cookies: ResponseCookie[];
}

export function createContext(services: Services, request: Partial<RequestInfo> = {}): Context {
  // Property by property rather than a spread: one request's context is built on every
  // call, and a literal of fixed shape is what V8 builds fastest.
  return {
    db: services.db,
    keyring: services.keyring,
    log: services.log,
    principals: services.principals,
    passwordCost: services.passwordCost,
    sessionTtlMs: services.sessionTtlMs,
    secureCookies: services.secureCookies,
    now: services.now,
    devices: services.devices,
    request: {
      requestId: request.requestId ?? randomUUID(),
      clientRequestId: request.clientRequestId ?? null,
      ip: request.ip ?? null,
      userAgent: request.userAgent ?? null,
      sessionToken: request.sessionToken ?? null,
      signed: request.signed ?? null,
    },
    cookies: [],
  };
}
