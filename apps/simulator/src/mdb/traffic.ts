/**
 * The record of what went over the simulated MDB bus: every transmission, with the words
 * as the receiving side got them and what they mean in a few words.
 */

import {
  MdbAddress,
  decodeBillValidatorCommand,
  decodeBillValidatorResponse,
  decodeCashlessCommand,
  decodeCashlessResponse,
  decodeChangerCommand,
  decodeChangerResponse,
  decodePeripheralTransmission,
  type MdbWord,
} from '@vmcloud/protocol';

/** Which way words travel. */
export type MdbDirection = 'vmc_to_peripheral' | 'peripheral_to_vmc';

/** One transmission on the bus. */
export interface MdbTrafficEntry {
  direction: MdbDirection;
  /** The device the VMC is talking to. */
  address: number;
  /** The 9-bit words as the receiving side got them (bit 8 is the mode bit). */
  words: MdbWord[];
  /** What they mean: the decoded command or answer, ACK / RET / NAK, or why they could not be read. */
  summary: string;
}

/** The transmissions recorded, oldest first, at most `limit` of them (the oldest go first). */
export class MdbTrafficLog {
  #entries: MdbTrafficEntry[] = [];

  constructor(private readonly limit: number) {}

  /** Every transmission recorded so far, oldest first. */
  get entries(): readonly MdbTrafficEntry[] {
    return this.#entries;
  }

  record(direction: MdbDirection, address: number, words: readonly MdbWord[], summary: string): void {
    this.#entries.push({ direction, address, words: [...words], summary });
    if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
  }

  /** Forgets every transmission recorded. */
  clear(): void {
    this.#entries = [];
  }
}

function describeFields(message: { type: string }): string {
  const fields = Object.entries(message)
    .filter(([key]) => key !== 'type')
    .map(([key, value]) => {
      if (Array.isArray(value)) {
        const items = value.map((item: unknown) =>
          typeof item === 'object' && item !== null && 'type' in item
            ? describeFields(item as { type: string })
            : String(item),
        );
        return `${key}=[${items.join(', ')}]`;
      }
      return `${key}=${typeof value === 'string' ? JSON.stringify(value) : String(value)}`;
    });
  return fields.length > 0 ? `${message.type} ${fields.join(' ')}` : message.type;
}

/** A command block (without CHK) to the device at `address`, in a few words. */
export function describeCommand(address: number, bytes: Uint8Array): string {
  const decoded =
    address === MdbAddress.COIN_CHANGER
      ? decodeChangerCommand(bytes)
      : address === MdbAddress.BILL_VALIDATOR
        ? decodeBillValidatorCommand(bytes)
        : decodeCashlessCommand(bytes);
  return decoded.ok ? describeFields(decoded.command) : `unreadable command (${decoded.error})`;
}

/** A device's answer to `command`, as the VMC received it, in a few words. */
export function describeAnswer(address: number, command: Uint8Array, words: MdbWord[]): string {
  const transmission = decodePeripheralTransmission(words);
  if (!transmission.ok) return `unreadable (${transmission.error})`;
  if (transmission.kind === 'control') return transmission.control;
  const bytes = transmission.bytes;
  const decoded = decodeAnswer(address, command, bytes);
  return decoded.ok ? describeFields(decoded.response) : `unreadable answer (${decoded.error})`;
}

function decodeAnswer(
  address: number,
  command: Uint8Array,
  bytes: Uint8Array,
): { ok: true; response: { type: string } } | { ok: false; error: string } {
  if (address === MdbAddress.CASHLESS) return decodeCashlessResponse(bytes);
  if (address === MdbAddress.COIN_CHANGER) {
    const sent = decodeChangerCommand(command);
    return sent.ok ? decodeChangerResponse(sent.command.type, bytes) : sent;
  }
  const sent = decodeBillValidatorCommand(command);
  return sent.ok ? decodeBillValidatorResponse(sent.command.type, bytes) : sent;
}

/** Words as hex, a `*` after each word that has the mode bit: `13* 00 00 64 00 01 78`. */
export function formatMdbWords(words: readonly MdbWord[]): string {
  return words
    .map((word) => `${(word & 0xff).toString(16).padStart(2, '0').toUpperCase()}${word & 0x100 ? '*' : ''}`)
    .join(' ');
}
