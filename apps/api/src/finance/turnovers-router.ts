/**
 * My turnover: a field worker hands in the cash and mobile takings of a period, each
 * hand-in with its own document number, and sees what they handed in and whether finance
 * has confirmed it.
 */
import { TRPCError } from '@trpc/server';
import { and, desc, eq, gte, like, lte, ne, type TenantScope } from '@vmcloud/db';
import { TURNOVER_STATUSES } from '@vmcloud/db/schema';
import { z } from 'zod';
import { isUniqueViolation } from '../shared/errors.js';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { Money, OptionalText } from '../shared/input.js';
import { Day, DEFAULT_UTC_OFFSET_MINUTES, localDay } from '../sales/period.js';
import { P } from '../access/catalog.js';


/** Turnover document numbers: `YY`, the day they were handed in (UTC+8), a 4-digit sequence of that day. */
export async function nextTurnoverNo(scope: TenantScope, now: Date): Promise<string> {
  const prefix = `YY${localDay(now, DEFAULT_UTC_OFFSET_MINUTES).replace(/-/g, '')}`;
  const [last] = await scope.turnovers.find({
    where: (t) => like(t.documentNo, `${prefix}%`),
    orderBy: (t) => [desc(t.documentNo)],
    limit: 1,
  });
  const sequence = last ? Number(last.documentNo.slice(prefix.length)) + 1 : 1;
  return `${prefix}${String(Number.isFinite(sequence) ? sequence : 1).padStart(4, '0')}`;
}

/** Sums of cash and mobile amounts of some turnovers. */
export function turnoverTotals(rows: { cashAmount: number; mobileAmount: number }[]) {
  const cash = rows.reduce((s, r) => s + r.cashAmount, 0);
  const mobile = rows.reduce((s, r) => s + r.mobileAmount, 0);
  return { cash, mobile, total: cash + mobile };
}

const HandIn = z
  .object({
    cashAmount: Money,
    mobileAmount: Money,
    periodStart: Day,
    periodEnd: Day,
    note: OptionalText(255),
  })
  .superRefine((v, ctx) => {
    if (v.periodEnd < v.periodStart) {
      ctx.addIssue({ code: 'custom', path: ['periodEnd'], message: 'must not be before periodStart' });
    }
    if (v.cashAmount + v.mobileAmount === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['cashAmount'],
        message: 'nothing is handed in (cash and mobile are both 0)',
      });
    }
  });

export const turnoversRouter = router({
  /**
   * Hands in the signed-in field worker's takings of a period (cash and mobile, in fen).
   * The document number is given out here. Refused for a period that ends in the future
   * or overlaps one already handed in and not rejected.
   */
  handIn: operatorProcedure(P.myTurnover)
    .input(HandIn)
    .mutation(async ({ ctx, input }) => {
      const staffId = ctx.principal.userId;
      const now = ctx.now();
      if (input.periodEnd > localDay(now, DEFAULT_UTC_OFFSET_MINUTES)) {
        throw new TRPCError({ code: 'BAD_REQUEST', message: 'periodEnd: is in the future' });
      }
      for (let attempt = 1; ; attempt++) {
        try {
          const turnover = await ctx.write(async (w) => {
            const overlapping = await w.scope.turnovers.findOne((t) =>
              and(
                eq(t.staffId, staffId),
                ne(t.status, 'rejected'),
                lte(t.periodStart, input.periodEnd),
                gte(t.periodEnd, input.periodStart),
              ),
            );
            if (overlapping) {
              throw new TRPCError({
                code: 'BAD_REQUEST',
                message: `periodStart: overlaps turnover ${overlapping.documentNo} (${overlapping.periodStart} to ${overlapping.periodEnd})`,
              });
            }
            const row = await w.scope.turnovers.insert({
              documentNo: await nextTurnoverNo(w.scope, now),
              staffId,
              cashAmount: input.cashAmount,
              mobileAmount: input.mobileAmount,
              periodStart: input.periodStart,
              periodEnd: input.periodEnd,
              status: 'submitted',
              note: input.note,
              createdAt: now,
              updatedAt: now,
              createdBy: staffId,
              updatedBy: staffId,
            });
            await w.audit({ entity: 'turnovers', entityId: row.id, after: row });
            return row;
          });
          return plain(turnover);
        } catch (error) {
          // Two hand-ins at the same moment drew the same number: draw again.
          if (attempt < 3 && isUniqueViolation(error)) continue;
          throw error;
        }
      }
    }),

  /** The signed-in field worker's own hand-ins, latest period first, with their sums. */
  mine: operatorProcedure(P.myTurnover)
    .input(
      z.object({
        status: z.enum(TURNOVER_STATUSES).optional(),
        limit: z
          .number()
          .int('must be a whole number')
          .min(1, 'must be at least 1')
          .max(500, 'must be at most 500')
          .default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      const rows = await ctx.scope.turnovers.find({
        where: (t) => and(eq(t.staffId, ctx.principal.userId), input.status ? eq(t.status, input.status) : undefined),
        orderBy: (t) => [desc(t.periodStart), desc(t.createdAt)],
        limit: input.limit,
      });
      return { items: plain(rows), totals: turnoverTotals(rows) };
    }),
});
