/**
 * Profit: revenue less the cost of the goods sold, by machine, product, day or month over
 * a period (profit query), and closing a period with a recorded profit settlement.
 * How revenue and cost are counted is described in sales/aggregate.ts.
 */
import { TRPCError } from '@trpc/server';
import { and, desc, eq, gte, lte } from '@vmcloud/db';
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id } from '../shared/input.js';
import { emptyTotals, salesBy, type SalesTotals } from '../sales/aggregate.js';
import { checkFilterIds } from '../sales/orders.js';
import { daysOf, instantsOf, localDay, periodInput } from '../sales/period.js';
import { P } from '../access/catalog.js';


const profitOf = ({ orders, quantity, revenue, cost, profit }: SalesTotals) => ({
  orders,
  quantity,
  revenue,
  cost,
  profit,
});

export const profitRouter = router({
  /**
   * Revenue, cost and profit (fen) over a period of local days (at most 366), by machine,
   * product, day or month, optionally for one machine or product, with the total.
   */
  query: operatorProcedure(P.profitQuery)
    .input(
      periodInput({
        by: z.enum(['machine', 'product', 'day', 'month']),
        machineId: id('machines').optional(),
        productId: id('products').optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      await checkFilterIds(ctx.scope, input);
      const { start, end } = instantsOf(input);
      const offset = input.utcOffsetMinutes;
      const keyOf = {
        machine: (o: { machineId: string }) => o.machineId,
        product: (o: { productId: string }) => o.productId,
        day: (o: { createdAt: Date }) => localDay(o.createdAt, offset),
        month: (o: { createdAt: Date }) => localDay(o.createdAt, offset).slice(0, 7),
      }[input.by];
      const { groups, total } = await salesBy(
        ctx.scope,
        { start, end, machineId: input.machineId, productId: input.productId },
        keyOf,
      );
      let keys: string[];
      const labels = new Map<string, string>();
      if (input.by === 'day') keys = daysOf(input.from, input.to);
      else if (input.by === 'month') keys = [...new Set(daysOf(input.from, input.to).map((d) => d.slice(0, 7)))];
      else {
        keys = [...groups.keys()].sort((a, b) => (groups.get(b)?.profit ?? 0) - (groups.get(a)?.profit ?? 0));
        if (input.by === 'machine') {
          for (const m of await ctx.scope.machines.find()) labels.set(m.id, m.name ?? m.boardId);
        } else {
          for (const p of await ctx.scope.products.find()) labels.set(p.id, p.name);
        }
      }
      return {
        by: input.by,
        from: input.from,
        to: input.to,
        utcOffsetMinutes: offset,
        rows: keys.map((key) => ({
          key,
          label: labels.get(key) ?? key,
          ...profitOf(groups.get(key) ?? emptyTotals()),
        })),
        total: profitOf(total),
      };
    }),

  /**
   * Closes a period with a profit settlement: the figures of the whole period (paid
   * orders, units, gross, refunds, revenue, cost, profit, in fen) as computed now, kept
   * as they are. Refused for a period that has not ended or overlaps a settled one.
   */
  settle: operatorProcedure(P.profitSettlement)
    .input(periodInput({}))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const { start, end } = instantsOf(input);
      if (end.getTime() > now.getTime()) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'to: the period has not ended yet' });
      }
      return ctx.write(async (w) => {
        const overlapping = await w.scope.settlements.findOne((s) =>
          and(eq(s.kind, 'profit'), lte(s.periodStart, input.to), gte(s.periodEnd, input.from)),
        );
        if (overlapping) {
          throw new TRPCError({
            code: 'BAD_REQUEST',
            message: `from: overlaps the profit settlement of ${overlapping.periodStart} to ${overlapping.periodEnd}`,
          });
        }
        const { total } = await salesBy(w.scope, { start, end }, () => '');
        const figures = {
          orders: total.orders,
          quantity: total.quantity,
          gross: total.gross,
          refunded: total.refunded,
          revenue: total.revenue,
          cost: total.cost,
          profit: total.profit,
          utcOffsetMinutes: input.utcOffsetMinutes,
        };
        const row = await w.scope.settlements.insert({
          kind: 'profit',
          staffId: null,
          periodStart: input.from,
          periodEnd: input.to,
          figures,
          status: 'final',
          settledAt: now,
          createdAt: now,
          updatedAt: now,
          createdBy: ctx.principal.userId,
          updatedBy: ctx.principal.userId,
        });
        await w.audit({ entity: 'settlements', entityId: row.id, after: row });
        return plain(row);
      });
    }),

  /** The profit settlements recorded, latest period first. */
  settlements: operatorProcedure(P.profitQuery)
    .input(
      z.object({
        limit: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(500, 'must be at most 500')
          .default(100),
      }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await ctx.scope.settlements.find({
        where: (s) => eq(s.kind, 'profit'),
        orderBy: (s) => [desc(s.periodStart)],
        limit: input.limit,
      });
      return plain(rows);
    }),
});
