import { describe, expect, it } from 'vitest';
import { changeCount, diffFields, showValue } from './diff';

describe('an audit entry as field changes', () => {
  it('marks changed, added and kept fields, changes first', () => {
    const rows = diffFields(
      { name: 'A', price: 300, status: 'active' },
      { name: 'B', price: 300, status: 'active', imageUrl: '/x.png' },
      { changesFirst: true },
    );
    expect(rows).toEqual([
      { field: 'name', before: 'A', after: 'B', change: 'changed' },
      { field: 'imageUrl', before: '—', after: '/x.png', change: 'added' },
      { field: 'price', before: '300', after: '300', change: 'kept' },
      { field: 'status', before: 'active', after: 'active', change: 'kept' },
    ]);
  });

  it('reads a creation as every field added, a deletion as every field removed', () => {
    expect(diffFields(null, { name: 'x', enabled: true }).map((r) => r.change)).toEqual(['added', 'added']);
    expect(diffFields({ name: 'x' }, null)).toEqual([{ field: 'name', before: 'x', after: '—', change: 'removed' }]);
  });

  it('takes a field the record after leaves out as kept', () => {
    expect(diffFields({ leaseEndsAt: '2027-01-01', note: 'a' }, { leaseEndsAt: '2028-01-01' })).toEqual([
      { field: 'leaseEndsAt', before: '2027-01-01', after: '2028-01-01', change: 'changed' },
      { field: 'note', before: 'a', after: 'a', change: 'kept' },
    ]);
  });

  it('compares lists and objects by value', () => {
    const rows = diffFields(
      { permissions: ['00101', '00102'], meta: { a: 1 } },
      { permissions: ['00101'], meta: { a: 1 } },
    );
    expect(rows[0]).toEqual({ field: 'permissions', before: '00101, 00102', after: '00101', change: 'changed' });
    expect(rows[1]?.change).toBe('kept');
    expect(changeCount({ permissions: ['00101', '00102'] }, { permissions: ['00101'] })).toBe(1);
  });

  it('shows values as short text', () => {
    expect(showValue(null)).toBe('—');
    expect(showValue('')).toBe('""');
    expect(showValue([])).toBe('[]');
    expect(showValue(false)).toBe('false');
    expect(showValue({ a: [1] })).toBe('{"a":[1]}');
  });
});
