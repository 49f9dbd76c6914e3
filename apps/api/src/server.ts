/**
 * The HTTP server: the tRPC API under /trpc, the health check that load balancers poll,
 * and the built admin console for every other GET.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Database } from '@vmcloud/db';
import { SESSION_COOKIE } from './auth/principal.js';
import { createTrpcHandler } from './http/trpc-handler.js';
import { createStaticHandler } from './http/static.js';
import { sourceAddress } from './auth/source-address.js';
import { uploadDir } from './media/uploads.js';
import { appRouter } from './app-router.js';
import { createContext, type Context, type Services, type SignedRequest } from './trpc/context.js';
import { SIGNATURE_HEADERS, sha256Hex } from '@vmcloud/protocol/device';
import { createPaymentPages } from './http/payment-pages.js';
import { createExportRoutes } from './http/export.js';
import { logUnexpected, type Meta } from './trpc/init.js';
import { allowedOriginsOf } from './config.js';
import { createCsrfCheck } from './http/csrf.js';
import { DEFAULT_BODY_BYTES, MAX_BATCH_CALLS, uploadLimitOf } from './http/limits.js';
import { requestIdsOf } from './http/request-id.js';
import { createSecurityHeaders } from './http/security-headers.js';

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/**
 * 200 when the database answers, 503 when it does not. The answer says only that the
 * database is down; why (the driver's message, which may name hosts, users or files) goes
 * to the log as `reason`, never to whoever polls.
 */
export async function health(
  db: Database,
): Promise<{ status: number; body: Record<string, unknown>; reason?: string }> {
  const started = performance.now();
  try {
    await db.ping();
    return {
      status: 200,
      body: { status: 'ok', database: { dialect: db.dialect, ms: +(performance.now() - started).toFixed(2) } },
    };
  } catch (error) {
    return {
      status: 503,
      body: { status: 'unavailable', database: { dialect: db.dialect, status: 'down' } },
      reason: error instanceof Error ? error.message : String(error),
    };
  }
}

/** The session token from the session cookie or an `Authorization: Bearer` header. */
export function sessionTokenOf(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim() || null;
  const cookie = req.headers.cookie;
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = part.slice(eq + 1).trim();
      try {
        return value ? decodeURIComponent(value) : null;
      } catch {
        return null; // not a token we issued: treated as no session
      }
    }
  }
  return null;
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
};

/** A terminal's signature of the request (docs/device-api.md), when it carries one. */
export function signedRequestOf(req: IncomingMessage, body: string | undefined): SignedRequest | null {
  const keyId = header(req, SIGNATURE_HEADERS.keyId);
  if (keyId === undefined) return null;
  return {
    keyId,
    timestamp: header(req, SIGNATURE_HEADERS.timestamp) ?? '',
    nonce: header(req, SIGNATURE_HEADERS.nonce) ?? '',
    signature: header(req, SIGNATURE_HEADERS.signature) ?? '',
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    bodyDigest: sha256Hex(body ?? ''),
  };
}

const NO_HEADERS: Record<string, string> = {};

function responseHeaders(ctx: Context, secure: boolean): Record<string, string | string[]> {
  if (ctx.cookies.length === 0) return NO_HEADERS;
  return {
    'set-cookie': ctx.cookies.map(
      (c) =>
        `${c.name}=${encodeURIComponent(c.value)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${c.maxAge}${secure ? '; Secure' : ''}`,
    ),
  };
}

export interface ApiServerOptions {
  services: Services;
  /** The built admin console (apps/admin/dist); not served when absent. */
  adminDir?: string;
  /**
   * Origins besides the API's own (its Host) and its public URL whose pages may call it
   * with the session cookie; by default VMCLOUD_PUBLIC_URL and VMCLOUD_ALLOWED_ORIGINS.
   */
  allowedOrigins?: readonly string[];
  /**
   * Proxies whose `X-Forwarded-For` names the client (VMCLOUD_TRUSTED_PROXIES): a request's
   * source address is the socket's peer otherwise (throttles, sessions, the audit log).
   */
  trustedProxies?: readonly string[];
}

/** What the request ids of one request are, kept on it for the handlers after the first. */
const IDS = Symbol('request ids');
type WithIds = IncomingMessage & { [IDS]?: ReturnType<typeof requestIdsOf> };

