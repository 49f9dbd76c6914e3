/**
 * Paging, one way for every list. Lists that grow without bound (orders, gift codes, the
 * audit log) page by keyset over (createdAt, id): a page starts after the last row of the
 * one before, so a page 1,000 pages deep costs what the first one does (no OFFSET). Short
 * lists (users, products, machines, ...) page by limit and offset. Both take their limit
 * from `Limit`, so a limit is refused with the same words everywhere.
 */
import { and, gt, gte, lt, lte, or, type SQL } from '@vmcloud/db';
import { z } from 'zod';

/** Where a page ends: the last row's creation time (ms since the epoch) and id, `<ms>.<id>`. */
export const Cursor = z
  .string()
  .regex(
    /^\d{1,15}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
    'must be the nextCursor of the previous page',
  )
  .meta({ examples: ['1763769600000.019aaf10-6c00-7000-8000-000000000000'] });

/**
 * The most rows any list answers in one page. With at most 20 calls in a batch
 * (http/limits.ts), one request reads at most 10,000 rows.
 */
export const MAX_PAGE_ROWS = 500;

/** How many rows a page holds: a whole number from 1 to `max` (at most `MAX_PAGE_ROWS`), `fallback` when not given. */
export const Limit = (max: number, fallback: number) => {
  if (max > MAX_PAGE_ROWS) throw new RangeError(`a page holds at most ${MAX_PAGE_ROWS} rows, not ${max}`);
  return z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(max, `must be at most ${max}`)
    .default(fallback);
};

/** How many rows to skip. */
export const Offset = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(1_000_000, 'must be at most 1000000')
  .default(0);

/** The fields of a keyset page of a list ordered newest first (`{ ...keysetPage(), ...filters }`). */
export const keysetPage = (max = MAX_PAGE_ROWS, fallback = 50) => ({
  limit: Limit(max, fallback),
  cursor: Cursor.nullish(),
});

/** The fields of an offset page (`{ ...offsetPage(200), ...filters }`). */
export const offsetPage = (max = MAX_PAGE_ROWS, fallback = 50) => ({ limit: Limit(max, fallback), offset: Offset });

export interface Position {
  at: Date;
  id: string;
}

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return `${row.createdAt.getTime()}.${row.id}`;
}

export function decodeCursor(cursor: string): Position {
  const dot = cursor.indexOf('.');
  return { at: new Date(Number(cursor.slice(0, dot))), id: cursor.slice(dot + 1) };
}

type Column = Parameters<typeof lt>[0];

/**
 * Rows after `position` in the order (createdAt, id) descending (`newestFirst`) or ascending.
 * Written as a range on createdAt plus a tie-break, so that an index on (..., createdAt, id)
 * serves it on both dialects.
 */
export function after(createdAt: Column, id: Column, position: Position, newestFirst: boolean): SQL | undefined {
  return newestFirst
    ? and(lte(createdAt, position.at), or(lt(createdAt, position.at), lt(id, position.id)))
    : and(gte(createdAt, position.at), or(gt(createdAt, position.at), gt(id, position.id)));
}

/**
 * Rows created in [from, to) that come after `position` (when given), newest first or
 * oldest first. Each side gets one bound on createdAt, the tighter of the range's and the
 * position's, so that SQLite starts its index range scan at the position rather than at
 * the range's end (it does not intersect two bounds on one column).
 */
export function createdWindow(
  createdAt: Column,
  id: Column,
  range: { from?: Date; to?: Date },
  position: Position | undefined,
  newestFirst: boolean,
): SQL | undefined {
  const { from, to } = range;
  if (newestFirst) {
    const upper =
      position && (!to || position.at.getTime() < to.getTime())
        ? after(createdAt, id, position, true)
        : to
          ? lt(createdAt, to)
          : undefined;
    return and(from ? gte(createdAt, from) : undefined, upper);
  }
  const lower =
    position && (!from || position.at.getTime() >= from.getTime())
      ? after(createdAt, id, position, false)
      : from
        ? gte(createdAt, from)
        : undefined;
  return and(lower, to ? lt(createdAt, to) : undefined);
}

/** The rows of a page and the cursor of the next one (null on the last page). */
export function pageOf<T extends { createdAt: Date; id: string }>(
  rows: T[],
  limit: number,
): { rows: T[]; nextCursor: string | null } {
  if (rows.length <= limit) return { rows, nextCursor: null };
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, nextCursor: last ? encodeCursor(last) : null };
}
