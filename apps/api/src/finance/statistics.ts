/**
 * Sales statistics over a period of business days, by day, machine, staff or product, and
 * the totals of each month of a year, with the turnover handed in. Days and months are
 * the tenant's (its time zone, shared/business-day.ts); how sales are counted is described
 * in sales/aggregate.ts.
 */
import { and, gte, lte, ne, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { daysOf, periodInput, type BusinessCalendar } from '../shared/business-day.js';
import { id } from '../shared/input.js';
import { emptyTotals, salesBy, type SalesTotals } from '../sales/aggregate.js';
import { checkFilterIds, type OrderRow } from '../sales/orders.js';
import { turnoverTotals } from './turnovers.js';

const byKeys = ['day', 'machine', 'staff', 'product'] as const;

/**
 * The paid sales of a period of business days (of one machine or product when the filter
 * names it; another tenant's id is not found), grouped by `keyOf`.
 */
export async function salesOfPeriod(
  scope: TenantScope,
  calendar: BusinessCalendar,
  period: { from: string; to: string; machineId?: string; productId?: string },
  keyOf: (order: OrderRow) => string,
) {
  await checkFilterIds(scope, period);
  const { start, end } = calendar.windowOf(period);
  return salesBy(scope, { start, end, machineId: period.machineId, productId: period.productId }, keyOf);
}

export const StatisticsInput = periodInput({
  by: z.enum(byKeys),
  machineId: id('machines').optional(),
  productId: id('products').optional(),
});

/**
 * Sales over a period of business days (`from` and `to` included, at most 366 days), by
 * day, machine, staff (the field worker the machine is assigned to now) or product: paid
 * orders, units sold, gross amount, refunds, revenue (gross less refunds), split into cash
 * and mobile, all in fen. Days with no sales are listed with zeros.
 */
export async function salesStatistics(
  scope: TenantScope,
  input: z.infer<typeof StatisticsInput>,
  calendar: BusinessCalendar,
) {
  const [machines, users, products] = await Promise.all([
    scope.machines.find(),
    input.by === 'staff' ? scope.users.find() : [],
    input.by === 'product' ? scope.products.find() : [],
  ]);
  const machineById = new Map(machines.map((m) => [m.id, m]));
  const keyOf = {
    day: (o: { createdAt: Date }) => calendar.dayOf(o.createdAt),
    machine: (o: { machineId: string }) => o.machineId,
    staff: (o: { machineId: string }) => machineById.get(o.machineId)?.staffId ?? '',
    product: (o: { productId: string }) => o.productId,
  }[input.by];
  const { groups, total } = await salesOfPeriod(scope, calendar, input, keyOf);
  const labelOf = (key: string): string | null => {
    if (input.by === 'day') return key;
    if (input.by === 'machine') {
      const m = machineById.get(key);
      return m ? (m.name ?? m.boardId) : null;
    }
    if (input.by === 'staff') return users.find((u) => u.id === key)?.displayName ?? null;
    return products.find((p) => p.id === key)?.name ?? null;
  };
  const keys =
    input.by === 'day'
      ? daysOf(input.from, input.to)
      : [...groups.keys()].sort((a, b) => (groups.get(b)?.revenue ?? 0) - (groups.get(a)?.revenue ?? 0));
  const pick = ({ orders, quantity, gross, refunded, revenue, cash, mobile }: SalesTotals) => ({
    orders,
    quantity,
    gross,
    refunded,
    revenue,
    cash,
    mobile,
  });
  return {
    by: input.by,
    from: input.from,
    to: input.to,
    timeZone: calendar.timeZone,
    rows: keys.map((key) => ({
      key: key === '' ? null : key,
      label: labelOf(key),
      ...pick(groups.get(key) ?? emptyTotals()),
    })),
    total: pick(total),
  };
}

export const MonthlyTotalsInput = z.object({
  year: z
    .number({ error: 'must be a year' })
    .int('must be a whole year')
    .min(2000, 'must be 2000 or later')
    .max(2100, 'must be 2100 or earlier'),
});

/**
 * The twelve months of a year (business months): paid orders, gross, refunds, revenue
 * (cash and mobile), and the turnover handed in for periods ending that month (not
 * rejected), all in fen.
 */
export async function monthlyTotals(
  scope: TenantScope,
  input: z.infer<typeof MonthlyTotalsInput>,
  calendar: BusinessCalendar,
) {
  const from = `${input.year}-01-01`;
  const to = `${input.year}-12-31`;
  const { start, end } = calendar.windowOf({ from, to });
  const { groups, total } = await salesBy(scope, { start, end }, (o) => calendar.monthOf(o.createdAt));
  const turnovers = await scope.turnovers.find({
    where: (t) => and(gte(t.periodEnd, from), lte(t.periodEnd, to), ne(t.status, 'rejected')),
  });
  const months = Array.from({ length: 12 }, (_, i) => `${input.year}-${String(i + 1).padStart(2, '0')}`);
  const handedIn = (month: string) =>
    turnoverTotals(turnovers.filter((t) => String(t.periodEnd).slice(0, 7) === month));
  const row = (month: string, sums: SalesTotals, handed: { cash: number; mobile: number }) => ({
    month,
    orders: sums.orders,
    gross: sums.gross,
    refunded: sums.refunded,
    revenue: sums.revenue,
    cash: sums.cash,
    mobile: sums.mobile,
    handedInCash: handed.cash,
    handedInMobile: handed.mobile,
  });
  return {
    year: input.year,
    timeZone: calendar.timeZone,
    months: months.map((m) => row(m, groups.get(m) ?? emptyTotals(), handedIn(m))),
    total: row(String(input.year), total, turnoverTotals(turnovers)),
  };
}
