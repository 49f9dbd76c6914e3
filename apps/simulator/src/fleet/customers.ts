/**
 * The fleet's customers: a scheduler that sends one to each machine every so often (a
 * seeded, relaxed pace), and what each kind of visit does at the machine: pay cash and
 * get change, tap a card (approved, or denied by its issuer), pay a QR code on the
 * sandbox provider's page (or decline it, or walk away until it expires), redeem a gift
 * code won earlier; and now and then something goes wrong (a jammed motor, the bill
 * validator unplugged, the door opened for a while).
 */
import type { SimulatedMachine } from '../simulator.js';
import type { FleetChannel } from './provision.js';
import { actOnPayPage } from './platform.js';
import { Random } from './random.js';
import type { TerminalLine, TerminalProcess } from './terminal.js';

export const VISIT_KINDS = [
  'cash',
  'card',
  'card_denied',
  'qr',
  'qr_declined',
  'qr_expired',
  'gift_code',
  'jam',
  'payment_fault',
  'door',
] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];

/** How many of each kind one deck of visits holds (21 visits): the mix of a fleet's day. */
export const DECK: Readonly<Record<VisitKind, number>> = {
  cash: 5,
  card: 3,
  card_denied: 1,
  qr: 5,
  qr_declined: 1,
  qr_expired: 1,
  gift_code: 2,
  jam: 1,
  payment_fault: 1,
  door: 1,
};

export interface SchedulerOptions {
  machines: number;
  seed: number;
  /** Time between the end of one visit to a machine and the next, ms: uniform in [min, max]. */
  gapMs?: { min: number; max: number };
  /** Each machine's first visit comes within this many ms of the start, one after the other. */
  firstWithinMs?: number;
  /** Whether a gift code won earlier waits to be redeemed. */
  giftCodeWaiting: () => boolean;
  /** Makes one visit; the machine's next one is scheduled when it settles. */
  visit: (machine: number, kind: VisitKind) => Promise<void>;
  /** A visit that failed (it is logged, and the customers keep coming). */
  onError?: (machine: number, kind: VisitKind, error: unknown) => void;
}

/**
 * Sends customers to the machines. Kinds are dealt from a shuffled deck ({@link DECK});
 * the first deck starts with one of every kind so that a newcomer sees each within
 * minutes. A gift-code visit drawn while no code waits is owed, and paid when one does.
 * Timers are the global ones, looked up when used (fake timers in tests work).
 */
export class CustomerScheduler {
  readonly #random: Random;
  readonly #options: Required<Omit<SchedulerOptions, 'onError'>> & Pick<SchedulerOptions, 'onError'>;
  #deck: VisitKind[] = [];
  #dealt = 0;
  #giftOwed = 0;
  #timers = new Map<number, ReturnType<typeof setTimeout>>();
  #running = new Map<number, Promise<void>>();
  #stopped = true;
  /** Every kind drawn, in order (for tests and the summary). */
  readonly drawn: { machine: number; kind: VisitKind }[] = [];

  constructor(options: SchedulerOptions) {
    this.#random = new Random(options.seed);
    this.#options = { gapMs: { min: 20_000, max: 40_000 }, firstWithinMs: 15_000, ...options };
  }

  start(): void {
    this.#stopped = false;
    const { machines, firstWithinMs } = this.#options;
    for (let machine = 1; machine <= machines; machine += 1) {
      const slot = firstWithinMs / machines;
      this.#schedule(machine, Math.round(slot * (machine - 1) + this.#random.next() * slot));
    }
  }

