/**
 * Goods settlement (货物结算): for each field worker over a period of days, the goods that
 * passed through their hands and the cash their machines took against what they handed in.
 *
 * Goods, in units, per product and in total:
 *   heldAtStart + issued + transferredIn - transferredOut - returned - restocked = heldAtEnd
 * where issued is what the warehouse shipped to them, transferredIn/Out what moved between
 * them and other staff, returned what they gave back to the warehouse, and restocked what
 * they put into channels. `held` is what they hold now (staff inventory); `heldAtEnd` is
 * that less whatever moved after the period, and `heldAtStart` follows from the movements
 * in it.
 *
 * Sales: the completed orders of the machines assigned to them (by creation time): `sold`
 * units and their amount; `cashDue` is the amount of those paid in cash. Cash handed in is
 * the cash of their turnover documents (submitted or confirmed) whose period lies within
 * this one; `cashDifference` = handed in - due (negative: short).
 *
 * Days are business days in the tenant's time zone (shared/business-day.ts); both ends of a
 * period are included.
 */
import {
  and,
  desc,
  eq,
  gte,
  inArray,
  lt,
  lte,
  ne,
  type PlatformScope,
  type Row,
  type Tables,
  type TenantScope,
} from '@vmcloud/db';
import { z } from 'zod';
import { P } from '../access/catalog.js';
import { plain } from '../shared/plain.js';
import { periodInput, type BusinessCalendar } from '../shared/business-day.js';
import { conflict, notFound, refused } from '../shared/errors.js';
import { id, OptionalText } from '../shared/input.js';
import { productsById, productSummary, staffSummary, usersById, type Actor, type Write } from './common.js';

const GOODS = [
  'heldAtStart',
  'issued',
  'transferredIn',
  'transferredOut',
  'returned',
  'restocked',
  'heldAtEnd',
  'held',
] as const;
export type Goods = Record<(typeof GOODS)[number], number> & { sold: number };

const zeroGoods = (): Goods => ({
  heldAtStart: 0,
  issued: 0,
  transferredIn: 0,
  transferredOut: 0,
  returned: 0,
  restocked: 0,
  heldAtEnd: 0,
  held: 0,
  sold: 0,
});

export interface Cash {
  /** Completed sales of their machines, in fen, and the cash part of it. */
  salesAmount: number;
  cashDue: number;
  cashHandedIn: number;
  mobileHandedIn: number;
  cashDifference: number;
}

/** The field workers: users whose roles grant my inventory, and anyone holding or assigned stock or machines. */
async function fieldWorkers(platform: PlatformScope, scope: TenantScope): Promise<Set<string>> {
  const ids = new Set<string>();
  const permission = await platform.permissions.findOne((p) => eq(p.code, P.myInventory));
  if (permission) {
    const roleIds = (await scope.rolePermissions.find({ where: (rp) => eq(rp.permissionId, permission.id) })).map(
      (rp) => rp.roleId,
    );
    if (roleIds.length > 0) {
      for (const ur of await scope.userRoles.find({ where: (ur) => inArray(ur.roleId, roleIds) })) ids.add(ur.userId);
    }
  }
  for (const row of await scope.staffInventory.find()) ids.add(row.staffId);
  for (const m of await scope.machines.find()) if (m.staffId) ids.add(m.staffId);
  return ids;
}

