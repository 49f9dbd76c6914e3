/**
 * What the platform sends a terminal, signed (docs/device-api.md, "Platform messages"):
 * every answer to a device call and every pushed event is a `PlatformMessage`: the JSON text
 * of an envelope naming the machine, an id and an expiry, and the platform's Ed25519
 * signature of that text. A terminal acts on nothing else.
 */
import { sign, type KeyObject } from 'node:crypto';
import { verifySignature } from './signing.js';

export interface Envelope<T = unknown> {
  /** The machine it is meant for. */
  machineId: string;
  /** Unique among the messages to this machine (an event's sequence number, a call's nonce). */
  id: string;
  /** What it is: `device.config`, `event.remote_vend`, ... */
  type: string;
  /** ISO 8601 times. */
  issuedAt: string;
  expiresAt: string;
  body: T;
}

/** A signed message: `payload` is the envelope's JSON text, `signature` base64. */
export interface PlatformMessage {
  payload: string;
  signature: string;
}

export function signMessage<T>(envelope: Envelope<T>, platformKey: KeyObject): PlatformMessage {
  const payload = JSON.stringify(envelope);
  return { payload, signature: sign(null, Buffer.from(payload, 'utf8'), platformKey).toString('base64') };
}

/** Why a terminal refused a platform message. */
export type MessageRefusal = 'forged' | 'malformed' | 'misaddressed' | 'expired' | 'replayed';

export class RefusedMessageError extends Error {
  override readonly name = 'RefusedMessageError';
  constructor(
    readonly reason: MessageRefusal,
    detail: string,
  ) {
    super(`refused a platform message (${reason}): ${detail}`);
  }
}

export interface OpenMessageOptions {
  platformKey: KeyObject;
  machineId: string;
  now: Date;
  /** The message's type must be this one. */
  type?: string;
  /** True if this id was accepted before (a replay). */
  seen?: (id: string) => boolean;
}

/**
 * The envelope of a message the platform signed for this machine, or a
 * `RefusedMessageError` saying why not: a bad signature, another machine, an expiry
 * passed, or an id seen before.
 */
export function openMessage<T = unknown>(message: PlatformMessage, options: OpenMessageOptions): Envelope<T> {
  if (typeof message?.payload !== 'string' || typeof message.signature !== 'string') {
    throw new RefusedMessageError('malformed', 'not a signed message');
  }
  if (!verifySignature(message.payload, message.signature, options.platformKey)) {
    throw new RefusedMessageError('forged', 'the signature is not the platform’s');
  }
  let envelope: Envelope<T>;
  try {
    envelope = JSON.parse(message.payload) as Envelope<T>;
  } catch {
    throw new RefusedMessageError('malformed', 'the payload is not JSON');
  }
  if (envelope.machineId !== options.machineId) {
    throw new RefusedMessageError('misaddressed', `meant for machine ${String(envelope.machineId)}`);
  }
  if (options.type !== undefined && envelope.type !== options.type) {
    throw new RefusedMessageError('malformed', `a ${String(envelope.type)}, not a ${options.type}`);
  }
  const expires = Date.parse(envelope.expiresAt);
  if (!Number.isFinite(expires) || expires <= options.now.getTime()) {
    throw new RefusedMessageError('expired', `expired at ${String(envelope.expiresAt)}`);
  }
  if (options.seen?.(envelope.id)) throw new RefusedMessageError('replayed', `message ${envelope.id} was seen before`);
  return envelope;
}
