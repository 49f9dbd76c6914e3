/**
 * The device API client against a real tRPC server (the fetch adapter, called in-process
 * through the client's `fetch`): requests are checked for their VMC-SIG-1 signature the
 * way the platform checks them, and answers are signed platform messages.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { initTRPC, tracked, TRPCError } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SIGNATURE_HEADERS,
  canonicalRequest,
  keyIdOf,
  sha256Hex,
  signMessage,
  verifySignature,
  type PlatformMessage,
} from '@vmcloud/protocol/device';
import { TerminalStore } from '../store/store.js';
import { TEST_MACHINE_ID, testConfig } from '../testing/fake-platform.js';
import { PlatformError, type RawPlatformEvent } from './platform.js';
import { TrpcPlatform, activateDevice, type Fetch } from './trpc-platform.js';
import { MessageVerifier } from './verifier.js';

interface Seen {
  method: string;
  target: string;
  headers: Record<string, string>;
  body: string;
  signed: boolean;
}

const terminalKey = generateKeyPairSync('ed25519');
const terminalKeyId = keyIdOf(terminalKey.publicKey);
const platformKey = generateKeyPairSync('ed25519');

function envelope(
  type: string,
  body: unknown,
  options: { key?: KeyObject; id?: string; machineId?: string } = {},
): PlatformMessage {
  const now = Date.now();
  return signMessage(
    {
      machineId: options.machineId ?? TEST_MACHINE_ID,
      id: options.id ?? `${type}-${Math.random()}`,
      type,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 60_000).toISOString(),
      body,
    },
    options.key ?? platformKey.privateKey,
  );
}

const t = initTRPC.context<{ signed: boolean }>().create();
const signedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.signed) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'the signature does not verify' });
  return next();
});

function router(options: { wrongKey?: boolean } = {}) {
  return t.router({
    device: t.router({
      activate: t.procedure
        .input((value) => value as { boardId: string; signingKey: string })
        .mutation(({ input }) => ({
          machineId: TEST_MACHINE_ID,
          tenantId: 'tenant-1',
          keyId: keyIdOf(input.signingKey),
          platformKey: createPublicKey(platformKey.privateKey).export({ type: 'spki', format: 'pem' }).toString(),
        })),
      heartbeat: signedProcedure
        .input((value) => value as { outboxDepth: number })
        .mutation(({ input }) =>
          envelope(
            'device.heartbeat',
            { configVersion: input.outboxDepth, serverTime: new Date().toISOString() },
            options.wrongKey ? { key: generateKeyPairSync('ed25519').privateKey } : {},
          ),
        ),
      config: signedProcedure.query(() => envelope('device.config', testConfig({ version: 9 }))),
      orderStatus: signedProcedure.query(() => envelope('device.heartbeat', { status: 'paid' })),
      recordSales: signedProcedure.mutation(() => {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'a sale without a channel' });
      }),
      events: signedProcedure
        .input((value) => (value ?? {}) as { lastEventId?: string })
        .subscription(async function* ({ input, signal }) {
          const from = Number(input.lastEventId ?? '0');
          for (let id = from + 1; id <= from + 2; id += 1) {
            yield tracked(
              String(id),
              envelope(
                'event.payment',
                { type: 'payment', saleId: `s${id}`, orderId: 'o', status: 'paid' },
                { id: String(id) },
              ),
            );
          }
          await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve()));
        }),
    }),
  });
}

/** The platform in-process: checks each request's signature and answers through tRPC's fetch adapter. */
function platformFetch(seen: Seen[], options: { wrongKey?: boolean } = {}): Fetch {
  const appRouter = router(options);
  return async (input, init) => {
    const request = new Request(input instanceof Request ? input.url : input.toString(), init);
    const url = new URL(request.url);
    const body = request.method === 'GET' ? '' : await request.clone().text();
    const header = (name: string): string => request.headers.get(name) ?? '';
    const text = canonicalRequest({
      method: request.method,
      target: `${url.pathname}${url.search}`,
      timestamp: Number(header(SIGNATURE_HEADERS.timestamp)),
      nonce: header(SIGNATURE_HEADERS.nonce),
      bodyDigest: sha256Hex(body),
    });
    const signed =
      header(SIGNATURE_HEADERS.keyId) === terminalKeyId &&
      verifySignature(text, header(SIGNATURE_HEADERS.signature), terminalKey.publicKey);
    seen.push({
      method: request.method,
      target: `${url.pathname}${url.search}`,
      headers: Object.fromEntries(request.headers),
      body,
      signed,
    });
    return fetchRequestHandler({
      endpoint: '/trpc',
      req: request,
      router: appRouter,
      createContext: () => ({ signed }),
    });
  };
}

