/**
 * The device API client over real HTTP and SSE: the event stream, cut, comes back on its own
 * with a freshly signed request (a new nonce) and resumes after the last event received.
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { until } from '@vmcloud/protocol/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { keyIdOf } from '@vmcloud/protocol/device';
import { publicPem } from '../identity/identity.js';
import { TerminalStore } from '../store/store.js';
import { FakeApi } from '../testing/fake-api.js';
import type { RawPlatformEvent } from './platform.js';
import { TrpcPlatform, activateDevice } from './trpc-platform.js';
import { MessageVerifier } from './verifier.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('TrpcPlatform over HTTP', () => {
  it('signs each connection of the event stream with a fresh nonce and resumes after the last event', async () => {
    const api = new FakeApi();
    await api.start();
    cleanups.push(() => api.stop());
    const signing = generateKeyPairSync('ed25519').privateKey;
    const answer = await activateDevice(api.url, {
      boardId: 'B',
      activationCode: api.activationCode,
      signingKey: publicPem(signing),
      sealingKey: publicPem(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey),
      channelCount: 6,
    });
    expect(answer.keyId).toBe(keyIdOf(publicPem(signing)));
    const store = TerminalStore.open(':memory:');
    cleanups.push(() => store.close());
    const platform = new TrpcPlatform({
      apiUrl: api.url,
      key: { keyId: answer.keyId, privateKey: signing },
      verifier: new MessageVerifier({
        platformKey: createPublicKey(answer.platformKey),
        machineId: answer.machineId,
        seen: store,
      }),
    });

    const events: RawPlatformEvent[] = [];
    const errors: unknown[] = [];
    const subscription = platform.subscribeEvents(undefined, {
      onEvent: (event) => events.push(event),
      onError: (error) => errors.push(error),
    });
    cleanups.push(() => subscription.close());
    await until(() => api.callsOf('events').length === 1, { what: 'the stream' });
    api.push({ type: 'config', version: 2 });
    await until(() => events.length === 1, { what: 'the first event' });

    const noncesBefore = api.acceptedNonces.length;
    api.dropStreams();
    api.push({ type: 'config', version: 3 });
    await until(() => events.length === 2, { what: 'the event after the reconnection', timeoutMs: 15_000 });
    expect(api.callsOf('events').map((call) => call.input)).toEqual([{ lastEventId: undefined }, { lastEventId: '1' }]);
    expect(api.acceptedNonces.length).toBe(noncesBefore + 1);
    expect(new Set(api.acceptedNonces).size).toBe(api.acceptedNonces.length);
    expect(events.map((event) => event.id)).toEqual(['1', '2']);
    expect(errors).toEqual([]);

    // Calls are signed too, and opened as messages from the platform.
    await expect(platform.config()).resolves.toMatchObject({ version: 1 });
  }, 30_000);
});
