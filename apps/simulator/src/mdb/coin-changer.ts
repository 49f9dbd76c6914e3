/**
 * A simulated MDB coin changer (level 2 or 3): coin types with their values, a tube per
 * coin type that is paid out as change, and a cash box for the coins that do not go to a
 * tube. It answers the VMC's blocks byte for byte as a real changer does.
 */

import {
  ChangerFeature,
  ChangerStatus,
  CoinRouting,
  MDB_COIN_TYPES,
  MDB_MAX_POLL_LENGTH,
  MdbAddress,
  decodeChangerCommand,
  encodeChangerResponse,
  type ChangerCommand,
  type ChangerEvent,
  type ChangerResponse,
  type MdbIdentity,
} from '@vmcloud/protocol';
import { CashPeripheral, type CashDeviceKind, type CashPeripheralOptions } from './cash-peripheral.js';
import { planChange } from './change.js';
import { ACK_ANSWER, NAK_ANSWER, type PeripheralAnswer } from './peripheral.js';

/** One coin type the changer recognises; its index in `coinTypes` is its MDB coin type. */
export interface CoinTypeConfig {
  /** Value in fen. */
  value: number;
  /** The tube for this coin: coins go there until it is full, and change is paid from it. None: always the cash box. */
  tube?: { capacity: number; count?: number };
}

export interface CoinChangerOptions extends CashPeripheralOptions {
  /** Coin types 0.. (at most 16). */
  coinTypes: readonly CoinTypeConfig[];
  /** Feature level. Level 3 chooses the coins itself for ALTERNATIVE PAYOUT. Default 3. */
  level?: 2 | 3;
  /** Coins the payout mechanism drops per POLL while paying out. Default 4. */
  coinsPerPoll?: number;
  /** What the changer answers to IDENTIFICATION. */
  identity?: MdbIdentity;
}

/**
 * What became of an inserted coin: `slug` is a coin the changer does not recognise (a value
 * not in its coin type table), counted and reported as a slug; `rejected` a known coin of a
 * type the VMC has not enabled. Both fall to the return cup and are not credited.
 */
export type CoinOutcome = 'tubes' | 'cash_box' | 'rejected' | 'slug';

export interface CoinTubeState {
  coinType: number;
  /** Coin value, fen. */
  value: number;
  count: number;
  capacity: number;
  full: boolean;
}

/** The changer's physical state (a copy). */
export interface CoinChangerState {
  tubes: CoinTubeState[];
  /** Coins in the cash box: count per coin type, and their total in fen. */
  cashBox: { counts: number[]; total: number };
  /** Coins paid out as change to the customer: count per coin type, and their total in fen. */
  dispensed: { counts: number[]; total: number };
  /** Values (fen) of coins that fell straight to the return cup: unknown, or not accepted at the time. */
  rejected: number[];
  /** Unrecognised coins (slugs) seen since the changer was made. */
  slugs: number;
  /** COIN TYPE accept mask last set by the VMC (0 after a reset). */
  acceptMask: number;
  /** Coins still to drop for the payout in progress. */
  payoutPending: number;
}

const COIN_DEVICE: CashDeviceKind<ChangerCommand, ChangerResponse, ChangerEvent> = {
  name: 'coin',
  maxScalingFactor: 0xff,
  decodeCommand: decodeChangerCommand,
  encodeResponse: encodeChangerResponse,
  justReset: { type: 'STATUS', code: ChangerStatus.JUST_RESET },
};

const DEFAULT_IDENTITY: MdbIdentity = {
  manufacturer: 'VMS',
  serial: '000000000001',
  model: 'SIM-CHANGER',
  softwareVersion: 0x0100,
};

interface Tube {
  count: number;
  capacity: number;
}

export class CoinChanger extends CashPeripheral<ChangerCommand, ChangerResponse, ChangerEvent> {
  readonly address = MdbAddress.COIN_CHANGER;
  readonly level: 2 | 3;
  readonly #tubes: (Tube | null)[];
  readonly #coinsPerPoll: number;
  readonly #identity: MdbIdentity;
  readonly #cashBox: number[];
  readonly #dispensed: number[];
  readonly #rejected: number[] = [];
  #slugs = 0;
  /** Slugs not yet reported to the VMC by a POLL it acknowledged. */
  #slugsUnreported = 0;
  #acceptMask = 0;
  #features = 0;
  /** Coin types still to drop, in order. */
  #payout: number[] = [];
  /** Coins of each type paid by the last ALTERNATIVE PAYOUT. */
  #payoutCounts: number[] = new Array<number>(MDB_COIN_TYPES).fill(0);
  /** Scaled value dropped and not yet reported by PAYOUT VALUE POLL. */
  #payoutUnreported = 0;
  #alternativePayout = false;

