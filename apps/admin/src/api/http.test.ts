import { describe, expect, it } from 'vitest';
import { login } from './auth';
import { ApiError, callMutation, failureMessage } from './http';

interface Sent {
  url: string;
  init: RequestInit | undefined;
}

function fakeFetch(response: Response, sent: Sent[] = []): typeof fetch {
  return (input, init) => {
    sent.push({ url: String(input), init });
    return Promise.resolve(response);
  };
}

function json(body: unknown, status: number, statusText = ''): Response {
  return new Response(JSON.stringify(body), { status, statusText, headers: { 'content-type': 'application/json' } });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to reject');
}

describe('login', () => {
  it('POSTs the input as JSON to /trpc/auth.login and resolves to the result', async () => {
    const sent: Sent[] = [];
    const input = { tenantCode: '100001', username: 'alice', password: 'secret' };
    const result = await login(input, { fetch: fakeFetch(json({ result: { data: { userId: 'u1' } } }, 200), sent) });

    expect(result).toEqual({ userId: 'u1' });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.url).toBe('/trpc/auth.login');
    expect(sent[0]?.init?.method).toBe('POST');
    expect(new Headers(sent[0]?.init?.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(sent[0]?.init?.body))).toEqual(input);
  });

  it("rejects with the server's error message and code", async () => {
    const response = json(
      {
        error: { message: 'Wrong username or password', code: -32001, data: { code: 'UNAUTHORIZED', httpStatus: 401 } },
      },
      401,
    );
    const error = await rejection(
      login({ tenantCode: '100001', username: 'alice', password: 'nope' }, { fetch: fakeFetch(response) }),
    );

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      message: 'Wrong username or password',
      status: 401,
      code: 'UNAUTHORIZED',
      fromServer: true,
    });
  });
});

describe('callMutation', () => {
  it('reads an error sent through a data transformer', async () => {
    const response = json({ error: { json: { message: 'Tenant suspended', data: { code: 'FORBIDDEN' } } } }, 403);
    const error = await rejection(callMutation('auth.login', {}, { fetch: fakeFetch(response) }));

    expect(error).toMatchObject({ message: 'Tenant suspended', status: 403, code: 'FORBIDDEN' });
  });

  it('names the HTTP status when the answer has no error message', async () => {
    const response = new Response('<html>Bad gateway</html>', { status: 502, statusText: 'Bad Gateway' });
    const error = await rejection(callMutation('auth.login', {}, { fetch: fakeFetch(response) }));

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ message: 'HTTP 502 Bad Gateway', status: 502, code: undefined, fromServer: false });
  });

  it('does not take a success without a result for one', async () => {
    const error = await rejection(
      callMutation('auth.login', {}, { fetch: fakeFetch(new Response('', { status: 200 })) }),
    );

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ message: 'Unexpected response from auth.login', status: 200 });
  });

  it('passes on the error of a server that cannot be reached', async () => {
    const unreachable: typeof fetch = () => Promise.reject(new TypeError('fetch failed'));
    const error = await rejection(callMutation('auth.login', {}, { fetch: unreachable }));

    expect(error).toBeInstanceOf(TypeError);
  });
});

describe('failureMessage', () => {
  const unreachable = 'Cannot reach the server';

  it("shows the server's own message, whatever the status", () => {
    expect(failureMessage(new ApiError('Wrong password', 401, 'UNAUTHORIZED', true), unreachable)).toBe(
      'Wrong password',
    );
    expect(failureMessage(new ApiError('Database is down', 503, undefined, true), unreachable)).toBe(
      'Database is down',
    );
  });

  it('names the status of an answer without a message', () => {
    expect(failureMessage(new ApiError('HTTP 404 Not Found', 404, undefined, false), unreachable)).toBe(
      'HTTP 404 Not Found',
    );
  });

  it('says the server cannot be reached when a gateway answers for it or the network fails', () => {
    for (const status of [502, 503, 504]) {
      expect(failureMessage(new ApiError(`HTTP ${status}`, status, undefined, false), unreachable)).toBe(unreachable);
    }
    expect(failureMessage(new TypeError('Failed to fetch'), unreachable)).toBe(unreachable);
  });
});
