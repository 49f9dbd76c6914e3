/**
 * The fleet pages on the demo data, at 1440 px: the dashboard, the machines list and a
 * machine's page, each screenshotted after asserting its own content; and a planogram edit
 * the API refuses (a channel's capacity below its stock), whose message shows at the field
 * while the form keeps what was typed; and an alarm assigned to a field worker, then its
 * repair recorded.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR, query, screenshot, signIn, signInAs, startConsole, type ConsoleHarness } from './console.js';

interface FleetMachine {
  id: string;
  boardId: string;
  name: string | null;
  online: boolean;
}
interface Channel {
  id: string;
  number: number;
  capacity: number;
  stock: number;
  productName: string | null;
  enabled: boolean;
}

let h: ConsoleHarness;
let page: Page;
let machines: FleetMachine[];

beforeAll(async () => {
  h = await startConsole('machines');
  const admin = await signIn(h.url, DEMO_OPERATOR, 'admin');
  machines = (await query<{ items: FleetMachine[] }>(admin, 'dashboard.fleet', {})).items;
  page = await h.newPage();
  await signInAs(page, DEMO_OPERATOR, 'admin');
});

afterAll(async () => {
  await h?.close();
});

const first = () => {
  const machine = machines[0];
  if (!machine) throw new Error('the demo has no machines');
  return machine;
};

describe('the fleet pages on the demo data', () => {
  it('the dashboard: sales, charts, machines, low channels and alarms', async () => {
    await h.open(page, '/dashboard');
    await page.locator('[data-test="sales-last30Days"]').getByText('笔订单').waitFor();
    const month = await page.locator('[data-test="sales-last30Days"]').innerText();
    expect(month).toMatch(/¥[\d,]+\.\d\d/);
    expect(month).not.toMatch(/¥0\.00/);
    await expect(page.locator('[data-test="machines"]').innerText()).resolves.toMatch(/在线 \d+/);
    await page
      .locator('[data-test="by-machine"]')
      .getByText(first().name ?? first().boardId)
      .waitFor();
    await expect(page.locator('[data-test="top-products"] tbody tr').count()).resolves.toBeGreaterThan(0);
    await expect(page.locator('.sales-chart canvas').count()).resolves.toBe(2);
    await screenshot(page, 'dashboard');
    h.errors(page).assertClean();
  });

  it('the machines list: each machine with its live status', async () => {
    await h.open(page, '/machines');
    const rows = page.locator('[data-test="machines-table"] .el-table__body-wrapper tbody tr');
    await rows.first().waitFor();
    await expect(rows.count()).resolves.toBe(machines.length);
    for (const m of machines) await page.locator('[data-test="machines-table"]').getByText(m.boardId).first().waitFor();
    await expect(rows.first().innerText()).resolves.toMatch(/在线|离线/);
    await screenshot(page, 'machines');

    // A filter by board id, answered by the server.
    await page.locator('input[data-test="filter-board"]').fill(first().boardId.toLowerCase());
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    h.errors(page).assertClean();
  });

  it("a machine's page: where it stands, its channels, and the sticker", async () => {
    await h.open(page, `/machines/${first().id}`);
    await page.locator('[data-test="machine-info"]').getByText(first().boardId).waitFor();
    const cells = page.locator('[data-test="channel-grid"] [data-channel]');
    await cells.first().waitFor();
    await expect(cells.count()).resolves.toBeGreaterThan(0);
    await expect(cells.first().innerText()).resolves.toMatch(/¥\d+\.\d\d/);
    await screenshot(page, 'machine');

    await page.getByRole('tab', { name: '顾客二维码' }).click();
    await page.locator('[data-test="sticker-qr"]').waitFor();
    await expect(page.locator('[data-test="sticker-url"]').innerText()).resolves.toMatch(
      new RegExp(`^${h.url.replace(/\./g, '\\.')}/m/\\S+$`),
    );
    await page.getByRole('tab', { name: '货道' }).click();
    h.errors(page).assertClean();
  });

  it('a refused planogram save shows the API message at the field and keeps the typed value', async () => {
    const admin = await signIn(h.url, DEMO_OPERATOR, 'admin');
    const channels = await query<Channel[]>(admin, 'channels.list', { machineId: first().id });
    const stocked = channels.filter((c) => c.enabled && c.stock > 1).sort((a, b) => b.stock - a.stock)[0];
    if (!stocked) throw new Error('no stocked channel in the demo');
    const tooSmall = stocked.stock - 1;

    await h.open(page, `/machines/${first().id}`);
    await page.locator(`[data-test="channel-grid"] [data-channel="${stocked.number}"]`).click();
    const editor = page.locator('[data-test="channel-editor"]');
    await editor.waitFor();
    const capacity = editor.locator('[data-test="channel-capacity"] input');
    await capacity.fill(String(tooSmall));
    await capacity.press('Tab');
    await page.locator('[data-test="channel-save"]').click();
    const field = editor.locator('.el-form-item').filter({ has: page.locator('[data-test="channel-capacity"]') });
    await field.locator('.el-form-item__error').getByText(`less than the ${stocked.stock} in stock`).waitFor();
    await expect(capacity.inputValue()).resolves.toBe(String(tooSmall));
    await screenshot(page, 'machine-planogram-refused');
    // Nothing changed on the platform.
    const after = await query<Channel[]>(admin, 'channels.list', { machineId: first().id });
    expect(after.find((c) => c.id === stocked.id)?.capacity).toBe(stocked.capacity);
    h.errors(page).assertClean([/400|Bad Request/]);
  });

  it('the alarms page: an alarm assigned to a field worker, then its repair recorded', async () => {
    // A page of its own: the one above saw the planogram's refusal.
    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'admin');
    await h.open(page, '/alarms');
    const offline = page.locator('[data-test="alarms-table"] tbody tr').filter({ hasText: '离线' }).first();
    await offline.waitFor();
    await offline.getByRole('button', { name: '派单' }).click();
    await page.locator('[data-test="assign-user"]').click();
    await page.locator('.el-select-dropdown__item:visible').filter({ hasText: '张伟' }).click();
    await page.locator('[data-test="assign-save"]').click();
    await offline.locator('[data-test="alarm-assignee"]').getByText('张伟').waitFor();

    await offline.getByRole('button', { name: '登记维修' }).click();
    await page.locator('textarea[data-test="repair-note"]').fill('重启了 4G 模块，心跳恢复');
    await page.locator('[data-test="repair-save"]').click();
    await offline.locator('[data-test="alarm-repair"]').getByText('重启了 4G 模块，心跳恢复').waitFor();
    await expect(offline.innerText()).resolves.toContain('已恢复');
    await expect(offline.getByRole('button', { name: '登记维修' }).count()).resolves.toBe(0);
    // The table is wider than the page: the screenshot shows its right end, the state, assignee and repair.
    await page
      .locator('[data-test="alarms-table"] .el-table__body-wrapper .el-scrollbar__wrap')
      .evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await screenshot(page, 'alarms');
    h.errors(page).assertClean();
  });
});
