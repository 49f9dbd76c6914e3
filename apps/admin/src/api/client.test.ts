import { describe, expect, it } from 'vitest';
import { login } from './auth';
import { createApiClient, failureMessage, fieldErrorsOf } from './client';

interface Sent {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(status: number, body: unknown, sent: Sent[] = []): typeof fetch {
  return (input, init) => {
    sent.push({ url: String(input), init });
    return Promise.resolve(
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
    );
  };
}

const input = { tenantCode: '100001', username: 'alice', password: 'Secret_2026' };

describe('the API client', () => {
  it('sends auth.login as a batched tRPC mutation and resolves to its result', async () => {
    const sent: Sent[] = [];
    const signedIn = { user: { username: 'alice' } };
    const client = createApiClient({ fetch: fakeFetch(200, [{ result: { data: signedIn } }], sent) });
    await expect(login(input, client)).resolves.toEqual(signedIn);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe('/trpc/auth.login?batch=1');
    expect(sent[0]?.init?.method).toBe('POST');
    expect(JSON.parse(String(sent[0]?.init?.body))).toEqual({ 0: input });
  });

  it("shows the server's message and field errors for a refused call", async () => {
    const client = createApiClient({
      fetch: fakeFetch(400, [
        {
          error: {
            message: 'tenantCode: must be exactly 6 digits',
            code: -32600,
            data: {
              code: 'BAD_REQUEST',
              httpStatus: 400,
              path: 'auth.login',
              fieldErrors: { tenantCode: ['must be exactly 6 digits'] },
            },
          },
        },
      ]),
    });
    const error = await login({ ...input, tenantCode: '1' }, client).catch((e: unknown) => e);
    expect(failureMessage(error, 'unreachable')).toBe('tenantCode: must be exactly 6 digits');
    expect(fieldErrorsOf(error)).toEqual({ tenantCode: ['must be exactly 6 digits'] });
  });

  it('says the API is unreachable when the network fails or a gateway answers for it', async () => {
    const offline = createApiClient({ fetch: () => Promise.reject(new TypeError('fetch failed')) });
    expect(failureMessage(await login(input, offline).catch((e: unknown) => e), 'unreachable')).toBe('unreachable');
    const gateway = createApiClient({
      fetch: () => Promise.resolve(new Response('<html>Bad Gateway</html>', { status: 502 })),
    });
    expect(failureMessage(await login(input, gateway).catch((e: unknown) => e), 'unreachable')).toBe('unreachable');
  });
});
