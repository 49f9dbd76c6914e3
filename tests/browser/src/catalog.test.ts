/**
 * The catalogue, as an operator works it in the console:
 *
 * - an operator adds a product with an image (a real PNG file chosen in the dialog), puts
 *   it in a channel of a machine with its price on the machine's page, the page shows it,
 *   and the machine's terminal receives it in its config (its `config_applied` line);
 * - a failed save (a product code that another product has) shows the API's message at the
 *   code field, and the form keeps what was typed.
 *
 * The machine is a simulated one with its terminal, set up through the API as the e2e
 * world does (built and sold by the manufacturer, activated with the operator's code).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import {
  MANUFACTURER,
  startSimulator,
  startTerminal,
  type SimulatorHandle,
  type TerminalHandle,
} from '@vmcloud/e2e/world';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_OPERATOR,
  mutate,
  query,
  screenshot,
  signIn,
  signInAs,
  startConsole,
  type ConsoleHarness,
} from './console.js';

let h: ConsoleHarness;
let sim: SimulatorHandle | undefined;
let terminal: TerminalHandle | undefined;
let machineId: string;

const BOARD_ID = 'SIM000001';

/** CRC-32 of PNG chunks. */
function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

/** A 96x96 PNG: a lemon-yellow can on a white ground. */
function productPng(): Buffer {
  const size = 96;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const inCan = x >= 28 && x < 68 && y >= 12 && y < 84;
      const band = inCan && y >= 40 && y < 56;
      const [r, g, b] = band ? [40, 140, 60] : inCan ? [250, 214, 40] : [255, 255, 255];
      row.writeUInt8(r, 1 + x * 3);
      row.writeUInt8(g, 2 + x * 3);
      row.writeUInt8(b, 3 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(2, 9); // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

beforeAll(async () => {
  h = await startConsole('catalog');
  sim = await startSimulator(1);
  const maker = await signIn(h.url, MANUFACTURER, 'admin');
  const admin = await signIn(h.url, DEMO_OPERATOR, 'admin');
  const types = await query<{ id: string; model: string }[]>(maker, 'factory.machineTypes.list');
  const type = types.find((t) => t.model === 'VMC-C20');
  const tenants = await query<{ items: { id: string; code: string }[] }>(maker, 'tenants.list', { search: 'Demo' });
  const operator = tenants.items.find((t) => t.code === DEMO_OPERATOR);
  if (!type || !operator) throw new Error('no VMC-C20 type or demo operator');
  const built = await mutate<{ id: string }>(maker, 'factory.machines.add', {
    boardId: BOARD_ID,
    typeId: type.id,
    price: 300_000,
  });
  await mutate(maker, 'factory.machines.sell', { machineId: built.id, operatorId: operator.id });
  machineId = built.id;
  const { code } = await mutate<{ code: string }>(admin, 'machines.issueActivationCode', { machineId });
  terminal = await startTerminal(h.url, sim.ports[0] as number, join(h.dir, 'terminal-1'), code);
}, 180_000);

afterAll(async () => {
  await terminal?.proc.stop();
  await sim?.proc.stop();
  await h?.close();
});

const field = (page: Page, test: string) => page.locator(`.product-dialog [data-test="${test}"]`);

/** The input of an ElInputNumber (its data-test lands on the component's root or on its input). */
const numberInput = (page: Page, test: string) =>
  page.locator(`[data-test="${test}"] input, input[data-test="${test}"]`).first();

/** The error shown at the form item holding `test`. */
const errorAt = (page: Page, test: string) =>
  page.locator('.el-form-item', { has: page.locator(`[data-test="${test}"]`) }).locator('.el-form-item__error');

async function fillProduct(page: Page, p: { code: string; name: string; unit: string; cost: string; price: string }) {
  await field(page, 'product-code').fill(p.code);
  await field(page, 'product-name').fill(p.name);
  await field(page, 'product-unit').fill(p.unit);
  for (const [test, value] of [
    ['product-cost', p.cost],
    ['product-price', p.price],
  ] as const) {
    const input = numberInput(page, test);
    await input.fill(value);
    await input.blur();
  }
}

const LEMON_TEA = { code: 'T900', name: '柠檬茶 500ml', unit: '瓶', cost: '2.10', price: '4.50' };

describe('the catalogue in the console', () => {
  it('adds a product with an image, puts it in a channel with a price, and the terminal receives it', async () => {
    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'admin');
    await h.open(page, '/products');
    await page.locator('[data-test="products-table"]').getByText('可口可乐 330ml').waitFor();
    await page.locator('[data-test="product-create"]').click();
    await field(page, 'product-code').waitFor();
    await fillProduct(page, LEMON_TEA);
    const png = join(h.dir, 'lemon-tea.png');
    writeFileSync(png, productPng());
    await page.locator('[data-test="product-image"] input[type="file"]').setInputFiles(png);
    await page.locator('[data-test="product-image-preview"] img').waitFor();
    await screenshot(page, 'product-dialog');
    await page.locator('[data-test="product-save"]').click();
    await page.locator('.product-dialog').waitFor({ state: 'hidden' });

    // The list shows it with its image, served by the API.
    const row = page.locator('[data-test="products-table"] .el-table__row', { hasText: LEMON_TEA.code });
    await row.getByText(LEMON_TEA.name).waitFor();
    await expect(row.innerText()).resolves.toContain('4.50');
    const src = await row.locator('img').getAttribute('src');
    expect(src).toMatch(/^\/uploads\/[0-9a-f-]{36}\/[0-9a-f-]{36}\.png$/);
    const image = await fetch(`${h.url}${src}`);
    expect(image.status).toBe(200);
    expect(Buffer.from(await image.arrayBuffer())).toEqual(productPng());
    await screenshot(page, 'products');

    // On the machine's page: channel 1 gets the product at 4.80.
    const applied = terminal?.proc.lines.length ?? 0;
    await h.open(page, `/machines/${machineId}`);
    await page.locator('[data-test="channel-grid"] [data-channel="1"]').click();
    await page.locator('[data-test="channel-editor"]:visible [data-test="channel-product"]').click();
    await page
      .locator('.el-select-dropdown__item:visible', { hasText: `${LEMON_TEA.name} (${LEMON_TEA.code})` })
      .click();
    const price = page.locator('[data-test="channel-editor"]:visible [data-test="channel-price"] input');
    // Element Plus leaves aria-disabled="true" on the input after it is enabled (it was disabled while the
    // channel had no product), which Playwright takes for disabled: the input itself is enabled.
    await expect(price.evaluate((e) => (e as HTMLInputElement).disabled)).resolves.toBe(false);
    await price.fill('4.80', { force: true });
    await price.blur();
    await page.locator('[data-test="channel-save"]:visible').click();
    const cell = page.locator('[data-test="channel-grid"] [data-channel="1"]');
    await cell.getByText(LEMON_TEA.name).waitFor();
    await expect(cell.innerText()).resolves.toContain('¥4.80');
    await expect(cell.locator('img').getAttribute('src')).resolves.toBe(src);

    // The terminal's config has channel 1 at 480 fen (pushed to it, or at its next pull).
    const line = await terminal?.proc.waitFor(
      (l) =>
        l.type === 'config_applied' &&
        (l.channels as { number: number; price: number | null }[]).some((c) => c.number === 1 && c.price === 480),
      'the terminal applying the config with channel 1 at 4.80',
      30_000,
      applied,
    );
    expect(line).toBeDefined();
    const admin = await signIn(h.url, DEMO_OPERATOR, 'admin');
    const channels = await query<{ number: number; productId: string | null; price: number | null }[]>(
      admin,
      'channels.list',
      { machineId },
    );
    const products = await query<{ items: { id: string; code: string }[] }>(admin, 'products.list', { search: 'T900' });
    expect(channels.find((c) => c.number === 1)).toMatchObject({ productId: products.items[0]?.id, price: 480 });
    h.errors(page).assertClean();
  });

  it("shows a duplicate code's refusal at the code field and keeps what was typed", async () => {
    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'admin');
    await h.open(page, '/products');
    await page.locator('[data-test="product-create"]').click();
    await field(page, 'product-code').waitFor();
    const typed = { code: 'D001', name: '可乐 新包装', unit: '罐', cost: '1.90', price: '3.20' };
    await fillProduct(page, typed);
    await page.locator('[data-test="product-save"]').click();
    await expect(errorAt(page, 'product-code').innerText()).resolves.toBe('another product has this code');
    // Still open, with everything as typed.
    await expect(field(page, 'product-code').inputValue()).resolves.toBe(typed.code);
    await expect(field(page, 'product-name').inputValue()).resolves.toBe(typed.name);
    await expect(field(page, 'product-unit').inputValue()).resolves.toBe(typed.unit);
    await expect(numberInput(page, 'product-price').inputValue()).resolves.toBe(typed.price);
    await expect(errorAt(page, 'product-name').count()).resolves.toBe(0);
    await screenshot(page, 'product-duplicate-code');
    h.errors(page).assertClean([/status of 409 \(Conflict\)/]);
  });
});
