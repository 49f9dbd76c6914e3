/**
 * Typed messages of the VMC serial link and their DATA bytes (docs/serial-protocol.md,
 * "Messages"). Every field is big-endian; every message has an exact DATA length.
 */
import {
  AcceptFlagBit,
  CreditSource,
  DoorState,
  EventCode,
  NakReason,
  StatusErrorBit,
  VendMethod,
  VendResult,
} from './codes.js';
import {
  DATA_LENGTH,
  HELLO_BOARD_ID_LENGTH,
  HELLO_FIRMWARE_LENGTH,
  MessageType,
  messageName,
  type MessageName,
} from './messages.js';

/**
 * One message of the link, told apart by its name. Numbers are the codes of `codes.ts`;
 * money is an unsigned 32-bit count of fen; temperatures are signed tenths of a degree
 * Celsius.
 */
export type Message =
  | { type: 'ACK' }
  /** `reason`: a NakReason. */
  | { type: 'NAK'; reason: number }
  | { type: 'POLL' }
  /** `vendId` chosen by the host and never reused; `method`: a VendMethod. */
  | { type: 'VEND'; vendId: number; channel: number; price: number; method: number }
  /** Which payment devices the VMC accepts money from. */
  | { type: 'SET_ACCEPT'; coins: boolean; bills: boolean; cashless: boolean }
  | { type: 'PAYOUT' }
  /** `target`: tenths of a degree Celsius. */
  | { type: 'SET_TEMP'; target: number }
  | { type: 'RESET' }
  /** `temperature`: tenths of a degree Celsius; `errors`: bit set of StatusErrorBit; `credit`: fen. */
  | { type: 'STATUS'; doorOpen: boolean; temperature: number; cooling: boolean; errors: number; credit: number }
  /** `result`: a VendResult; `credit`: fen left after the vend. */
  | { type: 'VEND_RESULT'; vendId: number; channel: number; result: number; credit: number }
  /** `source`: a CreditSource; `amount`: fen of this insertion; `credit`: total fen. */
  | { type: 'CREDIT'; source: number; amount: number; credit: number }
  /** Fen paid back as change, and fen that could not be paid. */
  | { type: 'PAYOUT_RESULT'; paid: number; remaining: number }
  /** A button on the machine was pressed for `channel`. */
  | { type: 'SELECTION'; channel: number }
  /** `code`: an EventCode. */
  | { type: 'EVENT'; code: number; value: number }
  /** Sent by the VMC when it boots. `boardId` up to 16 ASCII characters, `firmware` up to 8. */
  | { type: 'HELLO'; version: number; boardId: string; firmware: string; channelCount: number };

/** The message with a given name, e.g. `MessageOf<'VEND'>`. */
export type MessageOf<N extends MessageName> = Extract<Message, { type: N }>;

export type AckMessage = MessageOf<'ACK'>;
export type NakMessage = MessageOf<'NAK'>;
export type PollMessage = MessageOf<'POLL'>;
export type VendMessage = MessageOf<'VEND'>;
export type SetAcceptMessage = MessageOf<'SET_ACCEPT'>;
export type PayoutMessage = MessageOf<'PAYOUT'>;
export type SetTempMessage = MessageOf<'SET_TEMP'>;
export type ResetMessage = MessageOf<'RESET'>;
export type StatusMessage = MessageOf<'STATUS'>;
export type VendResultMessage = MessageOf<'VEND_RESULT'>;
export type CreditMessage = MessageOf<'CREDIT'>;
export type PayoutResultMessage = MessageOf<'PAYOUT_RESULT'>;
export type SelectionMessage = MessageOf<'SELECTION'>;
export type EventMessage = MessageOf<'EVENT'>;
export type HelloMessage = MessageOf<'HELLO'>;

/**
 * What `decodeMessage` made of a TYPE byte and DATA: the message, or why the frame is
 * refused (`unknown-type`: answer NAK UNKNOWN_TYPE; `length`: answer NAK BAD_LENGTH).
 */
