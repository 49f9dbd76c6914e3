/** Times and dates as the tenant sees them: in the tenant's time zone (`session.tenant.timeZone`). */

export type TimeInput = string | number | Date | null | undefined;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string | undefined, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone ?? ''}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(withTime ? { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

function toDate(value: TimeInput): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

function parts(date: Date, timeZone: string | undefined, withTime: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of formatter(timeZone, withTime).formatToParts(date)) out[part.type] = part.value;
  return out;
}

/** `2026-12-07T11:05:09Z` in `Asia/Shanghai` -> `2026-12-07 19:05:09`; nothing -> `—`. */
export function formatTime(value: TimeInput, timeZone?: string): string {
  const date = toDate(value);
  if (!date) return '—';
  const p = parts(date, timeZone, true);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** The calendar day in the tenant's time zone: `2026-12-07`; nothing -> `—`. */
export function formatDate(value: TimeInput, timeZone?: string): string {
  const date = toDate(value);
  if (!date) return '—';
  const p = parts(date, timeZone, false);
  return `${p.year}-${p.month}-${p.day}`;
}

/** Whole days from `now` until `value` (rounded up; negative once it has passed), or null. */
export function daysUntil(value: TimeInput, now: Date = new Date()): number | null {
  const date = toDate(value);
  if (!date) return null;
  return Math.ceil((date.getTime() - now.getTime()) / 86_400_000);
}
