/**
 * Activation codes: the one-time code a machine's terminal activates with, shown once and
 * kept only as a hash.
 */
import { createHash, randomBytes } from 'node:crypto';

/** How long an activation code can be used. */
export const ACTIVATION_CODE_TTL_MS = 24 * 3_600_000;

/** Letters and digits that cannot be mistaken for each other (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 12;

/** A new one-time code, as `XXXX-XXXX-XXXX`. */
export function newActivationCode(): string {
  let code = '';
  while (code.length < CODE_LENGTH) {
    for (const byte of randomBytes(CODE_LENGTH)) {
      // Rejection sampling keeps every character equally likely.
      if (byte < 256 - (256 % CODE_ALPHABET.length) && code.length < CODE_LENGTH) {
        code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
      }
    }
  }
  return code.match(/.{4}/g)?.join('-') ?? code;
}

/** The stored hash of an activation code as a person types it (case, dashes and spaces do not matter). */
export function hashActivationCode(code: string): string {
  return createHash('sha256').update(code.toUpperCase().replace(/[\s-]/g, '')).digest('hex');
}
