/**
 * Type tests: isolation by construction. An operator procedure's context holds its own
 * tenant's scope and nothing that reaches another tenant; a manufacturer procedure reaches
 * other tenants only through the explicit `ctx.tenants` handle. Each `@ts-expect-error`
 * fails the type check if the line compiles.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { TenantScope } from '@vmcloud/db';
import { P } from '../access/catalog.js';
import { manufacturerProcedure, operatorProcedure } from './init.js';

describe('procedure contexts', () => {
  it('give an operator procedure its own scope and no way to another tenant', () => {
    operatorProcedure(P.order).query(({ ctx }) => {
      expectTypeOf(ctx.scope).toEqualTypeOf<TenantScope>();
      // @ts-expect-error the database handle is not in an operator procedure's context
      void ctx.db.forTenant('0199f1c2-0000-7000-8000-000000000000');
      // @ts-expect-error nor the manufacturer's cross-tenant handle
      void ctx.tenants;
      // Its one read of another tenant's rows gives machine types and nothing else.
      expectTypeOf(ctx.machineTypes).returns.resolves.items.toHaveProperty('slotsPerTray');
      // @ts-expect-error it reaches no table but machine types
      void ctx.machineTypes.forTenant;
      return ctx.write(async (w) => {
        // @ts-expect-error an operator's writer has no transaction over every tenant
        void w.tx.forTenant('0199f1c2-0000-7000-8000-000000000000');
        return w.scope.machines.count();
      });
    });
  });

  it('give a manufacturer procedure an explicit cross-tenant handle', () => {
    manufacturerProcedure(P.viewTenants).query(({ ctx }) => {
      expectTypeOf(ctx.tenants.forTenant).returns.toEqualTypeOf<TenantScope>();
      // @ts-expect-error the database handle is not in its context either
      void ctx.db.forTenant('0199f1c2-0000-7000-8000-000000000000');
      return ctx.tenants.forTenant('0199f1c2-0000-7000-8000-000000000000').machines.count();
    });
  });

  it('refuse a permission code that is not in the catalog', () => {
    // @ts-expect-error a permission is one of P's codes
    operatorProcedure('0999');
  });
});
