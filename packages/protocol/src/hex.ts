/**
 * Bytes as docs/serial-protocol.md and the logs write them: two hex digits per byte, spaced
 * (`06 01 00 00 00 01 00 00 07`).
 */

/** `'06 01 0a'` (any case, any spacing) -> bytes. Throws RangeError on anything but pairs of hex digits. */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new RangeError(`not pairs of hex digits: ${text}`);
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** Bytes -> `'06 01 0a'`. */
export function toHex(bytes: Iterable<number>): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join(' ');
}
