/** The dashboard's data: one call for the whole overview (dashboard.summary). */
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';
import { api, type ApiClient } from './client';

type Outputs = inferRouterOutputs<AppRouter>;

export type DashboardSummary = Outputs['dashboard']['summary'];
export type SalesFigures = DashboardSummary['sales']['today'];
export type DashboardAlarm = DashboardSummary['newestAlarms'][number];
export type LowChannel = DashboardSummary['lowChannels'][number];

/** The fleet's overview now: sales, machines, low channels, newest alarms (amounts in fen). */
export function fetchDashboard(client: ApiClient = api): Promise<DashboardSummary> {
  return client.dashboard.summary.query();
}
