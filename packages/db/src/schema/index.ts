/**
 * The whole data model. Each table is defined once (see define.ts); `tables` lists them
 * all, and each one's `.sqlite` and `.mysql` are the Drizzle tables of the two dialects.
 */
import * as access from './access.js';
import * as customFields from './custom-fields.js';
import * as devices from './devices.js';
import * as keys from './keys.js';
import * as machines from './machines.js';
import * as operations from './operations.js';
import * as providers from './providers.js';
import * as sales from './sales.js';
import * as stock from './stock.js';
import * as tenancy from './tenancy.js';

export * from './access.js';
export * from './custom-fields.js';
export * from './devices.js';
export * from './keys.js';
export * from './machines.js';
export * from './operations.js';
export * from './providers.js';
export * from './sales.js';
export * from './stock.js';
export * from './tenancy.js';
import type { AnyTableDef } from './define.js';
export type { AnyTableDef, ColumnKind, ColumnSpec, Dialect, Scope, TableDef } from './define.js';

type TablesIn<M> = { [K in keyof M as M[K] extends AnyTableDef ? K : never]: M[K] };

/** The table definitions a schema module exports (it also exports constants and helpers). */
function tablesIn<M extends object>(module: M): TablesIn<M> {
  const isTable = (value: unknown) =>
    typeof value === 'object' && value !== null && 'scope' in value && 'sqlite' in value;
  return Object.fromEntries(Object.entries(module).filter(([, value]) => isTable(value))) as TablesIn<M>;
}

/** Every table, keyed by its export name: read from the schema modules, so none is left out. */
export const tables = {
  ...tablesIn(tenancy),
  ...tablesIn(access),
  ...tablesIn(keys),
  ...tablesIn(customFields),
  ...tablesIn(machines),
  ...tablesIn(stock),
  ...tablesIn(sales),
  ...tablesIn(devices),
  ...tablesIn(operations),
  ...tablesIn(providers),
};

export type Tables = typeof tables;
export type TableName = keyof Tables;
/** Tables owned by one tenant: reached only through the tenant-scoped layer. */
export type TenantTableName = { [K in TableName]: Tables[K]['scope'] extends 'tenant' ? K : never }[TableName];
/** Platform tables: no tenant owns them. */
export type PlatformTableName = Exclude<TableName, TenantTableName>;

/** Each dialect's Drizzle tables, keyed like `tables`. */
export function dialectTables(dialect: 'sqlite' | 'mysql') {
  return Object.fromEntries(Object.entries(tables).map(([key, def]) => [key, def[dialect]]));
}
