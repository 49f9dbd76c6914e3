/**
 * Valid rows for any table, made from its definition: every NOT NULL column without a
 * default gets a value of its kind, and every foreign key a parent row made first (in
 * the same tenant for tenant-owned parents). Tests use it to cover every table without
 * listing them by hand.
 */
import { randomBytes } from 'node:crypto';
import type { DbHandle } from '../database.js';
import type { AnyTableDef, ColumnSpec } from '../schema/define.js';
import { tables, type TableName } from '../schema/index.js';

/** Values a table's own CHECK constraints need beyond what each column's kind gives. */
const FIXED_VALUES: Partial<Record<TableName, Record<string, unknown>>> = {
  restocks: { stockBefore: 0, quantity: 1, stockAfter: 1 },
};

function nameOf(def: AnyTableDef): TableName {
  const entry = Object.entries(tables).find(([, d]) => d === def);
  if (!entry) throw new Error(`unknown table ${def.name}`);
  return entry[0] as TableName;
}

function valueOf(spec: ColumnSpec): unknown {
  switch (spec.kind) {
    case 'id':
    case 'string':
      return randomBytes(8)
        .toString('hex')
        .slice(0, Math.min(spec.length ?? 16, 16));
    case 'text':
      return 'text';
    case 'enum':
      return spec.values?.[0];
    case 'int':
    case 'money':
    case 'bigint':
      return 1;
    case 'bool':
      return false;
    case 'time':
      return new Date();
    case 'date':
      return '2026-01-01';
    case 'json':
      return {};
  }
}

/** Builds the values of a new row of `table`, making the rows it references first. */
export async function rowValues(
  db: DbHandle,
  tableName: TableName,
  tenantId: string,
): Promise<Record<string, unknown>> {
  const def: AnyTableDef = tables[tableName];
  const values: Record<string, unknown> = {};
  for (const [key, col] of Object.entries(def.columns)) {
    const spec = col.spec;
    if (key === 'id' || key === 'tenantId' || !spec.notNull || spec.defaultValue) continue;
    if (spec.references) {
      const parent = spec.references.table();
      values[key] = parent === tables.tenants ? tenantId : await insertRow(db, nameOf(parent), tenantId);
    } else {
      values[key] = valueOf(spec);
    }
  }
  return { ...values, ...FIXED_VALUES[tableName] };
}

/** Inserts a valid row into any table (a tenant-owned one within `tenantId`); returns its id. */
export async function insertRow(db: DbHandle, tableName: TableName, tenantId: string): Promise<string> {
  const values = await rowValues(db, tableName, tenantId);
  const scope = (tables[tableName].scope === 'tenant' ? db.forTenant(tenantId) : db.platform) as unknown as Record<
    string,
    { insert(v: Record<string, unknown>): Promise<{ id: string }> }
  >;
  const access = scope[tableName];
  if (!access) throw new Error(`no access to ${tableName}`);
  const row = await access.insert(values);
  return row.id;
}

let tenantCounter = 0;

/** A new operator tenant with a unique code and name. */
export async function createTestTenant(db: DbHandle, kind: 'operator' | 'manufacturer' = 'operator') {
  tenantCounter += 1;
  const suffix = `${process.pid}${tenantCounter}${randomBytes(3).toString('hex')}`;
  return db.platform.tenants.insert({
    kind,
    code: suffix.slice(-6).padStart(6, '0'),
    name: `Tenant_${suffix}`.slice(0, 25),
  });
}
