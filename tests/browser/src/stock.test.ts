/**
 * The browser test 3: a warehouse shipment is requested by a field worker (staff1)
 * in the console, approved and shipped by the inventory admin (stock); the worker's
 * inventory shows it; a restock through the console moves it into a channel of one of the
 * worker's machines, and the restock record and the channel's new stock show.
 *
 * On the way: screenshots of the stock pages, the shipment's printable list (opened from
 * the list in its own window) and the same page under the print stylesheet, where only
 * the list shows (no menu). The demo tenant rents every module but list printing and
 * profit settlement; the manufacturer adds them first so the list can be printed.
 */
import { MODULES } from '@vmcloud/api/catalog';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_OPERATOR,
  mutate,
  query,
  screenshot,
  SCREENSHOT_DIR,
  signIn,
  signInAs,
  startConsole,
  type ConsoleHarness,
} from './console.js';
import { join } from 'node:path';

interface Channel {
  id: string;
  number: number;
  capacity: number;
  stock: number;
  free: number;
  productId: string | null;
  productCode: string | null;
  productName: string | null;
  enabled: boolean;
}
interface MyMachine {
  id: string;
  boardId: string;
  channels: Channel[];
}
interface Holdings {
  lines: { product: { id: string } | null; quantity: number }[];
}

let h: ConsoleHarness;

const heldOf = (inventory: Holdings, productId: string) =>
  inventory.lines.find((l) => l.product?.id === productId)?.quantity ?? 0;

/** Picks `label` in the Element Plus select `select` (opened by a click, options in a popper). */
async function choose(page: Page, select: string, label: string): Promise<void> {
  await page.locator(select).click();
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: label }).first().click();
}

/** Clicks the confirm button of the open message box (after typing `input`, for a prompt). */
async function answerMessageBox(page: Page, input?: string): Promise<void> {
  const box = page.locator('.el-message-box');
  await box.waitFor();
  if (input !== undefined) await box.locator('input').fill(input);
  await box.locator('.el-message-box__btns button').last().click();
  await box.waitFor({ state: 'hidden' });
}

beforeAll(async () => {
  h = await startConsole('stock');
  const maker = await signIn(h.url, '000001', 'admin');
  const tenants = await query<{ items: { id: string; code: string }[] }>(maker, 'tenants.list', {
    search: DEMO_OPERATOR,
  });
  const tenant = tenants.items.find((t) => t.code === DEMO_OPERATOR);
  if (!tenant) throw new Error('the demo operator is missing');
  await mutate(maker, 'tenants.setModules', { tenantId: tenant.id, modules: MODULES.map((m) => m.code) });
}, 180_000);

afterAll(() => h?.close());

