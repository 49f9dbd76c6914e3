/**
 * The audit log: who changed what, with the row before and after. Each tenant reads its
 * own: an operator through `audit.list` (P.auditLog), the manufacturer through
 * `factory.auditLog.list` (P.viewAuditLog). Both take the same filters and answer the same
 * entries, a keyset page at a time.
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';
import { api, type ApiClient } from './client';

export type AuditEntry = inferRouterOutputs<AppRouter>['audit']['list']['items'][number];
export type AuditListInput = inferRouterInputs<AppRouter>['audit']['list'];
export type AuditPage = inferRouterOutputs<AppRouter>['audit']['list'];

/** Whose log: the operator's own (`audit.list`) or the manufacturer's own (`factory.auditLog.list`). */
export type AuditLogOf = 'operator' | 'manufacturer';

export function listAuditLog(
  input: AuditListInput,
  of: AuditLogOf = 'operator',
  client: ApiClient = api,
): Promise<AuditPage> {
  return of === 'manufacturer' ? client.factory.auditLog.list.query(input) : client.audit.list.query(input);
}

/** The users an entry can be filtered by: the tenant's own (the operator's users, or the manufacturer's). */
export async function auditUsers(of: AuditLogOf, client: ApiClient = api) {
  if (of === 'manufacturer') return client.factory.users.list.query({});
  return (await client.users.list.query({ limit: 200 })).items;
}
