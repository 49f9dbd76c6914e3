import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from '@trpc/client';
import { tracked, TRPCError } from '@trpc/server';
import { EventSource } from 'eventsource';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@vmcloud/protocol/testing';
import { z } from 'zod';
import { PrincipalCache } from '../auth/principal.js';
import { createLogger } from '../log.js';
import { createContext, type Context, type Services } from '../trpc/context.js';
import { publicProcedure, router } from '../trpc/init.js';
import { createTrpcHandler } from './trpc-handler.js';

let counter = 0;
let foreverEnded = 0;
const testRouter = router({
  echo: publicProcedure
    .input(z.object({ text: z.string().max(5, 'must be at most 5 characters') }))
    .query(({ input }) => ({
      text: input.text,
      at: new Date(0),
    })),
  nothing: publicProcedure.query(() => undefined),
  count: publicProcedure.mutation(() => ++counter),
  refuse: publicProcedure.query(() => {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'not for you' });
  }),
  crash: publicProcedure.query(() => {
    throw new Error('database password is hunter2');
  }),
  cookie: publicProcedure.mutation(({ ctx }) => {
    ctx.cookies.push({ name: 'vmcloud_session', value: 'abc', maxAge: 60 });
    return 'set';
  }),
  nested: router({ deep: publicProcedure.input(z.number().int()).query(({ input }) => input * 2) }),
  ticks: publicProcedure.input(z.object({ n: z.number().int().max(5) })).subscription(async function* ({ input }) {
    for (let i = 1; i <= input.n; i++) yield i;
  }),
  numbered: publicProcedure
    .input(z.object({ lastEventId: z.string().nullish() }).optional())
    .subscription(async function* ({ input }) {
      const from = Number(input?.lastEventId ?? 0);
      for (let i = from + 1; i <= from + 2; i++) yield tracked(String(i), { n: i });
    }),
  plain: publicProcedure.subscription(async function* () {
    yield 'x';
  }),
  breaks: publicProcedure.subscription(async function* () {
    yield 1;
    throw new Error('database password is hunter2');
  }),
  forever: publicProcedure.subscription(async function* ({ signal }) {
    try {
      yield 'first';
      await new Promise((resolve) => signal?.addEventListener('abort', resolve, { once: true }));
    } finally {
      foreverEnded += 1;
    }
  }),
  streamCookie: publicProcedure.subscription(async function* ({ ctx }) {
    ctx.cookies.push({ name: 'vmcloud_session', value: 'abc', maxAge: 60 });
    yield 'set';
  }),
});

const services = {
  log: createLogger('error', {}, () => undefined),
  principals: new PrincipalCache(0),
  sessionTtlMs: 1000,
  secureCookies: false,
  now: () => new Date(),
} as unknown as Services;

