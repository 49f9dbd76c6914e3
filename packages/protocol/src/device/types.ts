/**
 * The device API's payloads (docs/device-api.md): what a terminal sends to each device
 * procedure and what the platform answers, inside the signed envelope. Money in fen,
 * times as ISO 8601 strings, channel numbers from 1.
 */
import type { SealedBox } from './sealing.js';

/** The payment methods of an order. */
export type DevicePaymentMethod = 'qr' | 'cash' | 'card' | 'gift_code' | 'free';

/** `device.activate` (unsigned: the one-time code is the credential). */
export interface ActivateRequest {
  boardId: string;
  activationCode: string;
  /** SPKI PEM of the terminal's Ed25519 key; every later call is signed with it. */
  signingKey: string;
  /** SPKI PEM of the terminal's RSA key (2048 bits or more); secrets are sealed to it. */
  sealingKey: string;
  /** Channels the controller reported in its HELLO. */
  channelCount: number;
  firmware?: string;
  appVersion?: string;
}

export interface ActivateResponse {
  machineId: string;
  tenantId: string;
  /** The key id every signed call names (SHA-256 of the signing key's SPKI DER). */
  keyId: string;
  /** SPKI PEM of the platform's Ed25519 key: every message from the platform is signed with it. */
  platformKey: string;
}

/** `device.heartbeat`. */
export interface HeartbeatRequest {
  appVersion: string;
  uptimeSeconds: number;
  /** The link to the machine's controller answers. */
  vmcLinkUp: boolean;
  doorOpen: boolean;
  /** Cabinet temperature, tenths of °C; null when unknown. */
  temperature: number | null;
  /** STATUS `errors` bits of the serial protocol. */
  errors: number;
  /** Reports waiting in the outbox. */
  outboxDepth: number;
  firmware?: string;
}

export interface HeartbeatResponse {
  /** The current config's version: pull `device.config` when it differs from yours. */
  configVersion: number;
  serverTime: string;
}

export interface ConfigChannel {
  number: number;
  productId: string | null;
  productName: string | null;
  imageUrl: string | null;
  /** Selling price, fen; null when the channel holds no product. */
  price: number | null;
  capacity: number;
  /** The platform's count (restocks less the sales it knows of). */
  stock: number;
  /** When the channel was last restocked: sales the machine made before it do not count against `stock`. */
  restockedAt: string | null;
  enabled: boolean;
  disabledReason: string | null;
}

export interface ConfigAd {
  id: string;
  mediaType: 'image' | 'video';
  url: string;
  sha256: string;
  durationSeconds: number;
}

/** `device.config`: what the machine sells and how it behaves. */
export interface DeviceConfig {
  version: number;
  machine: { id: string; name: string | null; address: string | null; boardId: string; deviceNo: string | null };
  settings: {
    heartbeatSeconds: number;
    /** How long a customer has to pay a QR code. */
    qrExpirySeconds: number;
    /** Payment methods the machine offers. */
    paymentMethods: DevicePaymentMethod[];
  };
  channels: ConfigChannel[];
  ads: ConfigAd[];
  release: { version: string; url: string; sha256: string; signature: string } | null;
  /** Secrets sealed to this terminal's RSA key, by name (`servicePin`). */
  secrets: Record<string, SealedBox>;
}

/** An order as the platform tells the terminal about it. */
export interface DeviceOrder {
  orderId: string;
  orderNo: string;
  saleId: string;
  channel: number;
  price: number;
  vendId: number;
  paymentMethod: DevicePaymentMethod;
  status: 'created' | 'paid' | 'vending' | 'completed' | 'failed' | 'refunded' | 'expired';
  /** QR orders: what to show the customer, and until when. */
  qr: { content: string; expiresAt: string } | null;
  /** A gift code the sale won (after a completed vend). */
  giftCode: { code: string; value: number; expiresAt: string } | null;
}

/** `device.createOrder`: a QR sale of one channel at the platform's price. */
export interface CreateOrderRequest {
  /** The terminal's id for the sale (a UUID): the same id twice is the same order. */
  saleId: string;
  channel: number;
  paymentMethod: 'qr';
}

/** `device.orderStatus`: the order as it stands (the terminal asks while it waits). */
export interface OrderStatusRequest {
  saleId: string;
}

/**
 * How a vend ended (the terminal's machine driver says it in the same words):
 * - `ok`: the product dropped (the only result in which something was dispensed);
 * - `jam`: the motor stalled; `empty`: the motor turned and nothing dropped;
 * - `invalid_channel`, `insufficient_credit`, `door_open`, `busy`: nothing moved;
 * - `card_denied`: the card reader refused the card (VEND_RESULT CASHLESS_DENIED); nothing moved;
 * - `id_conflict`: this vendId was used before for another channel, price or method; nothing moved.
 */
export const DEVICE_VEND_RESULTS = [
  'ok',
  'jam',
  'empty',
  'invalid_channel',
  'insufficient_credit',
  'card_denied',
  'door_open',
  'busy',
  'id_conflict',
] as const;
export type DeviceVendResult = (typeof DEVICE_VEND_RESULTS)[number];

/** `device.vendStarted`: a paid order is being vended. */
export interface VendStartedRequest {
  saleId: string;
  at: string;
}

/** `device.reportVend`: how the vend of an order the platform created ended. */
export interface ReportVendRequest {
  saleId: string;
  vendId: number;
  result: DeviceVendResult;
  /** A product dropped. */
  dispensed: boolean;
  at: string;
}

/** A sale made and paid at the machine (cash, card) or given (free), reported after the fact. */
export interface MachineSale {
  saleId: string;
  channel: number;
  vendId: number;
  /** What the machine charged, fen. */
  price: number;
  paymentMethod: 'cash' | 'card' | 'free';
  result: DeviceVendResult;
  dispensed: boolean;
  /** When it happened, by the machine's clock. */
  soldAt: string;
}

/** `device.recordSales`: a batch of sales made at the machine, as they happened. */
export interface RecordSalesRequest {
  sales: MachineSale[];
}

export interface RecordedSale {
  saleId: string;
  orderId: string | null;
  status: DeviceOrder['status'] | 'not_recorded';
  /** Why the platform flagged it (price_mismatch, after_settlement, time_corrected). */
  flags: string[];
  giftCode: DeviceOrder['giftCode'];
}

/** `device.redeemGiftCode`: a customer typed a gift code for a channel. */
export interface RedeemGiftCodeRequest {
  saleId: string;
  code: string;
  channel: number;
}

/** `device.uploadLogs`: a batch of the terminal's log lines. */
export interface UploadLogsRequest {
  /** The terminal's id for this upload: sent twice, stored once. */
  uploadId: string;
  /** The most severe level among the lines. */
  level: 'debug' | 'info' | 'warn' | 'error';
  lines: string[];
  from: string;
  to: string;
}

/** Events pushed on `device.events`, each inside a signed envelope of type `event.<type>`. */
export type DeviceEvent =
  | { type: 'config'; version: number }
  | { type: 'payment'; saleId: string; orderId: string; status: 'paid' | 'expired' | 'refunded' }
  | { type: 'remote_vend'; order: DeviceOrder }
  | { type: 'command'; command: string; commandId: string; args: Record<string, unknown> };
