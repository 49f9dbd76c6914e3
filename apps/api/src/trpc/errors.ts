/** Turning failures into errors a client can act on. */
import type { TRPCError } from '@trpc/server';
import type { z } from 'zod';
import type { DomainErrorKind } from '../shared/errors.js';

export { isUniqueViolation } from '../shared/errors.js';

/** The tRPC code (and so the HTTP status) of each kind of domain error. */
export const TRPC_CODE_OF: Record<DomainErrorKind, TRPCError['code']> = {
  not_found: 'NOT_FOUND',
  conflict: 'CONFLICT',
  refused: 'BAD_REQUEST',
  forbidden: 'FORBIDDEN',
  unauthorized: 'UNAUTHORIZED',
  too_many: 'TOO_MANY_REQUESTS',
  precondition: 'PRECONDITION_FAILED',
};

type Issue = z.core.$ZodIssue;

const pathOf = (issue: Issue) => issue.path.map(String).join('.');

/** `{ "items.0.quantity": ["must be at least 1"] }`: every message, by field path ("" for the whole input). */
export function fieldErrorsOf(error: z.ZodError): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of error.issues) (out[pathOf(issue)] ??= []).push(issue.message);
  return out;
}

/** One line naming each field and what is wrong with it: `name: must be 1-25 characters; code: ...`. */
export function describeIssues(issues: readonly Issue[]): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const issue of issues) {
    const path = pathOf(issue);
    const line = path ? `${path}: ${issue.message}` : issue.message;
    if (!seen.has(line)) {
      seen.add(line);
      parts.push(line);
    }
  }
  return parts.join('; ');
}
