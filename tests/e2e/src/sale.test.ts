/**
 * Sales through the whole platform: a simulated machine, its terminal, the API and the
 * sandbox provider, each a process of its own. After each, the books balance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBooksBalance, ordersOf } from './books.js';
import { at, query, simulate, startWorld, type World } from './world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld('sale', 1);
});
afterAll(async () => {
  await world?.close();
});

const terminal = () => at(world.machines, 0).terminal.proc;
const machine = () => at(world.machines, 0);

/** Presses a channel's button and answers the sale that starts, by its first line. */
async function press(channel: number) {
  const from = terminal().lines.length;
  await simulate(world.sim, `press 1 ${channel}`);
  return { from };
}

async function payOnPage(url: string, action: 'pay' | 'decline' = 'pay') {
  const answer = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `action=${action}`,
    redirect: 'manual',
  });
  expect(answer.status).toBe(303);
}

describe('a machine selling through the platform', () => {
  it('QR: created, paid on the sandbox page, vended; stock down by one; the books balance', async () => {
    const channel = at(machine().channels, 0);
    const { from } = await press(channel.number);
    const qr = await terminal().waitFor((l) => l.type === 'qr', 'a QR code shown', 15_000, from);
    expect(String(qr.content)).toMatch(/\/pay\/sandbox\/SBX/);
    await payOnPage(String(qr.content));
    const done = await terminal().waitFor(
      (l) => l.type === 'sale' && l.saleId === qr.saleId && (l.state === 'done' || l.state === 'failed'),
      'the sale to end',
      30_000,
      from,
    );
    expect(done).toMatchObject({ state: 'done', method: 'qr', dispensed: true });
    const balanced = at(await expectBooksBalance(world), 0);
    const order = balanced.orders.find((o) => o.saleId === qr.saleId);
    expect(order).toMatchObject({ status: 'completed', paymentMethod: 'qr', price: channel.price });
    expect(balanced.state.stock[channel.number - 1]).toBe(channel.stock - 1);
  });

  it('a jam: the order fails, the payment is refunded, stock unchanged, an alarm raised, the channel not offered again', async () => {
    const channel = at(machine().channels, 1);
    await simulate(world.sim, `jam 1 ${channel.number}`);
    const { from } = await press(channel.number);
    const qr = await terminal().waitFor((l) => l.type === 'qr', 'a QR code shown', 15_000, from);
    await payOnPage(String(qr.content));
    const failed = await terminal().waitFor(
      (l) => l.type === 'sale' && l.saleId === qr.saleId && (l.state === 'done' || l.state === 'failed'),
      'the sale to end',
      30_000,
      from,
    );
    expect(failed).toMatchObject({ state: 'failed', dispensed: false });
    const balanced = at(await expectBooksBalance(world), 0);
    expect(balanced.orders.find((o) => o.saleId === qr.saleId)).toMatchObject({ status: 'refunded', vendedAt: null });
    expect(balanced.state.stock[channel.number - 1]).toBe(channel.stock);
    const alarms = await query<{ items: { kind: string; channelNumber: number | null }[] }>(
      world.admin,
      'alarms.list',
      {
        machineId: machine().machineId,
        state: 'open',
      },
    );
    expect(alarms.items).toContainEqual(expect.objectContaining({ kind: 'jam', channelNumber: channel.number }));
    await simulate(world.sim, `clear-jam 1 ${channel.number}`);
    const next = await press(channel.number);
    const refused = await terminal().waitFor(
      (l) => l.type === 'selection_refused' && l.channel === channel.number,
      'the jammed channel refused',
      10_000,
      next.from,
    );
    expect(String(refused.reason)).toMatch(/disabled/);
  });

  it('cash with change from the tubes; a card approved; a card denied; the books balance', async () => {
    const [cash, card] = [at(machine().channels, 0), at(machine().channels, 2)];
    const before = (await ordersOf(world.admin, machine().machineId)).length;
    let from = terminal().lines.length;
    await simulate(world.sim, 'bill 1 1000');
    await terminal().waitFor((l) => l.type === 'credit', 'the bill credited', 10_000, from);
    await simulate(world.sim, `press 1 ${cash.number}`);
    const sold = await terminal().waitFor(
      (l) => l.type === 'sale' && l.method === 'cash' && l.state === 'done',
      'the cash sale',
      20_000,
      from,
    );
    expect(sold).toMatchObject({ price: cash.price, dispensed: true });
    const change = await terminal().waitFor((l) => l.type === 'change_paid', 'the change paid', 20_000, from);
    expect(change).toMatchObject({ paid: 1000 - cash.price, remaining: 0 });

    from = terminal().lines.length;
    await simulate(world.sim, 'card 1 5000');
    await terminal().waitFor((l) => l.type === 'card_session', 'the card session', 10_000, from);
    await simulate(world.sim, `press 1 ${card.number}`);
    await terminal().waitFor(
      (l) => l.type === 'sale' && l.method === 'card' && l.state === 'done',
      'the card sale',
      20_000,
      from,
    );
    await simulate(world.sim, 'remove-card 1');

    from = terminal().lines.length;
    await simulate(world.sim, 'card 1 5000 deny');
    await terminal().waitFor((l) => l.type === 'card_session', 'the card session', 10_000, from);
    await simulate(world.sim, `press 1 ${card.number}`);
    const denied = await terminal().waitFor(
      (l) => l.type === 'sale' && l.method === 'card' && (l.state === 'failed' || l.state === 'done'),
      'the denied card sale',
      20_000,
      from,
    );
    expect(denied).toMatchObject({ state: 'failed', dispensed: false, result: 'card_denied' });
    await simulate(world.sim, 'remove-card 1');

    const results = await expectBooksBalance(world);
    const orders = at(results, 0).orders;
    expect(orders.length - before).toBe(2);
    expect(orders.filter((o) => o.paymentMethod === 'cash' && o.status === 'completed').length).toBe(1);
    expect(orders.filter((o) => o.paymentMethod === 'card' && o.status === 'completed').length).toBe(1);
  });
});
