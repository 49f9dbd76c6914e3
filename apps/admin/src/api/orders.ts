/** Orders: types of the orders procedures, and the CSV download. */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type OrderListInput = Inputs['orders']['list'];
export type OrderPage = Outputs['orders']['list'];
export type Order = OrderPage['items'][number];
export type OrderDetail = Outputs['orders']['get'];
export type OrderStatus = NonNullable<OrderListInput['status']>;
export type PaymentMethod = NonNullable<OrderListInput['paymentMethod']>;

export const ORDER_STATUSES: readonly OrderStatus[] = [
  'created',
  'paid',
  'vending',
  'completed',
  'failed',
  'refunded',
  'expired',
];
export const PAYMENT_METHODS: readonly PaymentMethod[] = ['qr', 'cash', 'card', 'gift_code', 'free'];

/** The filter of the orders list and its export. */
export interface OrderFilter {
  machineId?: string;
  productId?: string;
  status?: OrderStatus;
  paymentMethod?: PaymentMethod;
  /** Created at or after. */
  from?: Date;
  /** Created before. */
  to?: Date;
}

/** Element Plus tag types for order statuses. */
export const STATUS_TAG: Readonly<Record<OrderStatus, 'success' | 'warning' | 'info' | 'danger' | 'primary'>> = {
  created: 'info',
  paid: 'primary',
  vending: 'warning',
  completed: 'success',
  failed: 'danger',
  refunded: 'warning',
  expired: 'info',
};

/** Where the API serves the CSV file of the orders of `filter`. */
export function exportUrl(filter: OrderFilter & { amountUnit: 'yuan' | 'fen' }): string {
  return `/export/orders.csv?input=${encodeURIComponent(JSON.stringify(filter))}`;
}

/** An export the API refused, with its message (which names the field for bad input). */
export class ExportError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = 'ExportError';
  }
}

const QUOTE = 0x22;
const LF = 0x0a;

/**
 * Counts the records of CSV bytes as they arrive: an LF outside quotes ends one (a
 * quoted field may hold line breaks; a doubled quote inside it toggles twice).
 */
export function recordCounter() {
  let quoted = false;
  let records = 0;
  return {
    add(bytes: Uint8Array) {
      for (const b of bytes) {
        if (b === QUOTE) quoted = !quoted;
        else if (b === LF && !quoted) records += 1;
      }
    },
    get records() {
      return records;
    },
  };
}

/**
 * Downloads the export at `url` and saves it as the file the API names: read as it streams
 * (the API writes it a batch of orders at a time), then handed to the browser's downloads.
 * A refusal is thrown as an ExportError before anything is saved. Resolves to the file's
 * name and how many orders it holds.
 */
export async function downloadExport(url: string): Promise<{ filename: string; rows: number }> {
  const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/csv' } });
  if (!response.ok || !response.body) {
    const body = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw new ExportError(body?.error?.message ?? response.statusText, response.status, body?.error?.code);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'orders.csv';
  const counter = recordCounter();
  const parts: Uint8Array[] = [];
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    counter.add(value);
    parts.push(value);
  }
  saveFile(filename, new Blob(parts as BlobPart[], { type: response.headers.get('content-type') ?? 'text/csv' }));
  // The header is a record too.
  return { filename, rows: Math.max(0, counter.records - 1) };
}

/** Saves a Blob as a file in the browser (behind a temporary link). */
export function saveFile(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
