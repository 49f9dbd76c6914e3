import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { openKeyring } from '@vmcloud/db';
import { openTestDatabase } from '@vmcloud/db/testing';
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import { PrincipalCache } from './auth/principal.js';
import type { AppRouter } from './app-router.js';
import { DEMO_PASSWORD } from './seed/index.js';
import { createTestApi, DEMO_CODE, TEST_SIGNING_KEY } from './testing.js';
import { createDeviceServices } from './devices/services.js';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';
import { createApiServer } from './server.js';

describe('the API server', () => {
  it('answers the health check from the database, and 404 for anything else', async () => {
    const t = await openTestDatabase('sqlite');
    const lines: string[] = [];
    const server = createApiServer({
      services: {
        db: t.db,
        keyring: await openKeyring(t.db, randomBytes(32)),
        log: createLogger('info', {}, (line) => lines.push(line)),
        principals: new PrincipalCache(0),
        sessionTtlMs: 3_600_000,
        secureCookies: false,
        now: () => new Date(),
        devices: createDeviceServices({
          db: t.db,
          now: () => new Date(),
          signingKey: TEST_SIGNING_KEY,
          settings: { publicUrl: 'http://127.0.0.1:3000' },
        }),
      },
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${base}/health`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-request-id')).toMatch(/[0-9a-f-]{36}/);
      expect(await ok.json()).toMatchObject({ status: 'ok', database: { dialect: 'sqlite' } });

      const missing = await fetch(`${base}/nowhere`, { headers: { 'x-request-id': 'req-1' } });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('x-request-id')).toBe('req-1');
      expect(await missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for GET /nowhere' } });

      await t.db.close();
      const down = await fetch(`${base}/health`);
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ status: 'unavailable' });
      expect(lines.some((l) => JSON.parse(l).msg === 'health check failed')).toBe(true);
    } finally {
      server.close();
      await t.drop().catch(() => undefined);
    }
  });
});

describe('the API over HTTP', () => {
  it('signs in with a session cookie (httpOnly) and answers through @trpc/client with it', async () => {
    const api = await createTestApi('sqlite');
    const server = createApiServer({ services: api.services });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const login = await fetch(`${base}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ tenantCode: DEMO_CODE, username: 'admin', password: DEMO_PASSWORD }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^vmcloud_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Max-Age=28800$/);
      const session = cookie.split(';')[0] as string;

      const client = createTRPCClient<AppRouter>({
        links: [httpBatchLink({ url: `${base}/trpc`, headers: { cookie: session } })],
      });
      const [me, time] = await Promise.all([client.auth.me.query(), client.system.time.query()]);
      expect(me.user.username).toBe('admin');
      expect(me.tenant.code).toBe(DEMO_CODE);
      expect(Date.parse(time.now)).toBeGreaterThan(0);

      const anonymous = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${base}/trpc` })] });
      const refused = await anonymous.auth.me.query().catch((e: unknown) => e as TRPCClientError<AppRouter>);
      expect(refused).toBeInstanceOf(TRPCClientError);
      expect((refused as TRPCClientError<AppRouter>).data?.httpStatus).toBe(401);

      const mangled = await fetch(`${base}/trpc/auth.me`, { headers: { cookie: 'vmcloud_session=%E0%A4%A' } });
      expect(mangled.status).toBe(401);

      await client.auth.logout.mutate();
      const after = await client.auth.me.query().catch((e: unknown) => e as TRPCClientError<AppRouter>);
      expect((after as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
    } finally {
      server.close();
      await api.close();
    }
  });
});
