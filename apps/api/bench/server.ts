/**
 * One server under test, in its own process so that the load generator does not share
 * its event loop:  server.ts <bare|trpc|minimal|official> <sqlite file>
 * Prints `ready <port>` once listening. The API is the compiled code in dist/, the code
 * `npm start` runs (`npm run bench` builds it first).
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { createDb, openKeyring } from '@vmcloud/db';
import { initTRPC } from '@trpc/server';
import type { Context, Services } from '../src/trpc/context.js';

const dist = (path: string) => new URL(`../dist/${path}`, import.meta.url).href;
const { PrincipalCache } = (await import(dist('auth/principal.js'))) as typeof import('../src/auth/principal.js');
const { createLogger } = (await import(dist('log.js'))) as typeof import('../src/log.js');
const { appRouter } = (await import(dist('app-router.js'))) as typeof import('../src/app-router.js');
const { createApiServer, sessionTokenOf } = (await import(dist('server.js'))) as typeof import('../src/server.js');
const { createContext } = (await import(dist('trpc/context.js'))) as typeof import('../src/trpc/context.js');
const { createTrpcHandler } = (await import(
  dist('http/trpc-handler.js')
)) as typeof import('../src/http/trpc-handler.js');

const [mode = 'trpc', file = ''] = process.argv.slice(2);

async function main() {
  let server: Server;
  if (mode === 'bare') {
    // The ceiling: node:http answering JSON of the same shape, with no framework at all.
    server = createServer((req, res) => {
      const body = JSON.stringify({ result: { data: { now: new Date().toISOString() } } });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  } else {
    const db = await createDb(file);
    const services: Services = {
      db,
      keyring: await openKeyring(db, Buffer.alloc(32, 7)),
      log: createLogger('error'),
      principals: new PrincipalCache(),
      sessionTtlMs: 3_600_000,
      secureCookies: false,
      now: () => new Date(),
    };
    if (mode === 'minimal') {
      // The least tRPC can do for a call: the same handler and context, and a procedure
      // with no middleware at all, on a router of its own.
      const t = initTRPC.context<Context>().create();
      const minimal = t.router({
        system: t.router({ time: t.procedure.query(() => ({ now: new Date().toISOString() })) }),
      });
      const handle = createTrpcHandler({
        router: minimal,
        createContext: (req) => createContext(services, { sessionToken: sessionTokenOf(req) }),
        responseHeaders: (ctx) => ({ 'x-request-id': ctx.request.requestId }),
      });
      server = createServer((req, res) => {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        void handle(req, res, (q < 0 ? url : url.slice(0, q)).slice('/trpc/'.length), q < 0 ? '' : url.slice(q + 1));
      });
    } else if (mode === 'official') {
      // tRPC's own standalone adapter over the same router and context.
      const handler = createHTTPHandler({
        router: appRouter,
        basePath: '/trpc/',
        createContext: ({ req }) => createContext(services, { sessionToken: sessionTokenOf(req) }),
      });
      server = createServer(handler);
    } else {
      server = createApiServer({ services });
    }
  }
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
}

process.once('SIGINT', () => process.exit(0));
void main();
