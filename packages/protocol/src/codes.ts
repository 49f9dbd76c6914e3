/**
 * Values carried inside message DATA (docs/serial-protocol.md, "Messages").
 */

/** NAK `reason`. */
export const NakReason = Object.freeze({
  CHECKSUM: 1,
  FORMAT: 2,
  UNKNOWN_TYPE: 3,
  BAD_LENGTH: 4,
  BUSY: 5,
} as const);

export type NakReason = (typeof NakReason)[keyof typeof NakReason];

/** VEND `method`: who has taken the money. */
export const VendMethod = Object.freeze({
  /** Paid by the host: QR / mobile payment already settled. */
  HOST_PAID: 0,
  /** Cash credit held by the VMC: the VMC deducts the price, or answers INSUFFICIENT_CREDIT. */
  CASH_CREDIT: 1,
  /** The MDB cashless reader: the VMC dispenses only on VEND APPROVED. */
  CASHLESS: 2,
  /** Free: gift code, test vend. */
  FREE: 3,
} as const);

export type VendMethod = (typeof VendMethod)[keyof typeof VendMethod];

/** VEND_RESULT `result`. */
export const VendResult = Object.freeze({
  /** The drop sensor saw the product. */
  OK: 0,
  /** Motor stalled. */
  JAM: 1,
  /** Motor turned, nothing dropped. */
  EMPTY: 2,
  INVALID_CHANNEL: 3,
  INSUFFICIENT_CREDIT: 4,
  CASHLESS_DENIED: 5,
  DOOR_OPEN: 6,
  BUSY: 7,
  /** This vendId was already used for a different channel, price or method; nothing dispensed. */
  ID_CONFLICT: 8,
} as const);

export type VendResult = (typeof VendResult)[keyof typeof VendResult];

/** CREDIT `source`. */
export const CreditSource = Object.freeze({
  COIN: 1,
  BILL: 2,
  CASHLESS: 3,
} as const);

export type CreditSource = (typeof CreditSource)[keyof typeof CreditSource];

/** EVENT `code`. */
export const EventCode = Object.freeze({
  DOOR_OPENED: 1,
  DOOR_CLOSED: 2,
  TEMPERATURE_ALARM: 3,
  POWER_RESTORED: 4,
  BILL_STACKER_FULL: 5,
  COIN_TUBE_LOW: 6,
  MOTOR_FAULT: 7,
  /** The coin return lever was pressed and the cash credit paid back; value: fen returned. */
  COIN_RETURNED: 8,
} as const);

export type EventCode = (typeof EventCode)[keyof typeof EventCode];

/** STATUS `errors`: bit numbers (bit 0 is the least significant). */
export const StatusErrorBit = Object.freeze({
  COIN_CHANGER: 0,
  BILL_VALIDATOR: 1,
  CASHLESS_READER: 2,
  TEMPERATURE_SENSOR: 3,
  DROP_SENSOR: 4,
  MOTOR_POWER: 5,
} as const);

export type StatusErrorBit = (typeof StatusErrorBit)[keyof typeof StatusErrorBit];

/** SET_ACCEPT `flags`: bit numbers (bit 0 is the least significant). */
export const AcceptFlagBit = Object.freeze({
  COINS: 0,
  BILLS: 1,
  CASHLESS_READER: 2,
} as const);

export type AcceptFlagBit = (typeof AcceptFlagBit)[keyof typeof AcceptFlagBit];

/** STATUS `door`. */
export const DoorState = Object.freeze({
  CLOSED: 0,
  OPEN: 1,
} as const);

export type DoorState = (typeof DoorState)[keyof typeof DoorState];