/** The goods settlement of each of `staffIds` over the period. */
async function settle(
  scope: TenantScope,
  staffIds: string[],
  period: { from: string; to: string },
  calendar: BusinessCalendar,
) {
  const { start, end } = calendar.windowOf(period);
  const inWindow = (t: Date | null) => t !== null && t.getTime() >= start.getTime() && t.getTime() < end.getTime();
  // goods[staffId][productId]
  const goods = new Map<string, Map<string, Goods>>(staffIds.map((s) => [s, new Map()]));
  const cell = (staffId: string, productId: string): Goods | undefined => {
    const byProduct = goods.get(staffId);
    if (!byProduct) return undefined;
    let g = byProduct.get(productId);
    if (!g) byProduct.set(productId, (g = zeroGoods()));
    return g;
  };
  // Movements after the period are taken back off what is held now.
  const later = new Map<string, number>();
  const laterKey = (staffId: string, productId: string) => `${staffId}:${productId}`;
  const move = (staffId: string, productId: string, at: Date | null, field: keyof Goods, sign: 1 | -1, n: number) => {
    const g = cell(staffId, productId);
    if (!g || !at || at.getTime() < start.getTime()) return;
    if (inWindow(at)) g[field] += n;
    else later.set(laterKey(staffId, productId), (later.get(laterKey(staffId, productId)) ?? 0) + sign * n);
  };

  const shipments = await scope.shipments.find({
    where: (s) => and(inArray(s.staffId, staffIds), eq(s.status, 'shipped'), gte(s.shippedAt, start)),
  });
  const shipmentItems =
    shipments.length === 0
      ? []
      : await scope.shipmentItems.find({
          where: (i) =>
            inArray(
              i.shipmentId,
              shipments.map((s) => s.id),
            ),
        });
  const shipmentById = new Map(shipments.map((s) => [s.id, s]));
  for (const item of shipmentItems) {
    const s = shipmentById.get(item.shipmentId);
    if (s) move(s.staffId, item.productId, s.shippedAt, 'issued', 1, item.quantityShipped);
  }

  const transfers = await scope.transfers.find({
    where: (t) => and(eq(t.status, 'completed'), gte(t.createdAt, start)),
  });
  const transferItems =
    transfers.length === 0
      ? []
      : await scope.transferItems.find({
          where: (i) =>
            inArray(
              i.transferId,
              transfers.map((t) => t.id),
            ),
        });
  const transferById = new Map(transfers.map((t) => [t.id, t]));
  for (const item of transferItems) {
    const t = transferById.get(item.transferId);
    if (!t) continue;
    move(t.fromStaffId, item.productId, t.createdAt, t.toStaffId ? 'transferredOut' : 'returned', -1, item.quantity);
    if (t.toStaffId) move(t.toStaffId, item.productId, t.createdAt, 'transferredIn', 1, item.quantity);
  }

  const restocks = await scope.restocks.find({
    where: (r) => and(inArray(r.staffId, staffIds), gte(r.createdAt, start)),
  });
  for (const r of restocks) move(r.staffId, r.productId, r.createdAt, 'restocked', -1, r.quantity);

  for (const row of await scope.staffInventory.find({ where: (t) => inArray(t.staffId, staffIds) })) {
    const g = cell(row.staffId, row.productId);
    if (g) g.held += row.quantity;
  }

  // Sales of the machines each worker serves.
  const machines = await scope.machines.find({ where: (m) => inArray(m.staffId, staffIds) });
  const staffOfMachine = new Map(machines.map((m) => [m.id, m.staffId as string]));
  const cash = new Map<string, Cash>(
    staffIds.map((s) => [s, { salesAmount: 0, cashDue: 0, cashHandedIn: 0, mobileHandedIn: 0, cashDifference: 0 }]),
  );
  const orders =
    machines.length === 0
      ? []
      : await scope.orders.find({
          where: (o) =>
            and(
              inArray(
                o.machineId,
                machines.map((m) => m.id),
              ),
              eq(o.status, 'completed'),
              gte(o.createdAt, start),
              lt(o.createdAt, end),
            ),
        });
  for (const o of orders) {
    const staffId = staffOfMachine.get(o.machineId);
    const c = staffId ? cash.get(staffId) : undefined;
    const g = staffId ? cell(staffId, o.productId) : undefined;
    if (!c || !g) continue;
    g.sold += o.quantity;
    c.salesAmount += o.amount;
    if (o.paymentMethod === 'cash') c.cashDue += o.amount;
  }
  const turnovers = await scope.turnovers.find({
    where: (t) =>
      and(
        inArray(t.staffId, staffIds),
        ne(t.status, 'rejected'),
        gte(t.periodStart, period.from),
        lte(t.periodEnd, period.to),
      ),
  });
  for (const t of turnovers) {
    const c = cash.get(t.staffId);
    if (!c) continue;
    c.cashHandedIn += t.cashAmount;
    c.mobileHandedIn += t.mobileAmount;
  }

  for (const [staffId, byProduct] of goods) {
    for (const [productId, g] of byProduct) {
      g.heldAtEnd = g.held - (later.get(laterKey(staffId, productId)) ?? 0);
      g.heldAtStart = g.heldAtEnd - g.issued - g.transferredIn + g.transferredOut + g.returned + g.restocked;
    }
    const c = cash.get(staffId);
    if (c) c.cashDifference = c.cashHandedIn - c.cashDue;
  }

  const products = await productsById(
    scope,
    [...goods.values()].flatMap((m) => [...m.keys()]),
  );
  const users = await usersById(scope, staffIds);
  return staffIds.map((staffId) => {
    const byProduct = goods.get(staffId) ?? new Map<string, Goods>();
    const lines = [...byProduct]
      .filter(([, g]) => Object.values(g).some((v) => v !== 0))
      .map(([productId, g]) => {
        const p = products.get(productId);
        return { product: p ? productSummary(p) : null, ...g };
      })
      .sort((a, b) => (a.product?.code ?? '').localeCompare(b.product?.code ?? ''));
    const totals = zeroGoods();
    for (const line of lines) for (const key of [...GOODS, 'sold'] as const) totals[key] += line[key];
    const user = users.get(staffId);
    return {
      staff: user ? staffSummary(user) : null,
      machines: machines
        .filter((m) => m.staffId === staffId)
        .map((m) => ({ id: m.id, name: m.name, boardId: m.boardId })),
      goods: totals,
      cash: cash.get(staffId) as Cash,
      lines,
    };
  });
}

