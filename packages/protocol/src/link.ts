/**
 * The reliable link of docs/serial-protocol.md over any duplex byte transport: ACK and
 * NAK, retransmission, duplicate detection and repeated replies.
 */
import { NakReason } from './codes.js';
import { encodeFrame, type DecodeResult, type Frame } from './frame.js';
import { decodeMessage, encodeMessage, type Message } from './message-codec.js';
import { MessageType } from './messages.js';
import { FrameParser } from './parser.js';

/**
 * A duplex byte stream the link runs over. A Node Duplex (a `serialport` port, a
 * `net.Socket`) satisfies it, and so does a line end of `createLinePair`.
 */
export interface ByteTransport {
  write(chunk: Uint8Array): unknown;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  off(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
}

/** Timings and the first SEQ of a link. */
export interface LinkOptions {
  /** How long to wait for the ACK of a frame before sending it again (default 200 ms). */
  ackTimeoutMs?: number;
  /** How many times a frame is sent again before its message is reported undelivered (default 3). */
  maxRetransmissions?: number;
  /** SEQ of the first frame (default a random u32, as at boot). */
  initialSeq?: number;
}

/** A frame received from the peer, as handed to 'message' listeners; pass it as `inReplyTo` to answer it. */
export type ReceivedFrame = Readonly<Frame>;

/**
 * How a send ended: ACKed by the peer, or not (`timeout`: no ACK after every retransmission;
 * `closed`: the link was closed first). An undelivered message may still have reached the
 * peer, when only its ACKs were lost.
 */
export type SendOutcome =
  { delivered: true; seq: number } | { delivered: false; seq: number; reason: 'timeout' | 'closed' };

/** Counters of a link. */
export interface LinkStats {
  /** Frames sent for the first time. */
  sent: number;
  /** Frames sent again with their SEQ: after a NAK or a timeout, by `resend`, or repeating a reply. */
  retransmitted: number;
  /** New frames received and handed to 'message' listeners. */
  received: number;
  /** Frames received again (same SEQ and bytes as the last one), ACKed and not acted on. */
  duplicates: number;
  /** NAKs sent for frames that were corrupted, malformed, of an unknown type or of a bad length. */
  naksSent: number;
  /** Bytes of noise dropped before an STX. */
  noiseBytes: number;
}

type MessageListener = (message: Message, frame: ReceivedFrame) => void;
type DownListener = (undelivered: Message) => void;
type UpListener = () => void;
type LinkListener = MessageListener | DownListener | UpListener;

/** A message on its way out. */
interface Outgoing {
  readonly message: Message;
  readonly seq: number;
  readonly wire: Uint8Array;
  /** Transmissions in the current round (a `resend` starts a new round). */
  transmissions: number;
  /** Whether it has been on the wire at least once. */
  sent: boolean;
  state: 'queued' | 'outstanding' | 'delivered' | 'undelivered';
  resolve: (outcome: SendOutcome) => void;
}

/** The last frame processed from the peer, and the reply sent for it, if any. */
interface PeerFrame {
  readonly type: number;
  readonly seq: number;
  readonly data: Uint8Array;
  reply?: Outgoing;
}

const NO_DATA = new Uint8Array(0);

function sameFrame(a: Readonly<Frame>, b: Readonly<Frame>): boolean {
  if (a.type !== b.type || a.seq !== b.seq || a.data.length !== b.data.length) return false;
  for (let i = 0; i < a.data.length; i += 1) if (a.data[i] !== b.data[i]) return false;
  return true;
}

function isU32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= 0xffffffff;
}

/**
 * One side of the VMC serial link (docs/serial-protocol.md, "Receiving" and "Sending"),
 * over a byte transport: the host on the terminal, the VMC in the simulator.
 *
 * Receiving: a corrupted or malformed frame whose SEQ could be read is answered with
 * NAK 1 (checksum) or 2 (format), otherwise dropped; an unknown TYPE gets NAK 3 and a
 * DATA of the wrong length NAK 4. A good frame is ACKed at once, then handed to 'message'
 * listeners. A frame with the same SEQ and bytes as the last one processed from the peer
 * is a duplicate: it is ACKed again, not handed on, and if the reply sent for it
 * (`send(reply, { inReplyTo })`) is still waiting for its ACK, that reply is sent again.
 * ACK and NAK are never answered.
 *
 * Sending: stop-and-wait, in the order of the `send` calls. A frame is sent again with
 * the same SEQ on a NAK or when no ACK came within `ackTimeoutMs` (on NAK 5, busy, when
 * that time is up), at most `maxRetransmissions` times; then the message is reported
 * undelivered and the link down ('down'), and the next one goes. A later ACK reports the
 * link up again ('up'). ACK or NAK for any other SEQ than the frame waiting for it are ignored.
 *
 * Bad bytes never make it throw.
 */
