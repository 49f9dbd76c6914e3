/**
 * A device on the simulated MDB bus. It hears every transmission of the VMC, answers the
 * blocks addressed to it with the words a real device would send, and keeps its last data
 * answer until the VMC acknowledges it (re-sending it on RET).
 */

import {
  decodeMasterTransmission,
  encodePeripheralBlock,
  encodePeripheralControl,
  mdbAddressOf,
  type MdbWord,
} from '@vmcloud/protocol';

/** A device on the bus, as the VMC's side of the wire sees it. */
export interface MdbPeripheral {
  /** The device's MDB address (MdbAddress). */
  readonly address: number;
  /**
   * Hears one transmission of the VMC (a command block, or an ACK/RET/NAK) and returns the
   * words the device sends back: a data block, a lone ACK or NAK, or nothing.
   */
  receive(words: readonly MdbWord[]): MdbWord[];
}

/** What a device does with one command addressed to it. */
export type PeripheralAnswer =
  | { kind: 'ack' }
  | { kind: 'nak' }
  /** Data; `onAck` runs when the VMC acknowledges it (POLL data is dropped from the device's queue then). */
  | { kind: 'data'; bytes: Uint8Array; onAck?: () => void };

export const ACK_ANSWER: PeripheralAnswer = Object.freeze({ kind: 'ack' });
export const NAK_ANSWER: PeripheralAnswer = Object.freeze({ kind: 'nak' });

/**
 * The bus side common to all devices: address filtering, CHK, the mode bit, and holding a
 * data answer until the VMC's ACK. A block with a bad CHK or mode bit gets no answer (the
 * VMC times out and sends it again).
 */
export abstract class PeripheralBase implements MdbPeripheral {
  abstract readonly address: number;
  #unacknowledged: { words: MdbWord[]; onAck?: (() => void) | undefined } | null = null;

  receive(words: readonly MdbWord[]): MdbWord[] {
    const transmission = decodeMasterTransmission(words);
    if (!transmission.ok) return [];
    if (transmission.kind === 'control') {
      const sent = this.#unacknowledged;
      if (!sent) return [];
      if (transmission.control === 'RET') return [...sent.words];
      this.#unacknowledged = null;
      if (transmission.control === 'ACK') sent.onAck?.();
      return [];
    }
    // Any new block ends the wait for an ACK; unacknowledged POLL data is sent again on the next POLL.
    this.#unacknowledged = null;
    if (mdbAddressOf(transmission.bytes[0] ?? 0) !== this.address) return [];
    const answer = this.answer(transmission.bytes);
    switch (answer.kind) {
      case 'ack':
        return encodePeripheralControl('ACK');
      case 'nak':
        return encodePeripheralControl('NAK');
      case 'data': {
        const sent = encodePeripheralBlock(answer.bytes);
        this.#unacknowledged = { words: sent, onAck: answer.onAck };
        return [...sent];
      }
    }
  }

  /** Acts on one command block addressed to this device (bytes without CHK). */
  protected abstract answer(bytes: Uint8Array): PeripheralAnswer;
}

/** Greatest common divisor of the non-zero values (1 if there are none). */
export function commonFactor(values: readonly number[]): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  return values.filter((value) => value > 0).reduce(gcd, 0) || 1;
}
