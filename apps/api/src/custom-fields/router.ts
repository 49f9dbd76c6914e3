/**
 * Custom fields: fields an operator adds to its machines, products and users, each of a
 * type (text, number, boolean, date, select), and their values on each machine, product
 * or user, validated by that type. Values are stored as text; they leave typed.
 *
 * A field's entity, key and type are fixed once it exists (its values were written for
 * that type); its label, options, required flag and order may change. Deleting a field
 * deletes its values.
 */
import { and, eq, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, Text } from '../shared/input.js';
import { conflict, invalid, notFound } from '../shared/errors.js';
import { P } from '../access/catalog.js';
import {
  ENTITY_TABLE,
  FIELD_ENTITIES,
  FIELD_TYPES,
  FieldValues,
  fieldValuesOf,
  NewFieldKey,
  writeFieldValues,
  type FieldEntity,
} from './values.js';

type Definition = Row<Tables['customFieldDefinitions']>;

const Options = z
  .array(Text(64))
  .min(1, 'must list at least one option')
  .max(100, 'must be at most 100 options')
  .refine((o) => new Set(o).size === o.length, 'must not repeat an option');

const SortOrder = z.number().int('must be a whole number').min(0).max(10_000);

function describe(def: Definition) {
  return plain({
    id: def.id,
    entity: def.entity,
    key: def.key,
    label: def.label,
    type: def.type,
    options: def.options,
    required: def.required,
    sortOrder: def.sortOrder,
    createdAt: def.createdAt,
    updatedAt: def.updatedAt,
  });
}

/** Loads a definition through the scope. */
async function loadDefinition(scope: TenantScope, definitionId: string) {
  const def = await scope.customFieldDefinitions.get(definitionId);
  if (!def) throw notFound('Custom field');
  return def;
}

/** Loads the machine, product or user a value belongs to through the scope. */
async function loadEntity(scope: TenantScope, entity: FieldEntity, entityId: string): Promise<void> {
  const found =
    entity === 'machine'
      ? await scope.machines.get(entityId)
      : entity === 'product'
        ? await scope.products.get(entityId)
        : await scope.users.get(entityId);
  if (!found) throw notFound({ machine: 'Machine', product: 'Product', user: 'User' }[entity]);
}

/** Every field of the entity kind with the entity's value (null where it has none). */
async function valuesOf(scope: TenantScope, entity: FieldEntity, entityId: string) {
  return (await fieldValuesOf(scope, entity, entityId)).map(({ definition: def, value }) => ({
    key: def.key,
    label: def.label,
    type: def.type,
    options: def.options,
    required: def.required,
    value,
  }));
}

/** The two procedures that read and set the values of one entity kind. */
function valueProcedures(entity: FieldEntity) {
  const table = ENTITY_TABLE[entity];
  const EntityRef = z.object({ id: id(table) });
  return {
    get: operatorProcedure(P.customFields)
      .input(EntityRef)
      .query(async ({ ctx, input }) => {
        await loadEntity(ctx.scope, entity, input.id);
        return valuesOf(ctx.scope, entity, input.id);
      }),
    set: operatorProcedure(P.customFields)
      .input(EntityRef.extend({ values: FieldValues }))
      .mutation(async ({ ctx, input }) =>
        ctx.write(async (w) => {
          await loadEntity(w.scope, entity, input.id);
          const before = Object.fromEntries((await valuesOf(w.scope, entity, input.id)).map((v) => [v.key, v.value]));
          await writeFieldValues(w, entity, input.id, input.values, ctx.principal.userId, {
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
        }),
      ),
  };
}

const machineValues = valueProcedures('machine');
const productValues = valueProcedures('product');
const userValues = valueProcedures('user');

export const customFieldsRouter = router({
  /** The fields defined on machines, products or users (all of them when no entity is named). */
  list: operatorProcedure(P.customFields)
    .input(z.object({ entity: z.enum(FIELD_ENTITIES).optional() }))
    .query(async ({ ctx, input }) => {
      const defs = await ctx.scope.customFieldDefinitions.find({
        where: (d) => (input.entity ? eq(d.entity, input.entity) : undefined),
        orderBy: (d) => [d.entity, d.sortOrder, d.key],
      });
      return defs.map(describe);
    }),

  /** Defines a field on machines, products or users. */
  create: operatorProcedure(P.customFields)
    .input(
      z.object({
        entity: z.enum(FIELD_ENTITIES),
        key: NewFieldKey,
        label: Text(64),
        type: z.enum(FIELD_TYPES),
        options: Options.optional(),
        required: z.boolean().default(false),
        sortOrder: SortOrder.default(0),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if (input.type === 'select' && !input.options) throw invalid('options: a select field needs its options');
      if (input.type !== 'select' && input.options) throw invalid('options: only a select field has options');
      return ctx.write(async (w) => {
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
          createdBy: ctx.principal.userId,
          updatedBy: ctx.principal.userId,
        });
        await w.audit({ entity: 'customFieldDefinitions', entityId: def.id, after: def });
        return describe(def);
      });
    }),

  /**
   * Changes a field's label, options, required flag or order. An option still used by a
   * value cannot be removed.
   */
  update: operatorProcedure(P.customFields)
    .input(
      z.object({
        id: id('customFieldDefinitions'),
        label: Text(64).optional(),
        options: Options.optional(),
        required: z.boolean().optional(),
        sortOrder: SortOrder.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      ctx.write(async (w) => {
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
          updatedBy: ctx.principal.userId,
        });
        const after = await loadDefinition(w.scope, before.id);
        await w.audit({ entity: 'customFieldDefinitions', entityId: before.id, before, after });
        return describe(after);
      }),
    ),

  /** Deletes a field and every value of it. */
  delete: operatorProcedure(P.customFields)
    .input(z.object({ id: id('customFieldDefinitions') }))
    .mutation(async ({ ctx, input }) =>
      ctx.write(async (w) => {
        const def = await loadDefinition(w.scope, input.id);
        const values = await w.scope.customFieldValues.deleteWhere((v) => eq(v.definitionId, def.id));
        await w.scope.customFieldDefinitions.delete(def.id);
        await w.audit({
          entity: 'customFieldDefinitions',
          entityId: def.id,
          before: def,
          after: { valuesDeleted: values },
        });
        return { id: def.id, deleted: true as const, valuesDeleted: values };
      }),
    ),

  /** The custom field values of a machine. */
  machineValues: machineValues.get,
  /** Sets custom field values of a machine (null clears one); the others stay. */
  setMachineValues: machineValues.set,
  /** The custom field values of a product. */
  productValues: productValues.get,
  /** Sets custom field values of a product (null clears one); the others stay. */
  setProductValues: productValues.set,
  /** The custom field values of a user. */
  userValues: userValues.get,
  /** Sets custom field values of a user (null clears one); the others stay. */
  setUserValues: userValues.set,
});
