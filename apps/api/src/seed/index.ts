import { eq, inArray, type Database, type Keyring } from '@vmcloud/db';
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

/**
 * The logins of the demo tenants as the database holds them now, whether this run made
 * them or an earlier one did: each user of the manufacturer and of the demo operator with
 * a built-in role, in the order the seed creates them.
 */
export async function demoLogins(db: Database): Promise<SeededUser[]> {
  const logins: SeededUser[] = [];
  for (const code of [MANUFACTURER.code, DEMO_OPERATOR.code]) {
    const tenant = await db.platform.tenants.findOne((t) => eq(t.code, code));
    if (!tenant) continue;
    const scope = db.forTenant(tenant.id);
    const users = await scope.users.find({ orderBy: (u) => [u.createdAt, u.id] });
    const ids = users.map((u) => u.id);
    const links = ids.length ? await scope.userRoles.find({ where: (r) => inArray(r.userId, ids) }) : [];
    const roles = new Map((await scope.roles.find()).map((r) => [r.id, r.key]));
    for (const user of users) {
      const role = links.map((l) => (l.userId === user.id ? roles.get(l.roleId) : null)).find((key) => key);
      if (role) logins.push({ tenantCode: code, username: user.username, role });
    }
  }
  return logins;
}