export type MessageDecodeResult =
  { ok: true; message: Message } | { ok: false; error: 'unknown-type' | 'length'; type: number };

type IntKind = 'u8' | 'u16' | 'u32' | 'i16' | 'i32';

const INT_RANGE: Record<IntKind, readonly [number, number]> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffff_ffff],
  i16: [-0x8000, 0x7fff],
  i32: [-0x8000_0000, 0x7fff_ffff],
};

const INT_SIZE: Record<IntKind, number> = { u8: 1, u16: 2, u32: 4, i16: 2, i32: 4 };

/** Writes fields one after the other into a DATA buffer of the message's exact length. */
class DataWriter {
  readonly data: Uint8Array;
  private readonly view: DataView;
  private offset = 0;

  constructor(
    private readonly name: MessageName,
    length: number,
  ) {
    this.data = new Uint8Array(length);
    this.view = new DataView(this.data.buffer);
  }

  int(kind: IntKind, field: string, value: unknown): this {
    const [min, max] = INT_RANGE[kind];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(
        `${this.name} ${field} must be an integer from ${min} to ${max} (${kind}), got ${String(value)}`,
      );
    }
    switch (kind) {
      case 'u8':
        this.view.setUint8(this.offset, value);
        break;
      case 'u16':
        this.view.setUint16(this.offset, value);
        break;
      case 'u32':
        this.view.setUint32(this.offset, value);
        break;
      case 'i16':
        this.view.setInt16(this.offset, value);
        break;
      case 'i32':
        this.view.setInt32(this.offset, value);
        break;
    }
    this.offset += INT_SIZE[kind];
    return this;
  }

  ascii(field: string, value: unknown, length: number): this {
    if (typeof value !== 'string' || value.length > length) {
      throw new RangeError(`${this.name} ${field} must be a string of at most ${length} ASCII characters`);
    }
    for (let i = 0; i < value.length; i++) {
      const code = value.charCodeAt(i);
      if (code > 0x7f) {
        throw new RangeError(`${this.name} ${field} must be ASCII, found U+${code.toString(16).padStart(4, '0')}`);
      }
      this.data[this.offset + i] = code;
    }
    this.offset += length; // the rest stays zero: the padding
    return this;
  }
}

function bool(name: MessageName, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw new RangeError(`${name} ${field} must be true or false, got ${String(value)}`);
  }
  return value;
}

/**
 * The TYPE byte and DATA bytes of a message, ready to be put in a frame.
 *
 * @throws RangeError naming the field when a value does not fit its field (a u8, u16 or
 * u32 out of range, a temperature outside i16, an EVENT value outside i32, a HELLO board
 * id longer than 16 or firmware longer than 8 characters or not ASCII), or when the
 * message type is not one of the protocol's.
 */
