/**
 * Custom fields: fields an operator adds to its machines, products and users, each of a
 * type (text, number, boolean, date, select), and their values on each machine, product
 * or user, validated by that type. Values are stored as text; they leave typed.
 *
 * A field's entity, key and type are fixed once it exists (its values were written for
 * that type); its label, options, required flag and order may change. Deleting a field
 * deletes its values.
 */
import { TRPCError } from '@trpc/server';
import { and, eq, inArray, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, Text } from '../shared/input.js';
import { invalid } from '../shared/errors.js';
import { P } from '../access/catalog.js';


const ENTITIES = ['machine', 'product', 'user'] as const;
const TYPES = ['text', 'number', 'boolean', 'date', 'select'] as const;
type Entity = (typeof ENTITIES)[number];
type Definition = Row<Tables['customFieldDefinitions']>;

/** The longest text value a field holds. */
const MAX_TEXT = 1000;

const FieldKey = z
  .string({ error: 'is required' })
  .regex(/^[a-z][a-z0-9_]{0,31}$/, 'must be 1-32 lowercase letters, digits or underscores, starting with a letter')
  .meta({ examples: ['asset_tag'] });

const Options = z
  .array(Text(64))
  .min(1, 'must list at least one option')
  .max(100, 'must be at most 100 options')
  .refine((o) => new Set(o).size === o.length, 'must not repeat an option');

const SortOrder = z.number().int('must be a whole number').min(0).max(10_000);

/** A value as the caller gives it; null clears the field. */
const Value = z.union([
  z.string().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`),
  z.number(),
  z.boolean(),
  z.null(),
]);

const Values = z.record(FieldKey, Value).refine((v) => Object.keys(v).length <= 100, 'must set at most 100 fields');

type Input = z.infer<typeof Value>;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(text: string): boolean {
  if (!DATE.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

/** The stored text of a value, or the reason it does not fit the field (`values.<key>: ...`). */
function encode(def: Definition, value: Exclude<Input, null>): string {
  const refuse = (reason: string) => invalid(`values.${def.key}: ${reason}`);
  switch (def.type) {
    case 'text': {
      if (typeof value !== 'string') throw refuse('must be text');
      const text = value.trim();
      if (text === '') throw refuse('must not be empty');
      return text;
    }
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw refuse('must be a number');
      return String(value);
    case 'boolean':
      if (typeof value !== 'boolean') throw refuse('must be true or false');
      return value ? 'true' : 'false';
    case 'date':
      if (typeof value !== 'string' || !isCalendarDate(value)) throw refuse('must be a date (YYYY-MM-DD)');
      return value;
    case 'select':
      if (typeof value !== 'string' || !(def.options ?? []).includes(value)) {
        throw refuse(`must be one of ${(def.options ?? []).join(', ')}`);
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
  if (!def) throw new TRPCError({ code: 'NOT_FOUND', message: 'Custom field not found' });
  return def;
}

/** Loads the machine, product or user a value belongs to through the scope. */
async function loadEntity(scope: TenantScope, entity: Entity, entityId: string): Promise<void> {
  const found =
    entity === 'machine'
      ? await scope.machines.get(entityId)
      : entity === 'product'
        ? await scope.products.get(entityId)
        : await scope.users.get(entityId);
  if (!found) {
    const name = { machine: 'Machine', product: 'Product', user: 'User' }[entity];
    throw new TRPCError({ code: 'NOT_FOUND', message: `${name} not found` });
  }
}

async function definitionsOf(scope: TenantScope, entity: Entity) {
  return scope.customFieldDefinitions.find({
    where: (d) => eq(d.entity, entity),
    orderBy: (d) => [d.sortOrder, d.key],
  });
}

/** Every field of the entity kind with the entity's value (null where it has none). */
async function valuesOf(scope: TenantScope, entity: Entity, entityId: string) {
  const defs = await definitionsOf(scope, entity);
  const stored =
    defs.length === 0
      ? []
      : await scope.customFieldValues.find({
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
    return {
      key: def.key,
      label: def.label,
      type: def.type,
      options: def.options,
      required: def.required,
      value: text === undefined ? null : decode(def, text),
    };
  });
}

/** The two procedures that read and set the values of one entity kind. */
function valueProcedures(entity: Entity) {
  const table = ({ machine: 'machines', product: 'products', user: 'users' } as const)[entity];
  const EntityRef = z.object({ id: id(table) });
  return {
    get: operatorProcedure(P.customFields)
      .input(EntityRef)
      .query(async ({ ctx, input }) => {
        await loadEntity(ctx.scope, entity, input.id);
        return valuesOf(ctx.scope, entity, input.id);
      }),
    set: operatorProcedure(P.customFields)
      .input(EntityRef.extend({ values: Values }))
      .mutation(async ({ ctx, input }) =>
        ctx.write(async (w) => {
          await loadEntity(w.scope, entity, input.id);
          const defs = await definitionsOf(w.scope, entity);
          const byKey = new Map(defs.map((d) => [d.key, d]));
          const before = Object.fromEntries((await valuesOf(w.scope, entity, input.id)).map((v) => [v.key, v.value]));
          const writes: { def: Definition; text: string | null }[] = [];
          for (const [key, value] of Object.entries(input.values)) {
            const def = byKey.get(key);
            if (!def) throw invalid(`values.${key}: is not a custom field of ${table}`);
            writes.push({ def, text: value === null ? null : encode(def, value) });
          }
          for (const def of defs) {
            const write = writes.find((x) => x.def.id === def.id);
            const present = write ? write.text !== null : before[def.key] !== null;
            if (def.required && !present) throw invalid(`values.${def.key}: is required`);
          }
          for (const { def, text } of writes) {
            const where = (v: Tables['customFieldValues']['sqlite']) =>
              and(eq(v.definitionId, def.id), eq(v.entityId, input.id));
            if (text === null) {
              await w.scope.customFieldValues.deleteWhere(where);
            } else if (
              (await w.scope.customFieldValues.updateWhere(where, { value: text, updatedBy: ctx.principal.userId })) ===
              0
            ) {
              await w.scope.customFieldValues.insert({
                definitionId: def.id,
                entityId: input.id,
                value: text,
                createdBy: ctx.principal.userId,
                updatedBy: ctx.principal.userId,
              });
            }
          }
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
    .input(z.object({ entity: z.enum(ENTITIES).optional() }))
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
        entity: z.enum(ENTITIES),
        key: FieldKey,
        label: Text(64),
        type: z.enum(TYPES),
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
        if (clash)
          throw new TRPCError({ code: 'CONFLICT', message: `key: ${input.entity} already has a field ${input.key}` });
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
