import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './hex.js';

describe('hex', () => {
  it('reads pairs of digits in any case and spacing, and writes them spaced, lower case', () => {
    expect(Array.from(fromHex('06 01 0A ff\n 10'))).toEqual([0x06, 0x01, 0x0a, 0xff, 0x10]);
    expect(Array.from(fromHex('0601'))).toEqual([6, 1]);
    expect(fromHex('')).toHaveLength(0);
    expect(toHex(Uint8Array.of(6, 1, 0x0a, 0xff))).toBe('06 01 0a ff');
    expect(toHex([])).toBe('');
  });

  it('refuses an odd digit or a character that is not hex', () => {
    expect(() => fromHex('06 1')).toThrow(RangeError);
    expect(() => fromHex('0g')).toThrow(RangeError);
  });
});
