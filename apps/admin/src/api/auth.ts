import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';
import { api, type ApiClient } from './client';

type Inputs = inferRouterInputs<AppRouter>;
type Outputs = inferRouterOutputs<AppRouter>;

export type LoginInput = Inputs['auth']['login'];
export type ChangePasswordInput = Inputs['auth']['changePassword'];
/** The signed-in user as `auth.me` and `auth.login` describe them. */
export type Me = Outputs['auth']['me'];
export type SignedIn = Outputs['auth']['login'];
export type Restriction = NonNullable<Me['restricted']>;
export type LeaseStatus = Outputs['lease']['status'];

/** Signs in; the API sets the session cookie. Rejects with the server's message when it refuses. */
export function login(input: LoginInput, client: ApiClient = api): Promise<SignedIn> {
  return client.auth.login.mutate(input);
}

/** Who is signed in; rejects with UNAUTHORIZED when no one is. */
export function fetchMe(client: ApiClient = api): Promise<Me> {
  return client.auth.me.query();
}

/** Ends the session and clears the cookie. */
export async function logout(client: ApiClient = api): Promise<void> {
  await client.auth.logout.mutate();
}

/** Changes one's own password; the API signs out the user's other sessions. */
export async function changePassword(input: ChangePasswordInput, client: ApiClient = api): Promise<void> {
  await client.auth.changePassword.mutate(input);
}

/** The tenant's lease (needs P.renewLease). */
export function fetchLeaseStatus(client: ApiClient = api): Promise<LeaseStatus> {
  return client.lease.status.query();
}
