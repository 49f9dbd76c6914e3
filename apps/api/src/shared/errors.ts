/**
 * Domain errors: what a rule throws when it will not do what it was asked. They know
 * nothing of HTTP or tRPC; the tRPC layer maps each kind to a code (`trpc/errors.ts`), so
 * the console's procedures, the device channel, jobs and tests see the same refusal.
 */

export type DomainErrorKind =
  /** The thing named does not exist, or is another tenant's (nothing of it is named). */
  | 'not_found'
  /** The request collides with what exists (a unique value, a state that moved on). */
  | 'conflict'
  /** A rule refuses the request; the message starts with the field it is about. */
  | 'refused'
  /** A permitted caller asking for something a rule keeps from it. */
  | 'forbidden'
  /** Credentials that do not sign anyone in. */
  | 'unauthorized'
  /** Too many attempts; try again later. */
  | 'too_many'
  /** The state the request depends on does not hold (a lease that must be ended first, ...). */
  | 'precondition';

export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** `<what> not found`: also what a row of another tenant gets, so that nothing of it is named. */
export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);

/** A business-rule refusal naming the field it is about: `quantity: more than the 3 you hold`. */
export const refused = (field: string, reason: string) => new DomainError('refused', `${field}: ${reason}`);

/** A refusal whose message is already complete (it names its field, or concerns the whole request). */
export const invalid = (message: string) => new DomainError('refused', message);

export const conflict = (message: string) => new DomainError('conflict', message);

export const forbidden = (message: string) => new DomainError('forbidden', message);

export const unauthorized = (message: string) => new DomainError('unauthorized', message);

export const tooMany = (message: string) => new DomainError('too_many', message);

export const preconditionFailed = (message: string) => new DomainError('precondition', message);

/** True for a duplicate-key error of SQLite or MySQL, wherever it sits in the cause chain. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'ER_DUP_ENTRY') {
      return true;
    }
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
