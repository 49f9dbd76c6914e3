import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../seed/index.js';
import { DEMO_CODE } from '../testing.js';
import { MAX_BATCH_CALLS } from './limits.js';
import { peakMemoryGrowth, serveTestApi, streamBody, timedHealth, type ServedApi } from './edge.test-helpers.js';

const MB = 1024 * 1024;

describe('request limits at the HTTP edge', () => {
  let served: ServedApi;
  beforeAll(async () => {
    served = await serveTestApi();
    // Warm up: the first request of a process loads and compiles code, which is no body's memory.
    await streamBody(
      `${served.base}/trpc/auth.login`,
      2 * MB,
      { 'content-type': 'multipart/form-data; boundary=x' },
      true,
    );
    await streamBody(`${served.base}/trpc/auth.login`, 2 * MB, { 'content-type': 'application/json' }, false);
    await timedHealth(served.base);
  });
  afterAll(() => served.close());

  /** A 100 MB body sent at the server while /health is polled; the answer, memory growth and health latency. */
  async function attack(path: string, headers: Record<string, string>, declareLength: boolean) {
    const { result, growth } = await peakMemoryGrowth(async () => {
      const answer = streamBody(`${served.base}${path}`, 100 * MB, headers, declareLength);
      const health = await timedHealth(served.base);
      return { answer: await answer, health };
    });
    return { ...result, growth };
  }

  const cases: [string, string, Record<string, string>, boolean, number][] = [
    [
      'multipart/form-data of a declared length',
      '/trpc/auth.login',
      { 'content-type': 'multipart/form-data; boundary=x' },
      true,
      415,
    ],
    [
      'multipart/form-data in chunks',
      '/trpc/auth.login',
      { 'content-type': 'multipart/form-data; boundary=x' },
      false,
      415,
    ],
    ['JSON of a declared length', '/trpc/auth.login', { 'content-type': 'application/json' }, true, 413],
    ['JSON in chunks', '/trpc/auth.login', { 'content-type': 'application/json' }, false, 413],
    [
      'JSON in chunks asking for a streamed answer (trpc-accept: application/jsonl)',
      '/trpc/auth.login',
      { 'content-type': 'application/json', 'trpc-accept': 'application/jsonl' },
      false,
      413,
    ],
    [
      'JSON in chunks to an upload procedure, without a session',
      '/trpc/ads.upload',
      { 'content-type': 'application/json' },
      false,
      413,
    ],
    ['octet-stream in chunks', '/trpc/auth.login', { 'content-type': 'application/octet-stream' }, false, 415],
  ];

  it.each(cases)(
    'refuses an anonymous 100 MB %s before buffering it, and /health answers meanwhile',
    async (_, path, headers, declareLength, status) => {
      const { answer, health, growth } = await attack(path, headers, declareLength);
      console.info(
        `${_}: ${answer.status} after ${(answer.sent / MB).toFixed(2)} MB sent, memory +${(growth / MB).toFixed(2)} MB, /health ${health.ms.toFixed(0)} ms`,
      );
      expect(answer.status).toBe(status);
      expect(JSON.parse(answer.body)).toMatchObject({ error: { message: expect.stringMatching(/./) } });
      expect(answer.sent).toBeLessThan(100 * MB);
      expect(growth).toBeLessThan(10 * MB);
      expect(health.status).toBe(200);
      expect(health.ms).toBeLessThan(1000);
    },
  );

  it('says what the limit is, and still signs in with a body within it', async () => {
    const { answer } = await attack('/trpc/auth.login', { 'content-type': 'application/json' }, true);
    expect(JSON.parse(answer.body)).toMatchObject({
      error: {
        message: 'The request body is larger than this call accepts (1 MB)',
        data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 },
      },
    });
    const login = await fetch(`${served.base}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantCode: DEMO_CODE, username: 'admin', password: DEMO_PASSWORD }),
    });
    expect(login.status).toBe(200);
  });

  it('takes an upload of more than 1 MB from a signed-in operator, and only from one', async () => {
    const cookie = await served.adminCookie();
    // 2 MB of base64 that is no image: past the edge, refused by the procedure's own checks.
    const body = JSON.stringify({ name: 'big', dataUrl: `data:image/png;base64,${'A'.repeat(2 * MB)}` });
    const signedIn = await fetch(`${served.base}/trpc/ads.upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body,
    });
    expect(signedIn.status).toBe(400);
    expect(((await signedIn.json()) as { error: { data: { code: string } } }).error.data.code).toBe('BAD_REQUEST');
    const anonymous = await fetch(`${served.base}/trpc/ads.upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(anonymous.status).toBe(413);
  });

  it(`refuses a batch of more than ${MAX_BATCH_CALLS} calls before running any, and /health answers meanwhile`, async () => {
    const cookie = await served.adminCookie();
    const paths = Array.from({ length: 300 }, () => 'orders.list').join(',');
    const input = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [i, { limit: 500 }]));
    const started = performance.now();
    const [answer, health] = await Promise.all([
      fetch(`${served.base}/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`, {
        headers: { cookie },
      }),
      timedHealth(served.base),
    ]);
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      error: {
        message: `A batch may hold at most ${MAX_BATCH_CALLS} calls; this one holds 300`,
        data: { code: 'BAD_REQUEST', httpStatus: 400 },
      },
    });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(health.status).toBe(200);

    // A batch of 21 renames changes nothing; one of 20 runs.
    const client = (n: number, name: string) =>
      fetch(`${served.base}/trpc/${Array.from({ length: n }, () => 'machines.rename').join(',')}?batch=1`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [i, { machineId, name }]))),
      });
    const machines = async () => {
      const list = await fetch(`${served.base}/trpc/machines.list?input=${encodeURIComponent('{}')}`, {
        headers: { cookie },
      });
      return ((await list.json()) as { result: { data: { items: { id: string; name: string }[] } } }).result.data.items;
    };
    const [first] = await machines();
    const machineId = (first as { id: string }).id;
    const tooMany = await client(MAX_BATCH_CALLS + 1, 'renamed by a big batch');
    expect(tooMany.status).toBe(400);
    expect((await machines()).find((m) => m.id === machineId)?.name).toBe(first?.name);
    const allowed = await client(MAX_BATCH_CALLS, 'renamed by a batch of 20');
    expect(allowed.status).toBe(200);
    expect((await machines()).find((m) => m.id === machineId)?.name).toBe('renamed by a batch of 20');
  });
});
