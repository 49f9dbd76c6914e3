import { describe, expect, it } from 'vitest';
import { addMonths } from './terms.js';

describe('addMonths', () => {
  it.each([
    ['2026-01-15T08:30:00.000Z', 1, '2026-02-15T08:30:00.000Z'],
    ['2026-08-31T00:00:00.000Z', 6, '2027-02-28T00:00:00.000Z'],
    ['2027-08-31T23:59:59.000Z', 6, '2028-02-29T23:59:59.000Z'],
    ['2026-12-30T12:00:00.000Z', 2, '2027-02-28T12:00:00.000Z'],
    ['2026-10-31T00:00:00.000Z', 1, '2026-11-30T00:00:00.000Z'],
    ['2026-11-30T00:00:00.000Z', 12, '2027-11-30T00:00:00.000Z'],
    ['2026-03-31T00:00:00.000Z', 24, '2028-03-31T00:00:00.000Z'],
  ])('%s + %i months = %s (the day clamped to the end of a shorter month)', (from, months, to) => {
    expect(addMonths(new Date(from), months).toISOString()).toBe(to);
  });

  it('leaves its argument as it was', () => {
    const date = new Date('2026-08-31T00:00:00.000Z');
    addMonths(date, 6);
    expect(date.toISOString()).toBe('2026-08-31T00:00:00.000Z');
  });
});
