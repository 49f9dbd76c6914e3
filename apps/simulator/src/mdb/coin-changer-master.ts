/**
 * The VMC's side of the coin changer: setup, the tube counts, the coin types accepted,
 * POLL, and paying change (level 3 ALTERNATIVE PAYOUT, or DISPENSE coin by coin at level 2).
 */

import {
  ChangerFeature,
  ChangerStatus,
  CoinRouting,
  CreditSource,
  MDB_COIN_TYPES,
  MdbAddress,
  decodeChangerResponse,
  encodeChangerCommand,
  scaledToMinor,
  type ChangerCommand,
} from '@vmcloud/protocol';
import { planChange } from './change.js';
import { DeviceMaster, type MdbMasterBus } from './master.js';
import type { Exchange } from './wire.js';

/** What the VMC learned from the coin changer. */
export interface ChangerInfo {
  level: number;
  countryCode: number;
  scalingFactor: number;
  decimalPlaces: number;
  /** Value of each coin type, fen (0: not used). */
  coinValues: number[];
  /** Bit n set: coin type n goes to a tube. */
  tubeRouting: number;
  /** Coins in each tube at the last TUBE STATUS (16 counts). */
  tubeCounts: number[];
  /** Bit n set: tube n was full at the last TUBE STATUS. */
  tubeFullMask: number;
  /** The changer chooses the coins of a payout (level 3 ALTERNATIVE PAYOUT enabled). */
  alternativePayout: boolean;
}

const ALL_TYPES = 0xffff;

export class CoinChangerMaster extends DeviceMaster<ChangerInfo> {
  /** Coins are accepted (COIN TYPE enables every known coin type). */
  accepting = true;
  readonly #maxPolls: number;
  readonly #tubeLowCount: number;
  readonly #lowTubes = new Set<number>();

  constructor(bus: MdbMasterBus, options: { maxPolls: number; tubeLowCount: number }) {
    super(MdbAddress.COIN_CHANGER, bus);
    this.#maxPolls = options.maxPolls;
    this.#tubeLowCount = options.tubeLowCount;
  }

