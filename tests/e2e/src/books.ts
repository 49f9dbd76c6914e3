/**
 * The books balance (ARCHITECTURE.md): every paid order is vended or refunded, never both
 * and never neither; the API's orders match the simulator's dispense log one to one; the
 * stock of every channel on the server equals the simulator's.
 */
import { machineState, query, type Client, type SimulatorHandle, type World } from './world.js';

export interface ServerOrder {
  id: string;
  orderNo: string;
  machineId: string;
  channelNumber: number;
  price: number;
  amount: number;
  paymentMethod: string;
  status: string;
  vendId: number | null;
  saleId: string | null;
  paidAt: string | null;
  vendedAt: string | null;
  refundedAt: string | null;
  priceMismatch: boolean;
}

/** Every order of the machine, newest first. */
export async function ordersOf(admin: Client, machineId: string): Promise<ServerOrder[]> {
  const all: ServerOrder[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: ServerOrder[]; nextCursor: string | null } = await query(admin, 'orders.list', {
      machineId,
      limit: 500,
      cursor,
      to: new Date(Date.now() + 86_400_000).toISOString(),
    });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

interface ChannelRow {
  number: number;
  stock: number;
}

/** What does not balance for one machine; empty when the books balance. */
export async function imbalances(admin: Client, sim: SimulatorHandle, machine: { index: number; machineId: string }) {
  const problems: string[] = [];
  const orders = await ordersOf(admin, machine.machineId);
  for (const o of orders) {
    const vended = o.vendedAt !== null;
    const refunded = o.status === 'refunded';
    if (o.paidAt !== null && vended === refunded) {
      problems.push(
        `order ${o.orderNo} (${o.paymentMethod}, ${o.status}) is ${vended ? 'vended and refunded' : 'paid, neither vended nor refunded'}`,
      );
    }
    if (vended && o.status !== 'completed') problems.push(`order ${o.orderNo} was vended but is ${o.status}`);
  }
  const state = await machineState(sim, machine.index);
  const served = orders
    .filter((o) => o.status === 'completed')
    .map((o) => o.vendId)
    .sort();
  const dropped = state.dispenseLog.map((d) => d.vendId).sort();
  if (JSON.stringify(served) !== JSON.stringify(dropped)) {
    problems.push(
      `the server's completed orders ${JSON.stringify(served)} are not the machine's dispense log ${JSON.stringify(dropped)}`,
    );
  }
  const channels = await query<ChannelRow[]>(admin, 'channels.list', { machineId: machine.machineId });
  for (const c of channels) {
    const physical = state.stock[c.number - 1];
    if (physical !== c.stock)
      problems.push(`channel ${c.number}: ${c.stock} on the server, ${String(physical)} in the machine`);
  }
  return { problems, orders, state };
}

/** Waits until the books of every machine balance (reports travel through outboxes); throws what does not. */
export async function expectBooksBalance(world: Pick<World, 'admin' | 'sim' | 'machines'>, ms = 30_000) {
  const end = Date.now() + ms;
  for (;;) {
    const results = await Promise.all(world.machines.map((m) => imbalances(world.admin, world.sim, m)));
    const problems = results.flatMap((r, i) => r.problems.map((p) => `machine ${i + 1}: ${p}`));
    if (problems.length === 0) return results;
    if (Date.now() > end) throw new Error(`the books do not balance:\n  ${problems.join('\n  ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
