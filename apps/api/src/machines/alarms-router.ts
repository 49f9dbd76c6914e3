/** Alarms the machines raised (offline, door open, faults), and acknowledging them. */
import { TRPCError } from '@trpc/server';
import { and, desc, eq, gte, inArray, isNotNull, isNull, lt, type Tables, type Where } from '@vmcloud/db';
import { ALARM_KINDS, ALARM_SEVERITIES } from '@vmcloud/db/schema';
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, Timestamp } from '../shared/input.js';
import { P } from '../access/catalog.js';


/** Open: nobody has seen it yet; acknowledged: someone has, the fault is still there; resolved: it is over. */
export const ALARM_STATES = ['open', 'acknowledged', 'resolved'] as const;

export const alarmsRouter = router({
  /** Alarms, newest first, filtered by machine, state, severity, kind and when they were raised. */
  list: operatorProcedure(P.alarms)
    .input(
      z.object({
        machineId: id('machines').optional(),
        state: z.enum(ALARM_STATES).optional(),
        severity: z.enum(ALARM_SEVERITIES).optional(),
        kind: z.enum(ALARM_KINDS).optional(),
        from: Timestamp.optional(),
        to: Timestamp.optional(),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).max(1_000_000).default(0),
      }),
    )
    .query(async ({ ctx, input }) => {
      const where: Where<Tables['alarms']> = (a) =>
        and(
          input.machineId ? eq(a.machineId, input.machineId) : undefined,
          input.severity ? eq(a.severity, input.severity) : undefined,
          input.kind ? eq(a.kind, input.kind) : undefined,
          input.from ? gte(a.raisedAt, input.from) : undefined,
          input.to ? lt(a.raisedAt, input.to) : undefined,
          input.state === 'open' ? and(isNull(a.acknowledgedAt), isNull(a.resolvedAt)) : undefined,
          input.state === 'acknowledged' ? and(isNotNull(a.acknowledgedAt), isNull(a.resolvedAt)) : undefined,
          input.state === 'resolved' ? isNotNull(a.resolvedAt) : undefined,
        );
      const { rows: alarms, total } = await ctx.scope.alarms.page({
        where,
        orderBy: (a) => [desc(a.raisedAt), desc(a.id)],
        limit: input.limit,
        offset: input.offset,
      });
      const machineIds = [...new Set(alarms.map((a) => a.machineId))];
      const userIds = [...new Set(alarms.flatMap((a) => (a.acknowledgedBy ? [a.acknowledgedBy] : [])))];
      const [machines, users] = await Promise.all([
        machineIds.length === 0 ? [] : ctx.scope.machines.find({ where: (m) => inArray(m.id, machineIds) }),
        userIds.length === 0 ? [] : ctx.scope.users.find({ where: (u) => inArray(u.id, userIds) }),
      ]);
      return {
        items: alarms.map((a) => {
          const machine = machines.find((m) => m.id === a.machineId);
          return plain({
            ...a,
            state: a.resolvedAt ? 'resolved' : a.acknowledgedAt ? 'acknowledged' : 'open',
            machineName: machine?.name ?? null,
            boardId: machine?.boardId ?? null,
            acknowledgedByName: users.find((u) => u.id === a.acknowledgedBy)?.displayName ?? null,
          });
        }),
        total,
      };
    }),

  /** Acknowledges an alarm: records who saw it and when (an alarm acknowledged before keeps its first acknowledgement). */
  acknowledge: operatorProcedure(P.alarms)
    .input(z.object({ alarmId: id('alarms') }))
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.principal.userId;
      const now = ctx.now();
      const alarm = await ctx.write(async (w) => {
        const before = await w.scope.alarms.get(input.alarmId);
        if (!before) throw new TRPCError({ code: 'NOT_FOUND', message: 'Alarm not found' });
        if (before.acknowledgedAt) {
          // Acknowledged before: the first acknowledgement stands.
          await w.audit({ entity: 'alarms', entityId: before.id, before, after: { alreadyAcknowledged: true } });
          return before;
        }
        const patch = { acknowledgedAt: now, acknowledgedBy: userId, updatedAt: now, updatedBy: userId };
        await w.scope.alarms.update(before.id, patch);
        const after = { ...before, ...patch };
        await w.audit({ entity: 'alarms', entityId: before.id, before, after });
        return after;
      });
      return plain(alarm);
    }),
});
