import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq, newId, type TenantScope } from '@vmcloud/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CODE, tenantIdOf } from '../testing.js';
import { serveTestApi, type ServedApi } from './edge.test-helpers.js';
import { streamFile } from './export.js';

/** Orders added to the demo's, on one machine in one year, so that an export spans many batches. */
const EXTRA = 60_000;

/** A GET of `path` with `cookie`; the answer's head, and its body unless `read` is false. */
function get(
  url: string,
  cookie: string | undefined,
  read = true,
): Promise<{ res: IncomingMessage; body: string; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: cookie ? { cookie } : {} });
    req.on('error', reject);
    req.on('response', (res) => {
      const close = () => req.destroy();
      if (!read) {
        res.pause();
        resolve({ res, body: '', close });
        return;
      }
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks).toString('utf8'), close }));
      res.on('error', reject);
    });
    req.end();
  });
}

const exportUrl = (base: string, input?: unknown) =>
  `${base}/export/orders.csv${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`;

describe('GET /export/orders.csv', () => {
  let served: ServedApi;
  let cookie: string;
  let scope: TenantScope;
  let machineId: string;
  const year = { from: new Date(Date.UTC(2021, 0, 1)).toISOString(), to: new Date(Date.UTC(2022, 0, 1)).toISOString() };

  beforeAll(async () => {
    served = await serveTestApi();
    cookie = await served.adminCookie();
    scope = served.api.db.forTenant(await tenantIdOf(served.api.db, DEMO_CODE));
    const [template] = await scope.orders.find({ limit: 1 });
    if (!template) throw new Error('no demo order');
    machineId = template.machineId;
    // Long names make long records: the file (about 20 MB) is more than a socket's buffers hold.
    await scope.machines.update(machineId, { name: `图书馆一楼东侧入口自动售货机 ${'A'.repeat(40)}`.slice(0, 64) });
    await scope.products.update(template.productId, { name: `冰镇柠檬红茶 ${'B'.repeat(60)}`.slice(0, 64) });
    const start = Date.UTC(2021, 0, 1);
    for (let from = 0; from < EXTRA; from += 1_000) {
      await scope.orders.insertMany(
        Array.from({ length: 1_000 }, (_, k) => {
          const n = from + k;
          const at = new Date(start + n * 60_000);
          return {
            ...template,
            id: newId(),
            orderNo: `E2021${String(n).padStart(8, '0')}`,
            saleId: null,
            vendId: null,
            providerTradeNo: null,
            createdAt: at,
            updatedAt: at,
          };
        }),
      );
    }
  }, 120_000);
  afterAll(() => served?.close());

  it('streams every order of the filter, newest first, as the file the console saves', async () => {
    const { res, body } = await get(exportUrl(served.base, { machineId, ...year, amountUnit: 'fen' }), cookie);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="orders-\d{8}T\d{6}\.csv"$/);
    expect(res.headers['content-length']).toBeUndefined();
    expect(body.startsWith('\uFEFForderNo,createdAt,machine,')).toBe(true);
    const lines = body.slice(1).split('\r\n').filter(Boolean);
    expect(lines).toHaveLength(EXTRA + 1);
    const expected = Array.from({ length: EXTRA }, (_, n) => `E2021${String(EXTRA - 1 - n).padStart(8, '0')}`);
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(expected);
  });

  it("refuses before writing a byte of the file: no session, no permission, bad input, another tenant's id", async () => {
    const anonymous = await get(exportUrl(served.base, {}), undefined);
    expect([anonymous.res.statusCode, JSON.parse(anonymous.body)]).toEqual([
      401,
      { error: { code: 'UNAUTHORIZED', message: 'Sign in first' } },
    ]);
    const staff = `vmcloud_session=${encodeURIComponent(await served.api.sessionToken(DEMO_CODE, 'staff1'))}`;
    const refused = await get(exportUrl(served.base, {}), staff);
    expect(refused.res.statusCode).toBe(403);
    expect(JSON.parse(refused.body).error.message).toMatch(/^This needs permission 00109/);
    const malformed = await get(`${served.base}/export/orders.csv?input=%7Bnot-json`, cookie);
    expect([malformed.res.statusCode, JSON.parse(malformed.body).error.message]).toEqual([
      400,
      'input: must be the filter as JSON',
    ]);
    const wrong = await get(exportUrl(served.base, { amountUnit: 'dollars' }), cookie);
    expect(wrong.res.statusCode).toBe(400);
    expect(JSON.parse(wrong.body).error.message).toMatch(/^amountUnit: /);
    const manufacturer = served.api.db.forTenant(await tenantIdOf(served.api.db, '000001'));
    const theirs = await manufacturer.machines.findOne((m) => eq(m.tenantId, manufacturer.tenantId));
    const foreign = await get(exportUrl(served.base, { machineId: theirs?.id ?? newId() }), cookie);
    expect([foreign.res.statusCode, JSON.parse(foreign.body).error.code]).toEqual([404, 'NOT_FOUND']);
    for (const answer of [anonymous, refused, malformed, wrong, foreign]) {
      expect(answer.res.headers['content-type']).toBe('application/json; charset=utf-8');
    }
  });

  it('reads no further than the client takes, runs one export per session, and stops when the client leaves', async () => {
    // A client that does not read: the server stops once the socket's buffers are full.
    const slow = await get(exportUrl(served.base, { machineId, ...year }), cookie, false);
    expect(slow.res.statusCode).toBe(200);
    const second = await get(exportUrl(served.base, { machineId }), cookie);
    expect(second.res.statusCode).toBe(429);
    expect(JSON.parse(second.body).error.message).toBe(
      'An export of this session is still running; wait for it to finish',
    );
    // Another session may export meanwhile, and the API answers everyone else.
    const other = `vmcloud_session=${encodeURIComponent(await served.api.sessionToken(DEMO_CODE, 'finance'))}`;
    const small = await get(exportUrl(served.base, { status: 'refunded' }), other);
    expect(small.res.statusCode).toBe(200);
    const health = await get(`${served.base}/health`, undefined);
    expect(health.res.statusCode).toBe(200);
    // The client leaves: the export ends and the session may export again.
    slow.close();
    await expect
      .poll(async () => (await get(exportUrl(served.base, { machineId, status: 'refunded' }), cookie)).res.statusCode)
      .toBe(200);
  });

  it('answers GET only', async () => {
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpRequest(exportUrl(served.base), { method: 'POST', headers: { cookie } });
      req.on('error', reject);
      req.on('response', (res) => {
        res.resume();
        resolve(res);
      });
      req.end();
    });
    expect([answer.statusCode, answer.headers.allow]).toEqual([405, 'GET']);
  });
});

describe('streamFile', () => {
  it('pulls the next chunk only when the socket has taken the last, and ends the source when the client leaves', async () => {
    let pulled = 0;
    let ended = false;
    async function* endless(): AsyncGenerator<string, void> {
      try {
        for (;;) {
          pulled += 1;
          yield 'x'.repeat(64 * 1024);
        }
      } finally {
        ended = true;
      }
    }
    let answer: ServerResponse | undefined;
    const server = createServer((_req, res) => {
      answer = res;
      void streamFile(res, endless(), 'endless.csv', () => undefined);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const client = await get(`http://127.0.0.1:${port}/`, undefined, false);
      // The socket's buffers are full: the export waits for them to drain.
      await expect.poll(() => answer?.writableNeedDrain, { timeout: 10_000 }).toBe(true);
      const whilePaused = pulled;
      // A while later, nothing more was pulled.
      await new Promise((r) => setTimeout(r, 300));
      // Held by the socket's buffers (a few MB on loopback), not the 40 GB a fast source could make in the time.
      expect(pulled).toBe(whilePaused);
      expect(pulled * 64 * 1024).toBeLessThan(32 * 1024 * 1024);
      expect(ended).toBe(false);
      client.close();
      await expect.poll(() => ended).toBe(true);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
