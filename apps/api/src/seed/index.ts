import { eq, type Database, type Keyring } from '@vmcloud/db';
import { DEMO_OPERATOR, seedDemo } from './demo.js';
import { MANUFACTURER, seedPlatform, type SeededUser, type SeedOptions } from './platform.js';

export { DEMO_OPERATOR, MANUFACTURER, type SeededUser, type SeedOptions };

/** The password of every demo login (8-25 letters, digits or underscore). */
export const DEMO_PASSWORD = 'Demo_2026';

export interface SeedResult {
  /** False when the database already held the platform and demo data. */
  seeded: boolean;
  /** The logins created by this run. */
  users: SeededUser[];
}

/**
 * Seeds the platform data and, on a database without operators, the demo operator; all
 * in one transaction, so a failure leaves the database as it was.
 */
export async function seed(db: Database, keyring: Keyring, options: Partial<SeedOptions> = {}): Promise<SeedResult> {
  const opts: SeedOptions = { password: DEMO_PASSWORD, ...options };
  return db.transaction(async (tx) => {
    const platform = await seedPlatform(tx, keyring, opts);
    const hasOperator = await tx.platform.tenants.findOne((t) => eq(t.kind, 'operator'));
    const demo = hasOperator ? [] : await seedDemo(tx, keyring, platform.manufacturer, platform.permissionIds, opts);
    const users = [...platform.users, ...demo];
    return { seeded: users.length > 0, users };
  });
}

/** True when the database holds no tenant yet. */
export async function isEmpty(db: Database): Promise<boolean> {
  return (await db.platform.tenants.count()) === 0;
}
