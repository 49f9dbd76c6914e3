/**
 * Field readers and writers shared by the MDB device codecs. MDB fields are big-endian.
 * Writers throw RangeError on a value that does not fit (a caller bug); readers take
 * bytes whose length the caller has already checked.
 */

/** Why a block did not decode as a device message. */
export type MdbMessageError =
  /** The block is addressed to another device. */
  | 'address'
  /** No such command, subcommand or answer. */
  | 'unknown'
  /** Known, but not of a length the standard allows. */
  | 'length'
  /** A field holds a value the standard does not define. */
  | 'value';

export type MdbFailure = { ok: false; error: MdbMessageError };

export function fail(error: MdbMessageError): MdbFailure {
  return { ok: false, error };
}

/**
 * The first byte of a command block (address and command), or a failure for an empty block
 * or one addressed to another device: the checks every command decoder starts with.
 */
export function commandByte(bytes: Uint8Array, address: number): number | MdbFailure {
  const first = bytes[0];
  if (first === undefined) return fail('length');
  return (first & 0xf8) === address ? first : fail('address');
}

/** The command `make` builds if the block is `length` bytes long, else a length failure. */
export function exactCommand<C>(
  bytes: Uint8Array,
  length: number,
  make: () => C,
): { ok: true; command: C } | MdbFailure {
  return bytes.length === length ? { ok: true, command: make() } : fail('length');
}

export function checkUnsigned(name: string, value: number, bits: number): number {
  const max = 2 ** bits - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} must be an integer 0..${max}, got ${String(value)}`);
  }
  return value;
}

export function u8(name: string, value: number): number[] {
  return [checkUnsigned(name, value, 8)];
}

export function u16(name: string, value: number): number[] {
  checkUnsigned(name, value, 16);
  return [value >>> 8, value & 0xff];
}

export function u32(name: string, value: number): number[] {
  checkUnsigned(name, value, 32);
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

export function readU16(bytes: Uint8Array, at: number): number {
  return ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);
}

export function readU32(bytes: Uint8Array, at: number): number {
  return readU16(bytes, at) * 0x10000 + readU16(bytes, at + 2);
}

/** Printable ASCII, padded with spaces to `length`. */
export function ascii(name: string, text: string, length: number): number[] {
  if (text.length > length) throw new RangeError(`${name} is at most ${length} characters, got ${text.length}`);
  const bytes: number[] = [];
  for (let i = 0; i < length; i++) {
    const code = i < text.length ? text.charCodeAt(i) : 0x20;
    if (code < 0x20 || code > 0x7e) throw new RangeError(`${name} must be printable ASCII`);
    bytes.push(code);
  }
  return bytes;
}

/**
 * An ASCII field with NULs read as spaces and trailing spaces dropped, or `undefined` if a
 * byte is neither printable ASCII nor NUL.
 */
export function readAscii(bytes: Uint8Array, at: number, length: number): string | undefined {
  let text = '';
  for (let i = at; i < at + length; i++) {
    const code = bytes[i] ?? 0;
    if (code !== 0 && (code < 0x20 || code > 0x7e)) return undefined;
    text += code === 0 ? ' ' : String.fromCharCode(code);
  }
  return text.trimEnd();
}

/** A list of at most `max` u8 values (coin or bill type credits, tube counts). */
export function u8List(name: string, values: readonly number[], max: number): number[] {
  if (values.length > max) throw new RangeError(`${name} has at most ${max} entries, got ${values.length}`);
  return values.map((value, index) => checkUnsigned(`${name}[${index}]`, value, 8));
}

/** Exactly `length` u8 values, missing ones as 0. */
export function padded(bytes: Uint8Array, at: number, length: number): number[] {
  return Array.from({ length }, (_, i) => bytes[at + i] ?? 0);
}

export function block(...parts: (number | number[])[]): Uint8Array {
  return Uint8Array.from(parts.flat());
}

/** The bytes of a POLL answer of 1..16 bytes; a device with nothing to report answers ACK instead. */
export function pollBlock(bytes: number[]): Uint8Array {
  if (bytes.length === 0) throw new RangeError('a device with nothing to report answers ACK, not a block');
  if (bytes.length > 16) throw new RangeError(`a POLL answer is at most 16 bytes, got ${bytes.length}`);
  return Uint8Array.from(bytes);
}
