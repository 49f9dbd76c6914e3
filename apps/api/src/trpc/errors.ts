/** Turning failures into errors a client can act on. */
import { TRPCError } from '@trpc/server';
import type { z } from 'zod';

/** `<what> not found`: also what a row of another tenant gets, so that nothing of it is named. */
export const notFound = (what: string) => new TRPCError({ code: 'NOT_FOUND', message: `${what} not found` });

/** A refused request; the message starts with the field it is about (`quantity: ...`). */
export const badRequest = (message: string) => new TRPCError({ code: 'BAD_REQUEST', message });

/** A permitted user asking for something a rule keeps from it. */
export const forbidden = (message: string) => new TRPCError({ code: 'FORBIDDEN', message });

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
