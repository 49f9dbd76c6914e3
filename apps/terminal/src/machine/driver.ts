/**
 * The machine as the sale logic sees it: whatever protocol the machine's controller board
 * speaks, the terminal opens it, vends, pays change out and hears about credit, buttons and
 * faults through this interface. `SerialProtocolDriver` (docs/serial-protocol.md) is the
 * first implementation.
 */
import { vendIdForSale, type DeviceVendResult } from '@vmcloud/protocol/device';

/** Who the machine's controller says it is, as it boots. */
export interface MachineInfo {
  /** The controller board id the machine is registered by. */
  boardId: string;
  /** The controller's firmware version. */
  firmware: string;
  /** Number of channels; they are numbered 1..channelCount. */
  channelCount: number;
  /** Version of the protocol the controller speaks. */
  protocolVersion: number;
}

/** The controller's payment devices and sensors that report a fault. */
export interface MachineErrors {
  coinChanger: boolean;
  billValidator: boolean;
  cashlessReader: boolean;
  temperatureSensor: boolean;
  dropSensor: boolean;
  motorPower: boolean;
}

/** The machine's state as its controller reports it. Money in fen, temperatures in tenths of °C. */
export interface MachineStatus {
  doorOpen: boolean;
  /** Cabinet temperature, tenths of °C. */
  temperature: number;
  /** The compressor is running. */
  cooling: boolean;
  errors: MachineErrors;
  /** Cash credit the customer has inserted and not spent, fen. */
  credit: number;
}

/**
 * Who has taken the money for a vend, in the words of the order's payment method where
 * they are the same:
 * - `host_paid`: the terminal or the server has settled it already (a `qr` order, a remote vend);
 * - `cash`: the cash credit held by the machine (the machine deducts the price);
 * - `card`: the machine's MDB cashless reader (the machine dispenses only when the card is approved);
 * - `free`: nobody pays (a `gift_code` or `free` order, a test vend).
 */
export type PaymentMethod = 'host_paid' | 'cash' | 'card' | 'free';

/** How a vend ended: the device API's words (`DeviceVendResult`), one list for both. */
export type VendResultKind = DeviceVendResult;

/** A vend the sale logic asks for. Money in fen. */
export interface VendRequest {
  /**
   * The vend's identity on this machine, an unsigned 32-bit number. It must come from the
   * sale's own identity (see `vendIdForSale`), never from a counter the terminal keeps: the
   * machine remembers its recent vends by this id and never dispenses twice for one id, so
   * a sale retried after a crash or a lost answer must ask again with the same vendId, and
   * two sales must never share one.
   */
  vendId: number;
  channel: number;
  price: number;
  method: PaymentMethod;
}

/** The machine's answer to a vend. */
export interface VendOutcome {
  vendId: number;
  channel: number;
  result: VendResultKind;
  /** A product was dispensed (`result` is `ok`). */
  dispensed: boolean;
  /** Cash credit left in the machine after the vend, fen. */
  credit: number;
}

/** Money inserted or a card session opened at the machine. Money in fen. */
export interface CreditReport {
  /** `card`: a session opened at the MDB cashless reader. */
  source: 'coin' | 'bill' | 'card';
  /** This insertion (or the card's funds for a card session). */
  amount: number;
  /** Total credit now. */
  credit: number;
}

/** Something that happened at the machine. */
export type MachineEvent =
  | { type: 'door_opened' }
  | { type: 'door_closed' }
  /** The cabinet stayed too warm; `temperature` in tenths of °C. */
  | { type: 'temperature_alarm'; temperature: number }
  /** The machine had lost its power and is back. */
  | { type: 'power_restored' }
  | { type: 'bill_stacker_full' }
  | { type: 'coin_tube_low'; value: number }
  /** A channel's motor stalled or has no power. */
  | { type: 'motor_fault'; channel: number }
  /** The customer pressed the coin return lever; the machine paid `amount` fen of the cash credit back. */
  | { type: 'coin_returned'; amount: number }
  /** An event this terminal does not know, passed on as the controller sent it. */
  | { type: 'unknown'; code: number; value: number };

