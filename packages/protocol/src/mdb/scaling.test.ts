import { describe, expect, it } from 'vitest';
import { minorToScaled, scaledToMinor } from './scaling.js';

describe('value scaling', () => {
  it('turns a scaled coin or bill credit into fen', () => {
    // A 5 jiao coin sent as credit 5 by a changer with scaling factor 10.
    expect(scaledToMinor(5, 10)).toBe(50);
    // A 100 yuan bill sent as credit 100 by a validator with scaling factor 100.
    expect(scaledToMinor(100, 100)).toBe(10_000);
    expect(scaledToMinor(0, 7)).toBe(0);
  });

  it('turns fen into a scaled value', () => {
    expect(minorToScaled(50, 10)).toBe(5);
    expect(minorToScaled(200, 1)).toBe(200);
    expect(minorToScaled(0, 10)).toBe(0);
  });

  it('refuses amounts that cannot be sent', () => {
    expect(minorToScaled(55, 10)).toBeUndefined();
    expect(minorToScaled(-10, 10)).toBeUndefined();
    expect(minorToScaled(10.5, 1)).toBeUndefined();
    expect(minorToScaled(0x10000, 1)).toBeUndefined();
    expect(minorToScaled(0xffff, 1)).toBe(0xffff);
    // An ALTERNATIVE PAYOUT value is one byte.
    expect(minorToScaled(2560, 10, 0xff)).toBeUndefined();
    expect(minorToScaled(2550, 10, 0xff)).toBe(0xff);
  });

  it('refuses a scaling factor below 1 and negative scaled values', () => {
    expect(() => scaledToMinor(1, 0)).toThrow(RangeError);
    expect(() => minorToScaled(1, 0)).toThrow(RangeError);
    expect(() => scaledToMinor(-1, 1)).toThrow(RangeError);
  });
});
