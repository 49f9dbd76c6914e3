import { randomFillSync } from 'node:crypto';

const pool = new Uint8Array(16 * 256);
let poolOffset = pool.length;
let lastMs = -1;
let sequence = 0;

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that keeps ids
 * made in the same millisecond in order, then random bits. Ids sort by creation time,
 * which keeps B-tree inserts at the end of the index and makes them usable as the
 * tie-breaker of keyset pagination.
 */
export function newId(now: number = Date.now()): string {
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const bytes = pool.subarray(poolOffset, poolOffset + 16);
  poolOffset += 16;

  let ms = now;
  if (ms <= lastMs) {
    sequence += 1;
    if (sequence > 0xfff) {
      // The counter ran out inside one millisecond: borrow the next millisecond.
      lastMs += 1;
      sequence = 0;
    }
    ms = lastMs;
  } else {
    lastMs = ms;
    sequence = (bytes[6] ?? 0) & 0x07; // start low so the counter rarely overflows
  }

  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const rest = Array.from(bytes.subarray(8), (b, i) => hex(i === 0 ? (b & 0x3f) | 0x80 : b, 2)).join('');
  const timeHex = hex(ms, 12);
  return `${timeHex.slice(0, 8)}-${timeHex.slice(8, 12)}-7${hex(sequence, 3)}-${rest.slice(0, 4)}-${rest.slice(4)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isId(value: string): boolean {
  return UUID.test(value);
}
