/**
 * The console's overview of a fleet: what it sold today, over 7 and 30 days, by hour of
 * today and by day, its best products and machines, how many machines are online, offline
 * or in alarm, the channels running low and the newest alarms (`dashboardSummary`); and the
 * fleet list with each machine's live status (temperature, door, app version, open alarms,
 * stock against capacity), filterable by machines needing stock (`fleetStatus`).
 *
 * Sales count as in sales/aggregate.ts (paid orders by their creation time, revenue less
 * refunds); days and hours are the tenant's (its time zone).
 */
import { and, asc, desc, eq, inArray, isNull, type Row, type Tables, type TenantScope, type Where } from '@vmcloud/db';
import { z } from 'zod';
import { daysOf, type BusinessCalendar } from '../shared/business-day.js';
import { offsetPage } from '../shared/paging.js';
import { MachineFilterFields, machineFilter } from '../machines/filter.js';
import { emptyTotals, paidSales, type SalesTotals } from './aggregate.js';

type Machine = Row<Tables['machines']>;
type Channel = Row<Tables['channels']>;

/** A channel is low when its stock is at most this share of its capacity (and it sells something). */
export const LOW_STOCK_SHARE = 0.2;
/** How many top products, machines, low channels and alarms the summary lists. */
export const SUMMARY_ROWS = 10;

const DAY_MS = 86_400_000;

/** A channel that sells something (a product, in service) and has at most LOW_STOCK_SHARE of its capacity left. */
export const isLowChannel = (c: Pick<Channel, 'productId' | 'enabled' | 'stock' | 'capacity'>): boolean =>
  c.productId !== null && c.enabled && c.stock <= Math.floor(c.capacity * LOW_STOCK_SHARE);

const figures = ({ orders, quantity, revenue, gross, refunded }: SalesTotals) => ({
  orders,
  quantity,
  gross,
  refunded,
  revenue,
});

/** The business day `days` before `day`. */
const dayBefore = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) - days * DAY_MS).toISOString().slice(0, 10);

const machineLabel = (m: Machine | undefined) => (m ? (m.name ?? m.boardId) : null);

/**
 * The overview at `now`: sales of today, the last 7 and the last 30 business days (today
 * included), today by hour (0-23), the 30 days by day, the top products and machines of
 * the 30 days by revenue, the fleet's online, offline and alarmed machines, the lowest
 * channels and the newest unresolved alarms.
 */
export async function dashboardSummary(scope: TenantScope, calendar: BusinessCalendar, now: Date) {
  const today = calendar.dayOf(now);
  const from30 = dayBefore(today, 29);
  const from7 = dayBefore(today, 6);
  const { start, end } = calendar.windowOf({ from: from30, to: today });

  const byDay = new Map<string, SalesTotals>();
  const byHour = Array.from({ length: 24 }, () => emptyTotals());
  const byProduct = new Map<string, SalesTotals>();
  const byMachine = new Map<string, SalesTotals>();
  const periods = { today: emptyTotals(), last7Days: emptyTotals(), last30Days: emptyTotals() };
  const addTo = (
    into: SalesTotals,
    order: { amount: number; quantity: number; vendedAt: Date | null },
    refunded: number,
  ) => {
    into.orders += 1;
    into.gross += order.amount;
    into.refunded += refunded;
    into.revenue += order.amount - refunded;
    if (order.vendedAt) into.quantity += order.quantity;
  };
  const groupOf = (map: Map<string, SalesTotals>, key: string) => {
    let group = map.get(key);
    if (!group) map.set(key, (group = emptyTotals()));
    return group;
  };
  for await (const batch of paidSales(scope, { start, end })) {
    for (const { order, refunded } of batch) {
      const day = calendar.dayOf(order.createdAt);
      addTo(groupOf(byDay, day), order, refunded);
      addTo(groupOf(byProduct, order.productId), order, refunded);
      addTo(groupOf(byMachine, order.machineId), order, refunded);
      addTo(periods.last30Days, order, refunded);
      if (day >= from7) addTo(periods.last7Days, order, refunded);
      if (day === today) {
        addTo(periods.today, order, refunded);
        addTo(byHour[Number(calendar.stampOf(order.createdAt).slice(8, 10))] as SalesTotals, order, refunded);
      }
    }
  }

  const [machines, statuses, openAlarms, channels] = await Promise.all([
    scope.machines.find({ orderBy: (m) => [asc(m.boardId)] }),
    scope.machineStatus.find(),
    scope.alarms.find({ where: (a) => isNull(a.resolvedAt), orderBy: (a) => [desc(a.raisedAt), desc(a.id)] }),
    scope.channels.find({ orderBy: (c) => [asc(c.machineId), asc(c.number)] }),
  ]);
  const machineById = new Map(machines.map((m) => [m.id, m]));
  const productIds = [
    ...new Set([...byProduct.keys(), ...channels.flatMap((c) => (c.productId ? [c.productId] : []))]),
  ];
  const products = new Map((await scope.products.getMany(productIds)).map((p) => [p.id, p]));
  const online = new Set(statuses.filter((s) => s.online).map((s) => s.machineId));
  const alarmed = new Set(openAlarms.map((a) => a.machineId));

  const ranked = (map: Map<string, SalesTotals>) =>
    [...map.entries()].sort(([, a], [, b]) => b.revenue - a.revenue || b.orders - a.orders).slice(0, SUMMARY_ROWS);

  const lowChannels = channels
    .filter(isLowChannel)
    .sort((a, b) => a.stock / a.capacity - b.stock / b.capacity || a.number - b.number)
    .slice(0, SUMMARY_ROWS)
    .map((c) => ({
      channelId: c.id,
      machineId: c.machineId,
      machineName: machineLabel(machineById.get(c.machineId)),
      number: c.number,
      productName: c.productId ? (products.get(c.productId)?.name ?? null) : null,
      stock: c.stock,
      capacity: c.capacity,
    }));

  return {
    timeZone: calendar.timeZone,
    today,
    sales: {
      today: figures(periods.today),
      last7Days: figures(periods.last7Days),
      last30Days: figures(periods.last30Days),
    },
    byHour: byHour.map((totals, hour) => ({ hour, ...figures(totals) })),
    byDay: daysOf(from30, today).map((day) => ({ day, ...figures(byDay.get(day) ?? emptyTotals()) })),
    topProducts: ranked(byProduct).map(([productId, totals]) => ({
      productId,
      name: products.get(productId)?.name ?? null,
      ...figures(totals),
    })),
    byMachine: ranked(byMachine).map(([machineId, totals]) => ({
      machineId,
      name: machineLabel(machineById.get(machineId)),
      ...figures(totals),
    })),
    machines: {
      total: machines.length,
      online: machines.filter((m) => online.has(m.id)).length,
      offline: machines.filter((m) => !online.has(m.id)).length,
      inAlarm: machines.filter((m) => alarmed.has(m.id)).length,
    },
    lowChannels,
    lowChannelCount: channels.filter(isLowChannel).length,
    newestAlarms: openAlarms.slice(0, SUMMARY_ROWS).map((a) => ({
      id: a.id,
      machineId: a.machineId,
      machineName: machineLabel(machineById.get(a.machineId)),
      kind: a.kind,
      severity: a.severity,
      channelNumber: a.channelNumber,
      message: a.message,
      raisedAt: a.raisedAt.toISOString(),
      acknowledged: a.acknowledgedAt !== null,
    })),
  };
}

