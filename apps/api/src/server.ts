/**
 * The HTTP server. For now it answers the health check that load balancers and
 * deployments poll; the tRPC API mounts here.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Database } from '@vmcloud/db';
import type { Logger } from './log.js';

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

export function createApiServer(db: Database, log: Logger): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const requestId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    res.setHeader('x-request-id', requestId);
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
      void health(db).then(({ status, body }) => {
        if (status !== 200) log.warn('health check failed', { requestId, ...body });
        sendJson(res, status, body);
      });
      return;
    }
    sendJson(res, 404, { error: { code: 'NOT_FOUND', message: `no route for ${req.method} ${url.pathname}` } });
  });
}