const headers = (ctx: Context): Record<string, string[]> =>
  ctx.cookies.length ? { 'set-cookie': ctx.cookies.map((c) => `${c.name}=${c.value}; Max-Age=${c.maxAge}`) } : {};

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('the tRPC HTTP handler', () => {
  let lean = '';
  let official = '';
  const servers: Server[] = [];

  beforeAll(async () => {
    const handle = createTrpcHandler({
      router: testRouter,
      createContext: () => createContext(services),
      responseHeaders: headers,
    });
    servers.push(
      createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        void handle(req, res, url.pathname.slice('/trpc/'.length), url.search.slice(1));
      }),
    );
    servers.push(
      createServer((req, res) => {
        const url = new URL(req.url ?? '/', 'http://x');
        let ctx: Context | undefined;
        void nodeHTTPRequestHandler({
          router: testRouter,
          req,
          res,
          path: url.pathname.slice('/trpc/'.length),
          createContext: () => (ctx = createContext(services)),
          responseMeta: () => ({ headers: ctx ? headers(ctx) : {} }),
        });
      }),
    );
    [lean = '', official = ''] = await Promise.all(servers.map(listen));
  });
  afterAll(() => {
    for (const s of servers) s.close();
  });

  const requests: [string, string, RequestInit?][] = [
    ['single query', `/trpc/echo?input=${encodeURIComponent('{"text":"hi"}')}`],
    ['query without input', '/trpc/nothing'],
    ['query failing validation', `/trpc/echo?input=${encodeURIComponent('{"text":"too long"}')}`],
    ['query with missing input', '/trpc/echo'],
    ['refused query', '/trpc/refuse'],
    ['crashing query', '/trpc/crash'],
    ['nested path', `/trpc/nested.deep?input=21`],
    [
      'batch of queries',
      `/trpc/echo,nothing,nested.deep?batch=1&input=${encodeURIComponent('{"0":{"text":"a"},"2":4}')}`,
    ],
    ['batch with one error', `/trpc/echo,refuse?batch=1&input=${encodeURIComponent('{"0":{"text":"a"}}')}`],
    ['batch all failing alike', '/trpc/refuse,refuse?batch=1'],
    ['batch failing differently', '/trpc/refuse,crash?batch=1'],
    ['unknown procedure', '/trpc/nowhere'],
    ['unknown in a batch', '/trpc/echo,nowhere?batch=1&input={}'],
    ['query by POST', '/trpc/nothing', { method: 'POST', body: '' }],
    ['mutation by GET', '/trpc/count'],
    ['bad JSON input', '/trpc/echo?input=%7Bnot-json'],
    ['mutation', '/trpc/cookie', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' }],
    [
      'mutation with body',
      '/trpc/cookie',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"x"' },
    ],
    [
      'mutation with bad JSON',
      '/trpc/cookie',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{' },
    ],
    ['batch mutation', '/trpc/cookie,cookie?batch=1', { method: 'POST', body: '{}' }],
  ];

  const stream = { headers: { accept: 'text/event-stream' } };
  const subscriptions: [string, string, RequestInit?][] = [
    ['a subscription', `/trpc/ticks?input=${encodeURIComponent('{"n":3}')}`, stream],
    ['a subscription failing validation', `/trpc/ticks?input=${encodeURIComponent('{"n":9}')}`, stream],
    ['a subscription with bad JSON input', '/trpc/ticks?input=%7Bnot-json', stream],
    ['a subscription without input', '/trpc/plain', stream],
    ['a tracked subscription', '/trpc/numbered', stream],
    [
      'a tracked subscription resumed by header',
      '/trpc/numbered',
      { headers: { ...stream.headers, 'last-event-id': '7' } },
    ],
    ['a tracked subscription resumed by query', `/trpc/numbered?lastEventId=4`, stream],
    [
      'an untracked value after a last event id',
      '/trpc/plain',
      { headers: { ...stream.headers, 'last-event-id': '3' } },
    ],
    ['a subscription failing midway', '/trpc/breaks', stream],
    ['a subscription setting a cookie', '/trpc/streamCookie', stream],
    ['a batch of subscriptions', '/trpc/plain,plain?batch=1', stream],
  ];

  it.each(subscriptions)('streams %s exactly as the official adapter does', async (_, path, init) => {
    const [a, b] = await Promise.all([fetch(lean + path, init), fetch(official + path, init)]);
    expect(a.status).toBe(b.status);
    for (const name of ['content-type', 'cache-control', 'x-accel-buffering', 'set-cookie', 'vary'])
      expect([name, a.headers.get(name)]).toEqual([name, b.headers.get(name)]);
    const [bodyA, bodyB] = await Promise.all([a.text(), b.text()]);
    expect(bodyA).toBe(bodyB);
    expect(bodyA).not.toContain('hunter2');
  });

  it('ends a subscription when its client goes away', async () => {
    const abort = new AbortController();
    const response = await fetch(`${lean}/trpc/forever`, { ...stream, signal: abort.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while (!text.includes('first')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toBe('event: connected\ndata: {}\n\n\ndata: "first"\n\n\n');
    expect(foreverEnded).toBe(0);
    abort.abort();
    await until(() => foreverEnded === 1);
  });

  it.each(requests)('answers %s exactly as the official adapter does', async (_, path, init) => {
    const [a, b] = await Promise.all([fetch(lean + path, init), fetch(official + path, init)]);
    expect(a.status).toBe(b.status);
    expect(a.headers.get('content-type')).toBe(b.headers.get('content-type'));
    expect(a.headers.get('set-cookie')).toBe(b.headers.get('set-cookie'));
    expect(a.headers.get('allow')).toBe(b.headers.get('allow'));
    const [bodyA, bodyB] = await Promise.all([a.text(), b.text()]);
    expect(bodyA).toBe(bodyB);
    expect(bodyA).not.toContain('hunter2');
  });

  it('serves the real tRPC client links: httpLink, httpBatchLink and httpSubscriptionLink', async () => {
    const single = createTRPCClient<typeof testRouter>({ links: [httpLink({ url: `${lean}/trpc` })] });
    expect(await single.echo.query({ text: 'hi' })).toEqual({ text: 'hi', at: '1970-01-01T00:00:00.000Z' });
    expect(await single.nested.deep.query(4)).toBe(8);
    const before = counter;
    expect(await single.count.mutate()).toBe(before + 1);
    const error = await single.echo.query({ text: 'far too long' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const clientError = error as TRPCClientError<typeof testRouter>;
    expect(clientError.message).toBe('text: must be at most 5 characters');
    expect(clientError.data?.code).toBe('BAD_REQUEST');
    expect(clientError.data?.httpStatus).toBe(400);
    expect((clientError.data as { fieldErrors?: unknown }).fieldErrors).toEqual({
      text: ['must be at most 5 characters'],
    });

    const batched = createTRPCClient<typeof testRouter>({
      links: [
        splitLink({
          condition: (op) => op.type === 'subscription',
          true: httpSubscriptionLink({ url: `${lean}/trpc`, EventSource }),
          false: httpBatchLink({ url: `${lean}/trpc` }),
        }),
      ],
    });
    const [echo, doubled, refused] = await Promise.allSettled([
      batched.echo.query({ text: 'b' }),
      batched.nested.deep.query(5),
      batched.refuse.query(),
    ]);
    expect(echo).toEqual({ status: 'fulfilled', value: { text: 'b', at: '1970-01-01T00:00:00.000Z' } });
    expect(doubled).toEqual({ status: 'fulfilled', value: 10 });
    expect(refused.status).toBe('rejected');
    expect(((refused as PromiseRejectedResult).reason as TRPCClientError<typeof testRouter>).data?.code).toBe(
      'FORBIDDEN',
    );

    const ticks = await new Promise<number[]>((resolve, reject) => {
      const seen: number[] = [];
      const sub = batched.ticks.subscribe(
        { n: 3 },
        {
          onData: (n) => {
            seen.push(n);
            if (seen.length === 3) {
              sub.unsubscribe();
              resolve(seen);
            }
          },
          onError: reject,
        },
      );
    });
    expect(ticks).toEqual([1, 2, 3]);
  });
});
