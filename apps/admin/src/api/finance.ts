/**
 * Finance: the turnover field staff hand in, sales statistics, monthly totals, goods and
 * profit settlements, and the operator's payment accounts, as the API gives them.
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';

type Out = inferRouterOutputs<AppRouter>;
type In = inferRouterInputs<AppRouter>;

export type TurnoverList = Out['finance']['turnovers'];
export type Turnover = TurnoverList['items'][number];
export type TurnoverStatus = Turnover['status'];
export type TurnoversInput = In['finance']['turnovers'];

export type Statistics = Out['finance']['statistics'];
export type StatisticsBy = Statistics['by'];
export type StatisticsRow = Statistics['rows'][number];
export type MonthlyTotals = Out['finance']['monthlyTotals'];
export type MonthRow = MonthlyTotals['months'][number];

export type GoodsReport = Out['goodsSettlement']['report'];
export type GoodsReportStaff = GoodsReport['staff'][number];
export type GoodsSettlement = Out['goodsSettlement']['list'][number];

export type ProfitQuery = Out['profit']['query'];
export type ProfitBy = ProfitQuery['by'];
export type ProfitSettlement = Out['profit']['settlements'][number];

export type PaymentAccount = Out['paymentAccounts']['list'][number];
export type PaymentProvider = PaymentAccount['provider'];
export type CreateAccountInput = In['paymentAccounts']['create'];
export type UpdateAccountInput = In['paymentAccounts']['update'];

export const TURNOVER_STATUSES = ['submitted', 'confirmed', 'rejected'] as const satisfies readonly TurnoverStatus[];

export const TURNOVER_TAG: Readonly<Record<TurnoverStatus, 'warning' | 'success' | 'danger'>> = {
  submitted: 'warning',
  confirmed: 'success',
  rejected: 'danger',
};

export const PAYMENT_PROVIDERS = [
  'wechat_pay',
  'alipay',
  'unionpay',
  'sandbox',
] as const satisfies readonly PaymentProvider[];

export const STATISTICS_BY = ['day', 'machine', 'staff', 'product'] as const satisfies readonly StatisticsBy[];
export const PROFIT_BY = ['day', 'month', 'machine', 'product'] as const satisfies readonly ProfitBy[];

/** Fen as a yuan number for charts (two decimals). */
export function yuan(fen: number): number {
  return Math.round(fen) / 100;
}

/**
 * The figures a settlement row keeps (`figures`, flat numbers): known keys in the order
 * given, each with its value, skipping what the row lacks.
 */
export function figuresOf(figures: unknown, keys: readonly string[]): { key: string; value: number }[] {
  if (!figures || typeof figures !== 'object') return [];
  const record = figures as Record<string, unknown>;
  return keys.flatMap((key) => (typeof record[key] === 'number' ? [{ key, value: record[key] }] : []));
}

/** Goods settlement figures in units, then cash figures in fen. */
export const GOODS_UNITS = [
  'heldAtStart',
  'issued',
  'transferredIn',
  'transferredOut',
  'returned',
  'restocked',
  'sold',
  'heldAtEnd',
] as const;
export const GOODS_MONEY = ['salesAmount', 'cashDue', 'cashHandedIn', 'mobileHandedIn', 'cashDifference'] as const;

/** Profit settlement figures: counts, then fen. */
export const PROFIT_COUNTS = ['orders', 'quantity'] as const;
export const PROFIT_MONEY = ['gross', 'refunded', 'revenue', 'cost', 'profit'] as const;

/** A period `[from, to]` of whole days has ended by `today` (the tenant's day) when it ends before it. */
export function periodEnded(to: string, today: string): boolean {
  return to < today;
}
