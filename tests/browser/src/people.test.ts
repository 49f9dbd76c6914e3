/**
 * People, audit log, lease and gift codes in the console, on the demo data:
 * - the operator admin makes a role with the permission picker (its sections are the rented
 *   modules only) and a user holding it; the user signs in, must change the first password,
 *   and then sees exactly the menu of that role (the table below, written by hand from the
 *   routes' permissions: machine module = machine, ads, alarms; plus gift codes);
 * - the lease page shows the fee difference of a change, equal to the difference of the
 *   API's two quotes; a renewal is paid online, through its QR's payment page;
 * - a gift-code rule for a channel group is added;
 * - the audit log (the manufacturer's, the one the API reads) shows a change's before and
 *   after; the operator admin opening it by URL is refused with the reason;
 * - screenshots of the users, roles (and the permission picker), audit log, lease (and its
 *   payment) and gift-code pages at 1440 px.
 */
import { P } from '@vmcloud/api/catalog';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_OPERATOR,
  menuOf,
  mutate,
  query,
  screenshot,
  signIn,
  signInAs,
  startConsole,
  type ConsoleHarness,
} from './console.js';

const MANUFACTURER = '000001';

/** The menu of a role of the machine module's three permissions and gift codes: area -> pages. */
const INSPECTOR_MENU: Record<string, string[]> = {
  dashboard: ['/dashboard'],
  machines: ['/machines', '/alarms'],
  marketing: ['/ads', '/gift-codes'],
};

