import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveTestApi, type ServedApi } from './edge.test-helpers.js';

describe('security headers', () => {
  let served: ServedApi;
  beforeAll(async () => {
    const adminDir = mkdtempSync(join(tmpdir(), 'vmcloud-admin-'));
    mkdirSync(join(adminDir, 'assets'));
    writeFileSync(join(adminDir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(adminDir, 'assets', 'app.js'), 'console.log(1)');
    served = await serveTestApi({ adminDir });
  });
  afterAll(() => served.close());

  const answers: [string, string, RequestInit?][] = [
    ['the console', '/'],
    ['a console route', '/machines/123'],
    ['a console asset', '/assets/app.js'],
    ['a query', '/trpc/system.time'],
    ['a refused call', '/trpc/auth.me'],
    [
      'a call refused at the edge',
      '/trpc/auth.login',
      { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' },
    ],
    ['the health check', '/health'],
    ['a payment page', '/pay/sandbox/nothing-here'],
    ['an upload', '/uploads/missing.png'],
    ['an unknown path', '/nowhere'],
  ];

  it.each(answers)('sets them on %s', async (_, path, init) => {
    const res = await fetch(`${served.base}${path}`, init);
    await res.arrayBuffer();
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe(
      path.startsWith('/uploads/') ? 'cross-origin' : 'same-origin',
    );
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it("lets the console's own kinds of content in: inline styles, data: images, fonts and /uploads", async () => {
    const csp = (await fetch(`${served.base}/`)).headers.get('content-security-policy') ?? '';
    const directive = (name: string) =>
      csp
        .split(';')
        .find((d) => d.trim().startsWith(`${name} `))
        ?.trim();
    expect(directive('style-src')).toBe("style-src 'self' 'unsafe-inline'");
    expect(directive('img-src')).toBe("img-src 'self' data: blob:");
    expect(directive('font-src')).toBe("font-src 'self' data:");
    expect(directive('connect-src')).toBe("connect-src 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
  });
});
