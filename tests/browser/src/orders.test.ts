/**
 * Orders over 1,000,000 rows: the list filtered by machine, a day, payment method and
 * status pages forward to its end and back, each page the rows the API gives for that
 * filter; the CSV export of the filter downloads the same orders, in the same order; an
 * order's page opens from the list.
 *
 * The database (the demo data and 1,000,000 orders over a year, every payment method, some
 * refunded and failed) is built once per build of the API (orders-database.ts) and copied
 * into the API's folder here. Times are printed: the build, the copy, each page.
 */
import { readFileSync } from 'node:fs';
import { startApi, type ApiHandle } from '@vmcloud/e2e/world';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_DIR,
  DEMO_OPERATOR,
  query,
  screenshot,
  signIn,
  signInAs,
  startConsole,
  type ConsoleHarness,
} from './console.js';
import { copyOrdersDatabase, ordersDatabase, type OrdersDatabase } from './orders-database.js';

const ORDERS = 1_000_000;
const PAGE_SIZE = 50;

let h: ConsoleHarness;
let api: ApiHandle | undefined;
let db: OrdersDatabase;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

beforeAll(async () => {
  db = await ordersDatabase(ORDERS);
  console.log(
    db.built
      ? `orders database: ${ORDERS.toLocaleString('en-US')} orders built in ${seconds(db.buildMs)} (inserting ${seconds(db.insertMs)})`
      : `orders database: found built (${ORDERS.toLocaleString('en-US')} orders, inserted in ${seconds(db.insertMs)} when built)`,
  );
  h = await startConsole('orders');
  // The harness's API runs on a fresh demo database: run it again, on the same port, on a copy of the big one.
  await h.api.proc.stop();
  const copy = copyOrdersDatabase(db, h.dir);
  console.log(`orders database: ${(copy.bytes / 1e6).toFixed(0)} MB copied in ${seconds(copy.ms)}`);
  api = await startApi(h.dir, h.api.port, { VMCLOUD_ADMIN_DIR: ADMIN_DIR });
}, 1_200_000);

afterAll(async () => {
  await api?.proc.stop();
  await h?.close();
});

interface ApiOrder {
  id: string;
  orderNo: string;
}

/** Shanghai wall-clock time, as the date picker takes it (`2026-11-27 00:00:00`). */
function shanghai(ms: number): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(ms))
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** Midnight in Shanghai, `daysAgo` days before `ms`. */
function shanghaiMidnight(ms: number, daysAgo: number): number {
  const day = shanghai(ms - daysAgo * 86_400_000).slice(0, 10);
  return Date.parse(`${day}T00:00:00+08:00`);
}

const orderNos = (page: Page) => page.locator('[data-test="order-no"]').allInnerTexts();

async function choose(page: Page, select: string, option: string) {
  await page.locator(`[data-test="${select}"]`).click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
}

/** Clicks a pager button and waits for the page it brings: answers the rows and the time it took. */
async function step(page: Page, button: 'orders-next' | 'orders-previous', n: number) {
  const before = (await orderNos(page))[0];
  const started = performance.now();
  await page.locator(`[data-test="${button}"]`).click();
  await page.waitForFunction(
    ([first, label]) =>
      document.querySelector('[data-test="order-no"]')?.textContent?.trim() !== first &&
      document.querySelector('[data-test="orders-page-number"]')?.textContent?.includes(label ?? '') === true &&
      !document.querySelector('[data-test="orders-table"] .el-loading-mask'),
    [before, `第 ${n} 页`] as const,
  );
  const ms = performance.now() - started;
  return { rows: (await orderNos(page)).map((s) => s.trim()), ms };
}