  /** Stops sending customers (the visits under way go on: see {@link idle}). */
  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Resolves when no visit is under way. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.#running.values()]);
  }

  /** The next kind of visit. */
  draw(): VisitKind {
    if (this.#giftOwed > 0 && this.#options.giftCodeWaiting()) {
      this.#giftOwed -= 1;
      return 'gift_code';
    }
    for (;;) {
      if (this.#deck.length === 0) this.#deck = this.#newDeck();
      const kind = this.#deck.shift() as VisitKind;
      if (kind !== 'gift_code' || this.#options.giftCodeWaiting()) return kind;
      this.#giftOwed = Math.min(this.#giftOwed + 1, 3);
    }
  }

  #newDeck(): VisitKind[] {
    const all = VISIT_KINDS.flatMap((kind) => Array.from({ length: DECK[kind] }, () => kind));
    this.#dealt += 1;
    if (this.#dealt > 1) return this.#random.shuffle(all);
    // The first deck: one of every kind first, then the rest.
    const rest = [...all];
    for (const kind of VISIT_KINDS) rest.splice(rest.indexOf(kind), 1);
    return [...this.#random.shuffle(VISIT_KINDS), ...this.#random.shuffle(rest)];
  }

  #schedule(machine: number, delay: number): void {
    if (this.#stopped) return;
    this.#timers.set(
      machine,
      setTimeout(() => {
        this.#timers.delete(machine);
        const kind = this.draw();
        this.drawn.push({ machine, kind });
        const run = (async () => {
          try {
            await this.#options.visit(machine, kind);
          } catch (error) {
            this.#options.onError?.(machine, kind, error);
          }
        })();
        this.#running.set(machine, run);
        void run.then(() => {
          this.#running.delete(machine);
          const { min, max } = this.#options.gapMs;
          this.#schedule(machine, this.#random.int(min, max));
        });
      }, delay),
    );
  }
}

/** Money in fen as the screen shows it. */
export function yuan(fen: number): string {
  return `¥${(fen / 100).toFixed(2)}`;
}

/** A fleet machine as its customers meet it. */
export interface ShopMachine {
  index: number;
  machineId: string;
  sim: SimulatedMachine;
  terminal: TerminalProcess;
  /** The channels with a product, as the platform last said. */
  channels: FleetChannel[];
  /** Channels jammed and waiting for the field worker. */
  jammed: Set<number>;
  /** The bill validator is unplugged. */
  billsOff: boolean;
}

export interface CustomerDeps {
  machines: ShopMachine[];
  random: Random;
  /** One line of the fleet's log. */
  say: (line: string) => void;
  /** Gift codes won and not yet redeemed. */
  giftCodes: { code: string; value: number }[];
  /** A channel jammed at a sale: the field worker comes later. */
  onJam: (machine: ShopMachine, channel: number) => void;
  /** The bill validator was unplugged: it is plugged back later. */
  onBillsOff: (machine: ShopMachine) => void;
  /** How long the door stays open, ms. */
  doorOpenMs?: { min: number; max: number };
  /** How long a customer takes to pay on the phone, ms. */
  payDelayMs?: { min: number; max: number };
}

const SALE_MS = 60_000;

/** The end of a sale at `channel` paid by `method`, or the selection refused (ignored: the machine was busy). */
const ended = (method: string, channel: number) => (line: TerminalLine) =>
  (line.type === 'sale' &&
    line.method === method &&
    line.channel === channel &&
    (line.state === 'done' || line.state === 'failed')) ||
  ((line.type === 'selection_refused' || line.type === 'selection_ignored') && line.channel === channel);

function outcome(line: TerminalLine): string {
  if (line.type === 'selection_refused') return `refused (${String(line.reason)})`;
  if (line.type === 'selection_ignored') return `ignored (the machine is busy: ${String(line.state)})`;
  if (line.state === 'done') return 'sold';
  const why = line.result ?? line.reason;
  return `failed${why === undefined ? '' : ` (${String(why)})`}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What each kind of visit does at a machine. */
export class Customers {
  constructor(private readonly deps: CustomerDeps) {}

  /** A channel a customer can buy from now (and, for a gift code, priced up to `maxPrice`). */
  sellable(m: ShopMachine, maxPrice = Infinity): FleetChannel | undefined {
    const stock = m.sim.state().stock;
    const open = m.channels.filter(
      (c) => c.enabled && !m.jammed.has(c.number) && (stock[c.number - 1] ?? 0) > 0 && c.price <= maxPrice,
    );
    return open.length === 0 ? undefined : this.deps.random.pick(open);
  }

  async visit(m: ShopMachine, kind: VisitKind): Promise<void> {
    const say = (text: string) => this.deps.say(`M${m.index} ${text}`);
    if (kind === 'door') return this.#door(m, say);
    if (kind === 'payment_fault') {
      if (m.billsOff) return this.#cash(m, say);
      m.sim.faults.mdbDevice('bill_validator', false);
      m.billsOff = true;
      say('bill validator unplugged (a payment device alarm follows)');
      this.deps.onBillsOff(m);
      return;
    }
    if (kind === 'gift_code') {
      const code = this.deps.giftCodes.shift();
      if (code) return this.#gift(m, code, say);
      return this.#qr(m, 'pay', say);
    }
    if (kind === 'cash') return this.#cash(m, say);
    if (kind === 'card' || kind === 'card_denied') return this.#card(m, kind === 'card_denied', say);
    if (kind === 'qr') return this.#qr(m, 'pay', say);
    if (kind === 'qr_declined') return this.#qr(m, 'decline', say);
    if (kind === 'qr_expired') return this.#qr(m, 'expire', say);
    return this.#jam(m, say);
  }

  #nothingToSell(say: (text: string) => void): void {
    say('a customer found nothing to buy');
  }

  async #cash(m: ShopMachine, say: (text: string) => void): Promise<void> {
    const channel = this.sellable(m);
    if (!channel) return this.#nothingToSell(say);
    const { terminal, sim } = m;
    const from = terminal.mark();
    let paid = 0;
    if (!m.billsOff) {
      const bills = [500, 1000, 2000].filter((b) => b > channel.price);
      const bill = bills[this.deps.random.int(0, Math.min(1, bills.length - 1))] as number;
      sim.customer.insertBill(bill);
      paid = bill;
    } else {
      const coins = Math.ceil(channel.price / 100) + this.deps.random.int(0, 1);
      for (let i = 0; i < coins; i += 1) sim.customer.insertCoin(100);
      paid = coins * 100;
    }
    await terminal.waitFor(
      (l) => l.type === 'credit' && Number(l.credit) >= channel.price,
      15_000,
      from,
      'the cash credited',
    );
    sim.customer.pressButton(channel.number);
    const end = await terminal.waitFor(ended('cash', channel.number), SALE_MS, from, 'the cash sale');
    let change = '';
    if (end.state === 'done' && paid > channel.price) {
      const paidOut = await terminal
        .waitFor((l) => l.type === 'change_paid', 15_000, from, 'the change')
        .catch(() => undefined);
      change = paidOut ? `, change ${yuan(Number(paidOut.paid))}` : ', change not paid';
    }
    say(
      `cash ${yuan(paid)} for ${channel.productName} ${yuan(channel.price)} (ch ${channel.number}): ${outcome(end)}${change}`,
    );
    if (end.state !== 'done') sim.customer.pressReturnLever();
  }

  async #card(m: ShopMachine, deny: boolean, say: (text: string) => void): Promise<void> {
    const channel = this.sellable(m);
    if (!channel) return this.#nothingToSell(say);
    const { terminal, sim } = m;
    const from = terminal.mark();
    sim.customer.tapCard({ funds: this.deps.random.int(20, 200) * 100, deny });
    try {
      await terminal.waitFor((l) => l.type === 'card_session', 15_000, from, 'the card session');
      sim.customer.pressButton(channel.number);
      const end = await terminal.waitFor(ended('card', channel.number), SALE_MS, from, 'the card sale');
      say(
        `card${deny ? ' (issuer denies)' : ''} for ${channel.productName} ${yuan(channel.price)} (ch ${channel.number}): ${outcome(end)}`,
      );
    } finally {
      sim.customer.removeCard();
    }
  }

  async #qr(m: ShopMachine, act: 'pay' | 'decline' | 'expire', say: (text: string) => void): Promise<void> {
    const channel = this.sellable(m);
    if (!channel) return this.#nothingToSell(say);
    await this.#qrSale(m, channel, act, say, '');
  }

  async #qrSale(
    m: ShopMachine,
    channel: FleetChannel,
    act: 'pay' | 'decline' | 'expire',
    say: (text: string) => void,
    note: string,
  ): Promise<TerminalLine> {
    const { terminal, sim } = m;
    const from = terminal.mark();
    sim.customer.pressButton(channel.number);
    const what = `QR for ${channel.productName} ${yuan(channel.price)} (ch ${channel.number})`;
    const started = await terminal.waitFor(
      (l) =>
        (l.type === 'sale' && l.state === 'selecting' && l.method === 'qr' && l.channel === channel.number) ||
        ((l.type === 'selection_refused' || l.type === 'selection_ignored') && l.channel === channel.number),
      20_000,
      from,
      'the sale to start',
    );
    if (started.type !== 'sale') {
      say(`${what}: ${outcome(started)}`);
      return started;
    }
    const shown = await terminal.waitFor(
      (l) => l.saleId === started.saleId && (l.type === 'qr' || (l.type === 'sale' && l.state === 'failed')),
      20_000,
      from,
      'a QR code',
    );
    if (shown.type !== 'qr') {
      say(`${what}: ${outcome(shown)}`);
      return shown;
    }
    const { min, max } = this.deps.payDelayMs ?? { min: 3000, max: 10_000 };
    let waitMs = SALE_MS;
    if (act === 'expire') {
      waitMs = Math.max(0, Date.parse(String(shown.expiresAt)) - Date.now()) + 90_000;
      say(`${what}: the customer walks away; the code expires at ${String(shown.expiresAt).slice(11, 19)}`);
    } else {
      await sleep(this.deps.random.int(min, max));
      await actOnPayPage(String(shown.content), act);
    }
    const end = await terminal.waitFor(
      (l) => l.type === 'sale' && l.saleId === shown.saleId && (l.state === 'done' || l.state === 'failed'),
      waitMs,
      from,
      'the QR sale to end',
    );
    const how = act === 'pay' ? 'paid' : act === 'decline' ? 'declined' : 'expired';
    const result = act === 'pay' || end.state === 'done' ? outcome(end) : 'no sale';
    say(`${what} ${how}: ${result}${note}`);
    return end;
  }

  async #gift(m: ShopMachine, code: { code: string; value: number }, say: (text: string) => void): Promise<void> {
    const channel = this.sellable(m, code.value);
    if (!channel) {
      this.deps.giftCodes.unshift(code);
      return this.#qr(m, 'pay', say);
    }
    const { terminal } = m;
    const from = terminal.mark();
    terminal.send(`gift ${channel.number} ${code.code}`);
    const end = await terminal.waitFor(ended('gift_code', channel.number), SALE_MS, from, 'the gift-code sale');
    say(`gift code ${code.code} for ${channel.productName} (ch ${channel.number}): ${outcome(end)}`);
  }

  async #jam(m: ShopMachine, say: (text: string) => void): Promise<void> {
    const channel = this.sellable(m);
    if (!channel) return this.#nothingToSell(say);
    m.sim.faults.jam(channel.number);
    m.jammed.add(channel.number);
    this.deps.onJam(m, channel.number);
    await this.#qrSale(m, channel, 'pay', say, ' (motor jammed: refund and alarm)');
  }

  async #door(m: ShopMachine, say: (text: string) => void): Promise<void> {
    const { min, max } = this.deps.doorOpenMs ?? { min: 20_000, max: 40_000 };
    const ms = this.deps.random.int(min, max);
    m.sim.service.openDoor();
    say(`door opened (for ${Math.round(ms / 1000)} s)`);
    await sleep(ms);
    m.sim.service.closeDoor();
    say('door closed');
  }
}
