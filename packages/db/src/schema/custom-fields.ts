/** Fields a tenant adds to its machines, products and users. */
import { c, tenantTable } from './tenancy.js';

export const CUSTOM_FIELD_ENTITIES = ['machine', 'product', 'user'] as const;
export const CUSTOM_FIELD_TYPES = ['text', 'number', 'boolean', 'date', 'select'] as const;

export const customFieldDefinitions = tenantTable(
  'custom_field_definitions',
  {
    entity: c.enum(CUSTOM_FIELD_ENTITIES).notNull(),
    key: c.string(32).notNull(),
    label: c.string(64).notNull(),
    type: c.enum(CUSTOM_FIELD_TYPES).notNull(),
    /** The choices of a `select` field. */
    options: c.json<string[]>(),
    required: c.bool().notNull().default(false),
    sortOrder: c.int().notNull().default(0),
  },
  { uniques: [['tenantId', 'entity', 'key']] },
);

/** One field's value on one machine, product or user, stored as text and validated by type. */
export const customFieldValues = tenantTable(
  'custom_field_values',
  {
    definitionId: c.ref(() => customFieldDefinitions, 'cascade').notNull(),
    /** The id of the machine, product or user the definition's entity names. */
    entityId: c.string(36).notNull(),
    value: c.text().notNull(),
  },
  { uniques: [['definitionId', 'entityId']], indexes: [['tenantId', 'entityId']] },
);
