/**
 * The audit log: who changed what, with the row before and after. The API reads a
 * tenant's log through `factory.auditLog.list` (the manufacturer's own tenant, permission
 * P.viewAuditLog); an operator tenant's log has no procedure of its own yet.
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';
import { api, type ApiClient } from './client';

export type AuditEntry = inferRouterOutputs<AppRouter>['factory']['auditLog']['list']['items'][number];
export type AuditListInput = inferRouterInputs<AppRouter>['factory']['auditLog']['list'];
export type AuditPage = inferRouterOutputs<AppRouter>['factory']['auditLog']['list'];

export function listAuditLog(input: AuditListInput, client: ApiClient = api): Promise<AuditPage> {
  return client.factory.auditLog.list.query(input);
}

/** The users an entry can be filtered by (the manufacturer's own users). */
export function auditUsers(client: ApiClient = api) {
  return client.factory.users.list.query({});
}
