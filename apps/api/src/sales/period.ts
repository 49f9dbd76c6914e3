/**
 * Periods of business days. Orders are stamped in UTC; a business day is a calendar day in
 * the operator's local time, given as an offset from UTC in minutes (China Standard Time,
 * +480, when none is given).
 */
import { z } from 'zod';

export const DAY_MS = 86_400_000;

/** The longest period a statistic or settlement may cover. */
export const MAX_PERIOD_DAYS = 366;

/** The offset of the operator's local time from UTC used when none is given: UTC+8. */
export const DEFAULT_UTC_OFFSET_MINUTES = 480;

/** A calendar day, `YYYY-MM-DD`. */
export const Day = z.iso.date({ error: 'must be a date written YYYY-MM-DD' }).meta({ examples: ['2026-11-01'] });

/** Minutes east of UTC of the operator's local time (-720 to +840). */
export const UtcOffset = z
  .number({ error: 'must be a number of minutes' })
  .int('must be a whole number of minutes')
  .min(-720, 'must be at least -720 (UTC-12)')
  .max(840, 'must be at most 840 (UTC+14)')
  .default(DEFAULT_UTC_OFFSET_MINUTES);

/** The fields of a period of whole days, `from` and `to` both included. */
export const periodShape = { from: Day, to: Day, utcOffsetMinutes: UtcOffset };

/** Checks that `to` is not before `from` and that the period is at most MAX_PERIOD_DAYS long. */
export function checkPeriod(value: { from: string; to: string }, ctx: z.RefinementCtx): void {
  const days = (Date.parse(value.to) - Date.parse(value.from)) / DAY_MS + 1;
  if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  else if (days > MAX_PERIOD_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `the period must be at most ${MAX_PERIOD_DAYS} days` });
  }
}

/** A period of days with more fields: `z.object({ from, to, utcOffsetMinutes, ...shape })`, checked. */
export function periodInput<S extends z.ZodRawShape>(shape: S) {
  return z
    .object({ ...periodShape, ...shape })
    .superRefine((value, ctx) => checkPeriod(value as { from: string; to: string }, ctx));
}

/** The instants a period of local days covers: `start` included, `end` excluded. */
export function instantsOf(period: { from: string; to: string; utcOffsetMinutes: number }): { start: Date; end: Date } {
  const offset = period.utcOffsetMinutes * 60_000;
  return {
    start: new Date(Date.parse(`${period.from}T00:00:00Z`) - offset),
    end: new Date(Date.parse(`${period.to}T00:00:00Z`) + DAY_MS - offset),
  };
}

/** The local day (`YYYY-MM-DD`) of an instant. */
export function localDay(at: Date, utcOffsetMinutes: number): string {
  return new Date(at.getTime() + utcOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}
