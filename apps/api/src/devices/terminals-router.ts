/**
 * The console's procedures about a machine's terminal: its registered key, revoking it (a
 * terminal lost or stolen: its calls are refused until it is activated again with a new
 * code from `machines.issueActivationCode`), and the logs it uploaded.
 */
import { eq } from '@vmcloud/db';
import { LOG_LEVELS } from '@vmcloud/db/schema';
import { z } from 'zod';
import { P } from '../access/catalog.js';
import { operatorProcedure, router } from '../trpc/init.js';
import { notFound } from '../shared/errors.js';
import { id, Timestamp } from '../shared/input.js';
import { offsetPage } from '../shared/paging.js';
import { machineLogs } from './logs.js';

const MachineId = z.object({ machineId: id('machines') });

export const terminalsRouter = router({
  /** The machine's terminal keys, newest first: when each was activated, on which board, and whether it is revoked. */
  credentials: operatorProcedure(P.machine)
    .input(MachineId)
    .query(async ({ ctx, input }) => {
      const machine = await ctx.scope.machines.get(input.machineId);
      if (!machine) throw notFound('Machine');
      const rows = await ctx.platform.deviceCredentials.find({ where: (c) => eq(c.machineId, machine.id) });
      return rows
        .filter((r) => r.tenantId === ctx.tenantId)
        .sort((a, b) => b.activatedAt.getTime() - a.activatedAt.getTime())
        .map((r) => ({
          keyId: r.keyId,
          boardId: r.boardId,
          activatedAt: r.activatedAt.toISOString(),
          revokedAt: r.revokedAt?.toISOString() ?? null,
        }));
    }),

  /** Revokes the machine's terminal key; answers the key ids revoked. */
  revoke: operatorProcedure(P.machine)
    .input(MachineId)
    .mutation(async ({ ctx, input }) => {
      const revoked = await ctx.write(async (w) => {
        const machine = await w.scope.machines.get(input.machineId);
        if (!machine) throw notFound('Machine');
        const now = ctx.now();
        const rows = await w.platform.deviceCredentials.find({ where: (c) => eq(c.machineId, machine.id) });
        const active = rows.filter((c) => c.tenantId === w.scope.tenantId && !c.revokedAt);
        for (const c of active)
          await w.platform.deviceCredentials.update(c.id, { revokedAt: now, revokedBy: ctx.principal.userId });
        await w.audit({
          entity: 'device_credentials',
          entityId: machine.id,
          after: { revokedKeys: active.map((c) => c.keyId) },
        });
        return { revoked: active.map((c) => c.keyId) };
      });
      ctx.devices.keys.forgetMachine(input.machineId);
      return revoked;
    }),

  /** The logs the machine's terminal uploaded, newest first, filtered by level and time. */
  logs: operatorProcedure(P.machine)
    .input(
      z.object({
        machineId: id('machines'),
        level: z.enum(LOG_LEVELS).optional(),
        from: Timestamp.optional(),
        to: Timestamp.optional(),
        ...offsetPage(100, 20),
      }),
    )
    .query(async ({ ctx, input }) => {
      if (!(await ctx.scope.machines.get(input.machineId))) throw notFound('Machine');
      return machineLogs(ctx.scope, input);
    }),
});
