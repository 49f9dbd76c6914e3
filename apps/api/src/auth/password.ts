/**
 * Password hashing with scrypt (memory-hard), stored as a PHC string:
 *   $scrypt$ln=15,r=8,p=1$<salt>$<hash>     (base64, no padding)
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const KEY_LENGTH = 32;

/** scrypt cost parameters: N = 2^ln, block size r, parallelism p. */
export interface PasswordCost {
  ln: number;
  r: number;
  p: number;
}

export const DEFAULT_PASSWORD_COST: PasswordCost = { ln: 15, r: 8, p: 1 };

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCallback(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

const scryptOptions = (cost: PasswordCost): ScryptOptions => ({
  N: 2 ** cost.ln,
  r: cost.r,
  p: cost.p,
  maxmem: 256 * 2 ** cost.ln * cost.r,
});

const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '');

export async function hashPassword(password: string, cost: PasswordCost = DEFAULT_PASSWORD_COST): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, scryptOptions(cost));
  return `$scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${b64(salt)}$${b64(key)}`;
}

const PHC = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

/** True if `password` matches `stored`; false for a wrong password or a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const match = PHC.exec(stored);
  if (!match) return false;
  const [, ln, r, p, salt, hash] = match;
  const expected = Buffer.from(hash as string, 'base64');
  const cost = { ln: Number(ln), r: Number(r), p: Number(p) };
  if (cost.ln > 20 || expected.length !== KEY_LENGTH) return false;
  const key = await scrypt(password, Buffer.from(salt as string, 'base64'), scryptOptions(cost));
  return timingSafeEqual(key, expected);
}
