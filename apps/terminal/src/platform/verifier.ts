/**
 * Opening what the platform sends: a message is acted on only if the platform's key
 * signed it, it names this machine, it has not expired, it is of the type expected and its
 * id was not accepted before.
 */
import type { KeyObject } from 'node:crypto';
import { openMessage, type Envelope, type PlatformMessage } from '@vmcloud/protocol/device';

/** Where accepted message ids are remembered (the store). */
export interface SeenMessages {
  hasSeen(id: string): boolean;
  markSeen(id: string, expiresAt: number): void;
  /** Forgets the ids of messages expired by `now`. */
  pruneSeen(now: number): number;
}

export interface MessageVerifierOptions {
  platformKey: KeyObject;
  machineId: string;
  seen: SeenMessages;
  now?: () => number;
}

export class MessageVerifier {
  readonly machineId: string;
  readonly #platformKey: KeyObject;
  readonly #seen: SeenMessages;
  readonly #now: () => number;

  constructor(options: MessageVerifierOptions) {
    this.machineId = options.machineId;
    this.#platformKey = options.platformKey;
    this.#seen = options.seen;
    this.#now = options.now ?? Date.now;
  }

  /**
   * The envelope of `message`, or a `RefusedMessageError`. Without `{ remember: false }` its
   * id is remembered at once; an event is remembered only once it was handled (`remember`).
   */
  open<T>(message: PlatformMessage, type: string | undefined, options: { remember?: boolean } = {}): Envelope<T> {
    const envelope = openMessage<T>(message, {
      platformKey: this.#platformKey,
      machineId: this.machineId,
      now: new Date(this.#now()),
      ...(type === undefined ? {} : { type }),
      seen: (id) => this.#seen.hasSeen(id),
    });
    if (options.remember !== false) this.remember(envelope);
    return envelope;
  }

  /** Forgets the ids of expired messages (an expired message is refused anyway), by the platform's time. */
  prune(): number {
    return this.#seen.pruneSeen(this.#now());
  }

  remember(envelope: Envelope<unknown>): void {
    const expires = Date.parse(envelope.expiresAt);
    this.#seen.markSeen(envelope.id, Number.isFinite(expires) ? expires : this.#now());
  }
}
