/**
 * Throttles on password checks and anonymous calls, kept in the database (`login_throttles`)
 * so that every API instance counts the same attempts.
 *
 * A password check (signing in, changing one's password) claims one attempt on three keys
 * before the password is even looked at: the account from this source address (`PAIR`),
 * the account from anywhere (`ACCOUNT`) and the source address for any account
 * (`ADDRESS`). A claim is one conditional UPDATE (`failures + 1` only while the key is
 * under its limit and not locked), so a burst of parallel attempts counts every one of
 * them: the checks still running hold their claims, and an attempt over the limit waits
 * for them to finish instead of slipping past. A check that succeeds gives its claims
 * back (and clears the failures of its account and address pair), so only failures
 * count: a user signing in many times, even at once, is never refused. A failure at or
 * over a key's free allowance locks the key, 30 s or 1 min at first and twice as long
 * with each failure after, up to the key's maximum; failures are forgotten once a key
 * has had none for its window.
 *
 * The owner of an account an attacker hammers from elsewhere: the attacker's failures
 * lock only the attacker's pair and address; the account-wide lock, which slows guessing
 * from many addresses, does not apply to an address that has signed in to the account
 * before (the audit log of its sign-ins), so the owner at a known place is not locked
 * out, and anywhere else for at most `ACCOUNT.maxLockMs`.
 */
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { adjust, and, eq, isNull, lt, lte, or, sql, type PlatformScope } from '@vmcloud/db';
import { isUniqueViolation, tooMany } from '../shared/errors.js';

export interface ThrottleRule {
  /** Failures allowed before the first lock. */
  free: number;
  /** The first lock; each failure after it doubles it, up to `maxLockMs`. */
  firstLockMs: number;
  maxLockMs: number;
  /** Failures are forgotten once the key has had none (and no lock) for this long. */
  windowMs: number;
}

/** One account from one source address: the owner's typos, or one attacker on one account. */
export const PAIR: ThrottleRule = { free: 5, firstLockMs: 30_000, maxLockMs: 15 * 60_000, windowMs: 15 * 60_000 };
/** One account from every address: guessing spread over many addresses. */
export const ACCOUNT: ThrottleRule = { free: 20, firstLockMs: 60_000, maxLockMs: 15 * 60_000, windowMs: 60 * 60_000 };
/** One source address over every account: one attacker trying many accounts. */
export const ADDRESS: ThrottleRule = { free: 30, firstLockMs: 60_000, maxLockMs: 60 * 60_000, windowMs: 60 * 60_000 };

/** How long an attempt over a limit waits for the checks still running before it is refused. */
const WAIT_FOR_RUNNING_MS = 5_000;
const WAIT_STEP_MS = 25;

/** The lock after `failures` failures under `rule` (0 while under the free allowance). */
export function lockDuration(rule: ThrottleRule, failures: number): number {
  if (failures < rule.free) return 0;
  return Math.min(rule.firstLockMs * 2 ** Math.min(failures - rule.free, 30), rule.maxLockMs);
}

