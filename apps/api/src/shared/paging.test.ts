import type { AnyProcedure } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appRouter } from '../app-router.js';
import { Limit, MAX_PAGE_ROWS } from './paging.js';

/** Every `limit` of an input's JSON schema, with where it is. */
function limitsOf(schema: unknown, at: string, found: { at: string; maximum: number | undefined }[] = []) {
  if (typeof schema !== 'object' || schema === null) return found;
  const node = schema as Record<string, unknown>;
  const properties = node.properties as Record<string, Record<string, unknown>> | undefined;
  if (properties) {
    for (const [name, property] of Object.entries(properties)) {
      if (name === 'limit') found.push({ at: `${at}.limit`, maximum: property.maximum as number | undefined });
      limitsOf(property, `${at}.${name}`, found);
    }
  }
  for (const key of ['items', 'anyOf', 'oneOf', 'allOf', 'prefixItems']) {
    const child = node[key];
    if (Array.isArray(child)) child.forEach((c, i) => limitsOf(c, `${at}[${i}]`, found));
    else if (child) limitsOf(child, at, found);
  }
  return found;
}

describe('list pages', () => {
  it(`hold at most ${MAX_PAGE_ROWS} rows in every procedure that takes a limit`, () => {
    const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
    const limits: { at: string; maximum: number | undefined }[] = [];
    for (const [path, procedure] of Object.entries(procedures)) {
      for (const input of (procedure._def as { inputs?: unknown[] }).inputs ?? []) {
        const schema = z.toJSONSchema(input as z.ZodType, { io: 'input', unrepresentable: 'any' });
        limitsOf(schema, path, limits);
      }
    }
    expect(limits.length).toBeGreaterThan(20);
    expect(limits.filter((l) => l.maximum === undefined || l.maximum > MAX_PAGE_ROWS)).toEqual([]);
  });

  it('cannot be declared larger', () => {
    expect(() => Limit(MAX_PAGE_ROWS + 1, 50)).toThrow(/at most 500 rows/);
    expect(Limit(MAX_PAGE_ROWS, 50).parse(undefined)).toBe(50);
  });
});
