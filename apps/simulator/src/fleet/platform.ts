/**
 * The platform as the fleet's people use it: the manufacturer, the operator's admin and
 * its field worker, each signed in through `auth.login` and calling the API over HTTP with
 * the untyped tRPC client. A session that ends (its TTL) is signed in again once.
 */
import { createTRPCUntypedClient, httpLink, TRPCClientError, type TRPCUntypedClient } from '@trpc/client';
import type { AnyRouter } from '@trpc/server';

/** Who signs in: a tenant code and a username. */
export interface Login {
  tenantCode: string;
  username: string;
}

/** The demo's people (README, "Demo logins"). */
export const DEMO_PEOPLE = {
  maker: { tenantCode: '000001', username: 'admin' },
  admin: { tenantCode: '100001', username: 'admin' },
  staff: { tenantCode: '100001', username: 'staff1' },
} as const satisfies Record<string, Login>;

export const DEMO_PASSWORD = 'Demo_2026';

/** The message of an API error (or any error), in one line, with its cause (`fetch failed`: why). */
export function errorText(error: unknown): string {
  if (error instanceof TRPCClientError) return error.message;
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED';
}

/** One person signed in to the API. */
export class Session {
  #client: TRPCUntypedClient<AnyRouter> | undefined;
  #userId = '';

  constructor(
    readonly apiUrl: string,
    readonly login: Login,
    private readonly password: string = DEMO_PASSWORD,
  ) {}

  get userId(): string {
    return this.#userId;
  }

  async signIn(): Promise<void> {
    const response = await fetch(`${this.apiUrl}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...this.login, password: this.password }),
    });
    if (response.status !== 200) {
      const body = (await response.text()).slice(0, 300);
      throw new Error(`cannot sign in as ${this.login.tenantCode}/${this.login.username}: ${response.status} ${body}`);
    }
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const answer = (await response.json()) as { result: { data: { user: { id: string } } } };
    this.#userId = answer.result.data.user.id;
    this.#client = createTRPCUntypedClient<AnyRouter>({
      links: [httpLink({ url: `${this.apiUrl}/trpc`, headers: { cookie } })],
    });
  }

  async #call<T>(run: (client: TRPCUntypedClient<AnyRouter>) => Promise<unknown>): Promise<T> {
    if (!this.#client) await this.signIn();
    try {
      return (await run(this.#client as TRPCUntypedClient<AnyRouter>)) as T;
    } catch (error) {
      if (!isUnauthorized(error)) throw error;
      await this.signIn();
      return (await run(this.#client as TRPCUntypedClient<AnyRouter>)) as T;
    }
  }

  query<T>(path: string, input?: unknown): Promise<T> {
    return this.#call<T>((client) => client.query(path, input));
  }

  mutate<T>(path: string, input?: unknown): Promise<T> {
    return this.#call<T>((client) => client.mutation(path, input));
  }
}

/** The fleet's three people on one API. */
export interface People {
  maker: Session;
  admin: Session;
  staff: Session;
}

/**
 * Signs the fleet's people in, one after the other; an API that does not answer yet (it
 * is starting) is asked again for up to `waitMs`.
 */
export async function signInPeople(
  apiUrl: string,
  options: { waitMs?: number; say?: (line: string) => void } = {},
): Promise<People> {
  const people = {
    maker: new Session(apiUrl, DEMO_PEOPLE.maker),
    admin: new Session(apiUrl, DEMO_PEOPLE.admin),
    staff: new Session(apiUrl, DEMO_PEOPLE.staff),
  };
  const deadline = Date.now() + (options.waitMs ?? 60_000);
  for (const person of Object.values(people)) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await person.signIn();
        break;
      } catch (error) {
        // A refusal (wrong password, no such user) is final; a network error is retried.
        if (!(error instanceof TypeError) || Date.now() > deadline) throw new Error(errorText(error));
        if (attempt === 1) options.say?.(`the API does not answer yet (${errorText(error)}); trying again`);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }
  return people;
}

/** A customer on the sandbox provider's page: pays or declines a QR order. */
export async function actOnPayPage(url: string, action: 'pay' | 'decline'): Promise<void> {
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `action=${action}`,
    redirect: 'manual',
  });
  if (answer.status !== 303 && answer.status !== 200) {
    throw new Error(`the pay page answered ${answer.status}: ${(await answer.text()).slice(0, 200)}`);
  }
}
