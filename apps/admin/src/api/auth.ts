import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';
import { api, type ApiClient } from './client';

export type LoginInput = inferRouterInputs<AppRouter>['auth']['login'];
export type SignedIn = inferRouterOutputs<AppRouter>['auth']['login'];

/** Signs in; the API sets the session cookie. Rejects with the server's message when it refuses. */
export function login(input: LoginInput, client: ApiClient = api): Promise<SignedIn> {
  return client.auth.login.mutate(input);
}
