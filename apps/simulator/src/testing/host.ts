/**
 * A minimal host (the terminal's side of the serial link) for tests of the simulated
 * machine: a `Link` over a serial port or a line end, that keeps every message and every
 * byte it receives.
 */

import { SerialPortStream } from '@serialport/stream';
import {
  Link,
  type ByteTransport,
  type LinkOptions,
  type Message,
  type MessageOf,
  type ReceivedFrame,
  type SendOutcome,
} from '@vmcloud/protocol';
import { until } from '@vmcloud/protocol/testing';
import { simulatorBinding } from '../ports/mock.js';

type MessageName = Message['type'];

/** A message the host received, with its frame. */
export interface HostReceived {
  message: Message;
  frame: ReceivedFrame;
}

export class TestHost {
  readonly link: Link;
  /** Every new message received, oldest first. */
  readonly received: HostReceived[] = [];
  /** Every byte received from the board, in order. */
  readonly bytes: number[] = [];
  readonly #consumed = new Set<HostReceived>();
  readonly #transport: ByteTransport;
  readonly #onBytes = (chunk: Uint8Array): void => {
    for (const byte of chunk) this.bytes.push(byte);
  };

  constructor(transport: ByteTransport, options: LinkOptions = {}) {
    this.#transport = transport;
    transport.on('data', this.#onBytes);
    this.link = new Link(transport, options);
    this.link.on('message', (message, frame) => {
      // The board rebooted: its next frames are new whatever their SEQ.
      if (message.type === 'HELLO') this.link.forgetPeer();
      this.received.push({ message, frame });
    });
  }

  send(message: Message): Promise<SendOutcome> {
    return this.link.send(message);
  }

  /** Writes raw bytes to the board, bypassing the link. */
  writeRaw(bytes: Uint8Array): void {
    this.#transport.write(bytes);
  }

  /** Messages of `type` received so far (consumed or not). */
  all<N extends MessageName>(type: N): MessageOf<N>[] {
    return this.received.filter((entry) => entry.message.type === type).map((entry) => entry.message as MessageOf<N>);
  }

  /**
   * The first message of `type` (matching `match`) not taken by an earlier `next`, waiting up
   * to `timeoutMs` of wall-clock time for it. Rejects when none came.
   */
  async next<N extends MessageName>(
    type: N,
    match: (message: MessageOf<N>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<{ message: MessageOf<N>; frame: ReceivedFrame }> {
    const unconsumed = (): HostReceived | undefined =>
      this.received.find(
        (entry) => !this.#consumed.has(entry) && entry.message.type === type && match(entry.message as MessageOf<N>),
      );
    await until(() => unconsumed() !== undefined, { timeoutMs, what: `a ${type}` });
    const found = unconsumed();
    if (!found) throw new Error(`no ${type} within ${timeoutMs} ms`);
    this.#consumed.add(found);
    return { message: found.message as MessageOf<N>, frame: found.frame };
  }

  close(): void {
    this.link.close();
    this.#transport.off('data', this.#onBytes);
  }
}

/** Opens a simulated machine's port as the terminal does on hardware and puts a host on it. */
export async function openHost(path: string, options: LinkOptions = {}): Promise<SerialHost> {
  const port = new SerialPortStream({ binding: simulatorBinding, path, baudRate: 9600 });
  await new Promise<void>((resolve, reject) => {
    port.once('open', () => resolve());
    port.once('error', reject);
  });
  return new SerialHost(port, options);
}

/** A host on a serial port opened with {@link openHost}. */
export class SerialHost extends TestHost {
  readonly port: SerialPortStream;

  constructor(port: SerialPortStream, options: LinkOptions) {
    super(port, options);
    this.port = port;
  }

  /** Closes the link and the port. */
  async closePort(): Promise<void> {
    this.close();
    if (this.port.isOpen) await new Promise<void>((resolve) => this.port.close(() => resolve()));
  }
}
