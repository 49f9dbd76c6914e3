/**
 * The platform as the terminal's sale logic, outbox and sync see it: the device API's
 * procedures with their answers already opened and checked (see `TrpcPlatform`), and
 * failures sorted by what the terminal should do about them. Tests use fakes of it.
 */
import type {
  CreateOrderRequest,
  DeviceConfig,
  DeviceOrder,
  HeartbeatRequest,
  HeartbeatResponse,
  OrderStatusRequest,
  PlatformMessage,
  RecordSalesRequest,
  RecordedSale,
  RedeemGiftCodeRequest,
  ReportVendRequest,
  UploadLogsRequest,
  VendStartedRequest,
} from '@vmcloud/protocol/device';

/** One message of the event stream, not yet opened: its id and the platform's signed message. */
export interface RawPlatformEvent {
  /** The event's sequence number (the tracked id), as a string. */
  id: string;
  message: PlatformMessage;
}

export interface EventStreamHandlers {
  /** The stream is connected. */
  onStarted?: () => void;
  onEvent: (event: RawPlatformEvent) => void;
  /** The stream ended for good (the caller subscribes again, from its last event id). */
  onError: (error: PlatformError) => void;
}

export interface EventSubscription {
  close(): void;
}

export interface Platform {
  heartbeat(request: HeartbeatRequest): Promise<HeartbeatResponse>;
  config(): Promise<DeviceConfig>;
  createOrder(request: CreateOrderRequest): Promise<DeviceOrder>;
  orderStatus(request: OrderStatusRequest): Promise<DeviceOrder>;
  vendStarted(request: VendStartedRequest): Promise<DeviceOrder>;
  reportVend(request: ReportVendRequest): Promise<DeviceOrder>;
  recordSales(request: RecordSalesRequest): Promise<{ sales: RecordedSale[] }>;
  redeemGiftCode(request: RedeemGiftCodeRequest): Promise<DeviceOrder>;
  uploadLogs(request: UploadLogsRequest): Promise<{ stored: boolean }>;
  /** Pushed events after `lastEventId` (all kept ones when undefined). */
  subscribeEvents(lastEventId: string | undefined, handlers: EventStreamHandlers): EventSubscription;
}

/**
 * What a failed call means to the terminal:
 * - `transient`: the network, a 5xx, a timeout, too many requests, an answer that did not
 *   verify: try again later;
 * - `unauthorized`: the key, the signature, the clock or the nonce was refused: try again
 *   later (and say so loudly: a revoked key never heals);
 * - `refused`: the platform refused the input for good (BAD_REQUEST, CONFLICT, NOT_FOUND):
 *   sending it again gives the same answer.
 */
export type PlatformFailure = 'transient' | 'unauthorized' | 'refused';

export class PlatformError extends Error {
  override readonly name = 'PlatformError';

  constructor(
    readonly failure: PlatformFailure,
    /** The tRPC error code (`BAD_REQUEST`), `NETWORK` or `UNVERIFIED`. */
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get transient(): boolean {
    return this.failure !== 'refused';
  }
}

const REFUSING_CODES = new Set([
  'BAD_REQUEST',
  'CONFLICT',
  'NOT_FOUND',
  'PARSE_ERROR',
  'FORBIDDEN',
  'PRECONDITION_FAILED',
]);

/** The failure kind of a tRPC error code. */
export function failureOfCode(code: string): PlatformFailure {
  if (code === 'UNAUTHORIZED') return 'unauthorized';
  if (REFUSING_CODES.has(code)) return 'refused';
  return 'transient';
}

/** Any error as a `PlatformError` (anything unknown is transient). */
export function asPlatformError(error: unknown): PlatformError {
  if (error instanceof PlatformError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new PlatformError('transient', 'UNKNOWN', message, { cause: error });
}
