/**
 * Frame constants of the VMC serial link (docs/serial-protocol.md, "Frame"):
 * `STX | escaped(TYPE SEQ DATA CHK) | ETX`.
 */

/** Start of a frame. */
export const STX = 0x06;

/** End of a frame. */
export const ETX = 0x07;

/** Escape byte: inside a frame, 0x06, 0x07 and 0x10 are sent as 0x10 followed by the byte itself. */
export const DLE = 0x10;

/** Length of the TYPE field. */
export const TYPE_LENGTH = 1;

/** Length of the SEQ field (the sender's own serial number, big-endian u32). */
export const SEQ_LENGTH = 4;

/** Length of the CHK field (XOR of TYPE, SEQ and DATA as big-endian 16-bit words). */
export const CHK_LENGTH = 2;

/** Largest DATA field of any frame. */
export const MAX_DATA = 256;

/** Smallest unescaped TYPE..CHK length (a frame without DATA). */
export const MIN_BODY_LENGTH = TYPE_LENGTH + SEQ_LENGTH + CHK_LENGTH;

/** Largest unescaped TYPE..CHK length. */
export const MAX_BODY_LENGTH = MIN_BODY_LENGTH + MAX_DATA;

/** Version of the protocol this package implements, as sent in HELLO. */
export const PROTOCOL_VERSION = 1;

/** One frame of the link: the fields between STX and ETX, before escaping. */
export interface Frame {
  /** TYPE byte (see `MessageType`). */
  type: number;
  /** The sender's serial number, u32. ACK and NAK carry the SEQ of the frame they answer. */
  seq: number;
  /** DATA, 0 to `MAX_DATA` bytes. */
  data: Uint8Array;
}

/**
 * Why a frame was rejected: `format` a bad escape or a frame without its ETX (NAK reason 2),
 * `length` fewer than 7 or more than 263 unescaped bytes between STX and ETX (dropped),
 * `checksum` a CHK that does not match (NAK reason 1).
 */
export type FrameError = 'checksum' | 'format' | 'length';

/**
 * What a decoder makes of one frame. A rejected frame carries its SEQ as read when the
 * TYPE and SEQ bytes could be unescaped, so that the receiver can NAK it.
 */
export type DecodeResult = { ok: true; frame: Frame } | { ok: false; error: FrameError; seq?: number };

/**
 * CHK of a frame: XOR of TYPE, SEQ and DATA (`body`, unescaped, without CHK) taken as
 * big-endian 16-bit words; an odd last byte is the high byte of a word whose low byte is 0.
 * Bytes `a b c` give `(a << 8 | b) ^ (c << 8)`.
 */
export function frameChecksum(body: Uint8Array): number {
  let checksum = 0;
  const last = body.length - 1;
  for (let i = 0; i < last; i += 2) {
    checksum ^= ((body[i] ?? 0) << 8) | (body[i + 1] ?? 0);
  }
  if (body.length % 2 === 1) checksum ^= (body[last] ?? 0) << 8;
  return checksum;
}

/** Whether a byte must be escaped inside a frame: STX, ETX and DLE itself. */
function isControlByte(byte: number): boolean {
  return byte === STX || byte === ETX || byte === DLE;
}

/**
 * A frame as sent on the wire: `STX | escaped(TYPE SEQ DATA CHK) | ETX`.
 * Throws a RangeError for a TYPE that is not a byte, a SEQ that is not a u32 or DATA longer
 * than `MAX_DATA` (a bug in the caller, not something the line can cause).
 */
export function encodeFrame(frame: Frame): Uint8Array {
  const { type, seq, data } = frame;
  if (!Number.isInteger(type) || type < 0 || type > 0xff) {
    throw new RangeError(`frame TYPE must be a byte, got ${type}`);
  }
  if (!Number.isInteger(seq) || seq < 0 || seq > 0xffffffff) {
    throw new RangeError(`frame SEQ must be an unsigned 32-bit integer, got ${seq}`);
  }
  if (data.length > MAX_DATA) {
    throw new RangeError(`frame DATA is at most ${MAX_DATA} bytes, got ${data.length}`);
  }

  const body = new Uint8Array(MIN_BODY_LENGTH + data.length);
  body[0] = type;
  body[1] = seq >>> 24;
  body[2] = (seq >>> 16) & 0xff;
  body[3] = (seq >>> 8) & 0xff;
  body[4] = seq & 0xff;
  body.set(data, TYPE_LENGTH + SEQ_LENGTH);
  const checksumAt = body.length - CHK_LENGTH;
  const checksum = frameChecksum(body.subarray(0, checksumAt));
  body[checksumAt] = checksum >>> 8;
  body[checksumAt + 1] = checksum & 0xff;

  let escapes = 0;
  for (const byte of body) if (isControlByte(byte)) escapes += 1;

  const wire = new Uint8Array(body.length + escapes + 2);
  let at = 0;
  wire[at++] = STX;
  for (const byte of body) {
    if (isControlByte(byte)) wire[at++] = DLE;
    wire[at++] = byte;
  }
  wire[at] = ETX;
  return wire;
}

/** SEQ from the first five unescaped bytes (TYPE SEQ), or undefined when fewer were read. */
function seqOf(body: Uint8Array, count: number): number | undefined {
  if (count < TYPE_LENGTH + SEQ_LENGTH) return undefined;
  return (((body[1] ?? 0) << 24) | ((body[2] ?? 0) << 16) | ((body[3] ?? 0) << 8) | (body[4] ?? 0)) >>> 0;
}

function failure(error: FrameError, seq: number | undefined): DecodeResult {
  return seq === undefined ? { ok: false, error } : { ok: false, error, seq };
}

/**
 * Decodes one whole frame, `STX ... ETX`, checking in the order of docs/serial-protocol.md
 * ("Receiving"): the escapes (`format`, also for a frame that does not end with an
 * unescaped ETX or holds an unescaped STX or ETX), the unescaped length 7..263
 * (`length`), then CHK (`checksum`).
 * Whether TYPE is known and DATA has the right length is for the receiver to check
 * (`decodeMessage`). Never throws.
 */
export function decodeFrame(wire: Uint8Array): DecodeResult {
  if (wire.length === 0 || wire[0] !== STX) return failure('format', undefined);

  // Unescaped bytes are kept up to one more than the maximum; beyond that only counted.
  const body = new Uint8Array(Math.min(wire.length, MAX_BODY_LENGTH + 1));
  let count = 0;
  let terminated = false;
  let bad = false;
  for (let i = 1; i < wire.length; i += 1) {
    let byte = wire[i] ?? 0;
    if (byte === ETX && i === wire.length - 1) {
      terminated = true;
      break;
    }
    if (byte === DLE) {
      i += 1;
      byte = wire[i] ?? -1;
      if (!isControlByte(byte)) {
        bad = true;
        break;
      }
    } else if (byte === STX || byte === ETX) {
      bad = true;
      break;
    }
    if (count < body.length) body[count] = byte;
    count += 1;
  }
  const seq = seqOf(body, count);
  if (bad || !terminated) return failure('format', seq);
  if (count < MIN_BODY_LENGTH || count > MAX_BODY_LENGTH) return failure('length', seq);

  const checksumAt = count - CHK_LENGTH;
  const expected = ((body[checksumAt] ?? 0) << 8) | (body[checksumAt + 1] ?? 0);
  if (frameChecksum(body.subarray(0, checksumAt)) !== expected) return failure('checksum', seq);

  return {
    ok: true,
    frame: { type: body[0] ?? 0, seq: seq ?? 0, data: body.slice(TYPE_LENGTH + SEQ_LENGTH, checksumAt) },
  };
}
