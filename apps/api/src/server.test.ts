import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { eq, openKeyring } from '@vmcloud/db';
import { openTestDatabase } from '@vmcloud/db/testing';
import { createTRPCClient, httpBatchLink, httpLink, TRPCClientError } from '@trpc/client';
import { PrincipalCache } from './auth/principal.js';
import type { AppRouter } from './app-router.js';
import { DEMO_PASSWORD } from './seed/index.js';
import { createTestApi, DEMO_CODE, TEST_SIGNING_KEY, tenantIdOf } from './testing.js';
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
      expect(ok.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(await ok.json()).toMatchObject({ status: 'ok', database: { dialect: 'sqlite' } });

      const missing = await fetch(`${base}/nowhere`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for GET /nowhere' } });

      await t.db.close();
      const down = await fetch(`${base}/health`);
      expect(down.status).toBe(503);
      const text = await down.text();
      // Only that the database is down: not the driver's message (it can name files, hosts, users).
      expect(JSON.parse(text)).toEqual({ status: 'unavailable', database: { dialect: 'sqlite', status: 'down' } });
      expect(text).not.toMatch(/not open|closed|error/i);
      const logged = lines.map((l) => JSON.parse(l) as { msg: string; reason?: string });
      expect(logged.find((l) => l.msg === 'health check failed')?.reason).toMatch(/./);
    } finally {
      server.close();
      await t.drop().catch(() => undefined);
    }
  });
});

describe('request ids', () => {
  it('counts a request under the address a trusted proxy forwards, and under its socket peer otherwise', async () => {
    const api = await createTestApi('sqlite');
    const servers = [
      createApiServer({ services: api.services }),
      createApiServer({ services: api.services, trustedProxies: ['127.0.0.1'] }),
    ];
    const bases: string[] = [];
    for (const server of servers) {
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      bases.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    const cookie = `vmcloud_session=${encodeURIComponent(await api.sessionToken(DEMO_CODE, 'admin'))}`;
    const tenantId = await tenantIdOf(api.db, DEMO_CODE);
    const [machine] = await api.db.forTenant(tenantId).machines.find();
    const rename = (base: string, name: string) =>
      fetch(`${base}/trpc/machines.rename`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-forwarded-for': '203.0.113.7' },
        body: JSON.stringify({ machineId: machine?.id, name }),
      });
    try {
      const [untrusted, trusted] = bases as [string, string];
      expect((await rename(untrusted, 'by a client')).status).toBe(200);
      expect((await rename(trusted, 'behind the proxy')).status).toBe(200);
      const audit = await api.db.forTenant(tenantId).auditLog.find({ where: (a) => eq(a.action, 'machines.rename') });
      const ipOf = (name: string) => audit.find((a) => JSON.stringify(a.after).includes(name))?.ip;
      expect(ipOf('by a client')).toBe('127.0.0.1');
      expect(ipOf('behind the proxy')).toBe('203.0.113.7');
    } finally {
      for (const server of servers) server.close();
      await api.close();
    }
  });

  it("makes its own id for every request, and keeps a client's only beside it when short and well formed", async () => {
    const api = await createTestApi('sqlite');
    const server = createApiServer({ services: api.services });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const login = (requestId: string) =>
      fetch(`${base}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify({ tenantCode: DEMO_CODE, username: 'admin', password: DEMO_PASSWORD }),
      });
    try {
      const forged = 'x'.repeat(8000);
      const long = await login(forged);
      expect(long.status).toBe(200);
      const serverId = long.headers.get('x-request-id') ?? '';
      expect(serverId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(api.logs.join('\n')).not.toContain(forged);

      // The audit log records the server's id of a change, not the client's.
      const cookie = `vmcloud_session=${encodeURIComponent(await api.sessionToken(DEMO_CODE, 'admin'))}`;
      const tenantId = await tenantIdOf(api.db, DEMO_CODE);
      const [machine] = await api.db.forTenant(tenantId).machines.find();
      const renamed = await fetch(`${base}/trpc/machines.rename`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-request-id': forged },
        body: JSON.stringify({ machineId: machine?.id, name: 'renamed' }),
      });
      expect(renamed.status).toBe(200);
      const audit = await api.db.forTenant(tenantId).auditLog.find({ where: (a) => eq(a.action, 'machines.rename') });
      expect(audit.map((a) => a.requestId)).toEqual([renamed.headers.get('x-request-id')]);

      const kept = await login('req-1');
      expect(kept.headers.get('x-request-id')).not.toBe('req-1');
      const line = api.logs
        .map((l) => JSON.parse(l) as { msg: string; requestId?: string; clientRequestId?: string; url?: string })
        .find((l) => l.msg === 'request' && l.clientRequestId === 'req-1');
      expect(line?.requestId).toBe(kept.headers.get('x-request-id'));

      const odd = await fetch(`${base}/nowhere`, { headers: { 'x-request-id': 'a b<script>' } });
      expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      server.close();
      await api.close();
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