  /** Sends COIN TYPE: every known coin type accepted, or none. */
  sendCoinType(): void {
    const changer = this.info;
    if (!changer) return;
    const known = changer.coinValues.reduce((mask, value, coinType) => (value > 0 ? mask | (1 << coinType) : mask), 0);
    this.#command({
      type: 'COIN_TYPE',
      acceptMask: this.accepting ? known : 0,
      manualDispenseMask: ALL_TYPES,
    });
  }

  /**
   * Pays `amount` fen as change from the tubes and returns what was paid (less when the
   * tubes cannot make the amount).
   */
  payout(amount: number): number {
    const changer = this.info;
    if (!changer || amount === 0) return 0;
    const paid = changer.alternativePayout ? this.#alternativePayout(changer, amount) : this.#dispense(changer, amount);
    this.#readTubes();
    return paid;
  }

  /** POLLs the changer and acts on what it reports. Returns whether it said it is busy paying out. */
  poll(): boolean {
    const changer = this.info;
    const answer = this.#command({ type: 'POLL' });
    if (answer.kind !== 'data') return false;
    const poll = decodeChangerResponse('POLL', answer.bytes);
    if (!poll.ok || poll.response.type !== 'POLL') return false;
    let busy = false;
    for (const event of poll.response.events) {
      switch (event.type) {
        case 'COIN_DEPOSITED': {
          if (!changer) break;
          if (event.routing === CoinRouting.TUBES) changer.tubeCounts[event.coinType] = event.tubeCount;
          const amount = changer.coinValues[event.coinType] ?? 0;
          if ((event.routing === CoinRouting.TUBES || event.routing === CoinRouting.CASH_BOX) && amount > 0) {
            this.bus.report({ type: 'credit', source: CreditSource.COIN, amount });
          }
          break;
        }
        case 'COINS_DISPENSED_MANUALLY':
          if (changer) changer.tubeCounts[event.coinType] = event.tubeCount;
          break;
        case 'SLUGS':
          if (event.count > 0) this.bus.report({ type: 'slugs', count: event.count });
          break;
        case 'STATUS':
          if (event.code === ChangerStatus.JUST_RESET) {
            this.justReset();
          } else if (event.code === ChangerStatus.PAYOUT_BUSY || event.code === ChangerStatus.BUSY) {
            busy = true;
          } else if (event.code === ChangerStatus.ESCROW_REQUEST) {
            this.bus.report({ type: 'coin_return_request' });
          } else {
            this.bus.report({ type: 'device_error', address: this.address, reason: 'status', code: event.code });
          }
          break;
      }
    }
    return busy;
  }

  protected reset(): Exchange {
    return this.#command({ type: 'RESET' });
  }

  protected configure(): void {
    const answer = this.#command({ type: 'SETUP' });
    const config = answer.kind === 'data' ? decodeChangerResponse('SETUP', answer.bytes) : null;
    if (!config?.ok || config.response.type !== 'CONFIG' || config.response.scalingFactor === 0) {
      this.setInfo(null);
      return;
    }
    const { level, countryCode, scalingFactor, decimalPlaces, tubeRouting, coinCredits } = config.response;
    const changer: ChangerInfo = {
      level,
      countryCode,
      scalingFactor,
      decimalPlaces,
      coinValues: Array.from({ length: MDB_COIN_TYPES }, (_, coinType) =>
        scaledToMinor(coinCredits[coinType] ?? 0, scalingFactor),
      ),
      tubeRouting,
      tubeCounts: new Array<number>(MDB_COIN_TYPES).fill(0),
      tubeFullMask: 0,
      alternativePayout: false,
    };
    if (level >= 3) {
      const id = this.#command({ type: 'IDENTIFICATION' });
      const identity = id.kind === 'data' ? decodeChangerResponse('IDENTIFICATION', id.bytes) : null;
      if (
        identity?.ok &&
        identity.response.type === 'IDENTIFICATION' &&
        identity.response.features & ChangerFeature.ALTERNATIVE_PAYOUT
      ) {
        const enabled = this.#command({ type: 'FEATURE_ENABLE', features: ChangerFeature.ALTERNATIVE_PAYOUT });
        changer.alternativePayout = enabled.kind === 'ack';
      }
    }
    this.setInfo(changer);
    this.#readTubes();
    this.sendCoinType();
  }

  #command(command: ChangerCommand): Exchange {
    return this.exchange(encodeChangerCommand(command));
  }

  #readTubes(): void {
    const changer = this.info;
    if (!changer) return;
    const answer = this.#command({ type: 'TUBE_STATUS' });
    if (answer.kind !== 'data') return;
    const status = decodeChangerResponse('TUBE_STATUS', answer.bytes);
    if (!status.ok || status.response.type !== 'TUBE_STATUS') return;
    changer.tubeCounts = status.response.counts;
    changer.tubeFullMask = status.response.fullMask;
    changer.coinValues.forEach((value, coinType) => {
      if (value === 0 || (changer.tubeRouting & (1 << coinType)) === 0) return;
      const count = changer.tubeCounts[coinType] ?? 0;
      if (count <= this.#tubeLowCount) {
        if (!this.#lowTubes.has(coinType)) this.bus.report({ type: 'tube_low', coinType, value, count });
        this.#lowTubes.add(coinType);
      } else {
        this.#lowTubes.delete(coinType);
      }
    });
  }

  /** Level 3: the changer chooses the coins; the VMC follows the payout and reads what was paid. */
  #alternativePayout(changer: ChangerInfo, amount: number): number {
    let paid = 0;
    while (paid < amount) {
      const value = Math.min(Math.floor((amount - paid) / changer.scalingFactor), 0xff);
      if (value === 0) break;
      if (this.#command({ type: 'ALTERNATIVE_PAYOUT', value }).kind !== 'ack') break;
      // PAYOUT VALUE POLL answers the value paid since the last one while the payout runs, ACK
      // alone once it is over; the VMC gives up after `maxPolls` answers in a row without progress.
      for (let idle = 0; idle < this.#maxPolls;) {
        const progress = this.#command({ type: 'PAYOUT_VALUE_POLL' });
        if (progress.kind !== 'data') break;
        const decoded = decodeChangerResponse('PAYOUT_VALUE_POLL', progress.bytes);
        idle = decoded.ok && decoded.response.type === 'PAYOUT_VALUE' && decoded.response.value > 0 ? 0 : idle + 1;
      }
      let counts: number[] | null = null;
      for (let i = 0; i < this.#maxPolls && !counts; i++) {
        const status = this.#command({ type: 'PAYOUT_STATUS' });
        if (status.kind === 'data') {
          const decoded = decodeChangerResponse('PAYOUT_STATUS', status.bytes);
          if (decoded.ok && decoded.response.type === 'PAYOUT_STATUS') counts = decoded.response.counts;
          else break;
        } else if (status.kind !== 'ack') {
          break;
        }
      }
      if (!counts) break;
      const round = counts.reduce((sum, count, coinType) => sum + count * (changer.coinValues[coinType] ?? 0), 0);
      paid += round;
      if (round === 0) break;
    }
    return paid;
  }

  /** Level 2: the VMC chooses the coins from the tube counts and DISPENSEs them type by type. */
  #dispense(changer: ChangerInfo, amount: number): number {
    this.#readTubes();
    const before = [...changer.tubeCounts];
    const available = before.map((count, coinType) => ((changer.tubeRouting >> coinType) & 1 ? count : 0));
    const plan = planChange(amount, changer.coinValues, available);
    const order = plan
      .map((_, coinType) => coinType)
      .sort((a, b) => (changer.coinValues[b] ?? 0) - (changer.coinValues[a] ?? 0));
    for (const coinType of order) {
      let left = plan[coinType] ?? 0;
      while (left > 0) {
        const count = Math.min(left, 15);
        if (this.#command({ type: 'DISPENSE', coinType, count }).kind !== 'ack') return this.#paidSince(before);
        left -= count;
        for (let i = 0; i < this.#maxPolls && this.poll(); i++);
      }
    }
    return this.#paidSince(before);
  }

  #paidSince(before: readonly number[]): number {
    const changer = this.info;
    if (!changer) return 0;
    this.#readTubes();
    return before.reduce((sum, count, coinType) => {
      const gone = count - (changer.tubeCounts[coinType] ?? 0);
      return sum + Math.max(0, gone) * (changer.coinValues[coinType] ?? 0);
    }, 0);
  }
}
