/**
 * What procedures return travels as plain JSON (no transformer), so that the console,
 * the terminal and a machine maker's own firmware read the same bytes. Dates leave as
 * ISO 8601 strings, and the types say so.
 */

export type Plain<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Plain<U>[]
    : T extends object
      ? { [K in keyof T]: Plain<T[K]> }
      : T;

/** A copy of `value` with every Date replaced by its ISO string. */
export function plain<T>(value: T): Plain<T> {
  if (value instanceof Date) return value.toISOString() as Plain<T>;
  if (Array.isArray(value)) return value.map(plain) as Plain<T>;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out as Plain<T>;
  }
  return value as Plain<T>;
}
