/** A test API seen from the manufacturer, for the tests of the manufacturer's own procedures (`factory.*`). */
import { eq } from '@vmcloud/db';
import type { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll } from 'vitest';
import { createTestApi, DEMO_CODE, MANUFACTURER_CODE, tenantIdOf, type Caller, type TestApi } from '../testing.js';

type Dialect = ReturnType<typeof testDialects>[number]['dialect'];

/** The tests' clock. */
export const NOW = Date.UTC(2026, 10, 22, 12);

/** An operator that registers for one month of the user module (fee 8000). */
export const GAMMA = {
  name: 'Gamma_Vending',
  code: '200002',
  password: 'Secret_2026',
  modules: ['user'],
  machines: 1,
  months: 1 as const,
};

export interface Manufacturer {
  api: TestApi;
  /** The manufacturer's system admin. */
  admin: Caller;
  /** A manufacturer user with the manufacturer admin role; a test may sign it in again. */
  maker: Caller;
  manufacturerId: string;
  /** The demo operator. */
  demoId: string;
  /** The manufacturer's own rows. */
  scope(): ReturnType<TestApi['db']['forTenant']>;
  /** The manufacturer's audit entries of one procedure. */
  audits(action: string): ReturnType<ReturnType<TestApi['db']['forTenant']>['auditLog']['find']>;
}

/** Opens a test API on `NOW` for the enclosing `describe`, signed in as the manufacturer's admin and maker. */
export function manufacturerTestbed(dialect: Dialect): Manufacturer {
  const bed = {
    scope: () => bed.api.db.forTenant(bed.manufacturerId),
    audits: (action: string) => bed.scope().auditLog.find({ where: (a) => eq(a.action, action) }),
  } as Manufacturer;
  beforeAll(async () => {
    bed.api = await createTestApi(dialect, { now: () => new Date(NOW) });
    bed.admin = await bed.api.signIn(MANUFACTURER_CODE, 'admin');
    bed.maker = await bed.api.signIn(MANUFACTURER_CODE, 'maker');
    bed.manufacturerId = await tenantIdOf(bed.api.db, MANUFACTURER_CODE);
    bed.demoId = await tenantIdOf(bed.api.db, DEMO_CODE);
  });
  afterAll(async () => {
    await bed.api?.close();
  });
  return bed;
}
