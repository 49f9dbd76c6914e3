/**
 * Cross-site request forgery: a page on another site (a sibling subdomain too, which
 * SameSite=Lax does not stop) must not get the browser to call the API with the user's
 * session cookie.
 *
 * - A call authenticated by the session cookie comes from a page of an origin this API
 *   serves: its `Origin` is the API's own (the request's Host) or a configured one
 *   (VMCLOUD_PUBLIC_URL, VMCLOUD_ALLOWED_ORIGINS); without `Origin`, `Sec-Fetch-Site` is
 *   `same-origin` (or `none`: typed in the address bar). A request with neither header
 *   is not a browser's and passes: the cookie is then no ambient credential.
 * - A mutation authenticated by the cookie is `application/json`, a type no HTML form
 *   can send and no other site's script can send without a CORS preflight, which this
 *   API never grants. Other mutations must be JSON too (415), since no procedure takes
 *   anything else.
 * - Signed device calls (`device.*`) are verified by their signatures instead, payment
 *   notifications (`/pay/...`, outside tRPC) by the provider's.
 * - Anonymous mutations from a browser page (sign-in, registration) are held to the same
 *   origins, so that another site cannot sign a user in to an account of its choosing.
 */
import type { IncomingMessage } from 'node:http';
import { SESSION_COOKIE } from '../auth/principal.js';

export interface Refusal {
  status: 403 | 415;
  message: string;
}

export interface CallInfo {
  /** POST (a mutation) rather than GET. */
  mutation: boolean;
  /** Every call of the request is a signed device call. */
  signedDeviceCalls: boolean;
}

/** An origin as browsers send it (`https://host[:port]`), or undefined for anything else. */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    return parsed.origin;
  } catch {
    return undefined;
  }
}

/** Whether the request carries the session cookie and no `Authorization` header (which takes precedence). */
export function cookieAuthenticated(req: IncomingMessage): boolean {
  if (req.headers.authorization?.startsWith('Bearer ')) return false;
  const cookie = req.headers.cookie;
  if (!cookie) return false;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE && part.slice(eq + 1).trim() !== '') return true;
  }
  return false;
}

const JSON_MEDIA_TYPE = 'application/json';

function mediaType(req: IncomingMessage): string | undefined {
  return req.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
}

/**
 * Returns the check: `origins()` lists the origins configured besides the API's own
 * (read on each call: the public URL is known only once the server listens on its port).
 */
export function createCsrfCheck(origins: () => readonly string[]) {
  const allowed = (origin: string, req: IncomingMessage): boolean => {
    if (origin === 'null') return false;
    let host: string;
    try {
      host = new URL(origin).host;
    } catch {
      return false;
    }
    if (req.headers.host !== undefined && host === req.headers.host.toLowerCase()) return true;
    return origins().includes(origin);
  };

  /** Why the request is refused, or null when it may go on. */
  return function check(req: IncomingMessage, call: CallInfo): Refusal | null {
    if (call.signedDeviceCalls) return null;
    const withCookie = cookieAuthenticated(req);
    if (call.mutation && mediaType(req) !== JSON_MEDIA_TYPE) {
      return withCookie
        ? { status: 403, message: 'Refused: a signed-in mutation must be sent as application/json' }
        : { status: 415, message: 'Mutations are accepted only as application/json' };
    }
    if (!withCookie && !call.mutation) return null;
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (allowed(origin, req)) return null;
      return { status: 403, message: `Refused: a request from ${origin} (not an origin of this API)` };
    }
    const site = req.headers['sec-fetch-site'];
    if (site === undefined || site === 'same-origin' || site === 'none') return null;
    return { status: 403, message: `Refused: a ${site} request (Sec-Fetch-Site) from a page of another origin` };
  };
}
