/**
 * Type tests: the data-access layer cannot be used to write an UPDATE or DELETE that is
 * not scoped to a tenant. Each `@ts-expect-error` fails the suite if the line compiles.
 */
import { eq } from 'drizzle-orm';
import { describe, expectTypeOf, it } from 'vitest';
import type { Database, DbHandle, Row, TenantScope } from './index.js';
import * as publicApi from './index.js';
import type { Tables } from './schema/index.js';

declare const db: Database;
declare const tx: DbHandle;
declare const scope: TenantScope;

describe('the scoped data-access layer', () => {
  it('offers no unscoped query builder', () => {
    // @ts-expect-error the database handle has no raw update
    db.update(publicApi.tables.machines.sqlite).set({ name: 'x' });
    // @ts-expect-error the database handle has no raw delete
    db.delete(publicApi.tables.machines.sqlite);
    // @ts-expect-error a transaction handle has no raw update either
    tx.update(publicApi.tables.machines.sqlite);
    // @ts-expect-error nor raw SQL
    db.run('DELETE FROM machines');
    // @ts-expect-error the runners that hold the raw connection are not exported
    void publicApi.SqliteRunner;
    // @ts-expect-error the runners that hold the raw connection are not exported
    void publicApi.MysqlRunner;
  });

  it('keeps tenant-owned tables out of the platform scope', () => {
    // @ts-expect-error machines belong to a tenant: reach them through forTenant()
    void db.platform.machines;
    // @ts-expect-error orders belong to a tenant
    void db.platform.orders.update('id', { status: 'paid' });
    // tenants are platform data
    expectTypeOf(db.platform.tenants.get).returns.resolves.toEqualTypeOf<Row<Tables['tenants']> | undefined>();
  });

  it('makes update and delete take a row id or a condition, always inside the scope', () => {
    // @ts-expect-error an update needs the row id
    void scope.machines.update({ name: 'everything' });
    // @ts-expect-error a delete needs the row id
    void scope.machines.delete();
    // @ts-expect-error the tenant id is stamped by the scope, not passed in
    void scope.products.insert({ tenantId: 'other', code: 'X', name: 'X', price: 1 });
    // @ts-expect-error the tenant id of a row cannot be changed
    void scope.products.update('id', { tenantId: 'other' });
    void scope.machines.update('id', { name: 'one machine' });
    void scope.machines.updateWhere((m) => eq(m.status, 'active'), { status: 'disabled' });
  });

  it('types rows from the schema', () => {
    expectTypeOf<Row<Tables['orders']>['status']>().toEqualTypeOf<
      'created' | 'paid' | 'vending' | 'completed' | 'failed' | 'refunded' | 'expired'
    >();
    expectTypeOf<Row<Tables['orders']>['amount']>().toEqualTypeOf<number>();
    expectTypeOf<Row<Tables['orders']>['paidAt']>().toEqualTypeOf<Date | null>();
    expectTypeOf<Row<Tables['channels']>['enabled']>().toEqualTypeOf<boolean>();
  });
});