export function encodeMessage(message: Message): { type: MessageType; data: Uint8Array } {
  const name = message.type;
  if (!Object.hasOwn(MessageType, name)) {
    throw new RangeError(`unknown message type ${String(name)}`);
  }
  const type = MessageType[name];
  const w = new DataWriter(name, DATA_LENGTH[type]);
  switch (message.type) {
    case 'ACK':
    case 'POLL':
    case 'PAYOUT':
    case 'RESET':
      break;
    case 'NAK':
      w.int('u8', 'reason', message.reason);
      break;
    case 'VEND':
      w.int('u32', 'vendId', message.vendId)
        .int('u16', 'channel', message.channel)
        .int('u32', 'price', message.price)
        .int('u8', 'method', message.method);
      break;
    case 'SET_ACCEPT': {
      const flags =
        (bool(name, 'coins', message.coins) ? 1 << AcceptFlagBit.COINS : 0) |
        (bool(name, 'bills', message.bills) ? 1 << AcceptFlagBit.BILLS : 0) |
        (bool(name, 'cashless', message.cashless) ? 1 << AcceptFlagBit.CASHLESS_READER : 0);
      w.int('u8', 'flags', flags);
      break;
    }
    case 'SET_TEMP':
      w.int('i16', 'target', message.target);
      break;
    case 'STATUS':
      w.int('u8', 'door', bool(name, 'doorOpen', message.doorOpen) ? DoorState.OPEN : DoorState.CLOSED)
        .int('i16', 'temperature', message.temperature)
        .int('u8', 'cooling', bool(name, 'cooling', message.cooling) ? 1 : 0)
        .int('u16', 'errors', message.errors)
        .int('u32', 'credit', message.credit);
      break;
    case 'VEND_RESULT':
      w.int('u32', 'vendId', message.vendId)
        .int('u16', 'channel', message.channel)
        .int('u8', 'result', message.result)
        .int('u32', 'credit', message.credit);
      break;
    case 'CREDIT':
      w.int('u8', 'source', message.source).int('u32', 'amount', message.amount).int('u32', 'credit', message.credit);
      break;
    case 'PAYOUT_RESULT':
      w.int('u32', 'paid', message.paid).int('u32', 'remaining', message.remaining);
      break;
    case 'SELECTION':
      w.int('u16', 'channel', message.channel);
      break;
    case 'EVENT':
      w.int('u8', 'code', message.code).int('i32', 'value', message.value);
      break;
    case 'HELLO':
      w.int('u8', 'version', message.version)
        .ascii('boardId', message.boardId, HELLO_BOARD_ID_LENGTH)
        .ascii('firmware', message.firmware, HELLO_FIRMWARE_LENGTH)
        .int('u16', 'channelCount', message.channelCount);
      break;
  }
  return { type, data: w.data };
}

/**
 * Reads a zero-padded ASCII field: trailing zero bytes are padding and are dropped. A
 * byte above 0x7F is not ASCII and reads as `?`, so that every decoded HELLO can be
 * encoded again.
 */
function readAscii(data: Uint8Array, offset: number, length: number): string {
  let end = offset + length;
  while (end > offset && data[end - 1] === 0) end--;
  let text = '';
  for (let i = offset; i < end; i++) {
    const byte = data[i] ?? 0;
    text += byte > 0x7f ? '?' : String.fromCharCode(byte);
  }
  return text;
}

/**
 * The message carried by a frame's TYPE byte and DATA. Never throws: an unknown TYPE or a
 * DATA of any length other than the message's exact one is a result.
 *
 * Field values are not checked against their code tables (a NAK reason or VEND method
 * the table does not list is passed on as its number). Bytes that a message cannot
 * represent are read leniently: a door or cooling byte other than 0 reads as open /
 * on, SET_ACCEPT flag bits 3..7 are ignored, and non-ASCII bytes of HELLO read as `?`;
 * encoding such a message gives the canonical bytes.
 */
export function decodeMessage(type: number, data: Uint8Array): MessageDecodeResult {
  const name = messageName(type);
  if (name === undefined) return { ok: false, error: 'unknown-type', type };
  if (data.length !== DATA_LENGTH[MessageType[name]]) return { ok: false, error: 'length', type };
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return { ok: true, message: readMessage(name, data, view) };
}

