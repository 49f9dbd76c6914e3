import { randomBytes } from 'node:crypto';
import { eq, inArray, type Database, type Keyring } from '@vmcloud/db';
import { isUniqueViolation } from '../shared/errors.js';
import { DEMO_OPERATOR, seedDemo } from './demo.js';
import { MANUFACTURER, seedPlatform, syncCatalog, type SeededUser, type SeedOptions } from './platform.js';

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

/** What `seedProduction` made: the administrator's login, and the one-time password if one was generated. */
export interface ProductionSeed {
  tenantCode: string;
  username: string;
  /** Set when no password was given: shown once, and it must be changed at the first sign-in. */
  oneTimePassword: string | null;
}

/** A password of the accepted shape (8-25 letters, digits or underscores) with 128 bits of randomness. */
export function oneTimePassword(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  const bytes = randomBytes(25);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out.slice(0, 22);
}

/**
 * The first start of a production install on an empty database: the platform data (catalog,
 * role templates, pricing) and the manufacturer with its one administrator, `admin`,
 * whose password is `password` or, without one, a generated one-time password that must be
 * changed at the first sign-in. No demo tenant, no demo users.
 */
export async function seedProduction(
  db: Database,
  keyring: Keyring,
  options: { password: string | null; passwordCost?: SeedOptions['passwordCost'] },
): Promise<ProductionSeed> {
  const generated = options.password === null ? oneTimePassword() : null;
  const password = options.password ?? generated ?? '';
  await db.transaction((tx) =>
    seedPlatform(tx, keyring, {
      password,
      passwordCost: options.passwordCost,
      platformUsers: ['admin'],
      mustChangePassword: generated !== null,
    }),
  );
  return { tenantCode: MANUFACTURER.code, username: 'admin', oneTimePassword: generated };
}

/**
 * What a start seeds: `seed` (the command) always the demo; `start` on an empty database
 * the demo outside production or when VMCLOUD_SEED=demo asks for it, and in production
 * only the platform and its administrator; nothing with VMCLOUD_SEED=never. A start on a
 * database in use seeds nothing but brings its catalogue up to the code's (`syncCatalog`:
 * new modules and permissions, the new permissions granted to the built-in roles), whatever
 * VMCLOUD_SEED says, as a migration would: the permissions the code checks must exist.
 */
export async function seedOnStart(
  db: Database,
  keyring: Keyring,
  run: { command: string; seed: 'auto' | 'never' | 'demo'; production: boolean; adminPassword: string | null },
): Promise<{ demo: SeedResult } | { production: ProductionSeed } | null> {
  if (run.command === 'seed') return { demo: await seed(db, keyring) };
  if (run.command !== 'start') return null;
  if (!(await isEmpty(db))) {
    try {
      await db.transaction((tx) => syncCatalog(tx));
    } catch (error) {
      // Another instance starting at the same moment inserted the same rows first; what
      // is left to do (nothing, or what it had not reached) is done again.
      if (!isUniqueViolation(error)) throw error;
      await db.transaction((tx) => syncCatalog(tx));
    }
    return null;
  }
  if (run.seed === 'never') return null;
  if (run.seed === 'demo' || !run.production) return { demo: await seed(db, keyring) };
  return { production: await seedProduction(db, keyring, { password: run.adminPassword }) };
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
