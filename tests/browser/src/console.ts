/// <reference lib="dom" />
/**
 * The browser tests' harness: the real API on a fresh SQLite file with the demo data,
 * serving a built console, and Debian's chromium driven by playwright-core.
 *
 *     import { afterAll, beforeAll, expect, it } from 'vitest';
 *     import { screenshot, signInAs, startConsole, type ConsoleHarness } from './console.js';
 *
 *     let h: ConsoleHarness;
 *     beforeAll(async () => { h = await startConsole('products'); });
 *     afterAll(() => h?.close());
 *
 *     it('lists the products', async () => {
 *       const page = await h.newPage();                  // 1440x900, zh-CN, errors watched
 *       await signInAs(page, '100001', 'admin');         // lands on the user's home page
 *       await page.goto(`${h.url}/products`);            // or h.open(page, '/products')
 *       await page.getByText('可口可乐 330ml').waitFor();   // assert the page's own content first
 *       await screenshot(page, 'products');              // docs/screenshots/products.png
 *       h.errors(page).assertClean();                    // no uncaught page error, no console error
 *     });
 *
 * - `startConsole(name, { env, port })`: the API from `apps/api/dist` (build it first:
 *   `npm run build -w @vmcloud/api`) on a scratch folder, serving the console from
 *   `VMCLOUD_ADMIN_DIR` (default `apps/admin/dist`), without the demo fleet; `env` adds API
 *   settings. `h.api` is the e2e world's ApiHandle (its `proc`, `url`), so `signIn`, `query`
 *   and `mutate` of `@vmcloud/e2e/world` (re-exported here) work against `h.url` to set data
 *   up through the API. `h.stopApi()` / `h.restartApi()` take the API away and bring it back.
 * - `h.newPage()`: a page in a fresh browser context (its own cookies), 1440x900, locale
 *   zh-CN, time zone Asia/Shanghai; its console errors and uncaught errors are collected
 *   (`h.errors(page)`), and an uncaught page error fails `assertClean()`.
 * - `signInAs(page, tenantCode, username, password?)`: signs in through the sign-in page
 *   (password `Demo_2026` by default) and waits for the signed-in layout.
 * - `screenshot(page, name)`: asserts that no Element Plus error message is showing and that
 *   the page has settled (no loading mask or skeleton), hides other notices, then saves
 *   `docs/screenshots/<name>.png` (the viewport, 1440 px wide) and answers its path.
 * - `menuOf(page)`: the side menu as shown, `{ area, items: path[] }[]` (areas as keys of
 *   `shell.areas`, items as route paths).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, scratchDir } from '@vmcloud/e2e/processes';
import { DEMO_PASSWORD, startApi, type ApiHandle } from '@vmcloud/e2e/world';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export { DEMO_OPERATOR, DEMO_PASSWORD, mutate, query, signIn } from '@vmcloud/e2e/world';

/** Debian's chromium (installed by .ci/run when missing); never a downloaded browser. */
export const CHROMIUM = process.env.VMCLOUD_CHROMIUM ?? '/usr/bin/chromium';

/** Where screenshots go: the repository's docs/screenshots. */
export const SCREENSHOT_DIR = join(ROOT, 'docs', 'screenshots');

export const VIEWPORT = { width: 1440, height: 900 } as const;

/** The built console the API serves: VMCLOUD_ADMIN_DIR, else apps/admin/dist. */
export const ADMIN_DIR = process.env.VMCLOUD_ADMIN_DIR ?? join(ROOT, 'apps', 'admin', 'dist');

/** What went wrong in a page: console errors and uncaught exceptions. */
export interface PageErrors {
  /** `console.error` lines (failed requests included). */
  console: string[];
  /** Uncaught exceptions and unhandled rejections in the page. */
  uncaught: string[];
  /**
   * Fails when the page threw or logged an error; `allowConsole` lists console errors the
   * test expects. A 401 is never an error: it is how the API says no one is signed in yet.
   */
  assertClean(allowConsole?: RegExp[]): void;
}

export interface ConsoleHarness {
  api: ApiHandle;
  /** The console's origin, `http://127.0.0.1:<port>`. */
  url: string;
  /** The scratch folder of the API's database and uploads. */
  dir: string;
  browser: Browser;
  /** A page in a new browser context (cookies of its own), errors collected. */
  newPage(options?: { locale?: string }): Promise<Page>;
  /** Opens a console path (`/machines`) and waits for the network to settle. */
  open(page: Page, path: string): Promise<void>;
  /** The errors collected in `page`. */
  errors(page: Page): PageErrors;
  /** Stops the API (the console's "server unreachable" state), keeping its data. */
  stopApi(): Promise<void>;
  /** Starts the API again on the same port and data (`h.api` is then the new one). */
  restartApi(): Promise<void>;
  close(): Promise<void>;
}

/** The console's origin of each page made by newPage(). */
const ORIGINS = new WeakMap<Page, string>();

