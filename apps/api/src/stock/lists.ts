/**
 * Printable lists (清单打印): a shipment's delivery list and a machine's restock list.
 *
 * Each procedure returns the list as structured data (for the console to lay out) and as
 * `text`: a plain-text rendering, UTF-8, lines separated by `\n`, columns aligned for a
 * monospaced font with Chinese characters counted as two columns wide. Plain text prints
 * the same on an A4 printer and an 80 mm receipt printer and needs no escaping.
 */
import { eq, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { notFound } from '../shared/errors.js';
import { productsById, productSummary, staffSummary, usersById } from './common.js';

/** Display width in a monospaced font: East Asian wide and full-width characters take two columns. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6) ||
      (cp >= 0x20000 && cp <= 0x3fffd);
    width += wide ? 2 : 1;
  }
  return width;
}

type Align = 'left' | 'right';

/** Rows of cells as aligned text columns, separated by two spaces, with a rule under the header. */
export function table(header: string[], rows: string[][], align: Align[]): string[] {
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - displayWidth(cell));
        return align[i] === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const rule = '-'.repeat(widths.reduce((a, w) => a + w, 0) + 2 * (widths.length - 1));
  return [line(header), rule, ...rows.map(line)];
}

const stamp = (d: Date | null) => (d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : '-');

const person = (u: { displayName: string; username: string } | null | undefined) =>
  u ? `${u.displayName} (${u.username})` : '-';

/** One shipment's list: document number, staff member, dates, and its items. */
export async function shipmentList(scope: TenantScope, shipmentId: string, now: Date) {
  const shipment = await scope.shipments.get(shipmentId);
  if (!shipment) throw notFound('Shipment');
  const items = await scope.shipmentItems.find({ where: (i) => eq(i.shipmentId, shipment.id) });
  const [users, products] = await Promise.all([
    usersById(scope, [shipment.staffId, shipment.approvedBy]),
    productsById(
      scope,
      items.map((i) => i.productId),
    ),
  ]);
  const staff = users.get(shipment.staffId);
  const approver = shipment.approvedBy ? users.get(shipment.approvedBy) : undefined;
  const lines = items
    .map((i) => {
      const p = products.get(i.productId);
      return {
        product: p ? productSummary(p) : null,
        quantityRequested: i.quantityRequested,
        quantityShipped: i.quantityShipped,
      };
    })
    .sort((a, b) => (a.product?.code ?? '').localeCompare(b.product?.code ?? ''));
  const totals = {
    quantityRequested: lines.reduce((a, l) => a + l.quantityRequested, 0),
    quantityShipped: lines.reduce((a, l) => a + l.quantityShipped, 0),
  };
  const text = [
    'SHIPMENT LIST 出库单',
    `Document No: ${shipment.documentNo}`,
    `Staff:       ${person(staff)}`,
    `Status:      ${shipment.status}`,
    `Requested:   ${stamp(shipment.createdAt)}`,
    `Approved:    ${stamp(shipment.approvedAt)}${approver ? ` by ${person(approver)}` : ''}`,
    `Shipped:     ${stamp(shipment.shippedAt)}`,
    ...(shipment.note ? [`Note:        ${shipment.note}`] : []),
    '',
    ...table(
      ['#', 'Code', 'Product', 'Unit', 'Requested', 'Shipped'],
      [
        ...lines.map((l, n) => [
          String(n + 1),
          l.product?.code ?? '',
          l.product?.name ?? '',
          l.product?.unit ?? '',
          String(l.quantityRequested),
          String(l.quantityShipped),
        ]),
        ['', '', 'Total', '', String(totals.quantityRequested), String(totals.quantityShipped)],
      ],
      ['right', 'left', 'left', 'left', 'right', 'right'],
    ),
    '',
    'Issued by: ____________    Received by: ____________',
    `Printed:   ${stamp(now)}`,
  ].join('\n');
  return {
    shipment: {
      id: shipment.id,
      documentNo: shipment.documentNo,
      status: shipment.status,
      note: shipment.note,
      requestedAt: shipment.createdAt.toISOString(),
      approvedAt: shipment.approvedAt?.toISOString() ?? null,
      shippedAt: shipment.shippedAt?.toISOString() ?? null,
    },
    staff: staff ? staffSummary(staff) : null,
    approver: approver ? staffSummary(approver) : null,
    lines,
    totals,
    printedAt: now.toISOString(),
    text,
  };
}