export function createApiServer({ services, adminDir, allowedOrigins, trustedProxies = [] }: ApiServerOptions): Server {
  const { db, log } = services;
  const configured = allowedOrigins ?? allowedOriginsOf(process.env);
  const csrf = createCsrfCheck(() => {
    const own = services.devices.settings.publicUrl;
    return own ? [...configured, new URL(own).origin] : configured;
  });
  const securityHeaders = createSecurityHeaders({ https: services.secureCookies });
  const contextOf = (req: IncomingMessage, body?: string) => {
    const ids = (req as WithIds)[IDS];
    return createContext(services, {
      requestId: ids?.requestId,
      clientRequestId: ids?.clientRequestId,
      ip: sourceAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], trustedProxies),
      userAgent: req.headers['user-agent'] ?? null,
      sessionToken: sessionTokenOf(req),
      signed: signedRequestOf(req, body),
    });
  };
  const trpc = createTrpcHandler({
    router: appRouter,
    createContext: contextOf,
    responseHeaders: (ctx) => responseHeaders(ctx, services.secureCookies),
    maxBatchSize: MAX_BATCH_CALLS,
    maxBodyBytes: DEFAULT_BODY_BYTES,
    // Uploads take more, from a caller whose session is valid (a cached lookup).
    async bodyLimit(req, paths) {
      const upload = uploadLimitOf(paths);
      const token = upload === undefined ? null : sessionTokenOf(req);
      if (upload === undefined || !token) return DEFAULT_BODY_BYTES;
      const principal = await services.principals.resolve(db, token, services.now()).catch(() => undefined);
      return principal ? upload : DEFAULT_BODY_BYTES;
    },
    admit: (req, calls) =>
      csrf(req, {
        mutation: req.method !== 'GET' && req.method !== 'HEAD',
        signedDeviceCalls:
          calls.length > 0 && calls.every((p) => (p?._def.meta as Meta | undefined)?.access === 'device'),
      }),
    onError: logUnexpected,
  });
  const admin = adminDir ? createStaticHandler(adminDir) : undefined;
  const debug = log.enabled('debug');
  // Product images and ads: public, under unguessable names, shown on the machines' screens.
  const uploads = createStaticHandler(uploadDir());
  const payments = createPaymentPages(services);
  const exports = createExportRoutes({ context: (req) => contextOf(req), now: services.now, sendJson });

  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const ids = requestIdsOf(req);
    (req as WithIds)[IDS] = ids;
    const { requestId, clientRequestId } = ids;
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const pathname = q < 0 ? raw : raw.slice(0, q);
    securityHeaders(req, res, pathname);
    res.setHeader('x-request-id', requestId);
    if (debug) {
      const started = performance.now();
      res.once('finish', () =>
        log.debug('request', {
          requestId,
          clientRequestId: clientRequestId ?? undefined,
          method: req.method,
          url: req.url,
          status: res.statusCode,
          ms: +(performance.now() - started).toFixed(2),
        }),
      );
    }
    if (pathname.startsWith('/trpc/')) {
      trpc(req, res, pathname.slice(6), q < 0 ? '' : raw.slice(q + 1)).catch((error: unknown) => {
        log.error('request failed', { requestId, error: (error as Error).message });
        if (!res.headersSent)
          sendJson(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
        else res.destroy();
      });
      return;
    }
    if (pathname.startsWith('/pay/')) {
      payments(req, res, pathname).catch((error: unknown) => {
        log.error('payment page failed', { requestId, error: (error as Error).message });
        if (!res.headersSent)
          sendJson(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
        else res.destroy();
      });
      return;
    }
    if (pathname.startsWith('/export/') && exports(req, res, pathname, q < 0 ? '' : raw.slice(q + 1))) return;
    if (pathname === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      void health(db).then(({ status, body, reason }) => {
        if (status !== 200) log.warn('health check failed', { requestId, ...body, reason });
        sendJson(res, status, body);
      });
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      if (pathname.startsWith('/uploads/') && uploads(req, res, pathname.slice('/uploads'.length))) return;
      if (admin?.(req, res, pathname)) return;
    }
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no route for ${req.method} ${pathname}` } });
  });
}
