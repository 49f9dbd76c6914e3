/**
 * A bad serial line: 2% of the bytes in each direction corrupted, dropped or duplicated.
 * 100 cash sales all end correctly (each dispensed once, none lost, none twice) and the
 * books balance.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectBooksBalance } from './books.js';
import { at, machineState, simulate, startWorld, type World } from './world.js';

const SALES = 100;

let world: World;
beforeAll(async () => {
  world = await startWorld('noise', 1, { stocked: 10, perChannel: 10, simulatorArgs: ['--noise', '0.02'] });
});
afterAll(async () => {
  await world?.close();
});

const fleet = () => at(world.machines, 0);
const terminal = () => fleet().terminal.proc;

describe('a serial line with 2% of its bytes corrupted, dropped or duplicated', () => {
  it(`${SALES} cash sales end correctly and the books balance`, async () => {
    const sold: string[] = [];
    for (let i = 0; i < SALES; i++) {
      const channel = at(fleet().channels, i % fleet().channels.length);
      const from = terminal().lines.length;
      // The kiosk's choice (stdin) rather than the button: a SELECTION lost on the bad line
      // would be a customer pressing again, not the link's concern.
      for (let paid = 0; paid < channel.price; paid += 100) await simulate(world.sim, 'coin 1 100');
      await terminal().waitFor(
        (l) => l.type === 'credit' && Number(l.credit) >= channel.price,
        'the coins credited',
        30_000,
        from,
      );
      terminal().send(`select ${channel.number}`);
      const done = await terminal().waitFor(
        (l) => l.type === 'sale' && l.method === 'cash' && (l.state === 'done' || l.state === 'failed'),
        `sale ${i + 1} to end`,
        60_000,
        from,
      );
      expect(done, JSON.stringify(done)).toMatchObject({ state: 'done', dispensed: true });
      sold.push(String(done.saleId));
      // The change is paid before the next customer steps up: the payout's answer, or (when
      // the bad line lost that answer) the machine's STATUS showing no credit left.
      if (channel.price % 100 !== 0) {
        await terminal().waitFor(
          (l) => l.type === 'change_paid' || (l.type === 'credit' && l.source === 'status' && l.credit === 0),
          `the change of sale ${i + 1}`,
          60_000,
          from,
        );
      }
    }
    expect(new Set(sold).size).toBe(SALES);
    const [books] = await expectBooksBalance(world, 90_000);
    const state = await machineState(world.sim, 1);
    expect(state.dispenseLog).toHaveLength(SALES);
    expect(books?.orders.filter((o) => o.status === 'completed')).toHaveLength(SALES);
  });
});
