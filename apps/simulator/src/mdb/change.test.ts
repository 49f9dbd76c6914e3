import { describe, expect, it } from 'vitest';
import { planChange } from './change.js';

describe('planChange', () => {
  it('pays the exact amount with the fewest coins', () => {
    // 1 jiao, 5 jiao, 1 yuan (fen).
    expect(planChange(180, [10, 50, 100], [20, 10, 8])).toEqual([3, 1, 1]);
    expect(planChange(650, [10, 50, 100], [20, 10, 8])).toEqual([0, 1, 6]);
  });

  it('finds an exact payment where taking the largest coin first would not', () => {
    // 60 = 30 + 30; largest first would try 40 and then need two 10s.
    expect(planChange(60, [10, 30, 40], [1, 2, 1])).toEqual([0, 2, 0]);
    // Largest first (50) leaves 30 that 20s cannot make.
    expect(planChange(80, [20, 50], [4, 1])).toEqual([4, 0]);
  });

  it('works around empty tubes', () => {
    expect(planChange(100, [10, 50, 100], [5, 1, 0])).toEqual([5, 1, 0]);
  });

  it('pays the most it can below the amount when the tubes cannot make it', () => {
    expect(planChange(75, [10, 50], [20, 10])).toEqual([2, 1]);
    expect(planChange(1000, [10, 50, 100], [2, 1, 1])).toEqual([2, 1, 1]);
    expect(planChange(5, [10, 50], [3, 3])).toEqual([0, 0]);
  });

  it('never uses coin types worth nothing', () => {
    expect(planChange(20, [0, 10], [100, 2])).toEqual([0, 2]);
    expect(planChange(0, [10], [3])).toEqual([0]);
  });
});
