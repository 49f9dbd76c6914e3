/** Alarms the machines raised, and acknowledging them (machines/alarms.ts). */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { id } from '../shared/input.js';
import { acknowledgeAlarm, AlarmListInput, listAlarms } from './alarms.js';
import { P } from '../access/catalog.js';

export const alarmsRouter = router({
  /** Alarms, newest first, filtered by machine, state, severity, kind and when they were raised. */
  list: operatorProcedure(P.alarms)
    .input(AlarmListInput)
    .query(({ ctx, input }) => listAlarms(ctx.scope, input)),

  /** Acknowledges an alarm: records who saw it and when (an alarm acknowledged before keeps its first acknowledgement). */
  acknowledge: operatorProcedure(P.alarms)
    .input(z.object({ alarmId: id('alarms') }))
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => acknowledgeAlarm(w, ctx.principal, input.alarmId, now));
    }),
});
