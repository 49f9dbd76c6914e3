/**
 * An audit entry's change as rows a person reads: each field of the row before and after,
 * whether it was added, removed, changed or kept, with values as short text.
 */
export type FieldChange = 'added' | 'removed' | 'changed' | 'kept';

export interface DiffRow {
  field: string;
  before: string;
  after: string;
  change: FieldChange;
}

type Fields = Record<string, unknown> | null | undefined;

/** A value as text: null and missing as `—`, lists joined, objects as JSON. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (Array.isArray(value)) return value.length === 0 ? '[]' : value.map((v) => showValue(v)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The fields of `before` and `after` in a stable order (those of `after` first, then those
 * only `before` had), changes first when `changesFirst`.
 */
export function diffFields(before: Fields, after: Fields, options: { changesFirst?: boolean } = {}): DiffRow[] {
  const b = before ?? {};
  const a = after ?? {};
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  const rows = keys.map((field): DiffRow => {
    const had = before != null && Object.hasOwn(b, field);
    const has = after != null && Object.hasOwn(a, field);
    const was = had ? showValue(b[field]) : '—';
    // A field the record after leaves out (a partial record) kept its value.
    if (had && !has && after != null) return { field, before: was, after: was, change: 'kept' };
    let change: FieldChange = 'kept';
    if (!had && has) change = 'added';
    else if (had && !has) change = 'removed';
    else if (!same(b[field], a[field])) change = 'changed';
    return { field, before: was, after: has ? showValue(a[field]) : '—', change };
  });
  if (!options.changesFirst) return rows;
  return [...rows.filter((r) => r.change !== 'kept'), ...rows.filter((r) => r.change === 'kept')];
}

/** How many fields an entry changed. */
export function changeCount(before: Fields, after: Fields): number {
  return diffFields(before, after).filter((r) => r.change !== 'kept').length;
}