/** Starts the API with the demo data and the built console, and chromium. */
export async function startConsole(
  name: string,
  options: { env?: Record<string, string>; port?: number } = {},
): Promise<ConsoleHarness> {
  const scratch = scratchDir(`browser-${name}`);
  const env = { VMCLOUD_ADMIN_DIR: ADMIN_DIR, VMCLOUD_SEED: 'demo', ...options.env };
  let api = await startApi(scratch.path, options.port ?? 0, env);
  let browser: Browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
  } catch (error) {
    await api.proc.stop();
    scratch.remove();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  const collected = new WeakMap<Page, PageErrors>();

  async function newPage(pageOptions: { locale?: string } = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: VIEWPORT,
      locale: pageOptions.locale ?? 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      deviceScaleFactor: 1,
    });
    contexts.push(context);
    const page = await context.newPage();
    collected.set(page, watchErrors(page));
    ORIGINS.set(page, api.url);
    return page;
  }

  const harness: ConsoleHarness = {
    api,
    url: api.url,
    dir: scratch.path,
    browser,
    newPage,
    async open(page, path) {
      await page.goto(`${api.url}${path}`, { waitUntil: 'networkidle' });
    },
    errors(page) {
      const errors = collected.get(page);
      if (!errors) throw new Error('errors(page) is for pages made by newPage()');
      return errors;
    },
    async stopApi() {
      await api.proc.stop();
    },
    async restartApi() {
      await api.proc.stop();
      api = await startApi(scratch.path, api.port, env);
      harness.api = api;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await api.proc.stop();
      scratch.remove();
    },
  };
  return harness;
}

/** Collects a page's console errors and uncaught exceptions. */
export function watchErrors(page: Page): PageErrors {
  const errors: PageErrors = {
    console: [],
    uncaught: [],
    assertClean(allowConsole = []) {
      const expected = [/status of 401 \(Unauthorized\)/, ...allowConsole];
      const unexpected = errors.console.filter((line) => !expected.some((allowed) => allowed.test(line)));
      if (errors.uncaught.length > 0 || unexpected.length > 0) {
        throw new Error(
          `the page reported errors:\n${[...errors.uncaught.map((e) => `uncaught: ${e}`), ...unexpected].join('\n')}`,
        );
      }
    },
  };
  page.on('console', (message) => {
    if (message.type() === 'error') errors.console.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.uncaught.push(error.stack ?? error.message));
  return errors;
}

/**
 * Signs in through the sign-in page and waits for the signed-in layout (or the forced
 * password change). The page may be anywhere: it opens `/sign-in` first.
 */
export async function signInAs(
  page: Page,
  tenantCode: string,
  username: string,
  password: string = DEMO_PASSWORD,
): Promise<void> {
  const origin = ORIGINS.get(page);
  if (!origin) throw new Error('signInAs is for pages made by newPage()');
  if (!page.url().startsWith(`${origin}/sign-in`)) await page.goto(`${origin}/sign-in`);
  await page.locator('input[name="tenantCode"]').fill(tenantCode);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('button[type="submit"]').click();
  const refused = page.locator('.el-message--error');
  const outcome = await Promise.race([
    page
      .waitForURL((url) => !url.pathname.startsWith('/sign-in'), { timeout: 30_000 })
      .then(
        () => 'signed in',
        () => 'no answer within 30 s',
      ),
    refused.waitFor({ timeout: 30_000 }).then(
      () => 'refused',
      () => 'no answer within 30 s',
    ),
  ]);
  if (outcome === 'refused') {
    throw new Error(`sign-in of ${tenantCode}/${username} refused: ${await refused.first().innerText()}`);
  }
  if (outcome !== 'signed in') throw new Error(`sign-in of ${tenantCode}/${username}: ${outcome}`);
  await page.locator('.console').waitFor({ timeout: 30_000 });
  await page.waitForLoadState('networkidle');
}

/** Asserts no error message shows and the page has settled, then saves `docs/screenshots/<name>.png`. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await page.waitForLoadState('networkidle');
  await page
    .locator('.el-loading-mask, .el-skeleton.is-animated, [data-shell-state="loading"]')
    .first()
    .waitFor({ state: 'hidden', timeout: 10_000 })
    .catch(() => undefined);
  const error = page.locator('.el-message--error');
  if (await error.isVisible()) {
    throw new Error(`an error message shows on ${page.url()}: ${await error.first().innerText()}`);
  }
  // Notices of what just happened ("signed in", "saved") are not part of the page.
  await page.evaluate(() => document.querySelectorAll('.el-message').forEach((message) => message.remove()));
  // Let transitions (menus, tabs) finish.
  await page.waitForTimeout(300);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled' });
  return path;
}

export interface ShownMenuArea {
  area: string;
  items: string[];
}

/** The side menu as shown: each area (a key of `shell.areas`) with the paths of its pages. */
export async function menuOf(page: Page): Promise<ShownMenuArea[]> {
  await page.locator('[data-test="side-menu"]').waitFor();
  return page.locator('[data-test="side-menu"]').evaluate((menu) => {
    const out: { area: string; items: string[] }[] = [];
    for (const li of Array.from(menu.children)) {
      const single = li.querySelector(':scope > .el-tooltip__trigger [data-menu-path], :scope [data-menu-path]');
      const area = li.querySelector('[data-menu-area]')?.getAttribute('data-menu-area');
      if (!area) continue;
      if (li.classList.contains('el-sub-menu')) {
        const items = Array.from(li.querySelectorAll('[data-menu-path]')).map(
          (el) => el.getAttribute('data-menu-path') ?? '',
        );
        out.push({ area, items });
      } else {
        out.push({ area, items: [single?.getAttribute('data-menu-path') ?? ''] });
      }
    }
    return out;
  });
}