/**
 * A machine's restock list: per channel the product, capacity, stock and how many to add to
 * fill it (none for a disabled or empty-planogram channel); per product the total to add
 * and what the machine's field worker holds.
 */
export async function restockList(scope: TenantScope, machine: Row<Tables['machines']>, now: Date) {
  const channels = await scope.channels.find({
    where: (c) => eq(c.machineId, machine.id),
    orderBy: (c) => [c.number],
  });
  const held = machine.staffId
    ? await scope.staffInventory.find({ where: (t) => eq(t.staffId, machine.staffId as string) })
    : [];
  const [products, users] = await Promise.all([
    productsById(
      scope,
      channels.map((c) => c.productId),
    ),
    usersById(scope, [machine.staffId]),
  ]);
  const staff = machine.staffId ? users.get(machine.staffId) : undefined;
  const lines = channels.map((c) => {
    const p = c.productId ? products.get(c.productId) : undefined;
    return {
      channelId: c.id,
      number: c.number,
      product: p ? productSummary(p) : null,
      capacity: c.capacity,
      stock: c.stock,
      toAdd: c.enabled && p ? c.capacity - c.stock : 0,
      enabled: c.enabled,
      disabledReason: c.disabledReason,
    };
  });
  const byProduct = new Map<string, { product: ReturnType<typeof productSummary>; toAdd: number }>();
  for (const l of lines) {
    if (!l.product || l.toAdd === 0) continue;
    const entry = byProduct.get(l.product.id) ?? { product: l.product, toAdd: 0 };
    entry.toAdd += l.toAdd;
    byProduct.set(l.product.id, entry);
  }
  const heldOf = new Map(held.map((h) => [h.productId, h.quantity]));
  const takeAlong = [...byProduct.values()]
    .map((e) => ({ ...e, held: heldOf.get(e.product.id) ?? 0 }))
    .sort((a, b) => a.product.code.localeCompare(b.product.code));
  const totalToAdd = lines.reduce((a, l) => a + l.toAdd, 0);
  const text = [
    'RESTOCK LIST 补货单',
    `Machine: ${machine.name ?? '-'} (${machine.boardId})`,
    `Address: ${machine.address ?? '-'}`,
    `Staff:   ${person(staff)}`,
    `Date:    ${stamp(now)}`,
    '',
    ...table(
      ['Ch', 'Code', 'Product', 'Capacity', 'Stock', 'Add'],
      lines.map((l) => [
        String(l.number),
        l.product?.code ?? '',
        l.enabled ? (l.product?.name ?? '(no product)') : `${l.product?.name ?? ''} [disabled]`,
        String(l.capacity),
        String(l.stock),
        String(l.toAdd),
      ]),
      ['right', 'left', 'left', 'right', 'right', 'right'],
    ),
    '',
    'To take along:',
    ...table(
      ['Code', 'Product', 'Add', 'Held'],
      [
        ...takeAlong.map((e) => [e.product.code, e.product.name, String(e.toAdd), String(e.held)]),
        ['', 'Total', String(totalToAdd), ''],
      ],
      ['left', 'left', 'right', 'right'],
    ),
    '',
    'Restocked by: ____________    Checked: ____________',
  ].join('\n');
  return {
    machine: { id: machine.id, name: machine.name, boardId: machine.boardId, address: machine.address },
    staff: staff ? staffSummary(staff) : null,
    channels: lines,
    products: takeAlong,
    totalToAdd,
    printedAt: now.toISOString(),
    text,
  };
}

/** A machine's restock list, to print. */
export async function machineRestockList(scope: TenantScope, machineId: string, now: Date) {
  const machine = await scope.machines.get(machineId);
  if (!machine) throw notFound('Machine');
  return restockList(scope, machine, now);
}