const stores: TerminalStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function client(options: { wrongKey?: boolean; fetch?: Fetch; machineId?: string } = {}) {
  const seen: Seen[] = [];
  const store = TerminalStore.open(':memory:');
  stores.push(store);
  const verifier = new MessageVerifier({
    platformKey: createPublicKey(platformKey.privateKey),
    machineId: options.machineId ?? TEST_MACHINE_ID,
    seen: store,
  });
  const platform = new TrpcPlatform({
    apiUrl: 'http://api.test/',
    key: { keyId: terminalKeyId, privateKey: terminalKey.privateKey },
    verifier,
    fetch: options.fetch ?? platformFetch(seen, options),
  });
  return { platform, seen, store };
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('TrpcPlatform', () => {
  it('signs a mutation over its method, target and body, and opens the signed answer', async () => {
    const { platform, seen } = client();
    const answer = await platform.heartbeat({
      appVersion: '1',
      uptimeSeconds: 1,
      vmcLinkUp: true,
      doorOpen: false,
      temperature: 40,
      errors: 0,
      outboxDepth: 4,
    });
    expect(answer.configVersion).toBe(4);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', target: '/trpc/device.heartbeat', signed: true });
    expect(JSON.parse(seen[0]?.body ?? '')).toMatchObject({ outboxDepth: 4 });
    expect(seen[0]?.headers[SIGNATURE_HEADERS.nonce]).toMatch(/^[0-9a-f]{32}$/);
  });

  it('signs a query over its query string', async () => {
    const { platform, seen } = client();
    const config = await platform.config();
    expect(config.version).toBe(9);
    expect(seen[0]).toMatchObject({ method: 'GET', body: '', signed: true });
    expect(seen[0]?.target).toBe(`/trpc/device.config?input=${encodeURIComponent('{}')}`);
  });

  it('refuses an answer the platform did not sign, or one of another type, or for another machine', async () => {
    await expect(
      failure(client({ wrongKey: true }).platform.heartbeat({ outboxDepth: 1 } as never)),
    ).resolves.toMatchObject({
      failure: 'transient',
      code: 'UNVERIFIED',
      message: expect.stringContaining('forged'),
    });
    await expect(failure(client().platform.orderStatus({ saleId: 's' }))).resolves.toMatchObject({
      code: 'UNVERIFIED',
      message: expect.stringContaining('not a device.orderStatus'),
    });
    await expect(failure(client({ machineId: 'machine-2' }).platform.config())).resolves.toMatchObject({
      code: 'UNVERIFIED',
      message: expect.stringContaining('misaddressed'),
    });
  });

  it('sorts failures: a refusal is permanent, a bad signature is unauthorized, the network is transient', async () => {
    await expect(failure(client().platform.recordSales({ sales: [] }))).resolves.toMatchObject({
      failure: 'refused',
      code: 'BAD_REQUEST',
      message: 'a sale without a channel',
    });
    const unsigned: Fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set(SIGNATURE_HEADERS.signature, Buffer.alloc(64).toString('base64'));
      return platformFetch([])(input, { ...init, headers });
    };
    await expect(failure(client({ fetch: unsigned }).platform.config())).resolves.toMatchObject({
      failure: 'unauthorized',
      code: 'UNAUTHORIZED',
    });
    const down: Fetch = () => Promise.reject(new TypeError('fetch failed'));
    const error = await failure(client({ fetch: down }).platform.config());
    expect(error).toMatchObject({ failure: 'transient', code: 'NETWORK' });
    expect(error.transient).toBe(true);
  });

  it('activates unsigned and takes the plain answer', async () => {
    const seen: Seen[] = [];
    const signingKey = createPublicKey(terminalKey.privateKey).export({ type: 'spki', format: 'pem' }).toString();
    const answer = await activateDevice(
      'http://api.test',
      { boardId: 'B1', activationCode: 'C', signingKey, sealingKey: 'x', channelCount: 6 },
      { fetch: platformFetch(seen) },
    );
    expect(answer).toMatchObject({ machineId: TEST_MACHINE_ID, tenantId: 'tenant-1', keyId: terminalKeyId });
    expect(seen[0]?.target).toBe('/trpc/device.activate');
    expect(seen[0]?.headers[SIGNATURE_HEADERS.signature]).toBeUndefined();
  });

  it('subscribes to the events from the last event id, signed, and hands over tracked ids with the signed messages', async () => {
    const { platform, seen } = client();
    const events: RawPlatformEvent[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const subscription = platform.subscribeEvents('41', {
        onEvent: (event) => {
          events.push(event);
          if (events.length === 2) {
            subscription.close();
            resolve();
          }
        },
        onError: (error) => reject(error),
      });
    });
    await done;
    expect(events.map((event) => event.id)).toEqual(['42', '43']);
    expect(JSON.parse(events[0]?.message.payload ?? '')).toMatchObject({
      type: 'event.payment',
      id: '42',
      body: { saleId: 's42' },
    });
    expect(seen[0]).toMatchObject({ method: 'GET', signed: true });
    expect(seen[0]?.target).toBe(
      `/trpc/device.events?input=${encodeURIComponent(JSON.stringify({ lastEventId: '41' }))}`,
    );
  });
});
