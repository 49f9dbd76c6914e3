/**
 * The real HTTP server on a fresh seeded database, for the tests of the HTTP edge
 * (limits, CSRF, headers, request ids), with a raw client that streams a large body
 * without holding it (one reused chunk) and reports what the server answered.
 */
import { once } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiServer } from '../server.js';
import { createTestApi, DEMO_CODE, type TestApi } from '../testing.js';

export interface ServedApi {
  api: TestApi;
  server: Server;
  base: string;
  /** The request's Host: `127.0.0.1:<port>`. */
  host: string;
  /** A `cookie` header value carrying the demo operator admin's session. */
  adminCookie(): Promise<string>;
  close(): Promise<void>;
}

export async function serveTestApi(
  options: { allowedOrigins?: readonly string[]; adminDir?: string } = {},
): Promise<ServedApi> {
  const api = await createTestApi('sqlite');
  const server = createApiServer({
    services: api.services,
    allowedOrigins: options.allowedOrigins ?? [],
    adminDir: options.adminDir,
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    api,
    server,
    base: `http://${host}`,
    host,
    adminCookie: async () => `vmcloud_session=${encodeURIComponent(await api.sessionToken(DEMO_CODE, 'admin'))}`,
    async close() {
      server.closeAllConnections();
      server.close();
      await api.close();
    },
  };
}

export interface StreamedAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Bytes of the body the client got written before the answer (or the connection's end). */
  sent: number;
  /** Milliseconds from the first byte sent to the answer's head. */
  ms: number;
}

/**
 * POSTs `total` bytes (one 64 KB chunk written over and over), declaring the length or
 * sending chunks, and stops writing as soon as the server answers or hangs up.
 */
export function streamBody(
  url: string,
  total: number,
  headers: Record<string, string>,
  declareLength: boolean,
): Promise<StreamedAnswer> {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let sent = 0;
    let answered = false;
    const req = httpRequest(url, {
      method: 'POST',
      headers: declareLength ? { ...headers, 'content-length': String(total) } : headers,
    });
    req.on('response', (res) => {
      answered = true;
      const ms = performance.now() - started;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (text: string) => (body += text));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sent, ms });
        req.destroy();
      });
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const write = () => {
      while (!answered && !req.destroyed && sent < total) {
        const piece = total - sent < chunk.length ? chunk.subarray(0, total - sent) : chunk;
        sent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', write);
          return;
        }
      }
      if (!answered && !req.destroyed && sent >= total) req.end();
    };
    write();
  });
}

/** The largest growth of this process's memory (heap and buffers) while `work` runs, in bytes. */
export async function peakMemoryGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const baseline = used();
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, used())), 2);
  try {
    const result = await work();
    peak = Math.max(peak, used());
    return { result, growth: peak - baseline };
  } finally {
    clearInterval(timer);
  }
}

/** Times a GET of /health. */
export async function timedHealth(base: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const res = await fetch(`${base}/health`);
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - started };
}
