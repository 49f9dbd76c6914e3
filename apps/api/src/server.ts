/**
 * The HTTP server: the tRPC API under /trpc, the health check that load balancers poll,
 * and the built admin console for every other GET.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Database } from '@vmcloud/db';
import { SESSION_COOKIE } from './auth/principal.js';
import { createTrpcHandler } from './http/trpc-handler.js';
import { createStaticHandler } from './http/static.js';
import { uploadDir } from './media/uploads.js';
import { appRouter } from './app-router.js';
import { createContext, type Context, type Services, type SignedRequest } from './trpc/context.js';
import { SIGNATURE_HEADERS, sha256Hex } from '@vmcloud/protocol/device';
import { createPaymentPages } from './http/payment-pages.js';
import { logUnexpected } from './trpc/init.js';

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

/** 200 when the database answers, 503 with the reason when it does not. */
export async function health(db: Database): Promise<{ status: number; body: Record<string, unknown> }> {
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
      body: { status: 'unavailable', database: { dialect: db.dialect, error: (error as Error).message } },
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

function responseHeaders(ctx: Context, secure: boolean): Record<string, string | string[]> {
  if (ctx.cookies.length === 0) return { 'x-request-id': ctx.request.requestId };
  return {
    'x-request-id': ctx.request.requestId,
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
}

export function createApiServer({ services, adminDir }: ApiServerOptions): Server {
  const { db, log } = services;
  const trpc = createTrpcHandler({
    router: appRouter,
    createContext: (req, body) =>
      createContext(services, {
        requestId: (req.headers['x-request-id'] as string | undefined) ?? undefined,
        ip: req.socket.remoteAddress ?? null,
        userAgent: req.headers['user-agent'] ?? null,
        sessionToken: sessionTokenOf(req),
        signed: signedRequestOf(req, body),
      }),
    responseHeaders: (ctx) => responseHeaders(ctx, services.secureCookies),
    // Room for a 20 MB ad video as a base64 data URL.
    maxBodyBytes: 32 * 1024 * 1024,
    onError: logUnexpected,
  });
  const admin = adminDir ? createStaticHandler(adminDir) : undefined;
  const debug = log.enabled('debug');
  // Product images and ads: public, under unguessable names, shown on the machines' screens.
  const uploads = createStaticHandler(uploadDir());
  const payments = createPaymentPages(services);

  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const requestId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    req.headers['x-request-id'] = requestId;
    if (debug) {
      const started = performance.now();
      res.once('finish', () =>
        log.debug('request', {
          requestId,
          method: req.method,
          url: req.url,
          status: res.statusCode,
          ms: +(performance.now() - started).toFixed(2),
        }),
      );
    }
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const pathname = q < 0 ? raw : raw.slice(0, q);
    if (pathname.startsWith('/trpc/')) {
      // The tRPC handler writes x-request-id with the rest of its head, in one go.
      trpc(req, res, pathname.slice(6), q < 0 ? '' : raw.slice(q + 1)).catch((error: unknown) => {
        log.error('request failed', { requestId, error: (error as Error).message });
        if (!res.headersSent)
          sendJson(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
        else res.destroy();
      });
      return;
    }
    res.setHeader('x-request-id', requestId);
    if (pathname.startsWith('/pay/')) {
      payments(req, res, pathname).catch((error: unknown) => {
        log.error('payment page failed', { requestId, error: (error as Error).message });
        if (!res.headersSent)
          sendJson(res, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } });
        else res.destroy();
      });
      return;
    }
    if (pathname === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      void health(db).then(({ status, body }) => {
        if (status !== 200) log.warn('health check failed', { requestId, ...body });
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
