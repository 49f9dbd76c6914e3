import { describe, expect, it } from 'vitest';
import { discountFor, quoteLease } from './fee.js';

const tiers = [
  { minMachines: 10, discountBasisPoints: 500 },
  { minMachines: 50, discountBasisPoints: 1000 },
  { minMachines: 100, discountBasisPoints: 1500 },
];

describe('lease fee', () => {
  it('applies the highest tier reached', () => {
    expect(discountFor(9, tiers)).toBe(0);
    expect(discountFor(10, tiers)).toBe(500);
    expect(discountFor(99, tiers)).toBe(1000);
    expect(discountFor(250, tiers)).toBe(1500);
  });

  it('is months x (modules + machines x machine rent) x (1 - discount), in fen', () => {
    // 12 x (3000 + 8000 + 10 x 5000) = 732,000; 5 % off = 695,400
    expect(
      quoteLease({ months: 12, machines: 10, moduleRents: [3000, 8000], machineMonthlyRent: 5000, tiers }),
    ).toEqual({
      months: 12,
      machines: 10,
      moduleMonthlyRent: 11000,
      machineMonthlyRent: 5000,
      discountBasisPoints: 500,
      fee: 695400,
    });
  });

  it('rounds to the nearest fen', () => {
    // 1 x (1 + 10 x 0) = 1 fen less 5 % = 0.95 -> 1
    expect(quoteLease({ months: 1, machines: 10, moduleRents: [1], machineMonthlyRent: 0, tiers }).fee).toBe(1);
  });

  it('refuses a period or machine count that is not a whole number >= 1', () => {
    const base = { moduleRents: [100], machineMonthlyRent: 100, tiers };
    expect(() => quoteLease({ ...base, months: 0, machines: 1 })).toThrow(/months/);
    expect(() => quoteLease({ ...base, months: 1, machines: 1.5 })).toThrow(/machines/);
  });
});
