/**
 * Custom field definitions and the values of one machine, product or user, as rules. A
 * field's entity, key and type are fixed once it exists; deleting a field deletes its
 * values. Whether a value fits its field is `values.ts`'s.
 */
import { and, eq, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import type { Writer } from '../shared/writer.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { ENTITY_TABLE, fieldValuesOf, writeFieldValues, type FieldEntity, type FieldValueInput } from './values.js';

type Definition = Row<Tables['customFieldDefinitions']>;

export interface NewField {
  entity: FieldEntity;
  key: string;
  label: string;
  type: Definition['type'];
  options?: string[];
  required: boolean;
  sortOrder: number;
}

/** Loads a definition through the scope. */
export async function loadDefinition(scope: TenantScope, definitionId: string) {
  const def = await scope.customFieldDefinitions.get(definitionId);
  if (!def) throw notFound('Custom field');
  return def;
}

/** Loads the machine, product or user a value belongs to through the scope. */
export async function loadEntity(scope: TenantScope, entity: FieldEntity, entityId: string): Promise<void> {
  const found =
    entity === 'machine'
      ? await scope.machines.get(entityId)
      : entity === 'product'
        ? await scope.products.get(entityId)
        : await scope.users.get(entityId);
  if (!found) throw notFound({ machine: 'Machine', product: 'Product', user: 'User' }[entity]);
}

/** Every field of the entity kind with the entity's value (null where it has none). */
export async function valuesOf(scope: TenantScope, entity: FieldEntity, entityId: string) {
  return (await fieldValuesOf(scope, entity, entityId)).map(({ definition: def, value }) => ({
    key: def.key,
    label: def.label,
    type: def.type,
    options: def.options,
    required: def.required,
    value,
  }));
}

/**
 * Sets custom field values of a machine, product or user (null clears one; the others
 * stay) and returns every field of it with its value.
 */
export async function setEntityValues(
  w: Pick<Writer, 'scope' | 'audit'>,
  by: string,
  entity: FieldEntity,
  input: { id: string; values: Record<string, FieldValueInput> },
) {
  const table = ENTITY_TABLE[entity];
  await loadEntity(w.scope, entity, input.id);
  const before = Object.fromEntries((await valuesOf(w.scope, entity, input.id)).map((v) => [v.key, v.value]));
  await writeFieldValues(w, entity, input.id, input.values, by, {
    path: 'values',
    unknown: `is not a custom field of ${table}`,
  });
  const values = await valuesOf(w.scope, entity, input.id);
  await w.audit({
    entity: table,
    entityId: input.id,
    before: { customFields: before },
    after: { customFields: Object.fromEntries(values.map((v) => [v.key, v.value])) },
  });
  return values;
}

/** Defines a field on machines, products or users; its key is unique per entity. */
export async function defineField(
  w: Pick<Writer, 'scope' | 'audit'>,
  by: string,
  input: NewField,
): Promise<Definition> {
  if (input.type === 'select' && !input.options) throw invalid('options: a select field needs its options');
  if (input.type !== 'select' && input.options) throw invalid('options: only a select field has options');

  const clash = await w.scope.customFieldDefinitions.findOne((d) =>
    and(eq(d.entity, input.entity), eq(d.key, input.key)),
  );
  if (clash) throw conflict(`key: ${input.entity} already has a field ${input.key}`);
  const def = await w.scope.customFieldDefinitions.insert({
    entity: input.entity,
    key: input.key,
    label: input.label,
    type: input.type,
    options: input.options ?? null,
    required: input.required,
    sortOrder: input.sortOrder,
    createdBy: by,
    updatedBy: by,
  });
  await w.audit({ entity: 'customFieldDefinitions', entityId: def.id, after: def });
  return def;
}

/**
 * Changes a field's label, options, required flag or order. An option still used by a
 * value cannot be removed.
 */
export async function changeField(
  w: Pick<Writer, 'scope' | 'audit'>,
  by: string,
  input: { id: string; label?: string; options?: string[]; required?: boolean; sortOrder?: number },
): Promise<Definition> {
  const before = await loadDefinition(w.scope, input.id);
  if (input.options) {
    if (before.type !== 'select') throw invalid('options: only a select field has options');
    const options = input.options;
    const values = await w.scope.customFieldValues.find({ where: (v) => eq(v.definitionId, before.id) });
    const orphaned = values.filter((v) => !options.includes(v.value));
    if (orphaned.length > 0) {
      const names = [...new Set(orphaned.map((v) => v.value))].sort();
      throw invalid(`options: ${names.join(', ')} still used by ${orphaned.length} values`);
    }
  }
  await w.scope.customFieldDefinitions.update(before.id, {
    label: input.label,
    options: input.options,
    required: input.required,
    sortOrder: input.sortOrder,
    updatedBy: by,
  });
  const after = await loadDefinition(w.scope, before.id);
  await w.audit({ entity: 'customFieldDefinitions', entityId: before.id, before, after });
  return after;
}

/** Deletes a field and every value of it. */
export async function deleteField(w: Pick<Writer, 'scope' | 'audit'>, definitionId: string) {
  const def = await loadDefinition(w.scope, definitionId);
  const values = await w.scope.customFieldValues.deleteWhere((v) => eq(v.definitionId, def.id));
  await w.scope.customFieldDefinitions.delete(def.id);
  await w.audit({
    entity: 'customFieldDefinitions',
    entityId: def.id,
    before: def,
    after: { valuesDeleted: values },
  });
  return { id: def.id, deleted: true as const, valuesDeleted: values };
}