/** The stored key for what is counted: its SHA-256, so no username or address is stored. */
export function throttleKey(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** The source address a throttle counts, `unknown` when the request has none. */
export const addressOf = (ip: string | null): string => ip?.trim().toLowerCase() || 'unknown';

type Claim = { ok: true } | { ok: false; retryAfterMs: number };

const rows = (db: PlatformScope) => db.loginThrottles;

/** Forgets the failures of a key that has had none, and no lock, for its window. */
async function forgetStale(db: PlatformScope, key: string, rule: ThrottleRule, now: Date): Promise<void> {
  const before = new Date(now.getTime() - rule.windowMs);
  await rows(db).updateWhere(
    (t) => and(eq(t.key, key), lt(t.lastFailureAt, before), or(isNull(t.lockedUntil), lt(t.lockedUntil, before))),
    { failures: 0, inFlight: 0, lockedUntil: null },
  );
}

/**
 * Claims one attempt on `key`: counted at once, in one conditional statement, while the
 * key is unlocked and under its free allowance (or, past it, while no other check runs:
 * one probe at a time after a lock ends). Over the limit with checks still running, waits
 * for them; locked, answers how long the lock lasts.
 */
async function claim(db: PlatformScope, key: string, rule: ThrottleRule, now: () => Date): Promise<Claim> {
  const started = Date.now();
  for (;;) {
    const at = now();
    await forgetStale(db, key, rule, at);
    const claimed = await rows(db).updateWhere(
      (t) =>
        and(
          eq(t.key, key),
          or(isNull(t.lockedUntil), lte(t.lockedUntil, at)),
          or(lt(t.failures, rule.free), eq(t.inFlight, 0)),
        ),
      { failures: adjust(1), inFlight: adjust(1), lastFailureAt: at },
    );
    if (claimed === 1) return { ok: true };
    const row = await rows(db).findOneBy({ key });
    if (!row) {
      try {
        await rows(db).insert({ key, failures: 1, inFlight: 1, lastFailureAt: at, lockedUntil: null });
        return { ok: true };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        continue; // another attempt made the row first: claim on it
      }
    }
    if (row.lockedUntil && row.lockedUntil.getTime() > at.getTime()) {
      return { ok: false, retryAfterMs: row.lockedUntil.getTime() - at.getTime() };
    }
    // At the limit with checks still running: their outcome decides (a lock, or claims given back).
    if (Date.now() - started >= WAIT_FOR_RUNNING_MS) return { ok: false, retryAfterMs: rule.firstLockMs };
    await sleep(WAIT_STEP_MS);
  }
}

/** Gives back a claim: the check succeeded, or another key refused the attempt. */
async function giveBack(db: PlatformScope, key: string, clear: boolean): Promise<void> {
  await rows(db).updateWhere((t) => eq(t.key, key), {
    failures: clear
      ? sql`case when ${sql.identifier('in_flight')} > 1 then ${sql.identifier('in_flight')} - 1 else 0 end`
      : adjust(-1, { min: 0 }),
    inFlight: adjust(-1, { min: 0 }),
    ...(clear ? { lockedUntil: null } : {}),
  });
}

/**
 * Records a failed check: the claim stays counted, and the key is locked if it is over its
 * allowance. The lock is set before the claim stops being in flight: an attempt may claim a
 * key over its allowance only while nothing is in flight and no lock stands, so releasing
 * first would let one slip in between.
 */
async function fail(db: PlatformScope, key: string, rule: ThrottleRule, now: Date): Promise<void> {
  const row = await rows(db).findOneBy({ key });
  const lock = row ? lockDuration(rule, row.failures) : 0;
  if (lock > 0) {
    const until = new Date(now.getTime() + lock);
    // Two failures finishing together both lock; the longer lock stands.
    await rows(db).updateWhere((t) => and(eq(t.key, key), or(isNull(t.lockedUntil), lt(t.lockedUntil, until))), {
      lockedUntil: until,
    });
  }
  await rows(db).updateWhere((t) => eq(t.key, key), { inFlight: adjust(-1, { min: 0 }), lastFailureAt: now });
}

/** Whose password is checked, and from where. */
export interface PasswordTarget {
  tenantCode: string;
  username: string;
  /** The request's source address (null: unknown). */
  ip: string | null;
  /**
   * Whether the account has signed in from this address before; asked only when the
   * account-wide lock would refuse, which it does not for a known address.
   */
  knownAddress?: () => Promise<boolean>;
}

/** What a refusal says: which check, and for how long. */
export type ThrottleWording = 'sign-ins' | 'password checks';

function refusal(wording: ThrottleWording, retryAfterMs: number): Error {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return tooMany(
    wording === 'sign-ins'
      ? `Too many failed sign-ins; try again in ${seconds} s`
      : `Too many wrong passwords; try again in ${seconds} s`,
  );
}

/**
 * Runs a password check under the throttles of its account and source address: claims an
 * attempt on each (refused with TOO_MANY_REQUESTS when one is locked), runs `check`, and
 * records its outcome. Resolves with what `check` answered; if `check` throws, its claims
 * are given back.
 */
export async function throttledPasswordCheck(
  db: PlatformScope,
  now: () => Date,
  target: PasswordTarget,
  wording: ThrottleWording,
  check: () => Promise<boolean>,
): Promise<boolean> {
  const account = `${target.tenantCode}:${target.username.toLowerCase()}`;
  const address = addressOf(target.ip);
  const keys: { key: string; rule: ThrottleRule; pair: boolean }[] = [
    { key: throttleKey('pair', account, address), rule: PAIR, pair: true },
    { key: throttleKey('account', account), rule: ACCOUNT, pair: false },
    { key: throttleKey('address', address), rule: ADDRESS, pair: false },
  ];
  const held: typeof keys = [];
  for (const k of keys) {
    const claimed = await claim(db, k.key, k.rule, now);
    if (claimed.ok) {
      held.push(k);
      continue;
    }
    // The account-wide lock does not keep the owner out where they have signed in before.
    if (k.rule === ACCOUNT && target.knownAddress && (await target.knownAddress())) continue;
    for (const h of held) await giveBack(db, h.key, false);
    throw refusal(wording, claimed.retryAfterMs);
  }
  let ok: boolean;
  try {
    ok = await check();
  } catch (error) {
    for (const h of held) await giveBack(db, h.key, false);
    throw error;
  }
  const at = now();
  for (const h of held) {
    if (ok) await giveBack(db, h.key, h.pair);
    else await fail(db, h.key, h.rule, at);
  }
  return ok;
}

/** A plain rate: at most `limit` calls per source address, counted again once `windowMs` has passed without one. */
export interface RateRule {
  limit: number;
  windowMs: number;
}

/** Anonymous registrations (each attempt, whatever its answer: a refusal tells whether a code or name is taken). */
export const REGISTRATIONS: RateRule = { limit: 10, windowMs: 60 * 60_000 };

/** The longest a throttle row matters: the longest lock followed by a whole window. */
export const THROTTLE_KEEP_MS = Math.max(
  ...[PAIR, ACCOUNT, ADDRESS].map((r) => r.maxLockMs + r.windowMs),
  REGISTRATIONS.windowMs,
);

/**
 * Counts one call of `what` from `ip`, atomically; refused with TOO_MANY_REQUESTS once
 * `rule.limit` calls were counted within the window.
 */
export async function rateLimit(
  db: PlatformScope,
  now: Date,
  what: string,
  ip: string | null,
  rule: RateRule,
  message: string,
): Promise<void> {
  const key = throttleKey('rate', what, addressOf(ip));
  for (;;) {
    await forgetStale(db, key, { free: rule.limit, firstLockMs: 0, maxLockMs: 0, windowMs: rule.windowMs }, now);
    const counted = await rows(db).updateWhere((t) => and(eq(t.key, key), lt(t.failures, rule.limit)), {
      failures: adjust(1),
      lastFailureAt: now,
    });
    if (counted === 1) return;
    const row = await rows(db).findOneBy({ key });
    if (row) {
      const seconds = Math.max(1, Math.ceil((row.lastFailureAt.getTime() + rule.windowMs - now.getTime()) / 1000));
      throw tooMany(`${message}; try again in ${Math.ceil(seconds / 60)} min`);
    }
    try {
      await rows(db).insert({ key, failures: 1, lastFailureAt: now, lockedUntil: null });
      return;
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
}
