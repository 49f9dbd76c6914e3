import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TRPCError } from '@trpc/server';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTrpcHandler } from '../http/trpc-handler.js';
import { createLogger } from '../log.js';
import { createContext, type Services } from './context.js';
import { createCallerFactory, logUnexpected, publicProcedure, router } from './init.js';

const duplicate = () =>
  new Error('insert failed', {
    cause: Object.assign(new Error('UNIQUE constraint failed: products.code'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }),
  });

const failing = router({
  strict: publicProcedure.input(z.object({ name: z.string().min(1, 'must not be empty') })).query(() => 'ok'),
  duplicate: publicProcedure.mutation(() => {
    throw duplicate();
  }),
  crash: publicProcedure.query(() => {
    throw new Error('the disk is on fire');
  }),
  refuse: publicProcedure.query(() => {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'not yours' });
  }),
});

const lines: string[] = [];
const services = {
  log: createLogger('error', {}, (line) => lines.push(line)),
  now: () => new Date(),
} as unknown as Services;
const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('how failures are reported', () => {
  const caller = createCallerFactory(failing)(createContext(services, { requestId: 'req-1' }));

  it('in process: input errors name the field, a duplicate key is a CONFLICT, the rest is unchanged', async () => {
    lines.length = 0;
    await expect(caller.strict({ name: '' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'name: must not be empty',
    });
    await expect(caller.duplicate()).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'A record with the same unique value already exists',
    });
    await expect(caller.refuse()).rejects.toMatchObject({ code: 'FORBIDDEN', message: 'not yours' });
    expect(lines).toEqual([]); // none of these is unexpected
    await expect(caller.crash()).rejects.toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    expect(logged()).toEqual([
      expect.objectContaining({
        msg: 'procedure failed',
        requestId: 'req-1',
        path: 'crash',
        error: expect.stringContaining('the disk is on fire'),
      }),
    ]);
  });

  describe('over HTTP', () => {
    const handle = createTrpcHandler({
      router: failing,
      createContext: () => createContext(services, { requestId: 'req-2' }),
      responseHeaders: () => ({}),
      onError: logUnexpected,
    });
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      void handle(req, res, url.pathname.slice('/trpc/'.length), url.search.slice(1));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const call = async (path: string, init?: RequestInit) => {
      if (!server.listening) {
        server.listen(0, '127.0.0.1');
        await once(server, 'listening');
      }
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/trpc/${path}`, init);
      return {
        status: res.status,
        body: (await res.json()) as { error: { message: string; data: Record<string, unknown> } },
      };
    };

    it('answers with the same reports, status codes and field errors', async () => {
      lines.length = 0;
      const strict = await call(`strict?input=${encodeURIComponent(JSON.stringify({ name: '' }))}`);
      expect(strict.status).toBe(400);
      expect(strict.body.error.message).toBe('name: must not be empty');
      expect(strict.body.error.data).toMatchObject({
        code: 'BAD_REQUEST',
        httpStatus: 400,
        fieldErrors: { name: ['must not be empty'] },
      });
      const conflict = await call('duplicate', { method: 'POST' });
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.data).toMatchObject({ code: 'CONFLICT', httpStatus: 409 });
      expect(lines).toEqual([]);
    });

    it('answers an unexpected failure with a bare INTERNAL_SERVER_ERROR and logs it whole', async () => {
      lines.length = 0;
      const crash = await call('crash');
      expect(crash.status).toBe(500);
      expect(crash.body.error.message).toBe('Internal server error');
      expect(JSON.stringify(crash.body)).not.toContain('fire');
      expect(logged()).toEqual([
        expect.objectContaining({
          msg: 'procedure failed',
          requestId: 'req-2',
          path: 'crash',
          error: expect.stringContaining('the disk is on fire'),
        }),
      ]);
    });
  });
});
