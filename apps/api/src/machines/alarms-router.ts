/** Alarms the machines raised: acknowledging, assigning and repairing them (machines/alarms.ts). */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { id } from '../shared/input.js';
import {
  acknowledgeAlarm,
  AlarmListInput,
  assignAlarm,
  AssignAlarmInput,
  listAlarms,
  listFieldStaff,
  MyAlarmListInput,
  RecordRepairInput,
  recordRepair,
} from './alarms.js';
import { P } from '../access/catalog.js';

export const alarmsRouter = router({
  /**
   * Alarms, newest first, filtered by machine, state, severity, kind, when they were
   * raised, whom they are assigned to (`me`: the caller) and whether a repair is recorded.
   */
  list: operatorProcedure(P.alarms)
    .input(AlarmListInput)
    .query(({ ctx, input }) => listAlarms(ctx.scope, ctx.principal.userId, input)),

  /** Acknowledges an alarm: records who saw it and when (an alarm acknowledged before keeps its first acknowledgement). */
  acknowledge: operatorProcedure(P.alarms)
    .input(z.object({ alarmId: id('alarms') }))
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => acknowledgeAlarm(w, ctx.principal, input.alarmId, now));
    }),

  /** The active field staff an alarm can be assigned to, by name. */
  fieldStaff: operatorProcedure(P.alarms).query(({ ctx }) => listFieldStaff(ctx.scope, ctx.platform)),

  /** Assigns an alarm to an active field worker of the tenant, or (null) to nobody. */
  assign: operatorProcedure(P.alarms)
    .input(AssignAlarmInput)
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => assignAlarm(w, ctx.principal, input, now));
    }),

  /** Records the repair made for any alarm of the tenant, and resolves it; an alarm has one repair. */
  recordRepair: operatorProcedure(P.alarms)
    .input(RecordRepairInput)
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => recordRepair(w, ctx.principal, 'alarms', input, now));
    }),

  /** The signed-in field worker's alarms (those assigned to them), newest first. */
  mine: operatorProcedure(P.myMachines)
    .input(MyAlarmListInput)
    .query(({ ctx, input }) =>
      listAlarms(ctx.scope, ctx.principal.userId, { ...input, assignedTo: ctx.principal.userId }),
    ),

  /** The signed-in field worker records the repair of an alarm assigned to them, and resolves it. */
  recordMyRepair: operatorProcedure(P.myMachines)
    .input(RecordRepairInput)
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => recordRepair(w, ctx.principal, 'assignee', input, now));
    }),
});
