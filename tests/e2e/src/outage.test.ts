/**
 * The API away: a machine keeps selling for cash, its terminal is restarted meanwhile, and
 * when the API is back every sale reaches it exactly once. A restock entered while the
 * machine sold offline: afterwards the server and the machine agree on the stock, and a
 * sold-out channel sells again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBooksBalance, ordersOf } from './books.js';
import type { Proc } from './processes.js';
import {
  at,
  machineState,
  mutate,
  query,
  runTerminal,
  signIn,
  simulate,
  startApi,
  startWorld,
  DEMO_OPERATOR,
  type World,
} from './world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld('outage', 1, { stocked: 3, perChannel: 10 });
});
afterAll(async () => {
  await world?.close();
});

const fleet = () => at(world.machines, 0);
const terminal = (): Proc => fleet().terminal.proc;

/**
 * A cash sale at `channel`: one-yuan coins to its price (a bill validator's stacker fills
 * up over many sales; the coin tubes pay change and take coins back), the button, the sale done.
 */
async function cashSale(channel: number): Promise<string> {
  const price = fleet().channels.find((c) => c.number === channel)?.price ?? 0;
  const from = terminal().lines.length;
  for (let paid = 0; paid < price; paid += 100) await simulate(world.sim, 'coin 1 100');
  await terminal().waitFor((l) => l.type === 'credit' && Number(l.credit) >= price, 'the coins credited', 10_000, from);
  await simulate(world.sim, `press 1 ${channel}`);
  const done = await terminal().waitFor(
    (l) => l.type === 'sale' && l.method === 'cash' && (l.state === 'done' || l.state === 'failed'),
    'the cash sale',
    20_000,
    from,
  );
  expect(done).toMatchObject({ state: 'done', dispensed: true });
  return String(done.saleId);
}

async function restartTerminal(kill: boolean): Promise<void> {
  const machine = fleet();
  if (kill) await machine.terminal.proc.kill();
  else await machine.terminal.proc.stop();
  machine.terminal = await runTerminal(machine.terminal);
  world.adopt(machine.terminal.proc);
}

async function restartApi(): Promise<void> {
  world.api = await startApi(world.dir, world.api.port);
  world.adopt(world.api.proc);
}

describe('with the API down', () => {
  it('20 cash sales go on, the terminal restarts meanwhile, and all 20 are uploaded exactly once', async () => {
    const before = await ordersOf(world.admin, fleet().machineId);
    await world.api.proc.stop();
    const sales: string[] = [];
    for (let i = 0; i < 20; i++) {
      if (i === 10) await restartTerminal(true);
      sales.push(await cashSale(at(fleet().channels, i % 3).number));
    }
    expect(new Set(sales).size).toBe(20);
    await restartApi();
    const [books] = await expectBooksBalance(world, 60_000);
    const orders = (books?.orders ?? []).filter((o) => !before.some((b) => b.id === o.id));
    expect(orders).toHaveLength(20);
    expect(orders.map((o) => o.saleId).sort()).toEqual([...sales].sort());
    expect(orders.every((o) => o.paymentMethod === 'cash' && o.status === 'completed')).toBe(true);
  });

  it('a restock entered while the machine sold offline: both sides agree on the stock, and a sold-out channel sells again', async () => {
    const [first, , third] = [at(fleet().channels, 0), at(fleet().channels, 1), at(fleet().channels, 2)];
    // Channel 3 sells out (10 stocked, 6 sold above).
    let state = await machineState(world.sim, 1);
    for (let left = state.stock[third.number - 1] ?? 0; left > 0; left--) await cashSale(third.number);
    await expectBooksBalance(world);
    const from = terminal().lines.length;
    await simulate(world.sim, `press 1 ${third.number}`);
    await terminal().waitFor(
      (l) => l.type === 'selection_refused' && l.channel === third.number,
      'the sold-out channel refused',
      10_000,
      from,
    );

    // The API goes away; two more sales of channel 1 are made and not yet reported.
    await world.api.proc.stop();
    const offline = [await cashSale(first.number), await cashSale(first.number)];
    await terminal().stop();
    // The field worker fills channels 1 and 3 and enters the restock while the terminal is away.
    state = await machineState(world.sim, 1);
    for (const c of [first, third]) {
      const physical = state.stock[c.number - 1] ?? 0;
      await simulate(world.sim, `restock 1 ${c.number} ${10 - physical}`);
    }
    await restartApi();
    const staff = await signIn(world.api.url, DEMO_OPERATOR, 'staff1');
    const channels = await query<{ id: string; number: number; stock: number; capacity: number; productId: string }[]>(
      world.admin,
      'channels.list',
      { machineId: fleet().machineId },
    );
    for (const c of channels.filter((x) => x.number === first.number || x.number === third.number)) {
      await mutate(staff, 'restocks.create', {
        machineId: fleet().machineId,
        channelId: c.id,
        productId: c.productId,
        quantity: c.capacity - c.stock,
      });
    }
    await restartTerminal(false);
    const [books] = await expectBooksBalance(world, 60_000);
    expect(books?.state.stock[first.number - 1]).toBe(10);
    expect(books?.state.stock[third.number - 1]).toBe(10);
    for (const saleId of offline) expect(books?.orders.some((o) => o.saleId === saleId)).toBe(true);
    // Sold out no more.
    await cashSale(third.number);
    await expectBooksBalance(world);
  });
});