describe('orders over 1,000,000 rows', () => {
  it('filters, pages forward and back, and exports the same rows as CSV', async () => {
    const admin = await signIn(h.url, DEMO_OPERATOR, 'admin');
    const machines = await query<{ items: { id: string; name: string | null; boardId: string }[] }>(
      admin,
      'machines.list',
      { limit: 50 },
    );
    const machine = machines.items.find((m) => m.boardId === 'VMC2026A0001') ?? machines.items[0];
    if (!machine) throw new Error('no demo machine');
    // One day, ten days before the newest order, in the tenant's (and the browser's) time zone.
    const from = shanghaiMidnight(db.now, 10);
    const to = from + 86_400_000;
    const filter = {
      machineId: machine.id,
      paymentMethod: 'qr',
      status: 'completed',
      from: new Date(from),
      to: new Date(to),
    };
    const expected: string[] = [];
    for (let cursor: string | null = null; ;) {
      const page: { items: ApiOrder[]; nextCursor: string | null } = await query(admin, 'orders.list', {
        ...filter,
        limit: 500,
        cursor,
      });
      expected.push(...page.items.map((o) => o.orderNo));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(expected.length).toBeGreaterThan(PAGE_SIZE * 3);

    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'admin');
    let started = performance.now();
    await page.goto(`${h.url}/orders`);
    await page.locator('[data-test="order-no"]').first().waitFor();
    const firstLoad = performance.now() - started;
    const newest = await query<{ items: ApiOrder[] }>(admin, 'orders.list', { limit: 1 });
    expect((await orderNos(page))[0]?.trim()).toBe(newest.items[0]?.orderNo);

    // The filter, as an operator sets it.
    await page.locator('[data-test="orders-machine"]').click();
    await page.keyboard.type(machine.boardId);
    await page.locator('.el-select-dropdown__item:visible', { hasText: machine.boardId }).first().click();
    const [start, end] = [page.locator('.el-range-input').nth(0), page.locator('.el-range-input').nth(1)];
    await start.click();
    await start.fill(shanghai(from));
    await start.press('Enter');
    await end.fill(shanghai(to));
    await end.press('Enter');
    await choose(page, 'orders-method', '扫码支付');
    await choose(page, 'orders-status', '已完成');
    await page.keyboard.press('Escape');
    started = performance.now();
    await page.locator('[data-test="orders-search"]').click();
    await page.waitForFunction(
      (first) => document.querySelector('[data-test="order-no"]')?.textContent?.trim() === first,
      expected[0],
    );
    const filtered = performance.now() - started;
    // 50 a page.
    await page.locator('[data-test="orders-pager"] .el-select').click();
    await page.locator('.el-select-dropdown__item:visible', { hasText: `${PAGE_SIZE} 条/页` }).click();
    await page.waitForFunction((n) => document.querySelectorAll('[data-test="order-no"]').length === n, PAGE_SIZE);

    // Forward to the last page, then back to the first: each page the same rows both ways.
    const pages: string[][] = [(await orderNos(page)).map((s) => s.trim())];
    const times: number[] = [];
    while (await page.locator('[data-test="orders-next"]').isEnabled()) {
      const next = await step(page, 'orders-next', pages.length + 1);
      pages.push(next.rows);
      times.push(next.ms);
    }
    expect(pages.flat()).toEqual(expected);
    expect(pages.length).toBe(Math.ceil(expected.length / PAGE_SIZE));
    for (let n = pages.length - 1; n >= 1; n--) {
      const back = await step(page, 'orders-previous', n);
      expect(back.rows).toEqual(pages[n - 1]);
      times.push(back.ms);
    }
    await expect(page.locator('[data-test="orders-previous"]').isDisabled()).resolves.toBe(true);
    // The API's share: each orders.list request as the browser timed it.
    const requests = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('orders.list'))
        .map((e) => e.duration),
    );
    const sorted = [...requests].sort((a, b) => a - b);
    console.log(
      `orders.list requests over ${ORDERS.toLocaleString('en-US')} orders, as the browser timed them: ` +
        `${requests.length}, median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms, slowest ${sorted.at(-1)?.toFixed(0)} ms`,
    );
    console.log(
      `orders list over ${ORDERS.toLocaleString('en-US')} orders: first page ${firstLoad.toFixed(0)} ms, ` +
        `filtered (machine, day, method, status) ${filtered.toFixed(0)} ms, ${pages.length} pages of ${PAGE_SIZE} ` +
        `forward and back: median ${[...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]?.toFixed(0)} ms, ` +
        `slowest ${Math.max(...times).toFixed(0)} ms`,
    );
    await page.locator('[data-test="orders-page"]').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await screenshot(page, 'orders');

    // The export of the filter shown: the same orders, newest first.
    started = performance.now();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('[data-test="orders-export"]').click(),
    ]);
    const file = await download.path();
    const exported = performance.now() - started;
    expect(download.suggestedFilename()).toMatch(/^orders-\d{8}T\d{6}\.csv$/);
    const lines = readFileSync(file, 'utf8')
      .replace(/^\uFEFF/, '')
      .split('\r\n')
      .filter(Boolean);
    expect(lines[0]?.split(',').slice(0, 3)).toEqual(['orderNo', 'createdAt', 'machine']);
    const rows = lines.slice(1).map((line) => line.split(','));
    expect(rows.map((r) => r[0])).toEqual(pages.flat());
    expect(new Set(rows.map((r) => r[11]))).toEqual(new Set(['qr']));
    expect(new Set(rows.map((r) => r[12]))).toEqual(new Set(['completed']));
    for (const r of rows) {
      const at = Date.parse(r[1] ?? '');
      expect(at >= from && at < to).toBe(true);
    }
    console.log(`CSV export of ${rows.length} orders: ${exported.toFixed(0)} ms`);

    // An order's page, from the list.
    const first = pages[0]?.[0] ?? '';
    started = performance.now();
    await page.locator('[data-test="order-no"]').first().click();
    await page.locator('[data-test="order-page"] [data-test="order-no"]', { hasText: first }).waitFor();
    await page.locator('[data-test="order-history"]').waitFor();
    console.log(`an order's page from the list: ${(performance.now() - started).toFixed(0)} ms`);
    await expect(page.locator('[data-test="order-status"]').innerText()).resolves.toBe('已完成');
    await screenshot(page, 'order');
    h.errors(page).assertClean();
  });
});