function readMessage(name: MessageName, data: Uint8Array, view: DataView): Message {
  switch (name) {
    case 'ACK':
    case 'POLL':
    case 'PAYOUT':
    case 'RESET':
      return { type: name };
    case 'NAK':
      return { type: name, reason: view.getUint8(0) };
    case 'VEND':
      return {
        type: name,
        vendId: view.getUint32(0),
        channel: view.getUint16(4),
        price: view.getUint32(6),
        method: view.getUint8(10),
      };
    case 'SET_ACCEPT': {
      const flags = view.getUint8(0);
      return {
        type: name,
        coins: (flags & (1 << AcceptFlagBit.COINS)) !== 0,
        bills: (flags & (1 << AcceptFlagBit.BILLS)) !== 0,
        cashless: (flags & (1 << AcceptFlagBit.CASHLESS_READER)) !== 0,
      };
    }
    case 'SET_TEMP':
      return { type: name, target: view.getInt16(0) };
    case 'STATUS':
      return {
        type: name,
        doorOpen: view.getUint8(0) !== DoorState.CLOSED,
        temperature: view.getInt16(1),
        cooling: view.getUint8(3) !== 0,
        errors: view.getUint16(4),
        credit: view.getUint32(6),
      };
    case 'VEND_RESULT':
      return {
        type: name,
        vendId: view.getUint32(0),
        channel: view.getUint16(4),
        result: view.getUint8(6),
        credit: view.getUint32(7),
      };
    case 'CREDIT':
      return { type: name, source: view.getUint8(0), amount: view.getUint32(1), credit: view.getUint32(5) };
    case 'PAYOUT_RESULT':
      return { type: name, paid: view.getUint32(0), remaining: view.getUint32(4) };
    case 'SELECTION':
      return { type: name, channel: view.getUint16(0) };
    case 'EVENT':
      return { type: name, code: view.getUint8(0), value: view.getInt32(1) };
    case 'HELLO':
      return {
        type: name,
        version: view.getUint8(0),
        boardId: readAscii(data, 1, HELLO_BOARD_ID_LENGTH),
        firmware: readAscii(data, 1 + HELLO_BOARD_ID_LENGTH, HELLO_FIRMWARE_LENGTH),
        channelCount: view.getUint16(1 + HELLO_BOARD_ID_LENGTH + HELLO_FIRMWARE_LENGTH),
      };
  }
}

function codeName(table: Readonly<Record<string, number>>, value: number): string {
  for (const [key, code] of Object.entries(table)) if (code === value) return key;
  return String(value);
}

function errorNames(errors: number): string {
  if (errors === 0) return 'none';
  const names: string[] = [];
  let rest = errors;
  for (const [key, bit] of Object.entries(StatusErrorBit)) {
    if (errors & (1 << bit)) {
      names.push(key);
      rest &= ~(1 << bit);
    }
  }
  if (rest !== 0) names.push(`0x${rest.toString(16).padStart(4, '0')}`);
  return names.join('|');
}

function tenths(value: number): string {
  return `${(value / 10).toFixed(1)}°C`;
}

/**
 * A message on one line for logs and the simulator's console, e.g.
 * `VEND vendId=7 channel=12 price=350 method=HOST_PAID`. Codes are shown by their names
 * (their number when the table has none), money in fen, temperatures in °C.
 */
export function describeMessage(message: Message): string {
  const fields = ((): string => {
    switch (message.type) {
      case 'ACK':
      case 'POLL':
      case 'PAYOUT':
      case 'RESET':
        return '';
      case 'NAK':
        return `reason=${codeName(NakReason, message.reason)}`;
      case 'VEND':
        return `vendId=${message.vendId} channel=${message.channel} price=${message.price} method=${codeName(VendMethod, message.method)}`;
      case 'SET_ACCEPT':
        return `coins=${message.coins} bills=${message.bills} cashless=${message.cashless}`;
      case 'SET_TEMP':
        return `target=${tenths(message.target)}`;
      case 'STATUS':
        return `doorOpen=${message.doorOpen} temperature=${tenths(message.temperature)} cooling=${message.cooling} errors=${errorNames(message.errors)} credit=${message.credit}`;
      case 'VEND_RESULT':
        return `vendId=${message.vendId} channel=${message.channel} result=${codeName(VendResult, message.result)} credit=${message.credit}`;
      case 'CREDIT':
        return `source=${codeName(CreditSource, message.source)} amount=${message.amount} credit=${message.credit}`;
      case 'PAYOUT_RESULT':
        return `paid=${message.paid} remaining=${message.remaining}`;
      case 'SELECTION':
        return `channel=${message.channel}`;
      case 'EVENT':
        return `code=${codeName(EventCode, message.code)} value=${message.value}`;
      case 'HELLO':
        return `version=${message.version} boardId=${JSON.stringify(message.boardId)} firmware=${JSON.stringify(message.firmware)} channelCount=${message.channelCount}`;
    }
  })();
  return fields === '' ? message.type : `${message.type} ${fields}`;
}
