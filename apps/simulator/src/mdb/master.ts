/**
 * What the VMC's side of the MDB bus does the same way for every device: the events it
 * reports to the firmware, and a device master's power-up (RESET, the POLL that answers
 * JUST RESET, then the device's own setup).
 */

import type { CreditSource } from '@vmcloud/protocol';
import type { Exchange } from './wire.js';

/** Why a device is reported as failing. */
export type MdbDeviceErrorReason = 'no_response' | 'status' | 'malfunction' | 'out_of_sequence';

/** What the bus reports to the VMC firmware. Money in fen. */
export type MdbBusEvent =
  /** Money came in: a coin, a stacked bill, or the funds of a card session that began. */
  | { type: 'credit'; source: CreditSource; amount: number }
  /** A bill is held in escrow: call `escrowAccept()` or `escrowReturn()`. */
  | { type: 'escrow'; billType: number; amount: number }
  /** The bill in escrow went back to the customer. */
  | { type: 'escrow_returned'; billType: number; amount: number }
  /** The bill stacker reports itself full. */
  | { type: 'stacker_full'; bills: number }
  /** A change tube holds `tubeLowCount` coins or fewer. */
  | { type: 'tube_low'; coinType: number; value: number; count: number }
  /** The customer pressed the coin return lever. */
  | { type: 'coin_return_request' }
  /** The coin changer saw `count` coins it does not recognise (slugs) since its last report; none was credited. */
  | { type: 'slugs'; count: number }
  /** The card session ended (the reader sent END SESSION). */
  | { type: 'cashless_session_end' }
  | { type: 'device_error'; address: number; reason: MdbDeviceErrorReason; code?: number };

/** What a device master needs from the bus it is on. */
export interface MdbMasterBus {
  /** One command block to `address` and its answer; a device that never answers is reported (`no_response`). */
  exchange(address: number, command: Uint8Array): Exchange;
  /** Reports an event to the firmware once the bus is in a settled state. */
  report(event: MdbBusEvent): void;
  /** Takes back the `no_response` errors reported for `address` (a device not fitted is no error). */
  forgetNoResponse(address: number): void;
  /** Sets `master`'s device up again once the bus is settled (it said JUST RESET on its own). */
  setupAgain(master: DeviceMaster<unknown>): void;
}

/**
 * The VMC's side of one device: what it learned at setup (`info`, null for a device that did
 * not answer) and the commands it sends.
 */
export abstract class DeviceMaster<Info> {
  #info: Info | null = null;
  #settingUp = false;

  constructor(
    readonly address: number,
    protected readonly bus: MdbMasterBus,
  ) {}

  /** What the VMC learned from the device at setup; null for a device that did not answer. */
  get info(): Info | null {
    return this.#info;
  }

  /** Keeps what the VMC learned at setup (null: the device is left out). */
  protected setInfo(info: Info | null): void {
    this.#info = info;
  }

  /**
   * Sets the device up as a VMC does: with `reset`, RESET first (a device that does not ACK
   * it is not fitted: left out, no error) and the POLL that answers JUST RESET; then the
   * device's own setup.
   */
  setup(reset: boolean): void {
    this.#settingUp = true;
    try {
      if (reset) {
        if (this.reset().kind !== 'ack') {
          this.#info = null;
          this.bus.forgetNoResponse(this.address);
          return;
        }
        this.poll();
      }
      this.configure();
    } finally {
      this.#settingUp = false;
    }
  }

  /** POLLs the device and acts on what it reports. */
  abstract poll(): void;

  /** Sends RESET. */
  protected abstract reset(): Exchange;

  /** The device's own setup after RESET: SETUP and what follows; leaves `info` null when it fails. */
  protected abstract configure(): void;

  /** The device said JUST RESET: outside its setup, it is set up again once the bus is settled. */
  protected justReset(): void {
    if (!this.#settingUp) this.bus.setupAgain(this);
  }

  protected exchange(command: Uint8Array): Exchange {
    return this.bus.exchange(this.address, command);
  }
}
