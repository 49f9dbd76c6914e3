/**
 * Custom field values: the one place that decides whether a value fits its field, for
 * every procedure that takes values (the custom fields' own procedures, products, ...).
 *
 * Values arrive as an object keyed by field key, and only its own properties are read:
 * a key like `constructor` names a field, never something the object inherits. Keys that
 * name such members (`constructor`, `prototype`, `__proto__`, ...) are refused when a
 * field is defined, so no field is keyed by one.
 */
import { and, asc, eq, inArray, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { invalid, refused } from '../shared/errors.js';

export const FIELD_ENTITIES = ['machine', 'product', 'user'] as const;
export const FIELD_TYPES = ['text', 'number', 'boolean', 'date', 'select'] as const;
export type FieldEntity = (typeof FIELD_ENTITIES)[number];
type Definition = Row<Tables['customFieldDefinitions']>;

/** The longest text value a field holds. */
export const MAX_TEXT = 1000;

/** The table of each entity kind. */
export const ENTITY_TABLE = { machine: 'machines', product: 'products', user: 'users' } as const;

/** Names an object has without being given them: no field is keyed by one. */
export const RESERVED_KEYS: ReadonlySet<string> = new Set([
  ...Object.getOwnPropertyNames(Object.prototype),
  'prototype',
]);

/** The key of a field as a definition names it. */
export const FieldKey = z
  .string({ error: 'is required' })
  .regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be 1-32 lowercase letters, digits or underscores, starting with a letter')
  .meta({ examples: ['asset_tag'] });

/** The key of a new field: also not a reserved name. */
export const NewFieldKey = FieldKey.refine((key) => !RESERVED_KEYS.has(key), 'is a reserved name');

/** A value as the caller gives it; null clears the field. */
export const FieldValue = z.union([
  z.string().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`),
  z.number(),
  z.boolean(),
  z.null(),
]);
export type FieldValueInput = z.infer<typeof FieldValue>;

/** Values by field key (at most 100); null clears a field. */
export const FieldValues = z
  .record(FieldKey, FieldValue)
  .refine((v) => Object.keys(v).length <= 100, 'must set at most 100 fields');

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** The stored text of a value of `def`, or the refusal naming `<path>.<key>`. */
function encode(def: Definition, value: Exclude<FieldValueInput, null>, path: string): string {
  const field = `${path}.${def.key}`;
  switch (def.type) {
    case 'text': {
      if (typeof value !== 'string') throw refused(field, 'must be text');
      const text = value.trim();
      if (text === '') throw refused(field, 'must not be empty');
      return text;
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw refused(field, 'must be a number');
      return String(value);
    case 'boolean':
      if (typeof value !== 'boolean') throw refused(field, 'must be true or false');
      return value ? 'true' : 'false';
    case 'date':
      if (typeof value !== 'string' || !isCalendarDate(value)) throw refused(field, 'must be a date (YYYY-MM-DD)');
      return value;
    case 'select':
      if (typeof value !== 'string' || !(def.options ?? []).includes(value)) {
        throw refused(field, `must be one of ${(def.options ?? []).join(', ')}`);
      }
      return value;
  }
}

/** A stored value as its type. */
function decode(def: Definition, text: string): string | number | boolean {
  if (def.type === 'number') return Number(text);
  if (def.type === 'boolean') return text === 'true';
  return text;
}

/** The fields defined on `entity`, in the order the console shows them. */
export async function definitionsOf(scope: TenantScope, entity: FieldEntity): Promise<Definition[]> {
  return scope.customFieldDefinitions.find({
    where: (d) => eq(d.entity, entity),
    orderBy: (d) => [asc(d.sortOrder), asc(d.key)],
  });
}

/** Every field of `entity` with the value `entityId` has (null where it has none). */
export async function fieldValuesOf(scope: TenantScope, entity: FieldEntity, entityId: string) {
  const defs = await definitionsOf(scope, entity);
  if (defs.length === 0) return [];
  const stored = await scope.customFieldValues.find({
    where: (v) =>
      and(
        eq(v.entityId, entityId),
        inArray(
          v.definitionId,
          defs.map((d) => d.id),
        ),
      ),
  });
  const byDefinition = new Map(stored.map((v) => [v.definitionId, v.value]));
  return defs.map((def) => {
    const text = byDefinition.get(def.id);
    return { definition: def, value: text === undefined ? null : decode(def, text) };
  });
}

/** Every custom field defined on `entity`, with the value `entityId` has (null when unset). */
export async function customFieldsOf(scope: TenantScope, entity: FieldEntity, entityId: string) {
  return (await fieldValuesOf(scope, entity, entityId)).map(({ definition: d, value }) => ({
    key: d.key,
    label: d.label,
    type: d.type,
    required: d.required,
    value,
  }));
}

export interface ValueRules {
  /** The input field the values came in (`values`, `customFields`); refusals name `<path>.<key>`. */
  path: string;
  /** What a key that names no field is: `is not a custom field of machines`. */
  unknown: string;
}

/**
 * Checks values against the fields of `entity` and writes them for `entityId` (null clears
 * a field; fields not given keep their values). Every required field must hold a value
 * afterwards. Only the object's own properties are values.
 */
export async function writeFieldValues(
  w: { scope: TenantScope },
  entity: FieldEntity,
  entityId: string,
  values: Readonly<Record<string, FieldValueInput>>,
  by: string,
  rules: ValueRules,
): Promise<void> {
  const defs = await definitionsOf(w.scope, entity);
  const byKey = new Map(defs.map((d) => [d.key, d]));
  const given = new Map(Object.entries(values));
  const writes: { def: Definition; text: string | null }[] = [];
  for (const [key, value] of given) {
    const def = byKey.get(key);
    if (!def) throw invalid(`${rules.path}.${key}: ${rules.unknown}`);
    writes.push({ def, text: value === null ? null : encode(def, value, rules.path) });
  }
  const required = defs.filter((d) => d.required);
  if (required.length > 0) {
    const stored = new Set(
      (
        await w.scope.customFieldValues.find({
          where: (v) =>
            and(
              eq(v.entityId, entityId),
              inArray(
                v.definitionId,
                required.map((d) => d.id),
              ),
            ),
        })
      ).map((v) => v.definitionId),
    );
    for (const def of required) {
      const write = writes.find((x) => x.def.id === def.id);
      const present = write ? write.text !== null : stored.has(def.id);
      if (!present) throw invalid(`${rules.path}.${def.key}: is required`);
    }
  }
  for (const { def, text } of writes) {
    const where = (v: Tables['customFieldValues']['sqlite']) =>
      and(eq(v.definitionId, def.id), eq(v.entityId, entityId));
    if (text === null) {
      await w.scope.customFieldValues.deleteWhere(where);
    } else if ((await w.scope.customFieldValues.updateWhere(where, { value: text, updatedBy: by })) === 0) {
      await w.scope.customFieldValues.insert({
        definitionId: def.id,
        entityId,
        value: text,
        createdBy: by,
        updatedBy: by,
      });
    }
  }
}
