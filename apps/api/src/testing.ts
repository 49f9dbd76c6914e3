/**
 * An API on a fresh database, for tests: migrated and seeded (the platform and the demo
 * operator), with callers signed in as any seeded user. The database is a copy of a
 * template seeded once per run for each clock the tests seed on (see `demoTemplate`).
 */
import { randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { eq, openKeyring, type Database, type Keyring } from '@vmcloud/db';
import { openTestDatabase, testRunFolder, type TestDatabase, type TestTemplate } from '@vmcloud/db/testing';
import { ROLE_TEMPLATES } from './access/catalog.js';
import { hashPassword, type PasswordCost } from './auth/password.js';
import { PrincipalCache, SESSION_COOKIE } from './auth/principal.js';
import { createLogger } from './log.js';
import { appRouter } from './app-router.js';
import { DEMO_OPERATOR, DEMO_PASSWORD, MANUFACTURER, seed } from './seed/index.js';
import { createRolesFromTemplates } from './seed/platform.js';
import { createContext, type Context, type RequestInfo, type Services } from './trpc/context.js';
import { createDeviceServices } from './devices/services.js';
import { generateKeyPairSync } from 'node:crypto';
import { createCallerFactory } from './trpc/init.js';

/** The platform's signing key in tests: one per test process. */
export const TEST_SIGNING_KEY = generateKeyPairSync('ed25519').privateKey;

/** A cheap scrypt cost: hashing is not what these tests are about. */
export const TEST_PASSWORD_COST: PasswordCost = { ln: 4, r: 8, p: 1 };

export const createCaller = createCallerFactory(appRouter);
export type Caller = ReturnType<typeof createCaller>;

export interface TestApi {
  db: Database;
  keyring: Keyring;
  services: Services;
  /** Log lines written during the test. */
  logs: string[];
  /** A caller with no session. */
  anonymous(request?: Partial<RequestInfo>): Caller;
  /** Signs in (through auth.login) and returns a caller carrying the session. */
  signIn(tenantCode: string, username: string, password?: string): Promise<Caller>;
  /** Signs in (through auth.login) and returns the session token the cookie carries. */
  sessionToken(tenantCode: string, username: string, password?: string): Promise<string>;
  /** A caller for a context the test builds itself. */
  caller(ctx: Context): Caller;
  /**
   * A second operator: tenant, every module (or those given), its roles from the
   * templates and one user per role (username = role key), password DEMO_PASSWORD.
   */
  createOperator(input: { code: string; name: string; modules?: string[] }): Promise<{ tenantId: string }>;
  close(): Promise<void>;
}

export const MANUFACTURER_CODE = MANUFACTURER.code;
export const DEMO_CODE = DEMO_OPERATOR.code;

/** What a demo template keeps besides its database: the master key its data keys are wrapped with. */
interface DemoTemplateData {
  masterKey: string;
}

/**
 * The demo seeded on a clock. The seed reads the clock once (its "now", from which it
 * reckons "today" and a few recent times), so a template serves every test whose clock
 * reads the same when the API is made: a fixed clock gets a template of its own instant;
 * the wall clock one template per UTC day, seeded when the day's first test asks.
 */
function demoTemplate(seedAt: Date | undefined): TestTemplate {
  const key = seedAt ? `demo@${seedAt.toISOString()}` : `demo@wall:${new Date().toISOString().slice(0, 10)}`;
  return {
    key,
    async fill(db) {
      const masterKey = randomBytes(32);
      const keyring = await openKeyring(db, masterKey);
      await seed(db, keyring, { passwordCost: TEST_PASSWORD_COST, now: seedAt });
      const data: DemoTemplateData = { masterKey: masterKey.toString('hex') };
      return data;
    },
  };
}

export async function createTestApi(
  dialect: 'sqlite' | 'mysql' = 'sqlite',
  options: { now?: () => Date } = {},
): Promise<TestApi> {
  // Uploaded files of tests go to a folder of the test run, not to ./data.
  process.env.VMCLOUD_UPLOAD_DIR ??= testRunFolder(`uploads-${process.pid}`);
  // The demo is seeded on the test's clock, so that its "today" is the API's; the
  // database's clock is the API's too.
  const database: TestDatabase = await openTestDatabase(dialect, {
    now: options.now,
    template: demoTemplate(options.now?.()),
  });
  const { db } = database;
  const { masterKey } = database.templateData as DemoTemplateData;
  const keyring = await openKeyring(db, Buffer.from(masterKey, 'hex'));
  const logs: string[] = [];
  const services: Services = {
    db,
    keyring,
    log: createLogger('debug', {}, (line) => logs.push(line)),
    principals: new PrincipalCache(0),
    passwordCost: TEST_PASSWORD_COST,
    sessionTtlMs: 8 * 3_600_000,
    secureCookies: false,
    now: options.now ?? (() => new Date()),
    devices: createDeviceServices({
      db,
      now: options.now ?? (() => new Date()),
      signingKey: TEST_SIGNING_KEY,
      settings: { publicUrl: 'http://127.0.0.1:3000' },
    }),
  };
  const api: TestApi = {
    db,
    keyring,
    services,
    logs,
    anonymous: (request) => createCaller(createContext(services, request)),
    caller: (ctx) => createCaller(ctx),
    async sessionToken(tenantCode, username, password = DEMO_PASSWORD) {
      const ctx = createContext(services);
      await createCaller(ctx).auth.login({ tenantCode, username, password });
      const cookie = ctx.cookies.find((c) => c.name === SESSION_COOKIE);
      if (!cookie) throw new Error('auth.login set no session cookie');
      return cookie.value;
    },
    async signIn(tenantCode, username, password = DEMO_PASSWORD) {
      const sessionToken = await api.sessionToken(tenantCode, username, password);
      return createCaller(createContext(services, { sessionToken }));
    },
    async createOperator({ code, name, modules }) {
      return db.transaction(async (tx) => {
        const now = services.now();
        const tenant = await tx.platform.tenants.insert({
          kind: 'operator',
          code,
          name,
          leaseStartsAt: now,
          leaseEndsAt: new Date(now.getTime() + 365 * 86_400_000),
          machineQuota: 10,
        });
        const scope = tx.forTenant(tenant.id);
        const all = await tx.platform.modules.find();
        await scope.tenantModules.insertMany(
          all.filter((m) => !modules || modules.includes(m.code)).map((m) => ({ moduleId: m.id })),
        );
        const permissionIds = new Map((await tx.platform.permissions.find()).map((p) => [p.code, p.id]));
        const roles = await createRolesFromTemplates(tx, tenant.id, 'operator', permissionIds, false);
        const passwordHash = await hashPassword(DEMO_PASSWORD, TEST_PASSWORD_COST);
        for (const template of ROLE_TEMPLATES.filter((r) => r.kind === 'operator')) {
          const roleId = roles.get(template.key);
          if (!roleId) throw new Error(`missing role ${template.key}`);
          const user = await scope.users.insert({ username: template.key, displayName: template.name, passwordHash });
          await scope.userRoles.insert({ userId: user.id, roleId });
        }
        return { tenantId: tenant.id };
      });
    },
    close: () => database.drop(),
  };
  return api;
}

/** The error a call failed with; fails the test if the call succeeded or failed otherwise. */
export async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** The id of a tenant by its code. */
export async function tenantIdOf(db: Database, code: string): Promise<string> {
  const tenant = await db.platform.tenants.findOne((t) => eq(t.code, code));
  if (!tenant) throw new Error(`no tenant ${code}`);
  return tenant.id;
}
