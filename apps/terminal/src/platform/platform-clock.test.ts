import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SIGNATURE_HEADERS } from '@vmcloud/protocol/device';
import { PlatformClock } from './platform-clock.js';
import { signingFetch } from './trpc-platform.js';

const T = Date.parse('2026-03-01T08:00:00.000Z');

describe('PlatformClock', () => {
  it('learns how far off this machine is from the Date header, ignoring less than two seconds', () => {
    let local = T;
    const changes: number[] = [];
    const clock = new PlatformClock({ local: () => local, onChange: (offset) => changes.push(offset) });
    clock.observe(new Date(T + 1000).toUTCString(), T - 100, T + 100);
    expect(clock.offsetMs).toBe(0);
    clock.observe(new Date(T + 3_600_000).toUTCString(), T - 100, T + 100);
    expect(clock.offsetMs).toBe(3_600_500);
    expect(clock.now()).toBe(T + 3_600_500);
    local += 10_000;
    clock.observe(new Date(T + 3_610_000).toUTCString(), local, local);
    expect(clock.offsetMs).toBe(3_600_500);
    clock.observe(new Date(local).toUTCString(), local, local);
    expect(clock.offsetMs).toBe(0);
    clock.observe('not a date', local, local);
    clock.observe(null, local, local);
    expect(changes).toEqual([3_600_500, 0]);
  });

  it('signs the next call with the platform’s time once an answer told it', async () => {
    const server = Date.now() + 3_600_000;
    const timestamps: number[] = [];
    const clock = new PlatformClock();
    const fetch = signingFetch(
      { keyId: 'k', privateKey: generateKeyPairSync('ed25519').privateKey },
      {
        clock,
        fetch: async (_input, init) => {
          timestamps.push(Number(new Headers(init?.headers).get(SIGNATURE_HEADERS.timestamp)));
          return new Response('{}', { status: 401, headers: { date: new Date(server).toUTCString() } });
        },
      },
    );
    await fetch('http://api.test/trpc/device.config?input=%7B%7D');
    await fetch('http://api.test/trpc/device.config?input=%7B%7D');
    expect(Math.abs((timestamps[0] ?? 0) - Date.now())).toBeLessThan(5000);
    expect(Math.abs((timestamps[1] ?? 0) - server)).toBeLessThan(5000);
  });
});
