import { callMutation, type CallOptions } from './http';

export interface LoginInput {
  /** The tenant's 6-digit code. */
  tenantCode: string;
  username: string;
  password: string;
}

/** Signs in. Rejects with an ApiError carrying the server's message when the server refuses. */
export function login(input: LoginInput, options?: CallOptions): Promise<unknown> {
  return callMutation('auth.login', input, options);
}
