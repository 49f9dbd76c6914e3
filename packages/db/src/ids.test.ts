import { describe, expect, it } from 'vitest';
import { isId, newId } from './ids.js';

describe('ids', () => {
  it('are UUIDv7: version 7, RFC variant, the creation time in the first 48 bits', () => {
    const at = Date.UTC(2026, 10, 22, 8, 30);
    const id = newId(at);
    expect(isId(id)).toBe(true);
    expect(id[14]).toBe('7');
    expect(['8', '9', 'a', 'b']).toContain(id[19]);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sort in the order they were made, even within one millisecond', () => {
    const at = Date.UTC(2026, 10, 22);
    const ids = Array.from({ length: 5000 }, () => newId(at + 1_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never go backwards when the clock does', () => {
    const later = newId(Date.UTC(2030, 0, 1));
    const earlier = newId(Date.UTC(2029, 0, 1));
    expect(earlier > later).toBe(true);
  });

  it('rejects what is not an id', () => {
    expect(isId('not-an-id')).toBe(false);
    expect(isId('0192d4e0-7c4a-7000-8000-00000000000')).toBe(false);
  });
});
