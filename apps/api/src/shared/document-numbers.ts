/**
 * Document numbers, one scheme for every kind: a prefix, the business day in the tenant's
 * time zone (`YYYYMMDD`) and a 4-digit sequence of that day, one more than the day's
 * highest (`CK202611220001`). Two writers that draw the same number at once collide on the
 * table's unique key; `withFreshNumber` runs the whole write again with a fresh draw.
 *
 * Order numbers are not sequential: `O`, the sale's local date and time to the second and
 * 12 random characters of the order's id, so that sales recorded at once never collide.
 */
import { isUniqueViolation } from './errors.js';
import type { BusinessCalendar } from './business-day.js';

export const DOCUMENT_PREFIXES = {
  shipment: 'CK',
  transfer: 'DB',
  turnover: 'YY',
} as const;

export type DocumentKind = keyof typeof DOCUMENT_PREFIXES;

/**
 * The next number of `kind` for the business day of `at`. `latest(prefix)` answers the
 * highest number starting with `prefix` (the longest, then the greatest), or undefined.
 */
export async function nextDocumentNo(
  kind: DocumentKind,
  calendar: BusinessCalendar,
  at: Date,
  latest: (prefix: string) => Promise<string | undefined>,
): Promise<string> {
  const prefix = `${DOCUMENT_PREFIXES[kind]}${calendar.compactDayOf(at)}`;
  const last = await latest(prefix);
  const tail = last?.slice(prefix.length) ?? '';
  const sequence = /^\d+$/.test(tail) ? Number(tail) + 1 : 1;
  return `${prefix}${String(sequence).padStart(4, '0')}`;
}

/** How many times a write that drew a taken number is tried in all. */
export const NUMBER_ATTEMPTS = 3;

/**
 * Runs `write` (a whole transaction that draws a number) again when it collided on a
 * unique key, up to NUMBER_ATTEMPTS times; the last collision is thrown.
 */
export async function withFreshNumber<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt < NUMBER_ATTEMPTS && isUniqueViolation(error)) continue;
      throw error;
    }
  }
}

/** An order's number: `O`, the local date and time of the sale to the second, 12 random characters of its id. */
export function orderNumber(calendar: BusinessCalendar, at: Date, orderId: string): string {
  return `O${calendar.stampOf(at)}${orderId.replace(/-/g, '').slice(-12).toUpperCase()}`;
}

/** A refund's number: `R`, the local date and time of the refund, and 12 characters of its id, like an order's. */
export function refundNumber(calendar: BusinessCalendar, at: Date, refundId: string): string {
  return `R${calendar.stampOf(at)}${refundId.replace(/-/g, '').slice(-12).toUpperCase()}`;
}