describe('stock', () => {
  it('a shipment requested, approved and shipped reaches the field worker, and a restock moves it into a channel', async () => {
    const staffApi = await signIn(h.url, DEMO_OPERATOR, 'staff1');
    const machines = await query<MyMachine[]>(staffApi, 'machines.mine', { onlyNeedingStock: false });
    // A channel with a product and room for a few more.
    const target = machines
      .flatMap((machine) => machine.channels.map((channel) => ({ machine, channel })))
      .find(({ channel }) => channel.enabled && channel.productId && channel.free >= 3);
    if (!target?.channel.productId || !target.channel.productName) throw new Error('no channel of staff1 has room');
    const { machine, channel } = target;
    const productId = target.channel.productId;
    const productName = target.channel.productName;
    const heldBefore = heldOf(await query<Holdings>(staffApi, 'restocks.myInventory'), productId);
    const requested = 5;

    // staff1 asks the warehouse for stock.
    const staff = await h.newPage();
    await signInAs(staff, DEMO_OPERATOR, 'staff1');
    await h.open(staff, '/stock/mine');
    await staff.locator('[data-test="my-inventory-table"]').waitFor();
    await staff.locator('[data-test="request-stock"]').click();
    await choose(staff, '[data-test="item-product-0"]', productName);
    await staff.locator('[data-test="item-quantity-0"] input').fill(String(requested));
    await staff.locator('[data-test="item-quantity-0"] input').press('Tab');
    await staff.locator('[data-test="request-note"]').fill('browser test');
    await staff.locator('[data-test="request-submit"]').click();
    const firstRow = staff.locator('[data-test="my-shipments-table"] .el-table__body tr').first();
    await firstRow.getByText('待审批').waitFor();
    const documentNo = (await firstRow.locator('td').first().innerText()).trim();
    expect(documentNo).toMatch(/^CK\d{8}\d+$/);
    await screenshot(staff, 'stock-my-inventory');

    // stock approves and ships it.
    const keeper = await h.newPage();
    await signInAs(keeper, DEMO_OPERATOR, 'stock');
    await h.open(keeper, '/stock/shipments');
    const row = keeper.locator('[data-test="shipments-table"] .el-table__body tr').filter({ hasText: documentNo });
    await row.getByText('待审批').waitFor();
    const actions = row.first();
    await actions.locator('[data-test="approve"]').first().click();
    await answerMessageBox(keeper);
    await row.first().getByText('已审批').waitFor();
    await actions.locator('[data-test="ship"]').first().click();
    await keeper.locator('[data-test="ship-submit"]').click();
    await row.first().getByText('已发货').waitFor();
    await screenshot(keeper, 'stock-shipments');

    // The detail drawer.
    await row.first().getByRole('button', { name: documentNo }).click();
    const drawer = keeper.locator('[data-test="shipment-detail"]');
    await drawer.getByText(productName).first().waitFor();
    await screenshot(keeper, 'stock-shipment-detail');
    await keeper.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // The printable list, opened from the list in a window of its own.
    const [sheet] = await Promise.all([
      keeper.waitForEvent('popup'),
      actions.locator('[data-test="print"]').first().click(),
    ]);
    await sheet.locator('[data-test="print-sheet"]').getByText(documentNo).waitFor();
    await sheet.locator('[data-test="print-lines"]').getByText(productName).waitFor();
    await screenshot(sheet, 'stock-shipment-print');
    // On paper: the sheet alone, no menu or toolbar.
    await sheet.emulateMedia({ media: 'print' });
    expect(await sheet.locator('[data-test="print-sheet"]').isVisible()).toBe(true);
    expect(await sheet.locator('[data-test="side-menu"]').isVisible()).toBe(false);
    expect(await sheet.locator('[data-test="print-now"]').isVisible()).toBe(false);
    await sheet.screenshot({ path: join(SCREENSHOT_DIR, 'stock-shipment-print-paper.png') });
    await sheet.emulateMedia({ media: 'screen' });
    h.errors(keeper).assertClean();

    // staff1's inventory shows what was shipped.
    await h.open(staff, '/stock/mine');
    const held = staff.locator('[data-test="my-inventory-table"] .el-table__body tr').filter({ hasText: productName });
    await held.getByText(String(heldBefore + requested), { exact: true }).waitFor();
    expect(heldOf(await query<Holdings>(staffApi, 'restocks.myInventory'), productId)).toBe(heldBefore + requested);

    // ... and the restock moves some of it into the channel, through the console.
    const quantity = Math.min(3, channel.free);
    await h.open(staff, '/stock/restocks');
    const channels = staff.locator(`[data-test="channels-${machine.boardId}"]`);
    await channels.waitFor();
    await screenshot(staff, 'stock-restocks');
    const channelRow = channels.locator('.el-table__body tr').nth(machine.channels.indexOf(channel));
    await channelRow.locator(`[data-test="restock-${channel.number}"]`).click();
    await staff.locator('[data-test="restock-quantity"] input').fill(String(quantity));
    await staff.locator('[data-test="restock-quantity"] input').press('Tab');
    await staff.locator('[data-test="restock-submit"]').click();
    await channelRow
      .locator('[data-test="channel-stock"]')
      .getByText(`${channel.stock + quantity} / ${channel.capacity}`)
      .waitFor();

    // The restock record, and both sides of the books.
    await staff.locator('#tab-history').click();
    const record = staff.locator('[data-test="restock-history"] .el-table__body tr').first();
    await record.getByText(productName).waitFor();
    await record.getByText(`${channel.stock} → ${channel.stock + quantity}`).waitFor();
    await screenshot(staff, 'stock-restock-history');
    const after = await query<MyMachine[]>(staffApi, 'machines.mine', { onlyNeedingStock: false });
    const channelAfter = after.find((m) => m.id === machine.id)?.channels.find((c) => c.id === channel.id);
    expect(channelAfter?.stock).toBe(channel.stock + quantity);
    expect(heldOf(await query<Holdings>(staffApi, 'restocks.myInventory'), productId)).toBe(
      heldBefore + requested - quantity,
    );

    // The machine's restock list, to print.
    await h.open(staff, `/stock/machines/${machine.id}/restock-list`);
    await staff.locator('[data-test="print-lines"]').getByText(productName).first().waitFor();
    await screenshot(staff, 'stock-restock-list-print');
    h.errors(staff).assertClean();
  });

  it('shows the warehouse, what field staff hold, transfers, the outbound query and list printing', async () => {
    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'stock');

    await h.open(page, '/stock/warehouse');
    await page.locator('[data-test="warehouse-totals"]').waitFor();
    await page.locator('[data-test="warehouse-table"]').getByText('D001').waitFor();
    await screenshot(page, 'stock-warehouse');
    await page.locator('#tab-staff').click();
    await page.locator('[data-test="holdings-table"]').getByText('staff1').waitFor();
    await screenshot(page, 'stock-staff-holdings');

    await h.open(page, '/stock/transfers');
    await page
      .locator('[data-test="transfers-table"]')
      .getByText(/^DB\d+/)
      .first()
      .waitFor();
    await screenshot(page, 'stock-transfers');

    await h.open(page, '/stock/outbound');
    await page.locator('[data-test="outbound-totals"]').waitFor();
    await page
      .locator('[data-test="outbound-table"]')
      .getByText(/^CK\d+/)
      .first()
      .waitFor();
    await screenshot(page, 'stock-outbound');

    await h.open(page, '/stock/lists');
    await page
      .locator('[data-test="list-shipments"]')
      .getByText(/^CK\d+/)
      .first()
      .waitFor();
    await screenshot(page, 'stock-lists');
    h.errors(page).assertClean();
  });
});
