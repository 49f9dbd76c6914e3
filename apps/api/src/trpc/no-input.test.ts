/**
 * A call that sends no input at all: every query whose input fields are all optional
 * answers it as if `{}` had been sent (the console and a machine maker's firmware call
 * `machines.list` without `?input=`), over the in-process caller and over HTTP alike.
 */
import type { AnyProcedure } from '@trpc/server';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../app-router.js';
import { createTestApi, DEMO_CODE, failure, MANUFACTURER_CODE, type Caller, type TestApi } from '../testing.js';
import type { Meta } from './init.js';

const byPath = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
const inputOf = (p: AnyProcedure) => (p._def.inputs as z.core.$ZodType[])[0];

/** The queries that take an input object whose fields are all optional. */
const optionalInputQueries = Object.entries(byPath)
  .filter(([, p]) => p._def.type === 'query')
  .filter(([, p]) => {
    const schema = inputOf(p) as z.ZodType | undefined;
    return schema !== undefined && schema.safeParse({}).success;
  })
  .map(([path, p]) => ({ path, meta: (p._def.meta ?? {}) as Meta }));

describe('a call without input', () => {
  let api: TestApi;
  let operator: Caller;
  let manufacturer: Caller;
  beforeAll(async () => {
    api = await createTestApi();
    operator = await api.signIn(DEMO_CODE, 'admin');
    manufacturer = await api.signIn(MANUFACTURER_CODE, 'admin');
  }, 60_000);
  afterAll(async () => {
    await api?.close();
  });

  it('finds queries with all-optional input, machines.list among them', () => {
    expect(optionalInputQueries.map((q) => q.path)).toContain('machines.list');
  });

  it('is answered like an empty input by every such query', async () => {
    for (const { path, meta } of optionalInputQueries) {
      const caller = meta.tenantKind === 'manufacturer' ? manufacturer : operator;
      let target: unknown = caller;
      for (const part of path.split('.')) target = (target as Record<string, unknown>)[part];
      const call = target as (input?: unknown) => Promise<unknown>;
      const [withNothing, withEmpty] = await Promise.allSettled([call(), call({})]);
      expect({ path, status: withNothing.status }).toEqual({ path, status: withEmpty.status });
      if (withNothing.status === 'rejected') {
        expect({ path, code: (withNothing.reason as { code?: string }).code }).not.toEqual({
          path,
          code: 'BAD_REQUEST',
        });
      }
    }
  });

  it('names each missing field of a procedure that requires some', async () => {
    const refused = await failure((operator.machines.get as unknown as (input?: unknown) => Promise<unknown>)());
    expect(refused.code).toBe('BAD_REQUEST');
    expect(refused.message).toMatch(/^machineId: /);
  });
});
