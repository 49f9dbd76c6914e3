/**
 * Two machines and the platform around them: a config change pushed to a terminal without
 * polling (and to one that was away, on its return); a machine gone silent marked offline
 * and alarmed, online again at its next heartbeat; a gift code won at one machine and
 * redeemed at the other, once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@vmcloud/protocol/testing';
import { expectBooksBalance } from './books.js';
import { HEARTBEAT_SECONDS, at, mutate, query, runTerminal, simulate, startWorld, type World } from './world.js';

let world: World;
beforeAll(async () => {
  world = await startWorld('platform', 2, { stocked: 3, perChannel: 5 });
});
afterAll(async () => {
  await world?.close();
});

const fleet = (i: number) => at(world.machines, i);

describe('the platform and its terminals', () => {
  it('a price changed in the console reaches a subscribed terminal by push, and a disconnected one on its return', async () => {
    const one = fleet(0);
    const channel = at(one.channels, 0);
    const from = one.terminal.proc.lines.length;
    await mutate(world.admin, 'channels.setPrice', { channelId: channel.id, price: channel.price + 50 });
    const pushed = await one.terminal.proc.waitFor(
      (l) => l.type === 'event' && l.event === 'config',
      'the config event',
      10_000,
      from,
    );
    const applied = await one.terminal.proc.waitFor(
      (l) => l.type === 'config_applied',
      'the new config applied',
      10_000,
      from,
    );
    expect(at(applied.channels as { number: number; price: number }[], 0)).toMatchObject({
      number: channel.number,
      price: channel.price + 50,
    });
    expect(pushed.version).toBe(applied.version);

    const two = fleet(1);
    await two.terminal.proc.stop();
    await mutate(world.admin, 'channels.setPrice', {
      channelId: at(two.channels, 0).id,
      price: at(two.channels, 0).price + 70,
    });
    two.terminal = await runTerminal(two.terminal);
    world.adopt(two.terminal.proc);
    const missed = await two.terminal.proc.waitFor(
      (l) => l.type === 'event' && l.event === 'config',
      'the event it missed',
      15_000,
    );
    expect(missed.version).toBeGreaterThan(0);
    await two.terminal.proc.waitFor(
      (l) =>
        l.type === 'config_applied' &&
        (l.channels as { number: number; price: number }[])[0]?.price === at(two.channels, 0).price + 70,
      'the new price applied',
      15_000,
    );
  });

  it('a machine whose terminal stops sending heartbeats is offline and alarmed within 3 intervals, and online again at its next one', async () => {
    const two = fleet(1);
    const alarms = (state: 'open' | 'resolved') =>
      query<{ items: { kind: string }[] }>(world.admin, 'alarms.list', {
        machineId: two.machineId,
        kind: 'offline',
        state,
      });
    expect((await alarms('open')).items).toHaveLength(0);
    two.terminal.proc.pause();
    const paused = Date.now();
    try {
      await until(async () => (await alarms('open')).items.length > 0, {
        timeoutMs: (3 * HEARTBEAT_SECONDS + 3) * 1000,
        what: 'an offline alarm within 3 intervals (and the job’s period)',
        intervalMs: 200,
      });
      expect(Date.now() - paused).toBeGreaterThanOrEqual(2 * HEARTBEAT_SECONDS * 1000);
    } finally {
      two.terminal.proc.resume();
    }
    await until(async () => (await alarms('open')).items.length === 0, {
      timeoutMs: 10_000,
      what: 'the machine online again after heartbeats resumed',
      intervalMs: 200,
    });
    expect((await alarms('resolved')).items).toHaveLength(1);
  });

  it('a gift code won at one machine is redeemed at the other, once', async () => {
    const [one, two] = [fleet(0), fleet(1)];
    await mutate(world.admin, 'giftCodes.createRule', {
      name: 'every-second',
      trigger: 'every_nth_order',
      threshold: 2,
      value: 1000,
      validDays: 30,
    });
    for (let i = 0; i < 2; i++) {
      const channel = at(one.channels, 1);
      const from = one.terminal.proc.lines.length;
      for (let paid = 0; paid < channel.price; paid += 100) await simulate(world.sim, 'coin 1 100');
      await one.terminal.proc.waitFor(
        (l) => l.type === 'credit' && Number(l.credit) >= channel.price,
        'the coins',
        10_000,
        from,
      );
      await simulate(world.sim, `press 1 ${channel.number}`);
      await one.terminal.proc.waitFor((l) => l.type === 'sale' && l.state === 'done', 'the cash sale', 20_000, from);
    }
    const codes = async () =>
      (await query<{ items: { code: string; status: string }[] }>(world.admin, 'giftCodes.list', {})).items;
    let won: { code: string; status: string } | undefined;
    await until(
      async () =>
        (won = (await codes()).find((c) => c.status === 'active' && !c.code.startsWith('GIFT'))) !== undefined,
      { timeoutMs: 10_000, what: 'a gift code issued for the second order', intervalMs: 200 },
    );
    if (!won) throw new Error('no gift code was issued for the second order');

    const channel = at(two.channels, 2);
    let from = two.terminal.proc.lines.length;
    two.terminal.proc.send(`gift ${channel.number} ${won.code}`);
    const redeemed = await two.terminal.proc.waitFor(
      (l) => l.type === 'sale' && l.method === 'gift_code' && (l.state === 'done' || l.state === 'failed'),
      'the gift-code sale',
      20_000,
      from,
    );
    expect(redeemed).toMatchObject({ state: 'done', dispensed: true });
    from = one.terminal.proc.lines.length;
    one.terminal.proc.send(`gift ${at(one.channels, 0).number} ${won.code}`);
    const again = await one.terminal.proc.waitFor(
      (l) => (l.type === 'sale' && l.method === 'gift_code' && l.state === 'failed') || l.type === 'selection_refused',
      'the second use refused',
      20_000,
      from,
    );
    expect(JSON.stringify(again)).toMatch(/has been used/);
    expect((await codes()).find((c) => c.code === won?.code)?.status).toBe('redeemed');
    await expectBooksBalance(world);
  });
});
