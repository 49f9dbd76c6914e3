/** Text search in a column, written once for both dialects. */
import { sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';

const escape = (text: string) => text.replace(/[!%_]/g, '!$&');

/**
 * `column` contains `text`, case-insensitively (SQLite's LIKE for ASCII, MySQL's `_ci`
 * collations); `%`, `_` and `!` in `text` match themselves.
 */
export function containsText(column: SQLiteColumn | SQL, text: string): SQL {
  return sql`${column} like ${`%${escape(text)}%`} escape '!'`;
}

/** `column` starts with `text`, with the same rules as `containsText`. */
export function startsWithText(column: SQLiteColumn | SQL, text: string): SQL {
  return sql`${column} like ${`${escape(text)}%`} escape '!'`;
}
