/**
 * The terminal killed (SIGKILL) at the three moments a sale can be caught: before the VEND
 * reaches the machine, after the machine took the VEND but before its result, and after
 * the result but before the platform heard of it. Each time, after a restart: exactly one
 * dispense and one order, and the books balance. The machines run in real time with a
 * 3-second motor, so that the middle moment is wide enough to hit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBooksBalance } from './books.js';
import type { Line } from './processes.js';
import { at, machineState, runTerminal, simulate, startApi, startWorld, type World } from './world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld('crash', 1, {
    stocked: 3,
    perChannel: 5,
    simulatorArgs: ['--realtime', '--motor-ms', '3000'],
  });
});
afterAll(async () => {
  await world?.close();
});

const fleet = () => at(world.machines, 0);
const terminal = () => fleet().terminal.proc;

async function credit(price: number): Promise<number> {
  const from = terminal().lines.length;
  for (let paid = 0; paid < price; paid += 100) await simulate(world.sim, 'coin 1 100');
  await terminal().waitFor((l) => l.type === 'credit' && Number(l.credit) >= price, 'the coins credited', 10_000, from);
  return from;
}

const vendingLine = (l: Line) => l.type === 'sale' && l.method === 'cash' && l.state === 'vending';

async function killAndRestart(): Promise<void> {
  await fleet().terminal.proc.kill();
  fleet().terminal = await runTerminal(fleet().terminal);
  world.adopt(fleet().terminal.proc);
}

/** Exactly one dispense for the sale's vendId and one order for its sale id; the books balance. */
async function expectOnce(sale: Line): Promise<void> {
  const [books] = await expectBooksBalance(world, 60_000);
  const state = await machineState(world.sim, 1);
  expect(state.dispenseLog.filter((d) => d.vendId === sale.vendId)).toHaveLength(1);
  expect(books?.orders.filter((o) => o.saleId === sale.saleId)).toHaveLength(1);
  expect(books?.orders.find((o) => o.saleId === sale.saleId)).toMatchObject({
    status: 'completed',
    paymentMethod: 'cash',
  });
}

describe('a terminal killed in the middle of a sale', () => {
  it('before the VEND reaches the machine: the sale is vended once after the restart', async () => {
    const channel = at(fleet().channels, 0);
    await credit(channel.price);
    // The line goes bad: nothing the terminal sends gets through.
    await simulate(world.sim, 'noise 1 1');
    const from = terminal().lines.length;
    terminal().send(`select ${channel.number}`);
    const sale = await terminal().waitFor(vendingLine, 'the sale vending', 10_000, from);
    await new Promise((r) => setTimeout(r, 500));
    expect((await machineState(world.sim, 1)).dispenseLog).toHaveLength(0);
    await fleet().terminal.proc.kill();
    await simulate(world.sim, 'noise 1 0');
    fleet().terminal = await runTerminal(fleet().terminal);
    world.adopt(fleet().terminal.proc);
    await expectOnce(sale);
  });

  it('after the machine took the VEND, while the motor turns: the result is learnt, not vended again', async () => {
    const channel = at(fleet().channels, 1);
    const from = await credit(channel.price);
    await simulate(world.sim, `press 1 ${channel.number}`);
    const sale = await terminal().waitFor(vendingLine, 'the sale vending', 10_000, from);
    await new Promise((r) => setTimeout(r, 1000));
    // Killed with the motor turning: the product has not dropped yet.
    const before = await machineState(world.sim, 1);
    expect(before.dispenseLog.filter((d) => d.vendId === sale.vendId)).toHaveLength(0);
    await killAndRestart();
    await expectOnce(sale);
  });

  it('after the result, before the platform heard of it: the report is sent once after the restart', async () => {
    const channel = at(fleet().channels, 2);
    await world.api.proc.stop();
    const from = await credit(channel.price);
    await simulate(world.sim, `press 1 ${channel.number}`);
    const sale = await terminal().waitFor(
      (l) => l.type === 'sale' && l.method === 'cash' && l.state === 'done',
      'the sale done',
      20_000,
      from,
    );
    await fleet().terminal.proc.kill();
    world.api = await startApi(world.dir, world.api.port);
    world.adopt(world.api.proc);
    fleet().terminal = await runTerminal(fleet().terminal);
    world.adopt(fleet().terminal.proc);
    await expectOnce(sale);
  });
});
