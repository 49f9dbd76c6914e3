/**
 * The console's speed, measured and printed (goals, not assertions):
 *
 * - first load: a signed-in operator opens the console with an empty browser cache, until
 *   the dashboard shows its figures (goal under 1.5 s);
 * - a route change: a click in the side menu until the next page shows its rows (goal
 *   under 300 ms);
 * - the JavaScript loaded until the dashboard is interactive, gzipped (goal under 500 KB):
 *   the API serves files as they are, so each script response's body is gzipped here
 *   (zlib, level 6, what a reverse proxy would send) and summed.
 *
 * Each figure is the median of RUNS runs. The README's Console section quotes them.
 */
import { gzipSync } from 'node:zlib';
import type { Page, Response } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_OPERATOR, signInAs, startConsole, type ConsoleHarness } from './console.js';

const RUNS = 5;

const GOALS = { firstLoadMs: 1500, routeChangeMs: 300, javascriptKb: 500 } as const;

let h: ConsoleHarness;

beforeAll(async () => {
  h = await startConsole('performance');
});

afterAll(async () => {
  await h?.close();
});

type Timed = Window & { __shownAt?: number; __settledAt?: number; __clickedAt?: number };

interface Arrival {
  /** The page's component is in the layout (its own loading state may still show). */
  shown: number;
  /** The page shows its data: no loading state left. */
  settled: number;
}

/**
 * Resolves with the page's clock (`performance.now()`, ms since the navigation started)
 * at the first animation frames where the layout's main area shows `path` (shown), and
 * shows it with no loading state left (settled).
 */
async function arrival(page: Page, path: string): Promise<Arrival> {
  await page.evaluate(() => {
    delete (window as Timed).__shownAt;
    delete (window as Timed).__settledAt;
  });
  await page.waitForFunction(
    (expected) => {
      const timed = window as Timed;
      if (location.pathname !== expected) return false;
      const main = document.querySelector('.console__main');
      if (!main || main.children.length === 0) return false;
      timed.__shownAt ??= performance.now();
      if (main.querySelector('[data-state="loading"], .el-skeleton, .el-loading-mask')) return false;
      timed.__settledAt = performance.now();
      return true;
    },
    path,
    { polling: 'raf', timeout: 30_000 },
  );
  return page.evaluate(() => ({
    shown: (window as Timed).__shownAt ?? NaN,
    settled: (window as Timed).__settledAt ?? NaN,
  }));
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
};

interface Script {
  url: string;
  bytes: number;
  gzipped: number;
}

async function firstLoad(page: Page): Promise<{ at: Arrival; scripts: Script[] }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.clearBrowserCache');
  const scripts: Promise<Script | null>[] = [];
  const onResponse = (response: Response) => {
    if (response.request().resourceType() !== 'script') return;
    scripts.push(
      response
        .body()
        .then((body) => ({ url: new URL(response.url()).pathname, bytes: body.length, gzipped: gzipSync(body).length }))
        .catch(() => null),
    );
  };
  page.on('response', onResponse);
  await page.goto(`${h.url}/dashboard`);
  const at = await arrival(page, '/dashboard');
  page.off('response', onResponse);
  const loaded = (await Promise.all(scripts)).filter((s): s is Script => s !== null);
  return { at, scripts: loaded };
}

async function routeChange(page: Page, path: string): Promise<Arrival> {
  // Click once the page before has finished its work (charts drawn, requests answered), as a user would.
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1000);
  const item = page.locator(`[data-menu-path="${path}"]`);
  // The click's time, taken in the page as the click event arrives.
  await item.evaluate((el) =>
    el.addEventListener('click', () => ((window as Timed).__clickedAt = performance.now()), {
      once: true,
      capture: true,
    }),
  );
  await item.click();
  const at = await arrival(page, path);
  const clicked = await page.evaluate(() => (window as Timed).__clickedAt ?? NaN);
  return { shown: at.shown - clicked, settled: at.settled - clicked };
}

it('measures the first load, a route change and the JavaScript loaded', async () => {
  const page = await h.newPage();
  await signInAs(page, DEMO_OPERATOR, 'admin');

  const loads: Arrival[] = [];
  const changes: Arrival[] = [];
  const warmChanges: Arrival[] = [];
  let scripts: Script[] = [];
  for (let run = 0; run < RUNS; run++) {
    const load = await firstLoad(page);
    loads.push(load.at);
    scripts = load.scripts;
    // The first visit of a page loads its chunk; the second finds it loaded.
    changes.push(await routeChange(page, '/orders'));
    await routeChange(page, '/dashboard');
    warmChanges.push(await routeChange(page, '/orders'));
  }

  const total = scripts.reduce((sum, s) => sum + s.gzipped, 0);
  const raw = scripts.reduce((sum, s) => sum + s.bytes, 0);
  const kb = (n: number) => Math.round(n / 102.4) / 10;
  const ms = (runs: Arrival[], key: keyof Arrival) => `${Math.round(median(runs.map((r) => r[key])))} ms`;
  const rows = [
    ['first load until the dashboard is interactive (cold cache)', ms(loads, 'settled'), `< ${GOALS.firstLoadMs} ms`],
    ['  of which until the dashboard frame shows', ms(loads, 'shown'), ''],
    ['route change, dashboard -> orders (chunk not loaded yet)', ms(changes, 'settled'), `< ${GOALS.routeChangeMs} ms`],
    ['  of which until the orders page frame shows', ms(changes, 'shown'), ''],
    ['route change, dashboard -> orders (chunk loaded)', ms(warmChanges, 'settled'), `< ${GOALS.routeChangeMs} ms`],
    ['  of which until the orders page frame shows', ms(warmChanges, 'shown'), ''],
    [
      'JavaScript until the dashboard is interactive (gzip)',
      `${kb(total)} KB (${kb(raw)} KB raw, ${scripts.length} files)`,
      `< ${GOALS.javascriptKb} KB`,
    ],
  ];
  const width = Math.max(...rows.map((r) => r[0]?.length ?? 0));
  const table = [
    `console performance (median of ${RUNS} runs; goals, not assertions)`,
    ...rows.map(
      ([what, measured, goal]) => `  ${what?.padEnd(width)}  ${measured?.padEnd(34)}  ${goal ? `goal ${goal}` : ''}`,
    ),
    '  scripts of the first load, gzipped:',
    ...scripts
      .sort((a, b) => b.gzipped - a.gzipped)
      .map((s) => `    ${String(kb(s.gzipped)).padStart(7)} KB  ${s.url}`),
  ].join('\n');
  console.log(table);

  // Measured, not judged: only check that there was something to measure.
  expect(loads.every((load) => load.settled > 0)).toBe(true);
  expect(scripts.length).toBeGreaterThan(0);
  h.errors(page).assertClean();
});