export const FleetInput = z.object({
  ...MachineFilterFields,
  /** Only machines with a channel running low (at most LOW_STOCK_SHARE of its capacity). */
  needingStock: z.boolean().optional(),
  ...offsetPage(200, 20),
});

/**
 * The fleet with each machine's live status, filtered as `machines.list` filters it
 * (machines/filter.ts) and by machines needing stock: where it stands, its group and field
 * worker, online and the last heartbeat, temperature (tenths of a degree), door, app
 * version, open alarms, and its stock against capacity over the channels that sell something.
 */
export async function fleetStatus(scope: TenantScope, input: z.infer<typeof FleetInput>) {
  const [filter, lowIds] = await Promise.all([
    machineFilter(scope, input),
    input.needingStock
      ? scope.channels
          .find({ where: (c) => eq(c.enabled, true) })
          .then((rows) => [...new Set(rows.filter(isLowChannel).map((c) => c.machineId))])
      : undefined,
  ]);
  const where: Where<Tables['machines']> = (m) =>
    and(filter(m), lowIds === undefined ? undefined : inArray(m.id, lowIds.length ? lowIds : ['']));
  const { rows: machines, total } = await scope.machines.page({
    where,
    orderBy: (m) => [asc(m.boardId)],
    limit: input.limit,
    offset: input.offset,
  });
  const ids = machines.map((m) => m.id);
  const groupIds = [...new Set(machines.flatMap((m) => (m.groupId ? [m.groupId] : [])))];
  const staffIds = [...new Set(machines.flatMap((m) => (m.staffId ? [m.staffId] : [])))];
  const [status, alarms, channels, groups, staff] = await Promise.all([
    ids.length ? scope.machineStatus.find({ where: (s) => inArray(s.machineId, ids) }) : [],
    ids.length ? scope.alarms.find({ where: (a) => and(inArray(a.machineId, ids), isNull(a.resolvedAt)) }) : [],
    ids.length ? scope.channels.find({ where: (c) => inArray(c.machineId, ids) }) : [],
    scope.groups.getMany(groupIds),
    scope.users.getMany(staffIds),
  ]);
  return {
    total,
    items: machines.map((m) => {
      const s = status.find((x) => x.machineId === m.id);
      const selling = channels.filter((c) => c.machineId === m.id && c.productId !== null && c.enabled);
      return {
        id: m.id,
        boardId: m.boardId,
        deviceNo: m.deviceNo,
        nameplateNo: m.nameplateNo,
        name: m.name,
        address: m.address,
        status: m.status,
        groupId: m.groupId,
        groupName: groups.find((g) => g.id === m.groupId)?.name ?? null,
        staffId: m.staffId,
        staffName: staff.find((u) => u.id === m.staffId)?.displayName ?? null,
        online: s?.online ?? false,
        lastHeartbeatAt: s?.lastHeartbeatAt?.toISOString() ?? null,
        temperature: s?.temperature ?? null,
        doorOpen: s?.doorOpen ?? false,
        appVersion: s?.appVersion ?? null,
        openAlarms: alarms.filter((a) => a.machineId === m.id).length,
        stock: selling.reduce((sum, c) => sum + c.stock, 0),
        capacity: selling.reduce((sum, c) => sum + c.capacity, 0),
        lowChannels: selling.filter(isLowChannel).length,
      };
    }),
  };
}
