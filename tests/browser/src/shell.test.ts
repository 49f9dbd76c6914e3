/**
 * The console's shell beyond the menu: the forced password change of a new user, the
 * language switch, and the shell's own screen when the API cannot be reached.
 */
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

let h: ConsoleHarness;

beforeAll(async () => {
  h = await startConsole('shell');
});

afterAll(async () => {
  await h?.close();
});

describe('the console shell', () => {
  it('leads a new user to change the password first, then to the page they asked for', async () => {
    const admin = await signIn(h.url, DEMO_OPERATOR, 'admin');
    const roles = await query<{ id: string; key: string | null }[]>(admin, 'roles.list');
    const fieldStaff = roles.find((r) => r.key === 'field_staff');
    expect(fieldStaff).toBeDefined();
    await mutate(admin, 'users.create', {
      username: 'newhire',
      displayName: '新员工',
      password: 'Start_2026',
      roleIds: [fieldStaff?.id],
    });

    const page = await h.newPage();
    await h.open(page, '/stock/transfers');
    await signInAs(page, DEMO_OPERATOR, 'newhire', 'Start_2026');
    await page.waitForURL(/\/account\/password\?redirect=(%2F|\/)stock(%2F|\/)transfers/);
    await page.locator('[data-page="change-password"] .el-alert').waitFor();
    // No menu until the password is changed, and every page leads back here.
    await expect(page.locator('[data-test="side-menu"]').count()).resolves.toBe(0);
    await h.open(page, '/stock/mine');
    await page.waitForURL(/\/account\/password\?redirect=(%2F|\/)stock(%2F|\/)mine/);
    await screenshot(page, 'change-password');

    await page.locator('input[name="currentPassword"]').fill('Wrong_2026');
    await page.locator('input[name="newPassword"]').fill('Better_2026');
    await page.locator('input[name="confirmPassword"]').fill('Better_2026');
    await page.locator('[data-page="change-password"] button[type="submit"]').click();
    // The API's refusal lands at its field; what was typed stays.
    await page.locator('.el-form-item.is-error', { hasText: 'is wrong' }).waitFor();
    await expect(page.locator('input[name="newPassword"]').inputValue()).resolves.toBe('Better_2026');

    await page.locator('input[name="currentPassword"]').fill('Start_2026');
    await page.locator('[data-page="change-password"] button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === '/stock/mine');
    expect(await menuOf(page)).toEqual([
      { area: 'stock', items: ['/stock/transfers', '/stock/mine', '/stock/restocks'] },
    ]);
    h.errors(page).assertClean([/status of 400/]);
  });

  it('switches the whole console to English and back', async () => {
    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'admin');
    await page.locator('.console__header .language-switcher').click();
    await page.locator('.el-select-dropdown__item', { hasText: 'English' }).click();
    await page.locator('[data-menu-area="machines"]', { hasText: 'Machines' }).waitFor();
    await expect(page.locator('[data-test="lease-tag"]').innerText()).resolves.toMatch(/\d+ days of lease left/);
    await expect(page.evaluate(() => document.documentElement.lang)).resolves.toBe('en');
    await screenshot(page, 'layout-en');
    // The choice is kept in the browser.
    await page.reload();
    await page.locator('[data-menu-area="machines"]', { hasText: 'Machines' }).waitFor();
    await page.locator('.console__header .language-switcher').click();
    await page.locator('.el-select-dropdown__item', { hasText: '简体中文' }).click();
    await page.locator('[data-menu-area="machines"]', { hasText: '售货机' }).waitFor();
    h.errors(page).assertClean();
  });

  it('says when the server cannot be reached, and retries', async () => {
    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'leader');
    // A gateway answering for an API that is down.
    await page.route('**/trpc/**', (route) => route.fulfill({ status: 502, body: 'Bad Gateway' }));
    await page.reload();
    await page.locator('[data-shell-state="unreachable"]').waitFor();
    await expect(page.locator('[data-shell-state="unreachable"]').innerText()).resolves.toContain('无法连接服务器');
    await screenshot(page, 'unreachable');
    await page.unroute('**/trpc/**');
    await page.locator('[data-shell-state="unreachable"] button').click();
    await page.locator('[data-test="side-menu"]').waitFor();
    expect(new URL(page.url()).pathname).toBe('/dashboard');
    h.errors(page).assertClean([/status of 502/]);
  });
});
