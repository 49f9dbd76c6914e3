/**
 * Finance in the console: the finance admin confirms one field worker's turnover hand-in
 * and rejects another's with a reason; the API keeps both decisions, and the rejected
 * worker's period is open to hand in again. Screenshots of the finance pages on the demo
 * data: hand-ins, statistics (by day and by machine), monthly totals, goods settlement,
 * profit and payment accounts (keys masked).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_OPERATOR, query, screenshot, signIn, signInAs, startConsole, type ConsoleHarness } from './console.js';

interface Turnover {
  id: string;
  documentNo: string;
  staffUsername: string | null;
  status: 'submitted' | 'confirmed' | 'rejected';
  note: string | null;
  confirmedAt: string | null;
}

let h: ConsoleHarness;

beforeAll(async () => {
  h = await startConsole('finance');
}, 180_000);

afterAll(() => h?.close());

describe('finance', () => {
  it('confirms one hand-in and rejects another with the reason', async () => {
    const financeApi = await signIn(h.url, DEMO_OPERATOR, 'finance');
    const listed = await query<{ items: Turnover[] }>(financeApi, 'finance.turnovers', { status: 'submitted' });
    const toConfirm = listed.items.find((t) => t.staffUsername === 'staff1');
    const toReject = listed.items.find((t) => t.staffUsername === 'staff2');
    if (!toConfirm || !toReject) throw new Error('the demo data has no submitted hand-in of staff1 and staff2');

    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'finance');
    await h.open(page, '/finance/turnovers');
    const table = page.locator('[data-test="turnovers-table"]');
    const rowOf = (documentNo: string) => table.locator('.el-table__body tr').filter({ hasText: documentNo }).first();
    await rowOf(toConfirm.documentNo).waitFor();
    await rowOf(toReject.documentNo).waitFor();
    await screenshot(page, 'finance-turnovers');

    // Confirm: the message box asks first.
    await rowOf(toConfirm.documentNo).locator('[data-test="turnover-confirm"]').click();
    const box = page.locator('.el-message-box');
    await box.waitFor();
    await box.locator('.el-message-box__btns button').last().click();
    await rowOf(toConfirm.documentNo).getByText('已确认').waitFor();

    // Reject: a reason is required, and kept as the note.
    const reason = '现金少了 10 元';
    await rowOf(toReject.documentNo).locator('[data-test="turnover-reject"]').click();
    await box.waitFor();
    await box.locator('.el-message-box__btns button').last().click();
    await box.locator('.el-message-box__errormsg').waitFor();
    await box.locator('input').fill(reason);
    await box.locator('.el-message-box__btns button').last().click();
    await box.waitFor({ state: 'hidden' });
    await rowOf(toReject.documentNo).getByText('已驳回').waitFor();
    await rowOf(toReject.documentNo).getByText(reason).waitFor();
    await screenshot(page, 'finance-turnovers-decided');

    const after = await query<{ items: Turnover[] }>(financeApi, 'finance.turnovers', {});
    const confirmed = after.items.find((t) => t.id === toConfirm.id);
    const rejected = after.items.find((t) => t.id === toReject.id);
    expect(confirmed?.status).toBe('confirmed');
    expect(confirmed?.confirmedAt).not.toBeNull();
    expect(rejected?.status).toBe('rejected');
    expect(rejected?.note).toBe(reason);

    // Neither can be decided again: their actions are gone.
    await expect(rowOf(toConfirm.documentNo).locator('[data-test="turnover-confirm"]').count()).resolves.toBe(0);
    await expect(rowOf(toReject.documentNo).locator('[data-test="turnover-reject"]').count()).resolves.toBe(0);
    h.errors(page).assertClean();
  });

  it('shows statistics, monthly totals, goods settlement, profit and payment accounts', async () => {
    const page = await h.newPage();
    await signInAs(page, DEMO_OPERATOR, 'finance');

    await h.open(page, '/finance/statistics');
    await page.locator('[data-test="stat-revenue"]').getByText('¥').waitFor();
    await page.locator('[data-test="statistics-chart"] canvas').waitFor();
    await screenshot(page, 'finance-statistics');
    await page.locator('[data-test="statistics-by"]').getByText('按售货机').click();
    await page.locator('[data-test="statistics-table"]').getByText('图书馆一楼').first().waitFor();
    await screenshot(page, 'finance-statistics-by-machine');

    await h.open(page, '/finance/monthly');
    await page.locator('[data-test="monthly-chart"] canvas').waitFor();
    await page
      .locator('[data-test="monthly-table"]')
      .getByText(/^\d{4}-12$/)
      .first()
      .waitFor();
    await screenshot(page, 'finance-monthly');

    await h.open(page, '/finance/goods-settlement');
    await page.locator('[data-test="goods-report"]').getByText('staff1').waitFor();
    await screenshot(page, 'finance-goods-settlement');

    await h.open(page, '/finance/profit');
    await page.locator('[data-test="profit-chart"] canvas').waitFor();
    await page
      .locator('[data-test="profit-table"]')
      .getByText(/^\d{4}-\d{2}-\d{2}$/)
      .first()
      .waitFor();
    await screenshot(page, 'finance-profit');

    await h.open(page, '/finance/payment-accounts');
    const key = page.locator('[data-test="masked-key"]').first();
    await key.waitFor();
    expect(await key.innerText()).toMatch(/^•+.{4}$/);
    await screenshot(page, 'finance-payment-accounts');
    h.errors(page).assertClean();
  });
});
