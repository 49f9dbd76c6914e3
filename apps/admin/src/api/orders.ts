/** Orders: types of the orders procedures, and the CSV download. */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type OrderListInput = Inputs['orders']['list'];
export type OrderPage = Outputs['orders']['list'];
export type Order = OrderPage['items'][number];
export type OrderDetail = Outputs['orders']['get'];
export type OrderExport = Outputs['orders']['exportCsv'];
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

/** Saves text as a file in the browser (a Blob behind a temporary link). */
export function downloadText(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
