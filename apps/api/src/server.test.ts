import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { openTestDatabase } from '@vmcloud/db/testing';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log.js';
import { createApiServer } from './server.js';

describe('the API server', () => {
  it('answers the health check from the database, and 404 for anything else', async () => {
    const t = await openTestDatabase('sqlite');
    const lines: string[] = [];
    const server = createApiServer(
      t.db,
      createLogger('info', {}, (line) => lines.push(line)),
    );
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
