/**
 * Turnover (营业额): a field worker hands in the cash and mobile takings of a period, each
 * hand-in with its own document number (`YY` and the business day it was handed in, in
 * the tenant's time zone); the finance admin lists them and confirms or rejects each.
 */
import { and, desc, eq, gte, like, lte, ne, sql, type TenantScope } from '@vmcloud/db';
import { TURNOVER_STATUSES } from '@vmcloud/db/schema';
import { z } from 'zod';
import type { Writer } from '../shared/writer.js';
import { plain } from '../shared/plain.js';
import { Day, type BusinessCalendar } from '../shared/business-day.js';
import { nextDocumentNo, withFreshNumber } from '../shared/document-numbers.js';
import { notFound, refused } from '../shared/errors.js';
import { id, Money, OptionalText } from '../shared/input.js';
import { Limit } from '../shared/paging.js';

/** Runs a whole write in one transaction (`ctx.write`). */
import type { Write } from '../shared/writer.js';

/** Sums of cash and mobile amounts of some turnovers. */
export function turnoverTotals(rows: { cashAmount: number; mobileAmount: number }[]) {
  const cash = rows.reduce((s, r) => s + r.cashAmount, 0);
  const mobile = rows.reduce((s, r) => s + r.mobileAmount, 0);
  return { cash, mobile, total: cash + mobile };
}

/** The highest turnover number starting with `prefix` (for `nextDocumentNo`). */
const latestTurnoverNo = (scope: TenantScope) => async (prefix: string) =>
  (
    await scope.turnovers.find({
      where: (t) => like(t.documentNo, `${prefix}%`),
      orderBy: (t) => [sql`length(${t.documentNo}) desc`, sql`${t.documentNo} desc`],
      limit: 1,
    })
  )[0]?.documentNo;

export const HandInInput = z
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

/**
 * Hands in a field worker's takings of a period (cash and mobile, in fen), numbered here.
 * Refused for a period that ends after today (the tenant's business day) or overlaps one
 * already handed in and not rejected.
 */
export async function handIn(
  write: Write,
  by: { userId: string },
  input: z.infer<typeof HandInInput>,
  now: Date,
  calendar: BusinessCalendar,
) {
  const staffId = by.userId;
  if (input.periodEnd > calendar.dayOf(now)) throw refused('periodEnd', 'is in the future');
  const turnover = await withFreshNumber(() =>
    write(async (w) => {
      const overlapping = await w.scope.turnovers.findOne((t) =>
        and(
          eq(t.staffId, staffId),
          ne(t.status, 'rejected'),
          lte(t.periodStart, input.periodEnd),
          gte(t.periodEnd, input.periodStart),
        ),
      );
      if (overlapping) {
        throw refused(
          'periodStart',
          `overlaps turnover ${overlapping.documentNo} (${overlapping.periodStart} to ${overlapping.periodEnd})`,
        );
      }
      const row = await w.scope.turnovers.insert({
        documentNo: await nextDocumentNo('turnover', calendar, now, latestTurnoverNo(w.scope)),
        staffId,
        cashAmount: input.cashAmount,
        mobileAmount: input.mobileAmount,
        periodStart: input.periodStart,
        periodEnd: input.periodEnd,
        status: 'submitted',
        note: input.note,
        createdBy: staffId,
        updatedBy: staffId,
      });
      await w.audit({ entity: 'turnovers', entityId: row.id, after: row });
      return row;
    }),
  );
  return plain(turnover);
}

export const MyTurnoversInput = z.object({
  status: z.enum(TURNOVER_STATUSES).optional(),
  limit: Limit(500, 50),
});

/** A field worker's own hand-ins, latest period first, with their sums. */
export async function myTurnovers(scope: TenantScope, staffId: string, input: z.infer<typeof MyTurnoversInput>) {
  const rows = await scope.turnovers.find({
    where: (t) => and(eq(t.staffId, staffId), input.status ? eq(t.status, input.status) : undefined),
    orderBy: (t) => [desc(t.periodStart), desc(t.createdAt)],
    limit: input.limit,
  });
  return { items: plain(rows), totals: turnoverTotals(rows) };
}

export const TurnoversInput = z.object({
  staffId: id('users').optional(),
  status: z.enum(TURNOVER_STATUSES).optional(),
  from: Day.optional(),
  to: Day.optional(),
  limit: Limit(500, 100),
});

/**
 * Turnover handed in by field staff, latest period first, by staff member, status and
 * period (turnovers whose period starts within `from`..`to`), with the sums of cash and
 * mobile amounts of the rows returned.
 */
export async function listTurnovers(scope: TenantScope, input: z.infer<typeof TurnoversInput>) {
  if (input.staffId && !(await scope.users.get(input.staffId))) throw notFound('User');
  const rows = await scope.turnovers.find({
    where: (t) =>
      and(
        input.staffId ? eq(t.staffId, input.staffId) : undefined,
        input.status ? eq(t.status, input.status) : undefined,
        input.from ? gte(t.periodStart, input.from) : undefined,
        input.to ? lte(t.periodStart, input.to) : undefined,
      ),
    orderBy: (t) => [desc(t.periodStart), desc(t.documentNo)],
    limit: input.limit,
  });
  const users = new Map((await scope.users.find()).map((u) => [u.id, u]));
  return {
    items: rows.map((r) => ({
      ...plain(r),
      staffName: users.get(r.staffId)?.displayName ?? null,
      staffUsername: users.get(r.staffId)?.username ?? null,
    })),
    totals: turnoverTotals(rows),
  };
}

export const DecisionInput = z.object({ id: id('turnovers'), note: OptionalText(255) });

/** Confirms (the money was received) or rejects a submitted turnover; only a submitted one moves on. */
export async function decideTurnover(
  w: Writer,
  by: { userId: string },
  input: z.infer<typeof DecisionInput>,
  decision: 'confirmed' | 'rejected',
  now: Date,
) {
  const before = await w.scope.turnovers.get(input.id);
  if (!before) throw notFound('Turnover');
  if (before.status !== 'submitted') throw refused('id', `turnover ${before.documentNo} is already ${before.status}`);
  const patch = {
    status: decision,
    confirmedBy: decision === 'confirmed' ? by.userId : null,
    confirmedAt: decision === 'confirmed' ? now : null,
    note: input.note ?? before.note,
    updatedAt: now,
    updatedBy: by.userId,
  };
  await w.scope.turnovers.update(before.id, patch);
  const after = { ...before, ...patch };
  await w.audit({ entity: 'turnovers', entityId: before.id, before, after });
  return plain(after);
}
