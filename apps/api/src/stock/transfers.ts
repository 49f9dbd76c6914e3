/**
 * Transfers (调拨): stock moved from one field worker's inventory to another's, or back to
 * the warehouse. A field worker moves only what they hold themselves; the inventory admin
 * (who holds warehouse shipping) may move stock between any staff and sees every transfer.
 * Each transfer is numbered `DB` and the business day in the tenant's time zone.
 */
import { and, desc, eq, gte, inArray, isNull, lt, or, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { P } from '../access/catalog.js';
import { plain } from '../shared/plain.js';
import type { BusinessCalendar } from '../shared/business-day.js';
import { nextDocumentNo, withFreshNumber } from '../shared/document-numbers.js';
import { forbidden, notFound, refused } from '../shared/errors.js';
import { id, OptionalText, Timestamp } from '../shared/input.js';
import { offsetPage } from '../shared/paging.js';
import {
  giveToStaff,
  giveToWarehouse,
  Items,
  latestTransferNo,
  loadProducts,
  loadStaff,
  productsById,
  productSummary,
  staffSummary,
  takeFromStaff,
  usersById,
  type Actor,
  type Write,
} from './common.js';

type Transfer = Row<Tables['transfers']>;

async function describe(scope: TenantScope, transfers: Transfer[]) {
  const ids = transfers.map((t) => t.id);
  const items = ids.length === 0 ? [] : await scope.transferItems.find({ where: (i) => inArray(i.transferId, ids) });
  const [users, products] = await Promise.all([
    usersById(
      scope,
      transfers.flatMap((t) => [t.fromStaffId, t.toStaffId, t.createdBy]),
    ),
    productsById(
      scope,
      items.map((i) => i.productId),
    ),
  ]);
  const person = (userId: string | null) => {
    const u = userId ? users.get(userId) : undefined;
    return u ? staffSummary(u) : null;
  };
  return transfers.map((t) => ({
    ...plain(t),
    from: person(t.fromStaffId),
    /** null: back to the warehouse. */
    to: person(t.toStaffId),
    by: person(t.createdBy),
    items: items
      .filter((i) => i.transferId === t.id)
      .map((i) => {
        const p = products.get(i.productId);
        return { product: p ? productSummary(p) : null, quantity: i.quantity };
      })
      .sort((a, b) => (a.product?.code ?? '').localeCompare(b.product?.code ?? '')),
  }));
}

export const TransferInput = z.object({
  fromStaffId: id('users').optional(),
  toStaffId: id('users').nullable(),
  items: Items,
  note: OptionalText(255),
});

/**
 * Moves stock out of a field worker's inventory (the actor's own unless `fromStaffId`
 * names another, which needs the inventory admin's warehouse permission) to another
 * worker (`toStaffId`) or back to the warehouse (`toStaffId` null). Refused, with nothing
 * moved, if any item is more than the giver holds. Answers the transfer with its items.
 */
export async function transfer(
  write: Write,
  by: Actor,
  input: z.infer<typeof TransferInput>,
  now: Date,
  calendar: BusinessCalendar,
) {
  const userId = by.userId;
  const fromStaffId = input.fromStaffId ?? userId;
  return withFreshNumber(() =>
    write(async (w) => {
      const from = await loadStaff(w.scope, fromStaffId, 'fromStaffId');
      if (from.id !== userId && !by.permissions.has(P.warehouseShipping)) {
        throw forbidden('You can only transfer stock you hold yourself');
      }
      const to = input.toStaffId === null ? null : await loadStaff(w.scope, input.toStaffId, 'toStaffId');
      if (to && to.id === from.id) throw refused('toStaffId', 'must not be the one the stock comes from');
      const products = await loadProducts(
        w.scope,
        input.items.map((i) => i.productId),
      );
      const documentNo = await nextDocumentNo('transfer', calendar, now, latestTransferNo(w.scope));
      const row = await w.scope.transfers.insert({
        documentNo,
        fromStaffId: from.id,
        toStaffId: to?.id ?? null,
        status: 'completed',
        note: input.note,
        createdBy: userId,
      });
      const holder = from.id === userId ? 'you hold' : `${from.displayName} holds`;
      const moved = [];
      for (const [n, item] of input.items.entries()) {
        const product = products.get(item.productId);
        if (!product) throw notFound('Product');
        const giver = await takeFromStaff(w.scope, from.id, product, item.quantity, `items.${n}.quantity`, holder);
        const receiver = to
          ? await giveToStaff(w.scope, to.id, product.id, item.quantity, now, userId)
          : await giveToWarehouse(w.scope, product.id, item.quantity, now, userId);
        moved.push({ productId: product.id, quantity: item.quantity, from: giver, to: receiver });
      }
      await w.scope.transferItems.insertMany(
        input.items.map((i) => ({
          transferId: row.id,
          productId: i.productId,
          quantity: i.quantity,
          createdBy: userId,
        })),
      );
      await w.audit({ entity: 'transfers', entityId: row.id, after: { ...row, items: moved } });
      return transferOf(w.scope, row.id);
    }),
  );
}

/** One transfer with its items and the staff named. */
export async function transferOf(scope: TenantScope, transferId: string) {
  const row = await scope.transfers.get(transferId);
  if (!row) throw notFound('Transfer');
  const [described] = await describe(scope, [row]);
  if (!described) throw notFound('Transfer');
  return described;
}

export const ListInput = z
  .object({
    staffId: id('users').optional(),
    from: Timestamp.optional(),
    to: Timestamp.optional(),
    ...offsetPage(500, 50),
  })
  .default({ limit: 50, offset: 0 });

/**
 * Transfers, newest first, in [from, to). A field worker sees only those they gave or
 * received; the inventory admin sees all, or one worker's with `staffId`.
 */
export async function listTransfers(scope: TenantScope, by: Actor, input: z.infer<typeof ListInput>) {
  const seesAll = by.permissions.has(P.warehouseShipping);
  if (input.staffId && !(await scope.users.get(input.staffId))) throw notFound('User');
  const own = seesAll ? undefined : by.userId;
  const involving = (t: Tables['transfers']['sqlite'], staffId: string | undefined) =>
    staffId ? or(eq(t.fromStaffId, staffId), eq(t.toStaffId, staffId)) : undefined;
  const where = (t: Tables['transfers']['sqlite']) =>
    and(
      involving(t, own),
      involving(t, input.staffId),
      input.from ? gte(t.createdAt, input.from) : undefined,
      input.to ? lt(t.createdAt, input.to) : undefined,
    );
  const { rows, total } = await scope.transfers.page({
    where,
    orderBy: (t) => [desc(t.createdAt), desc(t.id)],
    limit: input.limit,
    offset: input.offset,
  });
  return { rows: await describe(scope, rows), total };
}

export const ReturnsInput = z.object({ ...offsetPage(500, 50) }).default({ limit: 50, offset: 0 });

/** Transfers back to the warehouse only (returns), newest first. */
export async function returnsToWarehouse(scope: TenantScope, input: z.infer<typeof ReturnsInput>) {
  const rows = await scope.transfers.find({
    where: (t) => isNull(t.toStaffId),
    orderBy: (t) => [desc(t.createdAt), desc(t.id)],
    limit: input.limit,
    offset: input.offset,
  });
  return describe(scope, rows);
}
