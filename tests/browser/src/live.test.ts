/**
 * The browser test 4: the console follows the fleet without a reload.
 *
 * A simulated machine with its terminal (the e2e world: built, sold, stocked and activated
 * through the API) sells for cash; the open dashboard shows the sale within 5 seconds
 * (today's order count goes up, the page never reloads), and the orders list shows the
 * order (reached through the side menu, an in-page navigation). Then a motor is jammed and
 * a sale on that channel fails: the jam alarm appears on the machine's page, open on its
 * alarms tab, within 5 seconds, again without a reload.
 *
 * The world's API serves apps/admin/dist; when VMCLOUD_ADMIN_DIR names another build (a
 * local run), the API is restarted on the same port with it (the terminal reconnects).
 */
import { startApi } from '@vmcloud/e2e/world';
import { at, simulate, startWorld, type World } from '@vmcloud/e2e/world';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_DIR, CHROMIUM, DEMO_OPERATOR, DEMO_PASSWORD, query, VIEWPORT, watchErrors } from './console.js';

/** How soon the console must show what a machine did. */
const WITHIN_MS = 5_000;

let world: World;
let browser: Browser;

beforeAll(async () => {
  world = await startWorld('browser-live', 1, { stocked: 3, perChannel: 5 });
  if (process.env.VMCLOUD_ADMIN_DIR) {
    const port = world.api.port;
    await world.api.proc.stop();
    world.api = await startApi(world.dir, port, { VMCLOUD_ADMIN_DIR: ADMIN_DIR });
    world.adopt(world.api.proc);
  }
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await world?.close();
});

const machine = () => at(world.machines, 0);
const terminal = () => machine().terminal.proc;

/** A signed-in operator admin's page (zh-CN, Asia/Shanghai, 1440 px), errors collected. */
async function adminPage(): Promise<{ page: Page; errors: ReturnType<typeof watchErrors> }> {
  const context = await browser.newContext({ viewport: VIEWPORT, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(`${world.api.url}/sign-in`);
  await page.locator('input[name="tenantCode"]').fill(DEMO_OPERATOR);
  await page.locator('input[name="username"]').fill('admin');
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'), { timeout: 15_000 });
  await page.locator('.console').waitFor({ timeout: 15_000 });
  return { page, errors };
}

/** Marks the document: the mark is gone after a reload, kept across in-page navigation. */
const markDocument = (page: Page) => page.evaluate(() => Object.assign(window, { __notReloaded: true }));
const stillSameDocument = (page: Page) =>
  page.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded === true);

/** Today's paid orders as the dashboard shows them ("3 笔订单"). */
async function ordersToday(page: Page): Promise<number> {
  const text = await page.locator('[data-test="sales-today"]').innerText();
  const match = /(\d+)\s*笔订单/.exec(text);
  if (!match) throw new Error(`no order count in "${text}"`);
  return Number(match[1]);
}

/** Polls `check` until it holds; answers how long it took (ms since `since`), or fails after `ms`. */
async function within(ms: number, since: number, what: string, check: () => Promise<boolean>): Promise<number> {
  while (Date.now() - since < ms) {
    if (await check().catch(() => false)) return Date.now() - since;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not show within ${ms} ms`);
}

/** A cash sale on `channel` (a 10-yuan bill); answers when the terminal finished it and how. */
async function cashSale(channel: number): Promise<{ at: number; state: string }> {
  const from = terminal().lines.length;
  await simulate(world.sim, 'bill 1 1000');
  await terminal().waitFor((l) => l.type === 'credit', 'the bill credited', 10_000, from);
  await simulate(world.sim, `press 1 ${channel}`);
  const end = await terminal().waitFor(
    (l) => l.type === 'sale' && l.method === 'cash' && (l.state === 'done' || l.state === 'failed'),
    'the cash sale to end',
    30_000,
    from,
  );
  return { at: Date.now(), state: String(end.state) };
}

describe('the console follows the machines without a reload', () => {
  it('a sale shows on the open dashboard within 5 s, and in the orders list', async () => {
    const { page, errors } = await adminPage();
    await page.goto(`${world.api.url}/dashboard`);
    await page.locator('[data-test="sales-today"]').waitFor();
    await markDocument(page);
    const before = await ordersToday(page);

    const sale = await cashSale(at(machine().channels, 0).number);
    expect(sale.state).toBe('done');
    const took = await within(
      WITHIN_MS,
      sale.at,
      'the sale on the dashboard',
      async () => (await ordersToday(page)) > before,
    );
    console.log(`a sale reached the open dashboard ${took} ms after the machine finished it`);
    expect(await stillSameDocument(page)).toBe(true);
    // The machine appears among today's sellers with its board id (the world's machines have no name).
    await page.locator('[data-test="by-machine"]').getByText(machine().boardId).waitFor({ timeout: WITHIN_MS });

    // The order, in the orders list reached through the side menu (no reload).
    const { items } = await query<{ items: { orderNo: string; status: string }[] }>(world.admin, 'orders.list', {
      machineId: machine().machineId,
      limit: 1,
    });
    const order = at(items, 0);
    expect(order.status).toBe('completed');
    await page.locator('[data-menu-path="/orders"]').click();
    // The list is read when it opens (it does not refresh by itself): a route change and one query, on a shared CI machine.
    await page.locator('[data-test="orders-table"]').getByText(order.orderNo).waitFor({ timeout: 10_000 });
    console.log(`the order showed in the orders list ${Date.now() - sale.at} ms after the machine finished the sale`);
    expect(await stillSameDocument(page)).toBe(true);
    errors.assertClean();
  });

  it("a machine's alarm shows on its open page within 5 s", async () => {
    const { page, errors } = await adminPage();
    await page.goto(`${world.api.url}/machines/${machine().machineId}`);
    await page.locator('[data-test="machine-title"]').getByText(machine().boardId).waitFor();
    await page.getByRole('tab', { name: '告警' }).click();
    await markDocument(page);
    const alarms = page.locator(
      '.el-tab-pane:visible [data-test="alarms-table"], .el-tab-pane:visible [data-state="empty"]',
    );
    await alarms.first().waitFor();
    const jammed = page.locator('[data-test="alarms-table"] tr').filter({ hasText: '卡货' });
    expect(await jammed.count()).toBe(0);

    const channel = at(machine().channels, 1).number;
    await simulate(world.sim, `jam 1 ${channel}`);
    const sale = await cashSale(channel);
    expect(sale.state).toBe('failed');
    const took = await within(
      WITHIN_MS,
      sale.at,
      'the jam alarm on the machine page',
      async () => (await jammed.count()) > 0,
    );
    console.log(`a jam alarm reached the open machine page ${took} ms after the machine reported the failed vend`);
    await expect(jammed.first().innerText()).resolves.toContain(String(channel));
    expect(await stillSameDocument(page)).toBe(true);
    await simulate(world.sim, `clear-jam 1 ${channel}`);
    errors.assertClean();
  });
});