  constructor(options: CoinChangerOptions) {
    const { coinTypes } = options;
    if (coinTypes.length === 0 || coinTypes.length > MDB_COIN_TYPES) {
      throw new RangeError(`a changer has 1..${MDB_COIN_TYPES} coin types`);
    }
    super(
      COIN_DEVICE,
      coinTypes.map((coin) => coin.value),
      options,
    );
    this.level = options.level ?? 3;
    this.#coinsPerPoll = Math.max(1, options.coinsPerPoll ?? 4);
    this.#identity = options.identity ?? DEFAULT_IDENTITY;
    this.#tubes = coinTypes.map((coin) => {
      if (!coin.tube) return null;
      const count = coin.tube.count ?? 0;
      if (count < 0 || count > coin.tube.capacity || coin.tube.capacity > 0xff) {
        throw new RangeError(`a tube holds 0..capacity coins (capacity at most 255)`);
      }
      return { count, capacity: coin.tube.capacity };
    });
    this.#cashBox = this.values.map(() => 0);
    this.#dispensed = this.values.map(() => 0);
  }

  // ---- the customer and the operator ----------------------------------------------------

  /**
   * A customer drops a coin of `value` fen. It goes to its tube if the tube has room,
   * otherwise to the cash box, and is reported on the next POLL. A coin of a value not in the
   * coin type table is a slug: it falls to the return cup and the next POLL reports the
   * slugs seen since the last one. A coin of a type the VMC has not enabled falls to the
   * return cup too.
   */
  insertCoin(value: number): CoinOutcome {
    const coinType = this.values.findIndex((coinValue) => coinValue === value);
    if (coinType < 0) {
      this.#rejected.push(value);
      this.#slugs++;
      this.#slugsUnreported++;
      return 'slug';
    }
    if ((this.#acceptMask & (1 << coinType)) === 0) {
      this.#rejected.push(value);
      return 'rejected';
    }
    const tube = this.#tubes[coinType];
    if (tube && tube.count < tube.capacity) {
      tube.count++;
      this.events.push({ type: 'COIN_DEPOSITED', coinType, routing: CoinRouting.TUBES, tubeCount: tube.count });
      return 'tubes';
    }
    this.#cashBox[coinType] = (this.#cashBox[coinType] ?? 0) + 1;
    this.events.push({ type: 'COIN_DEPOSITED', coinType, routing: CoinRouting.CASH_BOX, tubeCount: tube?.count ?? 0 });
    return 'cash_box';
  }

  /** A customer presses the coin return lever: the changer reports ESCROW REQUEST. */
  pressReturnLever(): void {
    this.events.push({ type: 'STATUS', code: ChangerStatus.ESCROW_REQUEST });
  }

  /** The operator sets the number of coins in a tube (filling it, or counting it after a fault). */
  setTube(coinType: number, count: number): void {
    const tube = this.#tubes[coinType];
    if (!tube) throw new RangeError(`coin type ${coinType} has no tube`);
    if (!Number.isInteger(count) || count < 0 || count > tube.capacity) {
      throw new RangeError(`a tube holds 0..${tube.capacity} coins`);
    }
    tube.count = count;
  }

  /** The operator empties the cash box. Returns what was in it, fen. */
  emptyCashBox(): number {
    const total = this.#sum(this.#cashBox);
    this.#cashBox.fill(0);
    return total;
  }

  /** The physical state (a copy). */
  state(): CoinChangerState {
    return {
      tubes: this.#tubes.flatMap((tube, coinType) =>
        tube
          ? [
              {
                coinType,
                value: this.values[coinType] ?? 0,
                count: tube.count,
                capacity: tube.capacity,
                full: tube.count >= tube.capacity,
              },
            ]
          : [],
      ),
      cashBox: { counts: [...this.#cashBox], total: this.#sum(this.#cashBox) },
      dispensed: { counts: [...this.#dispensed], total: this.#sum(this.#dispensed) },
      rejected: [...this.#rejected],
      slugs: this.#slugs,
      acceptMask: this.#acceptMask,
      payoutPending: this.#payout.length,
    };
  }

  #sum(counts: readonly number[]): number {
    return counts.reduce((total, count, coinType) => total + count * (this.values[coinType] ?? 0), 0);
  }

  // ---- the bus ---------------------------------------------------------------------------

  protected config(): ChangerResponse {
    return {
      type: 'CONFIG',
      level: this.level,
      countryCode: this.countryCode,
      scalingFactor: this.scalingFactor,
      decimalPlaces: this.decimalPlaces,
      tubeRouting: this.#tubes.reduce((mask, tube, coinType) => (tube ? mask | (1 << coinType) : mask), 0),
      coinCredits: this.credits(),
    };
  }

  protected command(command: Exclude<ChangerCommand, { type: 'RESET' | 'SETUP' }>): PeripheralAnswer {
    switch (command.type) {
      case 'TUBE_STATUS':
        return this.data({
          type: 'TUBE_STATUS',
          fullMask: this.#tubes.reduce(
            (mask, tube, coinType) => (tube && tube.count >= tube.capacity ? mask | (1 << coinType) : mask),
            0,
          ),
          counts: Array.from({ length: MDB_COIN_TYPES }, (_, coinType) => this.#tubes[coinType]?.count ?? 0),
        });
      case 'POLL':
        return this.#poll();
      case 'COIN_TYPE':
        this.#acceptMask = command.acceptMask;
        return ACK_ANSWER;
      case 'DISPENSE': {
        const tube = this.#tubes[command.coinType];
        const count = Math.min(command.count, tube?.count ?? 0);
        for (let i = 0; i < count; i++) this.#payout.push(command.coinType);
        return ACK_ANSWER;
      }
      case 'IDENTIFICATION':
        if (this.level < 3) return NAK_ANSWER;
        return this.data({ type: 'IDENTIFICATION', ...this.#identity, features: ChangerFeature.ALTERNATIVE_PAYOUT });
      case 'FEATURE_ENABLE':
        if (this.level < 3) return NAK_ANSWER;
        this.#features = command.features & ChangerFeature.ALTERNATIVE_PAYOUT;
        return ACK_ANSWER;
      case 'ALTERNATIVE_PAYOUT':
        if ((this.#features & ChangerFeature.ALTERNATIVE_PAYOUT) === 0) return NAK_ANSWER;
        this.#startAlternativePayout(command.value);
        return ACK_ANSWER;
      case 'PAYOUT_STATUS':
        if ((this.#features & ChangerFeature.ALTERNATIVE_PAYOUT) === 0) return NAK_ANSWER;
        // Busy paying out: ACK only.
        if (this.#payout.length > 0) return ACK_ANSWER;
        return this.data({ type: 'PAYOUT_STATUS', counts: [...this.#payoutCounts] });
      case 'PAYOUT_VALUE_POLL': {
        if ((this.#features & ChangerFeature.ALTERNATIVE_PAYOUT) === 0) return NAK_ANSWER;
        this.#dropCoins();
        const value = Math.min(this.#payoutUnreported, 0xff);
        // Payout finished and all reported: ACK only.
        if (this.#payout.length === 0 && value === 0) {
          this.#alternativePayout = false;
          return ACK_ANSWER;
        }
        return this.data({ type: 'PAYOUT_VALUE', value }, () => {
          this.#payoutUnreported -= value;
        });
      }
    }
  }

  protected reset(): void {
    this.#acceptMask = 0;
    this.#features = 0;
    this.#payout = [];
    this.#payoutUnreported = 0;
    this.#alternativePayout = false;
    this.#slugsUnreported = 0;
  }

  #poll(): PeripheralAnswer {
    this.#dropCoins();
    const events: ChangerEvent[] = [];
    let length = 0;
    for (const event of this.events) {
      const size = event.type === 'COIN_DEPOSITED' || event.type === 'COINS_DISPENSED_MANUALLY' ? 2 : 1;
      if (length + size > MDB_MAX_POLL_LENGTH) break;
      events.push(event);
      length += size;
    }
    const queued = events.length;
    // Slugs since the last POLL, in one byte (at most 31).
    const slugs = Math.min(this.#slugsUnreported, 0x1f);
    if (slugs > 0 && length < MDB_MAX_POLL_LENGTH) {
      events.push({ type: 'SLUGS', count: slugs });
      length++;
    }
    const slugsSent = slugs > 0 && events.at(-1)?.type === 'SLUGS' ? slugs : 0;
    if (this.#payout.length > 0 && length < MDB_MAX_POLL_LENGTH) {
      events.push({ type: 'STATUS', code: ChangerStatus.PAYOUT_BUSY });
    }
    if (events.length === 0) return ACK_ANSWER;
    return this.data({ type: 'POLL', events }, () => {
      this.events.splice(0, queued);
      this.#slugsUnreported -= slugsSent;
    });
  }

  #startAlternativePayout(value: number): void {
    const credits = this.credits();
    const available = this.#tubes.map((tube) => tube?.count ?? 0);
    const plan = planChange(value, credits, available);
    this.#payoutCounts = new Array<number>(MDB_COIN_TYPES).fill(0);
    this.#payoutUnreported = 0;
    this.#alternativePayout = true;
    // Largest coins first.
    const order = plan.map((_, coinType) => coinType).sort((a, b) => (credits[b] ?? 0) - (credits[a] ?? 0));
    for (const coinType of order) {
      for (let i = 0; i < (plan[coinType] ?? 0); i++) this.#payout.push(coinType);
    }
  }

  /** The payout mechanism drops the next coins from their tubes. */
  #dropCoins(): void {
    for (let i = 0; i < this.#coinsPerPoll && this.#payout.length > 0; i++) {
      const coinType = this.#payout.shift() ?? 0;
      const tube = this.#tubes[coinType];
      if (!tube || tube.count === 0) continue;
      tube.count--;
      this.#dispensed[coinType] = (this.#dispensed[coinType] ?? 0) + 1;
      if (this.#alternativePayout) {
        this.#payoutCounts[coinType] = (this.#payoutCounts[coinType] ?? 0) + 1;
        this.#payoutUnreported += (this.values[coinType] ?? 0) / this.scalingFactor;
      }
    }
  }
}
