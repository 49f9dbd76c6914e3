/**
 * Profit: revenue less the cost of the goods sold, by machine, product, day or month over
 * a period of business days (profit query), and closing a period with a recorded profit
 * settlement. How revenue and cost are counted is described in sales/aggregate.ts.
 */
import { and, desc, eq, gte, lte, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import type { Writer } from '../shared/writer.js';
import { plain } from '../shared/plain.js';
import { daysOf, periodInput, type BusinessCalendar } from '../shared/business-day.js';
import { refused } from '../shared/errors.js';
import { id } from '../shared/input.js';
import { Limit } from '../shared/paging.js';
import { emptyTotals, salesBy, type SalesTotals } from '../sales/aggregate.js';
import { salesOfPeriod } from './statistics.js';

const profitOf = ({ orders, quantity, revenue, cost, profit }: SalesTotals) => ({
  orders,
  quantity,
  revenue,
  cost,
  profit,
});

export const ProfitQueryInput = periodInput({
  by: z.enum(['machine', 'product', 'day', 'month']),
  machineId: id('machines').optional(),
  productId: id('products').optional(),
});

/**
 * Revenue, cost and profit (fen) over a period of business days (at most 366), by machine,
 * product, day or month, optionally for one machine or product, with the total.
 */
export async function profitQuery(
  scope: TenantScope,
  input: z.infer<typeof ProfitQueryInput>,
  calendar: BusinessCalendar,
) {
  const keyOf = {
    machine: (o: { machineId: string }) => o.machineId,
    product: (o: { productId: string }) => o.productId,
    day: (o: { createdAt: Date }) => calendar.dayOf(o.createdAt),
    month: (o: { createdAt: Date }) => calendar.monthOf(o.createdAt),
  }[input.by];
  const { groups, total } = await salesOfPeriod(scope, calendar, input, keyOf);
  let keys: string[];
  const labels = new Map<string, string>();
  if (input.by === 'day') keys = daysOf(input.from, input.to);
  else if (input.by === 'month') keys = [...new Set(daysOf(input.from, input.to).map((d) => d.slice(0, 7)))];
  else {
    keys = [...groups.keys()].sort((a, b) => (groups.get(b)?.profit ?? 0) - (groups.get(a)?.profit ?? 0));
    if (input.by === 'machine') {
      for (const m of await scope.machines.find()) labels.set(m.id, m.name ?? m.boardId);
    } else {
      for (const p of await scope.products.find()) labels.set(p.id, p.name);
    }
  }
  return {
    by: input.by,
    from: input.from,
    to: input.to,
    timeZone: calendar.timeZone,
    rows: keys.map((key) => ({
      key,
      label: labels.get(key) ?? key,
      ...profitOf(groups.get(key) ?? emptyTotals()),
    })),
    total: profitOf(total),
  };
}

export const SettleInput = periodInput({});

/**
 * Closes a period with a profit settlement: the figures of the whole period (paid orders,
 * units, gross, refunds, revenue, cost, profit, in fen) as computed now, kept as they are.
 * Refused for a period that has not ended or overlaps a settled one.
 */
export async function settleProfit(
  write: <T>(fn: (w: Writer) => Promise<T>) => Promise<T>,
  by: { userId: string },
  input: z.infer<typeof SettleInput>,
  now: Date,
  calendar: BusinessCalendar,
) {
  const { start, end } = calendar.windowOf(input);
  if (end.getTime() > now.getTime()) throw refused('to', 'the period has not ended yet');
  return write(async (w) => {
    const overlapping = await w.scope.settlements.findOne((s) =>
      and(eq(s.kind, 'profit'), lte(s.periodStart, input.to), gte(s.periodEnd, input.from)),
    );
    if (overlapping) {
      throw refused('from', `overlaps the profit settlement of ${overlapping.periodStart} to ${overlapping.periodEnd}`);
    }
    const { total } = await salesBy(w.scope, { start, end }, () => '');
    const figures = {
      orders: total.orders,
      quantity: total.quantity,
      gross: total.gross,
      refunded: total.refunded,
      revenue: total.revenue,
      cost: total.cost,
      profit: total.profit,
    };
    const row = await w.scope.settlements.insert({
      kind: 'profit',
      staffId: null,
      periodStart: input.from,
      periodEnd: input.to,
      figures,
      status: 'final',
      settledAt: now,
      createdBy: by.userId,
      updatedBy: by.userId,
    });
    await w.audit({ entity: 'settlements', entityId: row.id, after: row });
    return plain(row);
  });
}

export const SettlementsInput = z.object({ limit: Limit(500, 100) });

/** The profit settlements recorded, latest period first. */
export async function profitSettlements(scope: TenantScope, input: z.infer<typeof SettlementsInput>) {
  const rows = await scope.settlements.find({
    where: (s) => eq(s.kind, 'profit'),
    orderBy: (s) => [desc(s.periodStart)],
    limit: input.limit,
  });
  return plain(rows);
}
