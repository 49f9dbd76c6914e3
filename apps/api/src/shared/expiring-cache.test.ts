import { describe, expect, it } from 'vitest';
import { ExpiringCache } from './expiring-cache.js';

describe('an expiring cache', () => {
  it('keeps a value for its time, forgets it after, and keeps nothing with no time', () => {
    const cache = new ExpiringCache<string, number>(1000, 10);
    cache.set('a', 1, 0);
    expect(cache.get('a', 999)).toBe(1);
    expect(cache.get('a', 1000)).toBeUndefined();
    const none = new ExpiringCache<string, number>(0, 10);
    none.set('a', 1, 0);
    expect(none.get('a', 0)).toBeUndefined();
  });

  it('forgets by key and by value, and starts over when full', () => {
    const cache = new ExpiringCache<string, number>(1000, 3);
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    cache.set('c', 3, 0);
    cache.delete('a');
    cache.deleteWhere((v) => v === 2);
    expect([cache.get('a', 1), cache.get('b', 1), cache.get('c', 1)]).toEqual([undefined, undefined, 3]);
    cache.set('d', 4, 0);
    cache.set('e', 5, 0);
    cache.set('f', 6, 0);
    expect([cache.get('c', 1), cache.get('d', 1), cache.get('f', 1)]).toEqual([undefined, undefined, 6]);
  });
});
