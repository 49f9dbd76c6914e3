import { describe, expect, it } from 'vitest';
import { sourceAddress } from './source-address.js';

describe('source address', () => {
  it("is the socket's address, whatever X-Forwarded-For claims, when no proxy is trusted", () => {
    expect(sourceAddress('203.0.113.9', '198.51.100.1', [])).toBe('203.0.113.9');
    expect(sourceAddress('::ffff:203.0.113.9', undefined, [])).toBe('203.0.113.9');
    expect(sourceAddress(undefined, '198.51.100.1', [])).toBeNull();
  });

  it('is the forwarded address only when the socket is a trusted proxy, walking back through trusted hops', () => {
    const proxies = ['10.0.0.2', '10.0.0.3'];
    expect(sourceAddress('10.0.0.2', '198.51.100.1', proxies)).toBe('198.51.100.1');
    // A client's own X-Forwarded-For entry is to the left of what the proxies add: not taken.
    expect(sourceAddress('10.0.0.2', '1.2.3.4, 198.51.100.1, 10.0.0.3', proxies)).toBe('198.51.100.1');
    // Not from a trusted proxy: the header is ignored.
    expect(sourceAddress('203.0.113.9', '198.51.100.1', proxies)).toBe('203.0.113.9');
    // A malformed hop ends the walk at the last trusted proxy.
    expect(sourceAddress('10.0.0.2', 'not-an-ip', proxies)).toBe('10.0.0.2');
  });
});
