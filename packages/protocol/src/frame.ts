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
