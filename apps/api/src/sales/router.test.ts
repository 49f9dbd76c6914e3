import { TRPCError } from '@trpc/server';
import { newId, type Row, type Tables } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi } from '../testing.js';

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** An RFC 4180 reader, written here so that the export is checked by something other than its writer. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || record.length) throw new Error('the last record does not end with CRLF');
  return records;
}

type Order = Row<Tables['orders']>;
const newestFirst = (a: Order, b: Order) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** The whole text of a streamed export. */
async function textOf(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] orders`, () => {
    let api: TestApi;
    let tenantId: string;
    let admin: Caller;
    let seeded: Order[];
    let machines: Row<Tables['machines']>[];

    beforeAll(async () => {
      api = await createTestApi(dialect);
      tenantId = await tenantIdOf(api.db, DEMO_CODE);
      admin = await api.signIn(DEMO_CODE, 'admin');
      const scope = api.db.forTenant(tenantId);
      seeded = (await scope.orders.find()).sort(newestFirst);
      machines = await scope.machines.find();
    });
    afterAll(async () => {
      await api?.close();
    });

    /** Every page of a list, following nextCursor. */
    async function walk(input: Parameters<Caller['orders']['list']>[0]) {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<Caller['orders']['list']>> = await admin.orders.list({ ...input, cursor });
        ids.push(...page.items.map((o) => o.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      return { ids, pages };
    }

    it('lists every seeded order newest first, page by page, each once', async () => {
      expect(seeded).toHaveLength(1352);
      const first = await admin.orders.list({ limit: 50 });
      expect(first.items.map((o) => o.id)).toEqual(seeded.slice(0, 50).map((o) => o.id));
      const top = seeded[0] as Order;
      const machine = machines.find((m) => m.id === top.machineId);
      expect(first.items[0]).toMatchObject({
        orderNo: top.orderNo,
        amount: top.amount,
        createdAt: top.createdAt.toISOString(),
        machineName: machine?.name,
      });
      const all = await walk({ limit: 500 });
      expect(all.pages).toBe(3);
      expect(all.ids).toEqual(seeded.map((o) => o.id));
    });

    it('filters by machine and time range, and pages through the filtered list', async () => {
      const machine = machines[1] as Row<Tables['machines']>;
      const from = new Date(Date.now() - 10 * 86_400_000);
      const to = new Date(Date.now() - 3 * 86_400_000);
      const expected = seeded.filter((o) => o.machineId === machine.id && o.createdAt >= from && o.createdAt < to);
      expect(expected.length).toBeGreaterThan(60);
      const { ids, pages } = await walk({ machineId: machine.id, from, to, limit: 37 });
      expect(ids).toEqual(expected.map((o) => o.id));
      expect(pages).toBe(Math.ceil(expected.length / 37));
    });

    it('filters by status, payment method and product', async () => {
      const product = seeded[7]?.productId as string;
      for (const [input, keep] of [
        [{ status: 'refunded' }, (o: Order) => o.status === 'refunded'],
        [{ paymentMethod: 'cash' }, (o: Order) => o.paymentMethod === 'cash'],
        [
          { productId: product, paymentMethod: 'qr' },
          (o: Order) => o.productId === product && o.paymentMethod === 'qr',
        ],
      ] as const) {
        const expected = seeded.filter(keep).map((o) => o.id);
        expect(expected.length).toBeGreaterThan(0);
        expect((await walk({ ...input, limit: 500 })).ids).toEqual(expected);
      }
      const none = await admin.orders.list({ status: 'vending' });
      expect(none).toEqual({ items: [], nextCursor: null });
    });

    it('refuses a malformed cursor, and ids of another tenant as if they did not exist', async () => {
      const bad = await failure(admin.orders.list({ cursor: 'page-2' }));
      expect(bad.code).toBe('BAD_REQUEST');
      expect(bad.message).toBe('cursor: must be the nextCursor of the previous page');

      await api.createOperator({ code: '200101', name: 'Other_Vending' });
      const other = await api.signIn('200101', 'operator_admin');
      expect(await other.orders.list({})).toEqual({ items: [], nextCursor: null });
      const machine = await failure(other.orders.list({ machineId: machines[0]?.id }));
      expect(machine.code).toBe('NOT_FOUND');
      expect(machine.message).toBe('Machine not found');
      const missing = await failure(other.orders.list({ machineId: newId() }));
      expect(missing.message).toBe(machine.message);
      const order = await failure(other.orders.get({ id: seeded[0]?.id as string }));
      expect(order.code).toBe('NOT_FOUND');
      expect(order.message).toBe('Order not found');
      const exported = await failure(other.orders.exportCsv({ productId: seeded[0]?.productId }));
      expect(exported.code).toBe('NOT_FOUND');
    });

    it('needs the order permission', async () => {
      const staff = await api.signIn(DEMO_CODE, 'staff1');
      expect((await failure(staff.orders.list({}))).code).toBe('FORBIDDEN');
      const finance = await api.signIn(DEMO_CODE, 'finance');
      expect((await finance.orders.list({ limit: 1 })).items).toHaveLength(1);
    });

    it('shows one order with its payments and refunds', async () => {
      const scope = api.db.forTenant(tenantId);
      const refundedOrder = seeded.find((o) => o.status === 'refunded' && o.paymentMethod === 'qr') as Order;
      const refunds = (await scope.refunds.find()).filter((r) => r.orderId === refundedOrder.id);
      const payments = (await scope.payments.find()).filter((p) => p.orderId === refundedOrder.id);
      expect(refunds).toHaveLength(1);
      const detail = await admin.orders.get({ id: refundedOrder.id });
      expect(detail.status).toBe('refunded');
      expect(detail.productName).not.toBeNull();
      expect(detail.payments.map((p) => [p.id, p.amount, p.status])).toEqual(
        payments.map((p) => [p.id, p.amount, p.status]),
      );
      expect(detail.refunds.map((r) => [r.refundNo, r.amount])).toEqual(refunds.map((r) => [r.refundNo, r.amount]));
      const cash = seeded.find((o) => o.paymentMethod === 'cash') as Order;
      const plainCash = await admin.orders.get({ id: cash.id });
      expect(plainCash.payments).toEqual([]);
      expect(plainCash.refunds).toEqual([]);
    });

    it('exports the filtered orders as RFC 4180 CSV, amounts in yuan or fen', async () => {
      const scope = api.db.forTenant(tenantId);
      const machine = machines[0] as Row<Tables['machines']>;
      // A name that needs quoting, and one that a spreadsheet would run as a formula.
      await scope.machines.update(machine.id, { name: '图书馆, "一楼"' });
      const refunded = new Map((await scope.refunds.find()).map((r) => [r.orderId, r.amount]));
      const expected = seeded.filter((o) => o.machineId === machine.id);

      const csv = await textOf(await admin.orders.exportCsv({ machineId: machine.id }));
      expect(csv).toContain('"图书馆, ""一楼"""');
      const [header, ...records] = parseCsv(csv);
      expect(header).toEqual([
        'orderNo',
        'createdAt',
        'machine',
        'boardId',
        'channel',
        'productCode',
        'product',
        'quantity',
        'price',
        'amount',
        'refunded',
        'paymentMethod',
        'status',
        'paidAt',
        'completedAt',
        'refundedAt',
        'offline',
      ]);
      expect(records.map((r) => r[0])).toEqual(expected.map((o) => o.orderNo));
      const yuanText = (fen: number) => (fen / 100).toFixed(2);
      for (const [i, o] of expected.entries()) {
        const r = records[i] as string[];
        expect(r[2]).toBe('图书馆, "一楼"');
        expect(r[8]).toBe(yuanText(o.price));
        expect(r[9]).toBe(yuanText(o.amount));
        expect(r[10]).toBe(yuanText(refunded.get(o.id) ?? 0));
        expect(r[12]).toBe(o.status);
        expect(r[13]).toBe(o.paidAt ? o.paidAt.toISOString() : '');
      }
      const total = records.reduce((s, r) => s + Math.round(Number(r[9]) * 100), 0);
      expect(total).toBe(expected.reduce((s, o) => s + o.amount, 0));

      await scope.machines.update(machine.id, { name: '=HYPERLINK("x")' });
      const fen = await admin.orders.exportCsv({ machineId: machine.id, status: 'completed', amountUnit: 'fen' });
      const [, ...fenRecords] = parseCsv(await textOf(fen));
      const completed = expected.filter((o) => o.status === 'completed');
      expect(fenRecords).toHaveLength(completed.length);
      expect(fenRecords.map((r) => Number(r[9]))).toEqual(completed.map((o) => o.amount));
      expect(fenRecords[0]?.[2]).toBe(`'=HYPERLINK("x")`);
      await scope.machines.update(machine.id, { name: machine.name });
    });

    it('pages through orders made in the same millisecond without losing or repeating one', async () => {
      const scope = api.db.forTenant(tenantId);
      const template = seeded.find((o) => o.machineId === machines[2]?.id) as Order;
      const at = new Date(Date.UTC(2020, 0, 1, 12));
      const twins = Array.from({ length: 7 }, (_, n) => ({
        ...template,
        id: newId(),
        orderNo: `T2020010100000${n}`,
        vendId: 900_000 + n,
        providerTradeNo: null,
        createdAt: at,
        updatedAt: at,
      }));
      await scope.orders.insertMany(twins);
      const expected = twins
        .map((o) => o.id)
        .sort()
        .reverse();
      const window = {
        machineId: template.machineId,
        from: new Date(Date.UTC(2019, 0, 1)),
        to: new Date(at.getTime() + 1),
      };
      const { ids, pages } = await walk({ ...window, limit: 2 });
      expect(ids).toEqual(expected);
      expect(pages).toBe(4);
      // A cursor past the end of the range: the range still bounds the page.
      const beyond = await admin.orders.list({ ...window, cursor: `${at.getTime() + 5000}.${expected[0]}` });
      expect(beyond.items.map((o) => o.id)).toEqual(expected);
    });
  });
}
