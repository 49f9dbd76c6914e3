/**
 * The business day: a calendar day in the tenant's time zone (an IANA name stored on the
 * tenant, `Asia/Shanghai` by default). Orders and movements are stamped in UTC; every day
 * window, settlement, statistic and document number cuts days here, so that a sale at
 * 23:30 local time belongs to the same day everywhere, across daylight-saving changes too.
 */
import type { PlatformScope } from '@vmcloud/db';
import { z } from 'zod';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/** The longest period a statistic or settlement may cover. */
export const MAX_PERIOD_DAYS = 366;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** A calendar day, `YYYY-MM-DD`. */
export const Day = z.iso.date({ error: 'must be a date written YYYY-MM-DD' }).meta({ examples: ['2026-11-01'] });

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA time zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterOf(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name (`Asia/Shanghai`, `America/New_York`). */
export const TimeZone = z
  .string({ error: 'must be a time zone' })
  .max(64, 'must be at most 64 characters')
  .refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai')
  .meta({ examples: ['Asia/Shanghai'] });

/** Milliseconds the zone's wall clock is ahead of UTC at `ms`. */
function offsetAt(timeZone: string, ms: number): number {
  const parts: Record<string, number> = {};
  for (const p of formatterOf(timeZone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wall = Date.UTC(
    parts.year ?? 1970,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * Cuts instants into business days for one time zone. Offsets are remembered by the hour
 * (every zone in use changes offset on a whole hour or half hour at most once in an hour
 * and keeps it for the rest), so cutting the orders of a year costs a map lookup each.
 */
export class BusinessCalendar {
  private readonly offsets = new Map<number, number>();

  constructor(readonly timeZone: string = DEFAULT_TIME_ZONE) {
    formatterOf(timeZone);
  }

  private offset(ms: number): number {
    // Half-hour buckets: a zone can change offset at :30 (Lord Howe) but not within one.
    const bucket = Math.floor(ms / (HOUR_MS / 2));
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      offset = offsetAt(this.timeZone, ms);
      if (this.offsets.size > 100_000) this.offsets.clear();
      this.offsets.set(bucket, offset);
    }
    return offset;
  }

  /** The business day (`YYYY-MM-DD`) of an instant. */
  dayOf(at: Date): string {
    const ms = at.getTime();
    return new Date(ms + this.offset(ms)).toISOString().slice(0, 10);
  }

  /** The business month (`YYYY-MM`) of an instant. */
  monthOf(at: Date): string {
    return this.dayOf(at).slice(0, 7);
  }

  /** `YYYYMMDD` of an instant's business day, as document numbers carry it. */
  compactDayOf(at: Date): string {
    return this.dayOf(at).replace(/-/g, '');
  }

  /** The local date and time of an instant to the second, `YYYYMMDDhhmmss`. */
  stampOf(at: Date): string {
    const ms = at.getTime();
    return new Date(ms + this.offset(ms)).toISOString().replace(/\D/g, '').slice(0, 14);
  }

  /** The first instant of a business day (its local midnight, or the first instant after it). */
  startOf(day: string): Date {
    const wall = Date.parse(`${day}T00:00:00Z`);
    // The instant whose local time is `wall`: the offset at a first guess, then at the instant it gives.
    let ms = wall - this.offset(wall - this.offset(wall));
    // A midnight skipped by a daylight-saving change: the day starts at the first instant that exists.
    while (this.dayOf(new Date(ms)) < day) ms += HOUR_MS / 2;
    return new Date(ms);
  }

  /** The instants a period of business days covers, both ends included: `[start, end)`. */
  windowOf(period: { from: string; to: string }): { start: Date; end: Date } {
    return { start: this.startOf(period.from), end: this.startOf(nextDay(period.to)) };
  }
}

/** The calendar day after `day`. */
export function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

/** Checks that `to` is not before `from` and that the period is at most MAX_PERIOD_DAYS long. */
export function checkPeriod(value: { from: string; to: string }, ctx: z.RefinementCtx): void {
  // An end that is not a real date is reported on its own field alone.
  if (!Day.safeParse(value.from).success || !Day.safeParse(value.to).success) return;
  const days = (Date.parse(value.to) - Date.parse(value.from)) / DAY_MS + 1;
  if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  else if (days > MAX_PERIOD_DAYS) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `the period must be at most ${MAX_PERIOD_DAYS} days` });
  }
}

/** A period of whole business days, `from` and `to` both included, with the other fields of `shape`. */
export function periodInput<S extends z.ZodRawShape>(shape: S) {
  return z
    .object({ from: Day, to: Day, ...shape })
    .superRefine((value, ctx) => checkPeriod(value as { from: string; to: string }, ctx));
}

const calendars = new Map<string, BusinessCalendar>();

/** The (shared) calendar of a time zone. */
export function calendarOf(timeZone: string | null | undefined): BusinessCalendar {
  const zone = timeZone || DEFAULT_TIME_ZONE;
  let calendar = calendars.get(zone);
  if (!calendar) calendars.set(zone, (calendar = new BusinessCalendar(zone)));
  return calendar;
}

/** The calendar of a tenant, by its id (the default zone for a tenant not found). */
export async function tenantCalendar(platform: PlatformScope, tenantId: string): Promise<BusinessCalendar> {
  return calendarOf((await platform.tenants.get(tenantId))?.timeZone);
}