export class Link {
  readonly #transport: ByteTransport;
  readonly #ackTimeoutMs: number;
  readonly #maxRetransmissions: number;
  readonly #parser = new FrameParser();
  readonly #onData = (chunk: Uint8Array): void => this.#receive(chunk);

  #nextSeq: number;
  readonly #queue: Outgoing[] = [];
  #outstanding: Outgoing | undefined;
  /** The last frame put on the wire: the only one `resend` may send again. */
  #lastSent: Outgoing | undefined;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #nextTimer: ReturnType<typeof setTimeout> | undefined;

  #peer: PeerFrame | undefined;
  /** A new frame is being handed to 'message' listeners. */
  #dispatching = false;
  #down = false;
  #closed = false;

  readonly #messageListeners = new Set<MessageListener>();
  readonly #downListeners = new Set<DownListener>();
  readonly #upListeners = new Set<UpListener>();

  readonly #stats = { sent: 0, retransmitted: 0, received: 0, duplicates: 0, naksSent: 0 };

  /** Starts listening on the transport. Throws a RangeError for options out of range. */
  constructor(transport: ByteTransport, options: LinkOptions = {}) {
    const ackTimeoutMs = options.ackTimeoutMs ?? 200;
    const maxRetransmissions = options.maxRetransmissions ?? 3;
    const initialSeq = options.initialSeq ?? Math.floor(Math.random() * 0x1_0000_0000);
    if (!(ackTimeoutMs > 0 && Number.isFinite(ackTimeoutMs))) {
      throw new RangeError(`ackTimeoutMs must be a positive number, got ${ackTimeoutMs}`);
    }
    if (!Number.isInteger(maxRetransmissions) || maxRetransmissions < 0) {
      throw new RangeError(`maxRetransmissions must be a non-negative integer, got ${maxRetransmissions}`);
    }
    if (!isU32(initialSeq)) throw new RangeError(`initialSeq must be an unsigned 32-bit integer, got ${initialSeq}`);
    this.#transport = transport;
    this.#ackTimeoutMs = ackTimeoutMs;
    this.#maxRetransmissions = maxRetransmissions;
    this.#nextSeq = initialSeq;
    transport.on('data', this.#onData);
  }

  /** Counters since the link was made. */
  get stats(): LinkStats {
    return { ...this.#stats, noiseBytes: this.#parser.noiseBytes };
  }

  /** Whether the link is reported up: true until a message goes undelivered, and again after the next ACK. */
  get up(): boolean {
    return !this.#down;
  }

  /**
   * Sends a message in a frame of its own, with the next SEQ, after the messages already
   * queued. Resolves when the peer ACKs it, or when it is given up (see `SendOutcome`).
   * `inReplyTo`: the frame this message answers (STATUS to POLL, PAYOUT_RESULT to PAYOUT),
   * so that a duplicate of that frame gets this reply again; ignored when a newer frame has
   * come from the peer since.
   * Rejects with a RangeError for ACK and NAK (the link sends those itself) and for a
   * message whose fields do not fit (see `encodeMessage`).
   */
  send(message: Message, options: { inReplyTo?: ReceivedFrame } = {}): Promise<SendOutcome> {
    if (message.type === 'ACK' || message.type === 'NAK') {
      return Promise.reject(new RangeError('ACK and NAK are sent by the link itself'));
    }
    let wire: Uint8Array;
    const seq = this.#nextSeq;
    try {
      const { type, data } = encodeMessage(message);
      wire = encodeFrame({ type, seq, data });
    } catch (error) {
      return Promise.reject(error);
    }
    this.#nextSeq = (seq + 1) >>> 0;
    if (this.#closed) return Promise.resolve({ delivered: false, seq, reason: 'closed' });

    return new Promise<SendOutcome>((resolve) => {
      const outgoing: Outgoing = { message, seq, wire, transmissions: 0, sent: false, state: 'queued', resolve };
      const { inReplyTo } = options;
      if (inReplyTo !== undefined && this.#peer !== undefined && sameFrame(this.#peer, inReplyTo)) {
        this.#peer.reply = outgoing;
      }
      this.#queue.push(outgoing);
      this.#next();
    });
  }

  /**
   * Sends an undelivered message again as the same frame (same SEQ, same bytes), with a
   * new round of retransmissions, ahead of any queued message. If the first round did
   * reach the peer and only the ACKs were lost, the peer takes it for a duplicate: it is
   * ACKed and not acted on twice. So a caller that resends until delivered gets every
   * message across exactly once, in order.
   *
   * Only the last frame this link sent can be sent again this way: call it as soon as
   * `send` has resolved undelivered (the next queued message goes out on the next turn of
   * the event loop). Rejects with an Error when `seq` is not that frame, or that frame was
   * delivered; a message given up earlier can only be sent as a new frame, if acting on it
   * twice is harmless (a VEND with the same vendId is).
   */
  resend(seq: number): Promise<SendOutcome> {
    const outgoing = this.#lastSent;
    if (this.#closed) return Promise.resolve({ delivered: false, seq, reason: 'closed' });
    if (outgoing === undefined || outgoing.seq !== seq || outgoing.state !== 'undelivered') {
      return Promise.reject(new Error(`frame ${seq} is not the last frame sent, or it was not undelivered`));
    }
    return new Promise<SendOutcome>((resolve) => {
      outgoing.resolve = resolve;
      outgoing.transmissions = 0;
      outgoing.state = 'queued';
      this.#queue.unshift(outgoing);
      this.#next();
    });
  }

  /** Listens for new messages from the peer (duplicates are not passed on). */
  on(event: 'message', listener: MessageListener): this;
  /** Listens for messages given up after every retransmission: the link is down. */
  on(event: 'down', listener: DownListener): this;
  /** Listens for the link coming back up: a frame was ACKed after a 'down'. */
  on(event: 'up', listener: UpListener): this;
  on(event: 'message' | 'down' | 'up', listener: LinkListener): this {
    this.#listeners(event).add(listener);
    return this;
  }

  /** Stops listening. */
  off(event: 'message', listener: MessageListener): this;
  off(event: 'down', listener: DownListener): this;
  off(event: 'up', listener: UpListener): this;
  off(event: 'message' | 'down' | 'up', listener: LinkListener): this {
    this.#listeners(event).delete(listener);
    return this;
  }

  /**
   * Forgets the peer's last frame, so that the next frame is taken as new even if it
   * repeats that frame's SEQ and bytes (the host calls this on HELLO: the VMC rebooted).
   * A frame being handed to 'message' listeners stays remembered: when it is the HELLO
   * itself, a retransmission of it is still a duplicate.
   */
  forgetPeer(): void {
    if (!this.#dispatching) this.#peer = undefined;
  }

  /**
   * Stops the timers and detaches from the transport. Every message not yet delivered
   * resolves `{ delivered: false, reason: 'closed' }`, and later sends resolve the same way.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#ackTimer);
    clearTimeout(this.#nextTimer);
    this.#transport.off('data', this.#onData);
    const pending = this.#outstanding === undefined ? [...this.#queue] : [this.#outstanding, ...this.#queue];
    this.#outstanding = undefined;
    this.#queue.length = 0;
    for (const outgoing of pending) {
      outgoing.state = 'undelivered';
      outgoing.resolve({ delivered: false, seq: outgoing.seq, reason: 'closed' });
    }
  }

  #listeners(event: 'message' | 'down' | 'up'): Set<LinkListener> {
    if (event === 'message') return this.#messageListeners as Set<LinkListener>;
    if (event === 'down') return this.#downListeners as Set<LinkListener>;
    return this.#upListeners as Set<LinkListener>;
  }

  /** Calls listeners; one that throws does not stop the link (its error is rethrown on its own). */
  #emit<A extends unknown[]>(listeners: Set<(...args: A) => void>, ...args: A): void {
    for (const listener of [...listeners]) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #write(wire: Uint8Array): void {
    try {
      this.#transport.write(wire);
    } catch {
      // A transport that cannot write loses the frame, as a line would: the ACK timeout takes over.
    }
  }

  #writeControl(type: number, seq: number, data: Uint8Array): void {
    this.#write(encodeFrame({ type, seq, data }));
  }

  #nak(seq: number, reason: NakReason): void {
    this.#stats.naksSent += 1;
    this.#writeControl(MessageType.NAK, seq, Uint8Array.of(reason));
  }

  // Sending

  /** Puts the next queued message on the wire if none is waiting for its ACK. */
  #next(): void {
    if (this.#closed || this.#outstanding !== undefined) return;
    const outgoing = this.#queue.shift();
    if (outgoing === undefined) return;
    this.#outstanding = outgoing;
    outgoing.state = 'outstanding';
    this.#transmit(outgoing);
  }

  #transmit(outgoing: Outgoing): void {
    if (outgoing.sent) {
      this.#stats.retransmitted += 1;
    } else {
      this.#stats.sent += 1;
      outgoing.sent = true;
    }
    this.#lastSent = outgoing;
    outgoing.transmissions += 1;
    this.#write(outgoing.wire);
    this.#startAckTimer(outgoing);
  }

  #startAckTimer(outgoing: Outgoing): void {
    clearTimeout(this.#ackTimer);
    this.#ackTimer = setTimeout(() => this.#retransmit(outgoing), this.#ackTimeoutMs);
  }

  /** After a NAK or a timeout: the same frame again, or give it up. */
  #retransmit(outgoing: Outgoing): void {
    if (outgoing !== this.#outstanding) return;
    clearTimeout(this.#ackTimer);
    if (outgoing.transmissions <= this.#maxRetransmissions) {
      this.#transmit(outgoing);
      return;
    }
    this.#outstanding = undefined;
    outgoing.state = 'undelivered';
    outgoing.resolve({ delivered: false, seq: outgoing.seq, reason: 'timeout' });
    this.#down = true;
    this.#emit(this.#downListeners, outgoing.message);
    // The next message waits for the next turn of the event loop, so that the caller can `resend` first.
    clearTimeout(this.#nextTimer);
    this.#nextTimer = setTimeout(() => this.#next(), 0);
  }

  #acknowledged(outgoing: Outgoing): void {
    clearTimeout(this.#ackTimer);
    this.#outstanding = undefined;
    outgoing.state = 'delivered';
    outgoing.resolve({ delivered: true, seq: outgoing.seq });
    if (this.#down) {
      this.#down = false;
      this.#emit(this.#upListeners);
    }
    this.#next();
  }

  // Receiving

  #receive(chunk: Uint8Array): void {
    if (this.#closed || !(chunk instanceof Uint8Array)) return;
    for (const result of this.#parser.push(chunk)) {
      if (this.#closed) return;
      this.#handle(result);
    }
  }

  #handle(result: DecodeResult): void {
    if (!result.ok) {
      // A frame too short or too long is dropped; so is one whose SEQ could not be read.
      if (result.seq !== undefined && result.error !== 'length') {
        this.#nak(result.seq, result.error === 'checksum' ? NakReason.CHECKSUM : NakReason.FORMAT);
      }
      return;
    }
    const { frame } = result;
    if (frame.type === MessageType.ACK || frame.type === MessageType.NAK) {
      this.#answer(frame);
      return;
    }
    const decoded = decodeMessage(frame.type, frame.data);
    if (!decoded.ok) {
      this.#nak(frame.seq, decoded.error === 'unknown-type' ? NakReason.UNKNOWN_TYPE : NakReason.BAD_LENGTH);
      return;
    }

    const peer = this.#peer;
    if (peer !== undefined && sameFrame(peer, frame)) {
      this.#stats.duplicates += 1;
      this.#writeControl(MessageType.ACK, frame.seq, NO_DATA);
      const reply = peer.reply;
      if (reply !== undefined && reply === this.#outstanding) {
        this.#stats.retransmitted += 1;
        this.#write(reply.wire);
      }
      return;
    }

    this.#peer = { type: frame.type, seq: frame.seq, data: frame.data.slice() };
    this.#writeControl(MessageType.ACK, frame.seq, NO_DATA);
    this.#stats.received += 1;
    this.#dispatching = true;
    try {
      this.#emit(this.#messageListeners, decoded.message, frame);
    } finally {
      this.#dispatching = false;
    }
  }

  /** An ACK or NAK from the peer: for the frame waiting for it, or ignored. */
  #answer(frame: Frame): void {
    const outgoing = this.#outstanding;
    if (outgoing === undefined || frame.seq !== outgoing.seq) return;
    const decoded = decodeMessage(frame.type, frame.data);
    if (!decoded.ok) return;
    if (decoded.message.type === 'ACK') {
      this.#acknowledged(outgoing);
    } else if (decoded.message.type === 'NAK' && decoded.message.reason === NakReason.BUSY) {
      // Busy: the frame goes again when the ACK timeout is up.
    } else {
      this.#retransmit(outgoing);
    }
  }
}