const YUAN = new Intl.NumberFormat('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const money = (fen: number) => `${fen < 0 ? '-' : '+'}¥${YUAN.format(Math.abs(fen) / 100)}`;

let h: ConsoleHarness;

beforeAll(async () => {
  h = await startConsole('people');
});
afterAll(() => h?.close());

/** Picks `option` in the ElSelect of the form item labelled `label` (in the open drawer or dialog). */
async function choose(page: Page, scope: string, label: string, option: string): Promise<void> {
  await page
    .locator(`${scope} .el-form-item`, { has: page.locator('label', { hasText: label }) })
    .locator('.el-select')
    .click();
  await page.locator('.el-select-dropdown__item:visible', { hasText: option }).first().click();
}

describe('people', () => {
  it("makes a role with the picker and a user with it, who signs in and sees that role's menu", async () => {
    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'admin');

    await h.open(page, '/people/roles');
    await page.locator('.el-table__body tr', { hasText: '商家管理员' }).waitFor();
    await screenshot(page, 'roles');

    await page.locator('[data-test="new-role"]').click();
    const picker = page.locator('.el-drawer .permission-picker');
    await picker.waitFor();
    // Only rented modules: the demo tenant rents neither profit settlement nor list printing.
    expect(await picker.locator('section[data-module="profit_settlement"]').count()).toBe(0);
    expect(await picker.locator('section[data-module="list_printing"]').count()).toBe(0);
    expect(await picker.locator('section[data-module="finance"]').count()).toBe(1);
    await page.locator('input[data-test="role-name"]').fill('巡检员');
    await picker.locator('section[data-module="machine"] .permission-picker__module').click();
    await picker.locator(`[data-code="${P.giftCodes}"]`).click();
    await screenshot(page, 'role-permission-picker');
    await page.locator('[data-test="save-role"]').click();
    await page.locator('.el-table__body tr', { hasText: '巡检员' }).waitFor();

    const admin = await signIn(h.url, DEMO_OPERATOR, 'admin');
    const roles = await query<{ name: string; permissions: string[] }[]>(admin, 'roles.list');
    expect(roles.find((r) => r.name === '巡检员')?.permissions).toEqual(
      [P.machine, P.ads, P.alarms, P.giftCodes].sort(),
    );

    await h.open(page, '/people/users');
    await page.locator('.el-table__body tr', { hasText: 'staff1' }).waitFor();
    await screenshot(page, 'users');

    await page.locator('[data-test="new-user"]').click();
    await page.locator('input[data-test="username"]').fill('inspector');
    await page.locator('input[data-test="display-name"]').fill('周巡检');
    await page.locator('input[data-test="password"]').fill('Start_2026');
    await choose(page, '.el-drawer', '角色', '巡检员');
    await page.locator('[data-test="save-user"]').click();
    await page.locator('.el-table__body tr', { hasText: 'inspector' }).waitFor();
    await expect
      .poll(() => page.locator('.el-table__body tr', { hasText: 'inspector' }).innerText())
      .toContain('巡检员');
    h.errors(page).assertClean();

    const user = await h.newPage();
    await signInAs(user, DEMO_OPERATOR, 'inspector', 'Start_2026');
    await user.waitForURL((url) => url.pathname === '/account/password');
    await user.locator('input[name="currentPassword"]').fill('Start_2026');
    await user.locator('input[name="newPassword"]').fill('Inspect_2026');
    await user.locator('input[name="confirmPassword"]').fill('Inspect_2026');
    await user.locator('button[type="submit"]').click();
    await user.waitForURL((url) => url.pathname !== '/account/password');
    const menu = Object.fromEntries((await menuOf(user)).map((a) => [a.area, a.items]));
    expect(menu).toEqual(INSPECTOR_MENU);

    // A page outside the role, opened by its URL, is refused.
    await h.open(user, '/people/users');
    await user.locator('.refusal-page').waitFor();
    h.errors(user).assertClean([/403|Forbidden/i]);
  });

  it('shows the fee difference of a change of the lease for the rest of it, as the API quotes it', async () => {
    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'admin');
    await h.open(page, '/lease');
    await page.locator('[data-test="renew-fee"]').waitFor();
    await expect.poll(() => page.locator('[data-test="days-left"]').innerText()).toMatch(/\d+ 天/);

    const admin = await signIn(h.url, DEMO_OPERATOR, 'admin');
    const lease = await query<{ machineQuota: number; modules: { code: string }[] }>(admin, 'lease.status');
    const modules = lease.modules.map((m) => m.code);
    const quote = await query<{ difference: number }>(admin, 'lease.quoteChange', {
      modules,
      machines: lease.machineQuota + 10,
    });

    const machines = page.locator('[data-test="change-machines"] input');
    await machines.fill(String(lease.machineQuota + 10));
    await machines.press('Tab');
    const difference = page.locator('[data-test="fee-difference"]');
    await expect.poll(() => difference.innerText()).toBe(money(quote.difference));
    await page.locator('[data-test="lease-change"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'lease');
    h.errors(page).assertClean();
  });

  it("pays a renewal online: the QR's page paid on a phone, the order shows paid and the lease runs on", async () => {
    const admin = await signIn(h.url, DEMO_OPERATOR, 'admin');
    const before = await query<{ leaseEndsAt: string }>(admin, 'lease.status');
    const renewal = await mutate<{ id: string; orderNo: string }>(admin, 'lease.renew', { months: 1 });
    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'admin');
    await h.open(page, '/lease');
    await page.locator('[data-test="pay-order"]').first().click();
    const dialog = page.locator('[data-test="lease-pay-dialog"]');
    await dialog.locator('[data-test="lease-pay-qr"]').waitFor();
    await expect.poll(() => dialog.locator('[data-test="lease-pay-countdown"]').innerText()).toMatch(/\d\d:\d\d/);
    expect(await dialog.innerText()).toContain(renewal.orderNo);
    await screenshot(page, 'lease-pay');

    // The phone that scanned the QR: the payment provider's page.
    const payPage = await dialog.locator('[data-test="lease-pay-page"]').getAttribute('href');
    const phone = await h.newPage();
    await phone.goto(payPage ?? '');
    await phone.locator('button[value="pay"]').click();
    await phone.close();

    await dialog.waitFor({ state: 'hidden' });
    await page.getByText(`订单 ${renewal.orderNo} 已支付，租期已更新`).waitFor();
    const after = await query<{ leaseEndsAt: string; orders: { id: string; status: string }[] }>(admin, 'lease.status');
    expect(after.orders.find((o) => o.id === renewal.id)?.status).toBe('paid');
    expect(Date.parse(after.leaseEndsAt)).toBeGreaterThan(Date.parse(before.leaseEndsAt));
    h.errors(page).assertClean();
  });

  it('lists gift codes and adds a rule for a channel group', async () => {
    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'admin');
    await h.open(page, '/gift-codes');
    await page.locator('[data-test="gift-codes"] .el-table__body tr').first().waitFor();
    await screenshot(page, 'gift-codes');

    await page.locator('[data-test="new-rule"]').click();
    await page.locator('input[data-test="rule-name"]').fill('夏日饮品促销');
    await choose(page, '.el-dialog', '触发方式', '货道组促销');
    await page
      .locator('.el-dialog .el-form-item', { has: page.locator('label', { hasText: '货道组名称' }) })
      .locator('input')
      .fill('夏日饮品');
    await page.locator('[data-test="save-rule"]').click();
    await page.locator('.el-tabs__item', { hasText: '发码规则' }).click();
    await page.locator('[data-test="gift-rules"] .el-table__body tr', { hasText: '夏日饮品促销' }).waitFor();
    expect(await page.locator('[data-test="gift-rules"]').innerText()).toContain('从名为“夏日饮品”的货道组出货');
    h.errors(page).assertClean();
  });

  it("shows the audit log's before and after, and refuses it to a group admin with the reason", async () => {
    const factory = await signIn(h.url, MANUFACTURER, 'admin');
    const modules = await query<{ id: string; code: string; description: string | null }[]>(
      factory,
      'catalog.modules.list',
    );
    const ads = modules.find((m) => m.code === 'user');
    if (!ads) throw new Error('no user module');
    await mutate(factory, 'catalog.modules.update', { moduleId: ads.id, description: '账号、角色与组的管理' });

    const page = await h.newPage();
    await signInAs(page, MANUFACTURER, 'admin');
    await h.open(page, '/audit');
    const row = page.locator('[data-test="audit"] .el-table__body tr', { hasText: 'catalog.modules.update' }).first();
    await row.waitFor();
    await row.locator('.el-table__expand-icon').click();
    const diff = page.locator('.audit-page__diff').first();
    await diff.waitFor();
    expect(await diff.locator('tr', { hasText: 'description' }).innerText()).toContain('账号、角色与组的管理');
    await screenshot(page, 'audit-log');
    h.errors(page).assertClean();

    // The operator admin reads its own tenant's log there; a group admin may not.
    const operator = await h.newPage();
    await signInAs(operator, DEMO_OPERATOR, 'leader');
    await h.open(operator, '/audit');
    await operator.locator('.refusal-page').waitFor();
    expect(await operator.locator('.refusal-page__reason').innerText()).not.toBe('');
  });
});
