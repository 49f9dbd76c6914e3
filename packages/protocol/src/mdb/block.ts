/**
 * MDB/ICP blocks on the 9-bit bus inside the machine (docs/serial-protocol.md, "MDB").
 *
 * A word on the bus is 9 bits: the 8 data bits and the mode bit (bit 8). The VMC sets the
 * mode bit on the first byte of a block (the address byte, which also carries the
 * command); a peripheral sets it on the last byte of its answer (the CHK, or a lone ACK
 * or NAK). CHK is the sum of the block's bytes mod 256. The VMC's own ACK, RET and NAK
 * are single bytes without the mode bit.
 */

/** Peripheral addresses (the top five bits of the address byte). */
export const MdbAddress = Object.freeze({
  COIN_CHANGER: 0x08,
  CASHLESS: 0x10,
  BILL_VALIDATOR: 0x30,
} as const);

export type MdbAddress = (typeof MdbAddress)[keyof typeof MdbAddress];

/** Acknowledge: the block was received and its CHK is right. */
export const MDB_ACK = 0x00;
/** Retransmit: sent only by the VMC, asks the peripheral to send its last answer again. */
export const MDB_RET = 0xaa;
/** Negative acknowledge. */
export const MDB_NAK = 0xff;

/** The mode bit of a 9-bit word. */
export const MDB_MODE_BIT = 0x100;

/** Longest block on the bus, CHK included. */
export const MDB_MAX_BLOCK_LENGTH = 36;

/** Longest POLL answer of a coin changer or bill validator, CHK excluded. */
export const MDB_MAX_POLL_LENGTH = 16;

/** A 9-bit word on the bus: 0..0x1ff, bit 8 is the mode bit. */
export type MdbWord = number;

export type MdbBlockError = 'checksum' | 'mode' | 'length';

export type MdbBlockDecodeResult = { ok: true; bytes: Uint8Array } | { ok: false; error: MdbBlockError };

/** A single control byte: ACK, RET (VMC only) or NAK. */
export type MdbControl = 'ACK' | 'RET' | 'NAK';

/** What the VMC put on the bus: a command block, or a control byte answering a peripheral. */
export type MdbMasterTransmission =
  | { ok: true; kind: 'block'; bytes: Uint8Array }
  | { ok: true; kind: 'control'; control: MdbControl }
  | { ok: false; error: MdbBlockError };

/** What a peripheral put on the bus: a data block, or a lone ACK or NAK. */
export type MdbPeripheralTransmission =
  | { ok: true; kind: 'block'; bytes: Uint8Array }
  | { ok: true; kind: 'control'; control: 'ACK' | 'NAK' }
  | { ok: false; error: MdbBlockError };

/** Sum of the bytes mod 256. */
export function mdbChecksum(block: Uint8Array): number {
  let sum = 0;
  for (const byte of block) sum = (sum + byte) & 0xff;
  return sum;
}

/** The address a command byte is sent to (its top five bits). */
export function mdbAddressOf(commandByte: number): number {
  return commandByte & 0xf8;
}

function checkBlockBytes(bytes: Uint8Array): void {
  if (bytes.length < 1 || bytes.length > MDB_MAX_BLOCK_LENGTH - 1) {
    throw new RangeError(
      `an MDB block carries 1..${MDB_MAX_BLOCK_LENGTH - 1} bytes before its CHK, got ${bytes.length}`,
    );
  }
}

/**
 * The words the VMC sends for a command: the bytes, then CHK, the mode bit on the first
 * (address) byte. Throws RangeError for an empty or over-long block (a caller bug).
 */
export function encodeMasterBlock(bytes: Uint8Array): MdbWord[] {
  checkBlockBytes(bytes);
  const words = [...bytes, mdbChecksum(bytes)];
  words[0] = (words[0] ?? 0) | MDB_MODE_BIT;
  return words;
}

/**
 * The words a peripheral sends for a data answer: the bytes, then CHK with the mode bit.
 * Throws RangeError for an empty or over-long block (a caller bug).
 */
export function encodePeripheralBlock(bytes: Uint8Array): MdbWord[] {
  checkBlockBytes(bytes);
  return [...bytes, mdbChecksum(bytes) | MDB_MODE_BIT];
}