/** What the machine has paid back as change. Money in fen. */
export interface PayoutReport {
  paid: number;
  /** Credit that could not be paid back (no change in the machine). */
  remaining: number;
}

/** Which payment devices of the machine take money. */
export interface AcceptSettings {
  coins: boolean;
  bills: boolean;
  cashless: boolean;
}

/** The events of a machine driver and what each carries. */
export interface MachineDriverEvents {
  /** The controller introduced itself (it booted; the first one answers `open`). */
  hello: MachineInfo;
  /** The controller restarted after `open` (power cut, reset): credit and pending work may be gone. */
  rebooted: MachineInfo;
  /** A status report (answering `poll`, or the driver's own periodic poll). */
  status: MachineStatus;
  credit: CreditReport;
  /** A customer pressed a channel's button on the machine. */
  selection: { channel: number };
  event: MachineEvent;
  /** A vend ended; reported once per vendId, including vends nobody is waiting for (asked by an earlier run). */
  vend_result: VendOutcome;
  /** The machine stopped answering; `undelivered` names what could not be delivered. */
  link_down: { undelivered: string };
  /** The machine answers again after a `link_down`. */
  link_up: Record<string, never>;
}

export type MachineDriverEventName = keyof MachineDriverEvents;

/**
 * The sale logic's view of a vending machine, whatever protocol its controller speaks.
 *
 * A vend is exactly-once by its vendId: `vend` keeps asking with the same vendId until the
 * machine answers, and if it cannot learn the outcome in time it rejects with
 * `VendOutcomeUnknownError`; the sale must then be retried later with the same vendId (never
 * a new one), which gives the stored outcome without dispensing again.
 */
export interface MachineDriver {
  /** Opens the link and learns who the machine is. Rejects when the machine does not answer. */
  open(): Promise<MachineInfo>;
  /** Asks for one product and resolves with the machine's result for this vendId. */
  vend(request: VendRequest): Promise<VendOutcome>;
  /** Asks the machine for its state now. */
  poll(): Promise<MachineStatus>;
  /** Pays the customer's remaining cash credit back as change. */
  payout(): Promise<PayoutReport>;
  /** Chooses which payment devices take money. */
  setAccept(settings: AcceptSettings): Promise<void>;
  /** Sets the cabinet's target temperature, tenths of °C. */
  setTemperature(tenths: number): Promise<void>;
  /** Restarts the controller; resolves with what it says as it boots. */
  reset(): Promise<MachineInfo>;
  /** Closes the link. Vends still waiting reject with `VendOutcomeUnknownError`. */
  close(): Promise<void>;

  on<E extends MachineDriverEventName>(event: E, listener: (payload: MachineDriverEvents[E]) => void): this;
  off<E extends MachineDriverEventName>(event: E, listener: (payload: MachineDriverEvents[E]) => void): this;
}

/**
 * A vend whose outcome could not be learnt: the machine may or may not have dispensed.
 * Retry the sale with the same `vendId` (the machine answers with the stored result and
 * does not dispense twice); never give the sale a new vendId.
 */
export class VendOutcomeUnknownError extends Error {
  override readonly name = 'VendOutcomeUnknownError';
  readonly vendId: number;

  constructor(vendId: number, reason: string) {
    super(
      `vend ${vendId}: outcome unknown (${reason}); the machine may or may not have dispensed. ` +
        `Retry with the same vendId ${vendId} to learn the result; never use a new vendId for this sale.`,
    );
    this.vendId = vendId;
  }
}

/** The machine did not answer a request (not a vend) in time, or the driver is closed. */
export class MachineUnavailableError extends Error {
  override readonly name = 'MachineUnavailableError';
}

/**
 * A vendId for a sale, derived from the sale's own identity (an order id, a cash sale's
 * id): the same sale always gives the same vendId, so a retry after a crash asks for the
 * same vend. The platform derives it the same way (`@vmcloud/protocol/device`).
 */
export { vendIdForSale };
