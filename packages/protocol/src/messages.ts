/**
 * The message table of the VMC serial link (docs/serial-protocol.md, "Messages").
 */

/** Message name -> TYPE byte. */
export const MessageType = Object.freeze({
  ACK: 0x01,
  NAK: 0x02,
  POLL: 0x10,
  VEND: 0x11,
  SET_ACCEPT: 0x12,
  PAYOUT: 0x13,
  SET_TEMP: 0x14,
  RESET: 0x15,
  STATUS: 0x40,
  VEND_RESULT: 0x41,
  CREDIT: 0x42,
  PAYOUT_RESULT: 0x43,
  SELECTION: 0x44,
  EVENT: 0x45,
  HELLO: 0x46,
} as const);

export type MessageName = keyof typeof MessageType;
export type MessageType = (typeof MessageType)[MessageName];

/** Which side sends a message. */
export const MessageDirection = Object.freeze({
  BOTH: 'both',
  HOST_TO_VMC: 'host-to-vmc',
  VMC_TO_HOST: 'vmc-to-host',
} as const);

export type MessageDirection = (typeof MessageDirection)[keyof typeof MessageDirection];

/** Length of the board id field of HELLO: ASCII, zero-padded. */
export const HELLO_BOARD_ID_LENGTH = 16;

/** Length of the firmware field of HELLO: ASCII, zero-padded. */
export const HELLO_FIRMWARE_LENGTH = 8;

/**
 * TYPE byte -> the exact length of DATA. A frame whose DATA has any other length is
 * answered with NAK reason BAD_LENGTH.
 */
export const DATA_LENGTH = Object.freeze({
  [MessageType.ACK]: 0,
  [MessageType.NAK]: 1, // reason u8
  [MessageType.POLL]: 0,
  [MessageType.VEND]: 11, // vendId u32, channel u16, price u32, method u8
  [MessageType.SET_ACCEPT]: 1, // flags u8
  [MessageType.PAYOUT]: 0,
  [MessageType.SET_TEMP]: 2, // target i16
  [MessageType.RESET]: 0,
  [MessageType.STATUS]: 10, // door u8, temperature i16, cooling u8, errors u16, credit u32
  [MessageType.VEND_RESULT]: 11, // vendId u32, channel u16, result u8, credit u32
  [MessageType.CREDIT]: 9, // source u8, amount u32, credit u32
  [MessageType.PAYOUT_RESULT]: 8, // paid u32, remaining u32
  [MessageType.SELECTION]: 2, // channel u16
  [MessageType.EVENT]: 5, // code u8, value i32
  [MessageType.HELLO]: 1 + HELLO_BOARD_ID_LENGTH + HELLO_FIRMWARE_LENGTH + 2, // version u8, board id, firmware, channel count u16
} satisfies Record<MessageType, number>);

/** TYPE byte -> which side sends it. */
export const MESSAGE_DIRECTION = Object.freeze({
  [MessageType.ACK]: MessageDirection.BOTH,
  [MessageType.NAK]: MessageDirection.BOTH,
  [MessageType.POLL]: MessageDirection.HOST_TO_VMC,
  [MessageType.VEND]: MessageDirection.HOST_TO_VMC,
  [MessageType.SET_ACCEPT]: MessageDirection.HOST_TO_VMC,
  [MessageType.PAYOUT]: MessageDirection.HOST_TO_VMC,
  [MessageType.SET_TEMP]: MessageDirection.HOST_TO_VMC,
  [MessageType.RESET]: MessageDirection.HOST_TO_VMC,
  [MessageType.STATUS]: MessageDirection.VMC_TO_HOST,
  [MessageType.VEND_RESULT]: MessageDirection.VMC_TO_HOST,
  [MessageType.CREDIT]: MessageDirection.VMC_TO_HOST,
  [MessageType.PAYOUT_RESULT]: MessageDirection.VMC_TO_HOST,
  [MessageType.SELECTION]: MessageDirection.VMC_TO_HOST,
  [MessageType.EVENT]: MessageDirection.VMC_TO_HOST,
  [MessageType.HELLO]: MessageDirection.VMC_TO_HOST,
} satisfies Record<MessageType, MessageDirection>);

const NAME_BY_TYPE: ReadonlyMap<number, MessageName> = new Map(
  (Object.keys(MessageType) as MessageName[]).map((name) => [MessageType[name], name]),
);

/** Every TYPE byte, in ascending order. */
export const MESSAGE_TYPES: readonly MessageType[] = Object.freeze(
  Object.values(MessageType).toSorted((a, b) => a - b),
);

/** Whether a byte is the TYPE of a known message. */
export function isMessageType(type: number): type is MessageType {
  return NAME_BY_TYPE.has(type);
}

/** The name of a message type, or undefined for a byte that is not a known TYPE. */
export function messageName(type: MessageType): MessageName;
export function messageName(type: number): MessageName | undefined;
export function messageName(type: number): MessageName | undefined {
  return NAME_BY_TYPE.get(type);
}
