/**
 * Shipments (出库): a field worker requests stock, the inventory admin approves or rejects
 * the request and ships it, which moves the goods from the warehouse into the worker's own
 * inventory; and the outbound query over what has been shipped.
 *
 *   requested -> approved -> shipped
 *   requested | approved -> rejected (by the inventory admin, with a reason)
 *   requested -> cancelled (by the worker who asked, or a user who also holds warehouse shipping)
 *
 * A request is numbered at once, `CK` and the business day in the tenant's time zone
 * (shared/document-numbers.ts).
 */
import { startsWithText, and, desc, eq, gte, inArray, lt, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { SHIPMENT_STATUSES } from '@vmcloud/db/schema';
import { P } from '../access/catalog.js';
import { plain } from '../shared/plain.js';
import type { BusinessCalendar } from '../shared/business-day.js';
import { nextDocumentNo, withFreshNumber } from '../shared/document-numbers.js';
import { conflict, forbidden, notFound, refused } from '../shared/errors.js';
import { id, OptionalText, Text, Timestamp } from '../shared/input.js';
import { offsetPage } from '../shared/paging.js';
import {
  DocumentNo,
  giveToStaff,
  Items,
  latestShipmentNo,
  loadProducts,
  productsById,
  productSummary,
  staffSummary,
  takeFromWarehouse,
  touch,
  usersById,
  type Actor,
  type Write,
  type Writer,
} from './common.js';

type Shipment = Row<Tables['shipments']>;

/** Shipments with their items, the staff member and the products named. */
async function describe(scope: TenantScope, shipments: Shipment[]) {
  const ids = shipments.map((s) => s.id);
  const items = ids.length === 0 ? [] : await scope.shipmentItems.find({ where: (i) => inArray(i.shipmentId, ids) });
  const [users, products] = await Promise.all([
    usersById(
      scope,
      shipments.flatMap((s) => [s.staffId, s.approvedBy]),
    ),
    productsById(
      scope,
      items.map((i) => i.productId),
    ),
  ]);
  return shipments.map((s) => {
    const staff = users.get(s.staffId);
    const approver = s.approvedBy ? users.get(s.approvedBy) : undefined;
    const lines = items
      .filter((i) => i.shipmentId === s.id)
      .map((i) => {
        const p = products.get(i.productId);
        return {
          id: i.id,
          product: p ? productSummary(p) : null,
          quantityRequested: i.quantityRequested,
          quantityShipped: i.quantityShipped,
        };
      })
      .sort((a, b) => (a.product?.code ?? '').localeCompare(b.product?.code ?? ''));
    return {
      ...plain(s),
      staff: staff ? staffSummary(staff) : null,
      approver: approver ? staffSummary(approver) : null,
      items: lines,
    };
  });
}

/** One shipment, described. */
export async function describeOne(scope: TenantScope, shipmentId: string) {
  const [described] = await describe(scope, [await loadShipment(scope, shipmentId)]);
  if (!described) throw notFound('Shipment');
  return described;
}

async function loadShipment(scope: TenantScope, shipmentId: string): Promise<Shipment> {
  const shipment = await scope.shipments.get(shipmentId);
  if (!shipment) throw notFound('Shipment');
  return shipment;
}

/**
 * Moves a shipment from one status to the next only if it is still in one of `from`, in
 * one guarded UPDATE, so that two admins acting at once cannot both ship it.
 */
async function advance(
  scope: TenantScope,
  shipment: Shipment,
  from: readonly Shipment['status'][],
  patch: Partial<Pick<Shipment, 'status' | 'approvedBy' | 'approvedAt' | 'shippedAt' | 'note' | 'documentNo'>> & {
    updatedBy: string;
  },
): Promise<void> {
  const changed = await scope.shipments.updateWhere(
    (s) => and(eq(s.id, shipment.id), inArray(s.status, [...from])),
    patch,
  );
  if (changed !== 1) {
    await touch(scope.shipments, (s) => eq(s.id, shipment.id));
    const now = (await scope.shipments.get(shipment.id)) ?? shipment;
    throw refused('shipmentId', `this shipment is ${now.status}, not ${from.join(' or ')}`);
  }
}

const ListFilter = z.object({
  status: z.enum(SHIPMENT_STATUSES).optional(),
  staffId: id('users').optional(),
  ...offsetPage(500, 50),
});

export const RequestInput = z.object({ items: Items, note: OptionalText(255) });

/** A field worker asks the warehouse for stock; the request gets its document number at once. */
export async function requestShipment(
  write: Write,
  by: Actor,
  input: z.infer<typeof RequestInput>,
  now: Date,
  calendar: BusinessCalendar,
) {
  const staffId = by.userId;
  return withFreshNumber(() =>
    write(async (w) => {
      await loadProducts(
        w.scope,
        input.items.map((i) => i.productId),
      );
      const documentNo = await nextDocumentNo('shipment', calendar, now, latestShipmentNo(w.scope));
      const shipment = await w.scope.shipments.insert({
        documentNo,
        staffId,
        status: 'requested',
        note: input.note,
        createdBy: staffId,
      });
      const items = await w.scope.shipmentItems.insertMany(
        input.items.map((i) => ({
          shipmentId: shipment.id,
          productId: i.productId,
          quantityRequested: i.quantity,
          createdBy: staffId,
        })),
      );
      await w.audit({
        entity: 'shipments',
        entityId: shipment.id,
        after: { ...shipment, items: items.map((i) => ({ productId: i.productId, quantity: i.quantityRequested })) },
      });
      return describeOne(w.scope, shipment.id);
    }),
  );
}

export const MineInput = ListFilter.omit({ staffId: true }).default({ limit: 50, offset: 0 });

/** A worker's own requests and shipments, newest first. */
export async function myShipments(scope: TenantScope, staffId: string, input: z.infer<typeof MineInput>) {
  const rows = await scope.shipments.find({
    where: (s) => and(eq(s.staffId, staffId), input.status ? eq(s.status, input.status) : undefined),
    orderBy: (s) => [desc(s.createdAt), desc(s.id)],
    limit: input.limit,
    offset: input.offset,
  });
  return describe(scope, rows);
}

/**
 * Withdraws a request that has not been approved yet: the field worker's own, or anyone's
 * for a user who also holds warehouse shipping (the operator admin).
 */
export async function cancelShipment(w: Writer, by: Actor, shipmentId: string) {
  const shipment = await loadShipment(w.scope, shipmentId);
  if (shipment.staffId !== by.userId && !by.permissions.has(P.warehouseShipping)) {
    throw forbidden('Only the field worker who asked, or the warehouse, can cancel a request');
  }
  await advance(w.scope, shipment, ['requested'], { status: 'cancelled', updatedBy: by.userId });
  await w.audit({
    entity: 'shipments',
    entityId: shipment.id,
    before: { status: shipment.status },
    after: { status: 'cancelled' },
  });
  return describeOne(w.scope, shipment.id);
}

export const ListInput = ListFilter.default({ limit: 50, offset: 0 });

/** Every shipment of the tenant, newest first, by status and staff member. */
export async function listShipments(scope: TenantScope, input: z.infer<typeof ListInput>) {
  if (input.staffId && !(await scope.users.get(input.staffId))) throw notFound('User');
  const where = (s: Tables['shipments']['sqlite']) =>
    and(
      input.status ? eq(s.status, input.status) : undefined,
      input.staffId ? eq(s.staffId, input.staffId) : undefined,
    );
  const { rows, total } = await scope.shipments.page({
    where,
    orderBy: (s) => [desc(s.createdAt), desc(s.id)],
    limit: input.limit,
    offset: input.offset,
  });
  return { rows: await describe(scope, rows), total };
}

/** Approves a request, to be shipped. */
export async function approveShipment(w: Writer, by: Actor, shipmentId: string, now: Date) {
  const shipment = await loadShipment(w.scope, shipmentId);
  await advance(w.scope, shipment, ['requested'], {
    status: 'approved',
    approvedBy: by.userId,
    approvedAt: now,
    updatedBy: by.userId,
  });
  await w.audit({
    entity: 'shipments',
    entityId: shipment.id,
    before: { status: shipment.status },
    after: { status: 'approved', approvedBy: by.userId, approvedAt: now.toISOString() },
  });
  return describeOne(w.scope, shipment.id);
}

export const RejectInput = z.object({ shipmentId: id('shipments'), reason: Text(200) });

/** Refuses a request (before it is shipped), with the reason the worker will see as its note. */
export async function rejectShipment(w: Writer, by: Actor, input: z.infer<typeof RejectInput>) {
  const shipment = await loadShipment(w.scope, input.shipmentId);
  const note = `Rejected: ${input.reason}`.slice(0, 255);
  await advance(w.scope, shipment, ['requested', 'approved'], { status: 'rejected', note, updatedBy: by.userId });
  await w.audit({
    entity: 'shipments',
    entityId: shipment.id,
    before: { status: shipment.status, note: shipment.note },
    after: { status: 'rejected', note, reason: input.reason },
  });
  return describeOne(w.scope, shipment.id);
}

export const ShipInput = z.object({ shipmentId: id('shipments'), documentNo: DocumentNo.optional() });

/**
 * Ships an approved shipment: every item's requested quantity leaves the warehouse and
 * joins the worker's inventory, all in one transaction. Refused, with nothing moved, if
 * the warehouse holds less than an item asks for. `documentNo` replaces the number
 * given at the request (a paper delivery note's number, say); it is unique per tenant.
 */
export async function shipShipment(w: Writer, by: Actor, input: z.infer<typeof ShipInput>, now: Date) {
  const userId = by.userId;
  const shipment = await loadShipment(w.scope, input.shipmentId);
  const documentNo = input.documentNo ?? shipment.documentNo;
  if (documentNo !== shipment.documentNo) {
    const taken = await w.scope.shipments.findOne((s) => eq(s.documentNo, documentNo));
    if (taken) throw conflict(`documentNo: ${documentNo} is already in use`);
  }
  await advance(w.scope, shipment, ['approved'], {
    status: 'shipped',
    shippedAt: now,
    documentNo,
    updatedBy: userId,
  });
  const items = await w.scope.shipmentItems.find({
    where: (i) => eq(i.shipmentId, shipment.id),
    orderBy: (i) => [i.id],
  });
  const products = await loadProducts(
    w.scope,
    items.map((i) => i.productId),
  );
  const moved = [];
  for (const [n, item] of items.entries()) {
    const product = products.get(item.productId);
    if (!product) throw notFound('Product');
    const warehouse = await takeFromWarehouse(w.scope, product, item.quantityRequested, `items.${n}.quantity`, userId);
    const staff = await giveToStaff(w.scope, shipment.staffId, product.id, item.quantityRequested, now, userId);
    await w.scope.shipmentItems.update(item.id, { quantityShipped: item.quantityRequested, updatedBy: userId });
    moved.push({ productId: product.id, quantity: item.quantityRequested, warehouse, staff });
  }
  await w.audit({
    entity: 'shipments',
    entityId: shipment.id,
    before: { status: shipment.status, documentNo: shipment.documentNo },
    after: { status: 'shipped', documentNo, shippedAt: now.toISOString(), items: moved },
  });
  return describeOne(w.scope, shipment.id);
}

export const OutboundInput = z
  .object({
    from: Timestamp.optional(),
    to: Timestamp.optional(),
    staffId: id('users').optional(),
    productId: id('products').optional(),
    documentNo: DocumentNo.optional(),
    ...offsetPage(500, 100),
  })
  .default({ limit: 100, offset: 0 });

/**
 * Outbound query: the items shipped, one line per shipment and product, newest first,
 * filtered by shipping time ([from, to)), staff member, product and document number
 * (a prefix); with totals over every matching line (not only the page).
 */
export async function outbound(scope: TenantScope, input: z.infer<typeof OutboundInput>) {
  if (input.staffId && !(await scope.users.get(input.staffId))) throw notFound('User');
  if (input.productId && !(await scope.products.get(input.productId))) throw notFound('Product');
  const shipments = await scope.shipments.find({
    where: (s) =>
      and(
        eq(s.status, 'shipped'),
        input.from ? gte(s.shippedAt, input.from) : undefined,
        input.to ? lt(s.shippedAt, input.to) : undefined,
        input.staffId ? eq(s.staffId, input.staffId) : undefined,
        input.documentNo ? startsWithText(s.documentNo, input.documentNo) : undefined,
      ),
  });
  const byId = new Map(shipments.map((s) => [s.id, s]));
  const items =
    shipments.length === 0
      ? []
      : await scope.shipmentItems.find({
          where: (i) =>
            and(
              inArray(i.shipmentId, [...byId.keys()]),
              input.productId ? eq(i.productId, input.productId) : undefined,
            ),
        });
  const products = await productsById(
    scope,
    items.map((i) => i.productId),
  );
  const lines = items
    .map((i) => {
      const s = byId.get(i.shipmentId) as Shipment;
      const p = products.get(i.productId);
      return { item: i, shipment: s, product: p };
    })
    .sort(
      (a, b) =>
        (b.shipment.shippedAt?.getTime() ?? 0) - (a.shipment.shippedAt?.getTime() ?? 0) ||
        b.shipment.documentNo.localeCompare(a.shipment.documentNo) ||
        (a.product?.code ?? '').localeCompare(b.product?.code ?? ''),
    );
  const page = lines.slice(input.offset, input.offset + input.limit);
  const users = await usersById(
    scope,
    page.map((l) => l.shipment.staffId),
  );
  const staffOf = (staffId: string) => {
    const u = users.get(staffId);
    return u ? staffSummary(u) : null;
  };
  return {
    rows: page.map(({ item, shipment, product }) => ({
      shipmentId: shipment.id,
      documentNo: shipment.documentNo,
      shippedAt: shipment.shippedAt?.toISOString() ?? null,
      staff: staffOf(shipment.staffId),
      product: product ? productSummary(product) : null,
      quantity: item.quantityShipped,
      /** At the product's purchase cost, in fen. */
      value: item.quantityShipped * (product?.cost ?? 0),
    })),
    totals: {
      shipments: new Set(lines.map((l) => l.shipment.id)).size,
      lines: lines.length,
      quantity: lines.reduce((a, l) => a + l.item.quantityShipped, 0),
      value: lines.reduce((a, l) => a + l.item.quantityShipped * (l.product?.cost ?? 0), 0),
    },
  };
}
