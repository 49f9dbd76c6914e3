/**
 * Custom fields: fields an operator adds to its machines, products and users, each of a
 * type (text, number, boolean, date, select), and their values on each machine, product
 * or user, validated by that type. Values are stored as text; they leave typed.
 *
 * A field's entity, key and type are fixed once it exists (its values were written for
 * that type); its label, options, required flag and order may change. Deleting a field
 * deletes its values.
 */
import { eq, type Row, type Tables } from '@vmcloud/db';
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { id, Text } from '../shared/input.js';
import { P } from '../access/catalog.js';
import { ENTITY_TABLE, FIELD_ENTITIES, FIELD_TYPES, FieldValues, NewFieldKey, type FieldEntity } from './values.js';
import { changeField, defineField, deleteField, loadEntity, setEntityValues, valuesOf } from './fields.js';

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
      .mutation(async ({ ctx, input }) => ctx.write((w) => setEntityValues(w, ctx.principal.userId, entity, input))),
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
    .mutation(async ({ ctx, input }) => describe(await ctx.write((w) => defineField(w, ctx.principal.userId, input)))),

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
    .mutation(async ({ ctx, input }) => describe(await ctx.write((w) => changeField(w, ctx.principal.userId, input)))),

  /** Deletes a field and every value of it. */
  delete: operatorProcedure(P.customFields)
    .input(z.object({ id: id('customFieldDefinitions') }))
    .mutation(async ({ ctx, input }) => ctx.write((w) => deleteField(w, input.id))),

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
