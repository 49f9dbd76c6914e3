import { DLE, ETX, MAX_BODY_LENGTH, SEQ_LENGTH, STX, TYPE_LENGTH, decodeFrame, type DecodeResult } from './frame.js';

/**
 * The receiving end of the framing (docs/serial-protocol.md, "Receiving", steps 1 to 3):
 * cuts a byte stream, arriving in chunks of any size, into frames and decodes them.
 *
 * - Bytes before an STX are noise: dropped and counted in `noiseBytes`.
 * - An unescaped STX inside a frame starts a new frame; the frame it cuts short is
 *   reported as a `format` error.
 * - A frame that grows past 263 unescaped bytes is dropped (a `length` error).
 * - After a frame fails, the search for an STX resumes from the byte after that frame's
 *   STX, so that noise which swallowed a real STX (`... 06 ... 10` before it) does not
 *   swallow the real frame too.
 *
 * Every frame that ends (ETX, cut short, or too long) gives one result. Never throws.
 */
export class FrameParser {
  #buffer = new Uint8Array(512);
  /** Bytes held: `#buffer[0 .. #length)`. */
  #length = 0;
  /** Next byte to examine. */
  #position = 0;
  /** Index of the STX of the frame being read, or -1 while searching for an STX. */
  #frameStart = -1;
  /** The previous byte of the frame was an unescaped DLE. */
  #escaped = false;
  /** Unescaped bytes of the frame being read so far. */
  #bodyLength = 0;
  #noiseBytes = 0;

  /** Bytes dropped while searching for an STX. */
  get noiseBytes(): number {
    return this.#noiseBytes;
  }

  /** Takes the next bytes of the stream; returns the frames they complete, in order. */
  push(chunk: Uint8Array): DecodeResult[] {
    const results: DecodeResult[] = [];
    if (chunk.length === 0) return results;
    this.#append(chunk);

    const buffer = this.#buffer;
    const end = this.#length;
    let i = this.#position;
    let frameStart = this.#frameStart;
    let escaped = this.#escaped;
    let bodyLength = this.#bodyLength;

    while (i < end) {
      if (frameStart < 0) {
        const from = i;
        while (i < end && buffer[i] !== STX) i += 1;
        this.#noiseBytes += i - from;
        if (i === end) break;
        frameStart = i;
        escaped = false;
        bodyLength = 0;
        i += 1;
        continue;
      }

      const byte = buffer[i];
      if (escaped) {
        escaped = false;
        bodyLength += 1;
      } else if (byte === DLE) {
        escaped = true;
      } else if (byte === ETX) {
        const result = decodeFrame(buffer.subarray(frameStart, i + 1));
        results.push(result);
        // A good frame is consumed whole; after a failed one, search again from the byte after its STX.
        i = result.ok ? i + 1 : frameStart + 1;
        frameStart = -1;
        continue;
      } else if (byte === STX) {
        results.push(cutShort('format', buffer, frameStart, i));
        frameStart = i;
        escaped = false;
        bodyLength = 0;
        i += 1;
        continue;
      } else {
        bodyLength += 1;
      }
      i += 1;
      if (bodyLength > MAX_BODY_LENGTH) {
        results.push(cutShort('length', buffer, frameStart, i));
        i = frameStart + 1;
        frameStart = -1;
      }
    }

    this.#position = i;
    this.#frameStart = frameStart;
    this.#escaped = escaped;
    this.#bodyLength = bodyLength;
    return results;
  }

  /** Adds a chunk after the bytes held, first dropping the bytes no longer needed. */
  #append(chunk: Uint8Array): void {
    const keep = this.#frameStart >= 0 ? this.#frameStart : this.#position;
    const held = this.#length - keep;
    if (this.#length + chunk.length > this.#buffer.length) {
      let target = this.#buffer;
      if (held + chunk.length > target.length) {
        let size = target.length * 2;
        while (size < held + chunk.length) size *= 2;
        target = new Uint8Array(size);
      }
      target.set(this.#buffer.subarray(keep, this.#length), 0);
      this.#buffer = target;
      this.#length = held;
      this.#position -= keep;
      if (this.#frameStart >= 0) this.#frameStart -= keep;
    }
    this.#buffer.set(chunk, this.#length);
    this.#length += chunk.length;
  }
}

/** The result for a frame that ended without its ETX, with its SEQ if TYPE and SEQ were read. */
function cutShort(error: 'format' | 'length', buffer: Uint8Array, start: number, end: number): DecodeResult {
  const head: number[] = [];
  for (let i = start + 1; i < end && head.length < TYPE_LENGTH + SEQ_LENGTH; i += 1) {
    const byte = buffer[i] ?? 0;
    if (byte !== DLE) {
      head.push(byte);
      continue;
    }
    i += 1;
    const escaped = buffer[i] ?? 0;
    if (i >= end || (escaped !== STX && escaped !== ETX && escaped !== DLE)) break;
    head.push(escaped);
  }
  if (head.length < TYPE_LENGTH + SEQ_LENGTH) return { ok: false, error };
  const seq = (((head[1] ?? 0) << 24) | ((head[2] ?? 0) << 16) | ((head[3] ?? 0) << 8) | (head[4] ?? 0)) >>> 0;
  return { ok: false, error, seq };
}
