/**
 * Inputs generated from a procedure's zod schema, for the tests that call every
 * procedure of the router: a valid input (ids filled in by the caller's choice of rows,
 * strings with a pattern from the examples in their meta), and malformed variants, one
 * per field.
 */
import { z } from 'zod';
import type { TableName } from '@vmcloud/db';
import { idRefs } from './shared/input.js';

type Schema = z.core.$ZodType;
type Def = Schema['_zod']['def'] & Record<string, unknown>;

const defOf = (s: Schema) => s._zod.def as Def;
const checksOf = (s: Schema) => ((defOf(s).checks as Schema[] | undefined) ?? []).map((c) => defOf(c));

/** Thrown when a schema has no way to produce a valid value (a pattern without examples). */
export class NoSampleError extends Error {}

export interface SampleOptions {
  /** The id to put where the schema asks for an id of `table`. */
  idFor(table: TableName, path: string): string;
}

function exampleOf(schema: Schema): unknown {
  const meta = z.globalRegistry.get(schema as z.ZodType) as { examples?: unknown[] } | undefined;
  return meta?.examples?.[0];
}

function sampleString(schema: Schema, path: string): string {
  const def = defOf(schema);
  let min = 0;
  let max = Infinity;
  let format: string | undefined = def.format as string | undefined;
  for (const c of checksOf(schema)) {
    if (c.check === 'min_length') min = Math.max(min, c.minimum as number);
    if (c.check === 'max_length') max = Math.min(max, c.maximum as number);
    if (c.check === 'length_equals') min = max = c.length as number;
    if (c.check === 'string_format') format = c.format as string;
  }
  switch (format) {
    case undefined:
      return 's'.repeat(Math.min(Math.max(min, 1), max));
    case 'email':
      return 'someone@example.com';
    case 'url':
      return 'https://example.com/';
    case 'uuid':
    case 'guid':
      return '00000000-0000-7000-8000-000000000000';
    case 'datetime':
      return '2026-11-22T12:00:00.000Z';
    case 'date':
      return '2026-11-22';
    default:
      throw new NoSampleError(`${path || '(input)'}: a ${format} string needs .meta({ examples: [...] })`);
  }
}

function sampleNumber(schema: Schema): number {
  let min = -Infinity;
  let max = Infinity;
  for (const c of checksOf(schema)) {
    if (c.check === 'greater_than') min = (c.value as number) + (c.inclusive ? 0 : 1);
    if (c.check === 'less_than') max = (c.value as number) - (c.inclusive ? 0 : 1);
  }
  if (min <= 1 && max >= 1) return 1;
  return Number.isFinite(min) ? min : max;
}

/** A valid value for `schema`; optional fields are filled too, so that every id is exercised. */
export function sampleInput(schema: Schema, options: SampleOptions, path = ''): unknown {
  const ref = idRefs.get(schema as z.ZodType);
  if (ref) return options.idFor(ref.table, path);
  const example = exampleOf(schema);
  if (example !== undefined) return example;
  const def = defOf(schema);
  const at = (key: string | number) => (path ? `${path}.${key}` : String(key));
  switch (def.type) {
    case 'string':
      return sampleString(schema, path);
    case 'number':
    case 'int':
      return sampleNumber(schema);
    case 'bigint':
      return 1n;
    case 'boolean':
      return true;
    case 'date':
      return new Date(Date.UTC(2026, 10, 22, 12));
    case 'enum':
      return Object.values(def.entries as Record<string, unknown>)[0];
    case 'literal':
      return (def.values as unknown[])[0];
    case 'null':
      return null;
    case 'undefined':
    case 'void':
      return undefined;
    case 'any':
    case 'unknown':
      return {};
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, field] of Object.entries(def.shape as Record<string, Schema>)) {
        out[key] = sampleInput(field, options, at(key));
      }
      return out;
    }
    case 'array': {
      let min = 1;
      for (const c of checksOf(schema)) if (c.check === 'min_length') min = Math.max(min, c.minimum as number);
      return Array.from({ length: min }, (_, i) => sampleInput(def.element as Schema, options, at(i)));
    }
    case 'tuple':
      return (def.items as Schema[]).map((item, i) => sampleInput(item, options, at(i)));
    case 'record':
      return {};
    case 'union':
      return sampleInput((def.options as Schema[])[0] as Schema, options, path);
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'catch':
    case 'readonly':
    case 'nonoptional':
      return sampleInput(def.innerType as Schema, options, path);
    case 'pipe':
      return sampleInput(def.in as Schema, options, path);
    case 'lazy':
      return sampleInput((def.getter as () => Schema)(), options, path);
    default:
      throw new NoSampleError(`${path || '(input)'}: cannot sample a ${String(def.type)}`);
  }
}

/** The innermost schema under optional/nullable/default/pipe wrappers. */
function unwrap(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    const def = defOf(s);
    if (['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional'].includes(def.type)) {
      s = def.innerType as Schema;
    } else if (def.type === 'pipe') {
      s = def.in as Schema;
    } else {
      return s;
    }
  }
}

/** A value of the wrong type for `schema`. */
function wrongValue(schema: Schema): unknown {
  if (idRefs.get(schema as z.ZodType)) return 'not-an-id';
  switch (defOf(unwrap(schema)).type) {
    case 'string':
    case 'enum':
    case 'literal':
      return { not: 'a string' };
    case 'number':
    case 'int':
    case 'bigint':
      return 'not a number';
    case 'boolean':
      return 'not a boolean';
    case 'date':
      return 'not a date';
    case 'array':
      return 'not a list';
    default:
      return 12345;
  }
}

export interface MalformedInput {
  /** What is wrong, for the test's name. */
  label: string;
  input: unknown;
  /** The field the error must name ("" for the whole input). */
  field: string;
}

/**
 * Malformed variants of a valid input: the whole input of the wrong type, and for each
 * top-level field a value of the wrong type and (when required) the field left out.
 */
export function malformedInputs(schema: Schema, valid: unknown): MalformedInput[] {
  const root = unwrap(schema);
  const out: MalformedInput[] = [];
  const def = defOf(root);
  if (def.type !== 'object' || typeof valid !== 'object' || valid === null) {
    out.push({ label: 'wrong type', input: wrongValue(root), field: '' });
    return out;
  }
  out.push({ label: 'a list instead of an object', input: ['not', 'an', 'object'], field: '' });
  for (const [key, field] of Object.entries(def.shape as Record<string, Schema>)) {
    out.push({ label: `${key} of the wrong type`, input: { ...valid, [key]: wrongValue(field) }, field: key });
    if (!(field as z.ZodType).safeParse(undefined).success) {
      const rest: Record<string, unknown> = { ...(valid as Record<string, unknown>) };
      delete rest[key];
      out.push({ label: `${key} missing`, input: rest, field: key });
    }
  }
  return out;
}