/** The VMC's ACK, RET or NAK: one byte, mode bit clear. */
export function encodeMasterControl(control: MdbControl): MdbWord[] {
  return [controlByte(control)];
}

/** A peripheral's lone ACK or NAK: one byte with the mode bit. */
export function encodePeripheralControl(control: 'ACK' | 'NAK'): MdbWord[] {
  return [controlByte(control) | MDB_MODE_BIT];
}

function controlByte(control: MdbControl): number {
  switch (control) {
    case 'ACK':
      return MDB_ACK;
    case 'RET':
      return MDB_RET;
    case 'NAK':
      return MDB_NAK;
  }
}

function controlOf(byte: number): MdbControl | undefined {
  if (byte === MDB_ACK) return 'ACK';
  if (byte === MDB_RET) return 'RET';
  if (byte === MDB_NAK) return 'NAK';
  return undefined;
}

function isWord(word: unknown): word is number {
  return typeof word === 'number' && Number.isInteger(word) && word >= 0 && word <= 0x1ff;
}

/**
 * Checks a block: 2..36 words (a word outside 0..0x1ff is a framing error and reported
 * as `mode`), the mode bit only where `modeAt` says, then CHK. Never throws.
 */
function decodeBlock(words: readonly MdbWord[], modeAt: number): MdbBlockDecodeResult {
  if (!Array.isArray(words) || words.length < 2 || words.length > MDB_MAX_BLOCK_LENGTH) {
    return { ok: false, error: 'length' };
  }
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (!isWord(word)) return { ok: false, error: 'mode' };
    const hasMode = (word & MDB_MODE_BIT) !== 0;
    if (hasMode !== (i === modeAt)) return { ok: false, error: 'mode' };
  }
  const bytes = Uint8Array.from(words.slice(0, -1), (word) => word & 0xff);
  const chk = (words[words.length - 1] ?? 0) & 0xff;
  if (mdbChecksum(bytes) !== chk) return { ok: false, error: 'checksum' };
  return { ok: true, bytes };
}

/**
 * A block from the VMC: mode bit on the first word only, CHK last. Returns the bytes
 * without CHK. Never throws.
 */
export function decodeMasterBlock(words: readonly MdbWord[]): MdbBlockDecodeResult {
  return decodeBlock(words, 0);
}

/**
 * A data block from a peripheral: mode bit on the last word (CHK) only. Returns the bytes
 * without CHK. A lone ACK or NAK is not a block: see `decodePeripheralTransmission`.
 * Never throws.
 */
export function decodePeripheralBlock(words: readonly MdbWord[]): MdbBlockDecodeResult {
  return decodeBlock(words, Array.isArray(words) ? words.length - 1 : 0);
}

/** Anything the VMC sends: a command block, or a single ACK/RET/NAK without the mode bit. Never throws. */
export function decodeMasterTransmission(words: readonly MdbWord[]): MdbMasterTransmission {
  if (Array.isArray(words) && words.length === 1) {
    const word = words[0];
    if (!isWord(word)) return { ok: false, error: 'mode' };
    // An address byte on its own is a block cut short before its CHK.
    if ((word & MDB_MODE_BIT) !== 0) return { ok: false, error: 'length' };
    const control = controlOf(word);
    return control ? { ok: true, kind: 'control', control } : { ok: false, error: 'length' };
  }
  const block = decodeMasterBlock(words);
  return block.ok ? { ok: true, kind: 'block', bytes: block.bytes } : block;
}

/** Anything a peripheral sends: a data block, or a single ACK/NAK with the mode bit. Never throws. */
export function decodePeripheralTransmission(words: readonly MdbWord[]): MdbPeripheralTransmission {
  if (Array.isArray(words) && words.length === 1) {
    const word = words[0];
    if (!isWord(word) || (word & MDB_MODE_BIT) === 0) return { ok: false, error: 'mode' };
    const byte = word & 0xff;
    if (byte === MDB_ACK) return { ok: true, kind: 'control', control: 'ACK' };
    if (byte === MDB_NAK) return { ok: true, kind: 'control', control: 'NAK' };
    return { ok: false, error: 'length' };
  }
  const block = decodePeripheralBlock(words);
  return block.ok ? { ok: true, kind: 'block', bytes: block.bytes } : block;
}
