/**
 * The VMC's end of the simulated MDB wire: one command block and its answer at a time,
 * with the retries of the MDB link layer, every word recorded in the traffic log.
 */

import { decodePeripheralTransmission, encodeMasterBlock, encodeMasterControl, type MdbWord } from '@vmcloud/protocol';
import type { MdbPeripheral } from './peripheral.js';
import { describeAnswer, describeCommand, type MdbDirection, type MdbTrafficLog } from './traffic.js';

/**
 * How one command went: ACKed, NAKed, answered with data (already ACKed by the VMC), or
 * `none`: no readable answer after every retry.
 */
export type Exchange = { kind: 'ack' } | { kind: 'nak' } | { kind: 'none' } | { kind: 'data'; bytes: Uint8Array };

/** The wire between the VMC and the devices: may change the words (noise). */
export type MdbLine = (words: MdbWord[], direction: MdbDirection, address: number) => MdbWord[];

export class MdbWire {
  readonly #peripherals: readonly MdbPeripheral[];
  readonly #line: MdbLine;
  readonly #retries: number;
  readonly #log: MdbTrafficLog;

  constructor(peripherals: readonly MdbPeripheral[], options: { line: MdbLine; retries: number; log: MdbTrafficLog }) {
    this.#peripherals = [...peripherals];
    this.#line = options.line;
    this.#retries = options.retries;
    this.#log = options.log;
  }

  /**
   * One command and its answer: sends the block, asks again with RET while the answer is
   * unreadable, ACKs a data answer, and sends the command again when the device stays
   * silent, NAKs or keeps sending bad answers.
   */
  exchange(address: number, command: Uint8Array): Exchange {
    const block = encodeMasterBlock(command);
    const summary = describeCommand(address, command);
    let last: Exchange = { kind: 'none' };
    for (let attempt = 0; attempt <= this.#retries; attempt++) {
      let answer = this.#transmit(address, block, summary, command);
      if (answer.length === 0) continue;
      let reply = decodePeripheralTransmission(answer);
      for (let ret = 0; !reply.ok && ret < this.#retries; ret++) {
        answer = this.#transmit(address, encodeMasterControl('RET'), 'RET', command);
        if (answer.length === 0) break;
        reply = decodePeripheralTransmission(answer);
      }
      if (!reply.ok) continue;
      if (reply.kind === 'control') {
        if (reply.control === 'ACK') return { kind: 'ack' };
        last = { kind: 'nak' };
        continue;
      }
      this.#transmit(address, encodeMasterControl('ACK'), 'ACK', command);
      return { kind: 'data', bytes: reply.bytes };
    }
    return last;
  }

  /** Puts words on the bus and returns the answer as the VMC receives it (empty: no answer). */
  #transmit(address: number, words: MdbWord[], summary: string, command: Uint8Array): MdbWord[] {
    const sent = this.#line([...words], 'vmc_to_peripheral', address);
    this.#log.record('vmc_to_peripheral', address, sent, summary);
    let answer: MdbWord[] = [];
    for (const peripheral of this.#peripherals) {
      const words = peripheral.receive(sent);
      if (answer.length === 0 && words.length > 0) answer = words;
    }
    if (answer.length === 0) return [];
    const received = this.#line([...answer], 'peripheral_to_vmc', address);
    if (received.length === 0) return [];
    this.#log.record('peripheral_to_vmc', address, received, describeAnswer(address, command, received));
    return received;
  }
}
