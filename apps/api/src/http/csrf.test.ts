import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../app-router.js';
import { DEMO_PASSWORD } from '../seed/index.js';
import { DEMO_CODE } from '../testing.js';
import { serveTestApi, type ServedApi } from './edge.test-helpers.js';

const CONSOLE = 'https://console.vmcloud.example';

describe('cross-site request forgery', () => {
  let served: ServedApi;
  let cookie: string;
  let machineId: string;
  let firstName: string;

  beforeAll(async () => {
    served = await serveTestApi({ allowedOrigins: [CONSOLE] });
    cookie = await served.adminCookie();
    const [first] = await machines();
    machineId = (first as { id: string }).id;
    firstName = (first as { name: string }).name;
  });
  afterAll(() => served.close());

  async function machines(): Promise<{ id: string; name: string }[]> {
    const list = await fetch(`${served.base}/trpc/machines.list?input=${encodeURIComponent('{}')}`, {
      headers: { cookie },
    });
    return ((await list.json()) as { result: { data: { items: { id: string; name: string }[] } } }).result.data.items;
  }
  const nameNow = async () => (await machines()).find((m) => m.id === machineId)?.name;
  const rename = (
    headers: Record<string, string>,
    body: RequestInit['body'] = JSON.stringify({ machineId, name: 'pwned' }),
  ) => fetch(`${served.base}/trpc/machines.rename`, { method: 'POST', headers: { cookie, ...headers }, body });
  const refusal = async (res: Response) =>
    ((await res.json()) as { error: { message: string; data: { code: string } } }).error;

  it('refuses a signed-in mutation without a Content-Type from another site, and nothing changes', async () => {
    // A Blob without a type: fetch sends no Content-Type, a "simple" request that needs no preflight.
    const res = await rename(
      { origin: 'https://evil.example' },
      new Uint8Array(Buffer.from(JSON.stringify({ machineId, name: 'pwned' }))),
    );
    expect(res.status).toBe(403);
    expect(await refusal(res)).toMatchObject({
      message: 'Refused: a signed-in mutation must be sent as application/json',
      data: { code: 'FORBIDDEN' },
    });
    expect(await nameNow()).toBe(firstName);
  });

  it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['multipart/form-data; boundary=x']])(
    'refuses a signed-in mutation sent as %s, even from its own origin',
    async (type) => {
      const res = await rename({ 'content-type': type, origin: served.base });
      expect(res.status).toBe(403);
      expect(await nameNow()).toBe(firstName);
    },
  );

  it('refuses auth.logout as multipart/form-data, and the session stays', async () => {
    const res = await fetch(`${served.base}/trpc/auth.logout`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'multipart/form-data; boundary=x', origin: 'https://evil.example' },
      body: '--x--\r\n',
    });
    expect(res.status).toBe(403);
    const me = await fetch(`${served.base}/trpc/auth.me`, { headers: { cookie } });
    expect(me.status).toBe(200);
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['a sibling subdomain', 'https://evil.vmcloud.example'],
    ['an opaque origin', 'null'],
    ['the same host on another port', 'http://127.0.0.1:1'],
  ])('refuses a signed-in JSON mutation from %s', async (_, origin) => {
    const res = await rename({ 'content-type': 'application/json', origin });
    expect(res.status).toBe(403);
    expect((await refusal(res)).message).toBe(`Refused: a request from ${origin} (not an origin of this API)`);
    expect(await nameNow()).toBe(firstName);
  });

  it.each([['cross-site'], ['same-site']])('refuses a signed-in call marked Sec-Fetch-Site: %s', async (site) => {
    const query = await fetch(`${served.base}/trpc/auth.me`, { headers: { cookie, 'sec-fetch-site': site } });
    expect(query.status).toBe(403);
    const res = await rename({ 'content-type': 'application/json', 'sec-fetch-site': site });
    expect(res.status).toBe(403);
    expect(await nameNow()).toBe(firstName);
  });

  it('refuses another site signing a browser in (login CSRF)', async () => {
    const res = await fetch(`${served.base}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ tenantCode: DEMO_CODE, username: 'admin', password: DEMO_PASSWORD }),
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('accepts the console: its own origin, the configured one and the public URL, as JSON', async () => {
    for (const origin of [served.base, CONSOLE, 'http://127.0.0.1:3000']) {
      const res = await rename(
        { 'content-type': 'application/json', origin },
        JSON.stringify({ machineId, name: `from ${origin}` }),
      );
      expect([origin, res.status]).toEqual([origin, 200]);
    }
    const sameOrigin = await fetch(`${served.base}/trpc/auth.me`, {
      headers: { cookie, 'sec-fetch-site': 'same-origin' },
    });
    expect(sameOrigin.status).toBe(200);
    // The console's own client: httpBatchLink with JSON, as a browser on its origin sends it.
    const client = createTRPCClient<AppRouter>({
      links: [
        httpBatchLink({
          url: `${served.base}/trpc`,
          headers: { cookie, origin: served.base, 'sec-fetch-site': 'same-origin' },
        }),
      ],
    });
    const [me] = await Promise.all([
      client.auth.me.query(),
      client.machines.rename.mutate({ machineId, name: firstName }),
    ]);
    expect(me.user.username).toBe('admin');
    expect(await nameNow()).toBe(firstName);
  });

  it('leaves signed device calls to their signatures, and payment notifications to theirs', async () => {
    const device = await fetch(`${served.base}/trpc/device.heartbeat`, {
      method: 'POST',
      headers: {
        cookie,
        'content-type': 'application/json',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
      body: '{}',
    });
    // Past the edge: refused by the signature check (none here), not as a cross-site call.
    expect(device.status).toBe(401);
    const notify = await fetch(`${served.base}/pay/notify/sandbox/00000000-0000-7000-8000-000000000000`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' },
      body: 'a=b',
    });
    expect(notify.status).not.toBe(403);
  });

  it('refuses anonymous mutations that are not JSON (415), and answers calls from clients that are no browser', async () => {
    const form = await fetch(`${served.base}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `tenantCode=${DEMO_CODE}&username=admin&password=${DEMO_PASSWORD}`,
    });
    expect(form.status).toBe(415);
    expect(await refusal(form)).toMatchObject({ message: 'Mutations are accepted only as application/json' });
    const res = await rename({ 'content-type': 'application/json' }, JSON.stringify({ machineId, name: firstName }));
    expect(res.status).toBe(200);
  });
});