type Settled = Awaited<ReturnType<typeof settle>>[number];

/** The figures stored with a settlement row: units and fen, flat. */
const figuresOf = (s: Settled): Record<string, number> => ({ ...s.goods, ...s.cash });

export const ReportInput = periodInput({ staffId: id('users').optional() });

/**
 * The goods settlement of every field worker with machines or movements (or of one, by
 * `staffId`) over a period: goods issued, moved, restocked, sold and held, and cash due
 * against cash handed in.
 */
export async function settlementReport(
  scope: TenantScope,
  platform: PlatformScope,
  input: z.infer<typeof ReportInput>,
  calendar: BusinessCalendar,
) {
  let staffIds: string[];
  if (input.staffId) {
    if (!(await scope.users.get(input.staffId))) throw notFound('User');
    staffIds = [input.staffId];
  } else {
    staffIds = [...(await fieldWorkers(platform, scope))];
  }
  const settled = staffIds.length === 0 ? [] : await settle(scope, staffIds, input, calendar);
  // Everyone named, or the workers with machines or anything to account for.
  const staff = input.staffId
    ? settled
    : settled.filter(
        (s) =>
          s.machines.length > 0 ||
          Object.values(s.goods).some((v) => v !== 0) ||
          Object.values(s.cash).some((v) => v !== 0),
      );
  staff.sort((a, b) => (a.staff?.username ?? '').localeCompare(b.staff?.username ?? ''));
  const goods = zeroGoods();
  const cash: Cash = { salesAmount: 0, cashDue: 0, cashHandedIn: 0, mobileHandedIn: 0, cashDifference: 0 };
  for (const s of staff) {
    for (const key of Object.keys(goods) as (keyof Goods)[]) goods[key] += s.goods[key];
    for (const key of Object.keys(cash) as (keyof Cash)[]) cash[key] += s.cash[key];
  }
  return { from: input.from, to: input.to, staff, totals: { goods, cash } };
}

export const ConfirmInput = periodInput({ staffId: id('users'), note: OptionalText(255) });

/**
 * Closes a field worker's goods settlement for a period that has ended: records the
 * figures as a final settlement and marks the shipments it counted as settled. Refused
 * if another final goods settlement of theirs overlaps the period (conflict).
 */
export async function confirmSettlement(
  write: Write,
  actor: Actor,
  input: z.infer<typeof ConfirmInput>,
  now: Date,
  calendar: BusinessCalendar,
) {
  const by = actor.userId;
  const { start, end } = calendar.windowOf(input);
  if (end.getTime() > now.getTime()) throw refused('to', 'the period has not ended yet');
  return write(async (w) => {
    const user = await w.scope.users.get(input.staffId);
    if (!user) throw notFound('User');
    const overlapping = await w.scope.settlements.findOne((s) =>
      and(
        eq(s.kind, 'goods'),
        eq(s.staffId, user.id),
        eq(s.status, 'final'),
        lte(s.periodStart, input.to),
        gte(s.periodEnd, input.from),
      ),
    );
    if (overlapping) {
      throw conflict(
        `A goods settlement of ${user.displayName} for ${overlapping.periodStart} to ${overlapping.periodEnd} overlaps this period`,
      );
    }
    const [figures] = await settle(w.scope, [user.id], input, calendar);
    if (!figures) throw notFound('User');
    const settlement = await w.scope.settlements.insert({
      kind: 'goods',
      staffId: user.id,
      periodStart: input.from,
      periodEnd: input.to,
      figures: figuresOf(figures),
      status: 'final',
      settledAt: now,
      createdBy: by,
    });
    const marked = await w.scope.shipments.updateWhere(
      (s) =>
        and(
          eq(s.staffId, user.id),
          eq(s.status, 'shipped'),
          eq(s.settled, false),
          gte(s.shippedAt, start),
          lt(s.shippedAt, end),
        ),
      { settled: true, updatedBy: by },
    );
    await w.audit({
      entity: 'settlements',
      entityId: settlement.id,
      after: { ...settlement, note: input.note, shipmentsSettled: marked },
    });
    return { settlement: plain(settlement), report: figures, shipmentsSettled: marked };
  });
}

/** Goods settlements recorded, newest period first, of every worker or one. */
export async function listSettlements(scope: TenantScope, staffId: string | undefined) {
  if (staffId && !(await scope.users.get(staffId))) throw notFound('User');
  const rows: Row<Tables['settlements']>[] = await scope.settlements.find({
    where: (s) => and(eq(s.kind, 'goods'), staffId ? eq(s.staffId, staffId) : undefined),
    orderBy: (s) => [desc(s.periodStart), desc(s.id)],
    limit: 500,
  });
  const users = await usersById(
    scope,
    rows.map((r) => r.staffId),
  );
  return rows.map((r) => {
    const u = r.staffId ? users.get(r.staffId) : undefined;
    return { ...plain(r), staff: u ? staffSummary(u) : null };
  });
}
