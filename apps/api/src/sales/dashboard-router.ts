/** The console's overview: the fleet's sales, machines and alarms at a glance, and the fleet with live status (sales/dashboard.ts). */
import { operatorProcedure, router } from '../trpc/init.js';
import { calendarOf } from '../shared/business-day.js';
import { P } from '../access/catalog.js';
import { dashboardSummary, FleetInput, fleetStatus } from './dashboard.js';

export const dashboardRouter = router({
  /**
   * Sales of today, the last 7 and 30 business days, today by hour and the 30 days by day,
   * the top products and machines of the 30 days, the machines online, offline and in
   * alarm, the channels running low and the newest unresolved alarms. Amounts in fen.
   */
  summary: operatorProcedure(P.machine).query(({ ctx }) =>
    dashboardSummary(ctx.scope, calendarOf(ctx.principal.timeZone), ctx.now()),
  ),

  /**
   * The fleet with each machine's live status (online, last heartbeat, temperature, door,
   * app version, open alarms, stock against capacity), filtered as `machines.list` is and
   * by machines with a channel running low (`needingStock`).
   */
  fleet: operatorProcedure(P.machine)
    .input(FleetInput)
    .query(({ ctx, input }) => fleetStatus(ctx.scope, input)),
});
