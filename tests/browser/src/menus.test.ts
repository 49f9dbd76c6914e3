/**
 * Each operator role of the demo tenant sees exactly the menu its permissions and its
 * tenant's modules give, and a page opened by its URL without the right is refused with
 * the reason.
 *
 * The table below is written by hand from the role templates (apps/api/src/access/catalog.ts,
 * ROLE_TEMPLATES) and the demo tenant's modules (apps/api/src/seed/demo.ts: every module but
 * `profit_settlement` and `list_printing`), page by page against each route's permission
 * and module (apps/admin/src/router/routes/*.ts). It is NOT derived from the console's own
 * mapping: a page added to the menu fails this test until it is added here.
 *
 *   admin   operator_admin  every operator permission (of rented modules), and the two no
 *                           module gates: renewing the lease and the audit log
 *   leader  group_admin     user, user_group, machine, machine_group, channel, channel_group,
 *                           order, transfer, staff_info, turnover_statistics
 *   staff1  field_staff     my_turnover, my_machines, my_inventory, transfer
 *   stock   inventory_admin product, warehouse_shipping, outbound_query, list_printing (not
 *                           rented), transfer, goods_settlement
 *   finance finance_admin   finance, profit_settlement (not rented), profit_query,
 *                           turnover_statistics, order, goods_settlement, payment accounts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR, menuOf, screenshot, signInAs, startConsole, type ConsoleHarness } from './console.js';

type Menu = Record<string, string[]>;

/** role -> area -> the pages' paths, in menu order. */
const MENUS: Record<string, Menu> = {
  admin: {
    dashboard: ['/dashboard'],
    machines: ['/machines', '/alarms'],
    products: ['/products'],
    stock: [
      '/stock/warehouse',
      '/stock/shipments',
      '/stock/transfers',
      '/stock/outbound',
      '/stock/mine',
      '/stock/restocks',
    ],
    sales: ['/orders'],
    finance: [
      '/finance/turnovers',
      '/finance/statistics',
      '/finance/monthly',
      '/finance/goods-settlement',
      '/finance/profit',
      '/finance/payment-accounts',
    ],
    marketing: ['/ads', '/gift-codes'],
    people: ['/people/users', '/people/roles', '/people/groups'],
    system: ['/lease', '/audit', '/custom-fields'],
  },
  leader: {
    dashboard: ['/dashboard'],
    machines: ['/machines'],
    stock: ['/stock/transfers'],
    sales: ['/orders'],
    finance: ['/finance/statistics'],
    people: ['/people/users', '/people/groups'],
  },
  staff1: {
    stock: ['/stock/transfers', '/stock/mine', '/stock/restocks'],
  },
  stock: {
    products: ['/products'],
    stock: ['/stock/warehouse', '/stock/shipments', '/stock/transfers', '/stock/outbound'],
    finance: ['/finance/goods-settlement'],
  },
  finance: {
    sales: ['/orders'],
    finance: [
      '/finance/turnovers',
      '/finance/statistics',
      '/finance/monthly',
      '/finance/goods-settlement',
      '/finance/profit',
      '/finance/payment-accounts',
    ],
  },
};

/** Pages opened by URL by a user who may not open them, and the reason the refusal must give. */
const REFUSALS: { username: string; path: string; kind: string; reason: RegExp }[] = [
  { username: 'staff1', path: '/products', kind: 'permission', reason: /您没有「商品管理」权限（00108）/ },
  { username: 'finance', path: '/people/users', kind: 'permission', reason: /您没有「用户管理」权限（00101）/ },
  // Only the operator admin reads the tenant's audit log.
  { username: 'leader', path: '/audit', kind: 'permission', reason: /您没有「审计日志」权限（00129）/ },
  // The demo tenant does not rent list printing: not even its administrator may open it.
  { username: 'admin', path: '/stock/lists', kind: 'module', reason: /本租户未租用「清单打印」模块/ },
  { username: 'stock', path: '/stock/lists', kind: 'module', reason: /本租户未租用「清单打印」模块/ },
];

let h: ConsoleHarness;

beforeAll(async () => {
  h = await startConsole('menus');
});

afterAll(async () => {
  await h?.close();
});

describe('the console menu of each operator role', () => {
  it('shows the sign-in page', async () => {
    const page = await h.newPage();
    await h.open(page, '/');
    await page.waitForURL(/\/sign-in/);
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await expect(page.locator('input[name="tenantCode"]').isVisible()).resolves.toBe(true);
    await screenshot(page, 'sign-in');
    h.errors(page).assertClean();
  });

  for (const [username, expected] of Object.entries(MENUS)) {
    it(`${username} sees exactly its menu`, async () => {
      const page = await h.newPage();
      await signInAs(page, DEMO_OPERATOR, username);
      const shown = await menuOf(page);
      const asTable = Object.fromEntries(shown.map((area) => [area.area, area.items]));
      expect(asTable).toEqual(expected);
      // Areas in the console's order.
      expect(shown.map((a) => a.area)).toEqual(Object.keys(expected));
      await expect(page.locator('[data-test="tenant"]').innerText()).resolves.toContain('Demo_Vending');
      if (username === 'admin') {
        await expect(page.locator('[data-test="lease-tag"]').innerText()).resolves.toMatch(/租期剩余 \d+ 天/);
        await screenshot(page, 'layout');
      }
      h.errors(page).assertClean();
    });
  }

  for (const refusal of REFUSALS) {
    it(`refuses ${refusal.path} to ${refusal.username}, saying why`, async () => {
      const page = await h.newPage();
      await signInAs(page, DEMO_OPERATOR, refusal.username);
      await h.open(page, refusal.path);
      const result = page.locator(`[data-refusal="${refusal.kind}"]`);
      await result.waitFor();
      await expect(result.innerText()).resolves.toMatch(refusal.reason);
      expect(new URL(page.url()).pathname).toBe(refusal.path);
      if (refusal.username === 'staff1') await screenshot(page, 'refused');
      h.errors(page).assertClean();
    });
  }

  it('sends a signed-out visitor to sign in and back to the page asked for', async () => {
    const page = await h.newPage();
    await h.open(page, '/stock/transfers');
    await page.waitForURL(/\/sign-in\?redirect=/);
    await signInAs(page, DEMO_OPERATOR, 'staff1');
    expect(new URL(page.url()).pathname).toBe('/stock/transfers');
    h.errors(page).assertClean();
  });

  it('shows a page that does not exist as not found, and signs out', async () => {
    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'leader');
    await h.open(page, '/no/such/page');
    await page.locator('[data-page="not-found"]').waitFor();
    await page.locator('[data-test="user-menu"]').click();
    await page.locator('[data-test="sign-out"]').click();
    await page.waitForURL(/\/sign-in/);
    await h.open(page, '/dashboard');
    await page.waitForURL(/\/sign-in\?redirect=(%2F|\/)dashboard/);
    h.errors(page).assertClean();
  });
});
