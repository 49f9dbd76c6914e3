/**
 * Every procedure of the router, enumerated from the router itself, so that a new
 * procedure is covered without being listed here:
 * - tenant isolation: an operator of tenant B calls it with the ids of tenant A's rows
 *   and must fail exactly as with ids that do not exist, or get nothing of A back, while
 *   A's own users make the same call without being refused;
 * - permissions: each role's users call it, and exactly those whose permissions (read
 *   from the permission table) allow it get past authorization;
 * - malformed input: each field of the wrong type, or missing, gets BAD_REQUEST naming
 *   the field, never an internal error.
 * Every call runs in a transaction that is rolled back, so each starts from the seed.
 *
 * One test file per dialect (`app-router.sqlite.test.ts`, `app-router.mysql.test.ts`), so
 * that the two run side by side.
 */
import { TRPCError, type AnyProcedure } from '@trpc/server';
import { and, eq, inArray, newId, tables, tenantTableNames, type Database, type TableName } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';

type Dialect = ReturnType<typeof testDialects>[number]['dialect'];
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PERMISSIONS } from './access/catalog.js';
import { createContext, type SignedRequest } from './trpc/context.js';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { keyIdOf, newNonce, sha256Hex, signRequest } from '@vmcloud/protocol/device';
import type { Meta } from './trpc/init.js';
import { createCaller, createTestApi, DEMO_CODE, MANUFACTURER_CODE, tenantIdOf, type TestApi } from './testing.js';
import { malformedInputs, sampleInput } from './testing-inputs.js';
import { appRouter } from './app-router.js';

type Outcome = { ok: true; data: unknown; audited: number } | { ok: false; error: TRPCError };

const byPath = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
const procedureAt = (path: string) => byPath[path] as AnyProcedure;
const procedures = Object.entries(byPath)
  .filter(([, p]) => p._def.type !== 'subscription')
  .sort(([a], [b]) => a.localeCompare(b));

const metaOf = (p: AnyProcedure) => (p._def.meta ?? {}) as Meta;
const inputOf = (p: AnyProcedure) => (p._def.inputs as z.core.$ZodType[])[0];

const ROLLBACK = Symbol('rollback');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** Calls `path` as the session `token` (or anonymously), inside a transaction that is rolled back. */
/**
 * Terminals activated for the tests, by token: `<tenantId>:device:<keyId>`. A call made
 * with such a token is signed with the terminal's key, as over HTTP.
 */
const terminals = new Map<string, { keyId: string; privateKey: KeyObject }>();

/** Registers a terminal key for a machine of `tenantId` and answers its token. */
async function activateTerminal(db: Database, tenantId: string, machineId: string): Promise<string> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const sealing = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
  const keyId = keyIdOf(publicKey);
  await db.platform.deviceCredentials.insert({
    tenantId,
    machineId,
    boardId: 'TEST',
    signingKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    sealingKey: sealing.export({ type: 'spki', format: 'pem' }).toString(),
    keyId,
    activatedAt: new Date(),
  });
  const token = `${tenantId}:device:${keyId}`;
  terminals.set(token, { keyId, privateKey });
  return token;
}

/** The signature a terminal would send for this call. */
function signedFor(token: string | null, path: string, input: unknown): SignedRequest | null {
  const terminal = token ? terminals.get(token) : undefined;
  if (!terminal) return null;
  const target = `/trpc/${path}`;
  const body = JSON.stringify(input ?? null);
  const headers = signRequest(
    { method: 'POST', target, timestamp: Date.now(), nonce: newNonce(), body },
    terminal.keyId,
    terminal.privateKey,
  );
  return {
    keyId: terminal.keyId,
    timestamp: headers['x-vmc-timestamp'],
    nonce: headers['x-vmc-nonce'],
    signature: headers['x-vmc-signature'],
    method: 'POST',
    target,
    bodyDigest: sha256Hex(body),
  };
}

async function call(api: TestApi, token: string | null, path: string, input: unknown): Promise<Outcome> {
  let outcome: Outcome | undefined;
  await api.db
    .transaction(async (tx) => {
      const device = terminals.has(token ?? '');
      const ctx = createContext(
        { ...api.services, db: tx as Database },
        { sessionToken: device ? null : token, signed: signedFor(token, path, input) },
      );
      let target: unknown = createCaller(ctx);
      for (const part of path.split('.')) target = (target as Record<string, unknown>)[part];
      try {
        const data = await (target as (i: unknown) => Promise<unknown>)(input);
        const tenantId = token?.slice(0, 36);
        const audited =
          tenantId && ctx.request.requestId
            ? await tx.forTenant(tenantId).auditLog.count((a) => eq(a.requestId, ctx.request.requestId))
            : 0;
        outcome = { ok: true, data, audited };
      } catch (error) {
        if (!(error instanceof TRPCError)) throw error;
        outcome = { ok: false, error };
      }
      throw ROLLBACK;
    })
    .catch((error: unknown) => {
      if (error !== ROLLBACK) throw error;
    });
  if (!outcome) throw new Error(`no outcome for ${path}`);
  return outcome;
}

const describeOutcome = (o: Outcome) => (o.ok ? 'ok' : `${o.error.code}: ${o.error.message}`);

/** The tests of every procedure on `dialect` (skipped, with the reason, where it cannot run). */
export function describeEveryProcedure(dialect: Dialect): void {
  const skip = testDialects().find((d) => d.dialect === dialect)?.skip;
  describe.skipIf(skip !== undefined)(`[${dialect}] every procedure`, () => {
    let api: TestApi;
    const tokens = new Map<string, string>();
    let tenantA: string;
    let manufacturerId: string;
    /** Ids of tenant A's rows, by table, chosen so that they belong together. */
    const idsOfA = new Map<TableName, string>();
    /** Every id of every row tenant A owns. */
    const everyIdOfA = new Set<string>();
    /** Ids of the manufacturer's own rows, for the manufacturer's procedures. */
    const idsOfManufacturer = new Map<TableName, string>();

    const sign = async (code: string, username: string) => {
      const token = await api.sessionToken(code, username);
      tokens.set(`${code}:${username}`, token);
      return token;
    };

    beforeAll(async () => {
      api = await createTestApi(dialect);
      tenantA = await tenantIdOf(api.db, DEMO_CODE);
      manufacturerId = await tenantIdOf(api.db, MANUFACTURER_CODE);
      await api.createOperator({ code: '200001', name: 'Tenant_B' });
      // A rents every module here, so that its users can be the positive control of every procedure.
      const rented = new Set((await api.db.forTenant(tenantA).tenantModules.find()).map((m) => m.moduleId));
      await api.db
        .forTenant(tenantA)
        .tenantModules.insertMany(
          (await api.db.platform.modules.find()).filter((m) => !rented.has(m.id)).map((m) => ({ moduleId: m.id })),
        );
      for (const u of ['admin', 'leader', 'staff1', 'staff2', 'stock', 'finance']) await sign(DEMO_CODE, u);
      for (const u of ['operator_admin', 'field_staff', 'group_admin']) await sign('200001', u);
      for (const u of ['admin', 'maker']) await sign(MANUFACTURER_CODE, u);

      const a = api.db.forTenant(tenantA);
      for (const name of tenantTableNames) {
        const rows = await (a[name] as { find(): Promise<{ id: string }[]> }).find();
        for (const row of rows) everyIdOfA.add(row.id);
      }
      everyIdOfA.add(tenantA);
      // A field worker's procedures about an alarm (its repair) are about one assigned to them.
      const staff1 = await a.users.findOne((u) => eq(u.username, 'staff1'));
      if (staff1) await a.alarms.updateWhere((x) => eq(x.tenantId, tenantA), { assignedTo: staff1.id });
      await pickIds(api.db, tenantA, idsOfA);
      // A machine the manufacturer has built and not sold yet.
      const factory = api.db.forTenant(manufacturerId);
      const [type] = await factory.machineTypes.find({ limit: 1 });
      if (type) {
        await factory.machines.insert({ boardId: 'VMC2026TEST01', typeId: type.id, manufacturerId, price: 300000 });
      }
      await pickIds(api.db, manufacturerId, idsOfManufacturer);
      // A terminal on a machine of A, and one on a machine of B, for the device channel.
      const [machineOfA] = await a.machines.find({ limit: 1 });
      const tenantB = await tenantIdOf(api.db, '200001');
      if (type && machineOfA) {
        const b = api.db.forTenant(tenantB);
        const machineOfB = await b.machines.insert({ boardId: 'VMC2026TESTB1', typeId: type.id, manufacturerId });
        tokens.set(`${DEMO_CODE}:terminal`, await activateTerminal(api.db, tenantA, machineOfA.id));
        tokens.set('200001:terminal', await activateTerminal(api.db, tenantB, machineOfB.id));
      }
      // The manufacturer's procedures about tenants are about operators.
      idsOfManufacturer.set('tenants', tenantA);
      // ... and it confirms their lease orders: one of A's.
      const [leaseOrderOfA] = await a.leaseOrders.find({ limit: 1 });
      if (leaseOrderOfA) idsOfManufacturer.set('leaseOrders', leaseOrderOfA.id);
    }, 120_000);
    afterAll(async () => {
      await api?.close();
    });

    /** A valid input naming A's rows (the manufacturer's, for the manufacturer's procedures). */
    const withIdsOfA = (p: AnyProcedure) => {
      const schema = inputOf(p);
      const ids = metaOf(p).tenantKind === 'manufacturer' ? idsOfManufacturer : idsOfA;
      return schema ? sampleInput(schema, { idFor: (table) => ids.get(table) ?? newId() }) : undefined;
    };
    const withUnknownIds = (p: AnyProcedure) => {
      const schema = inputOf(p);
      return schema ? sampleInput(schema, { idFor: () => newId() }) : undefined;
    };

    it('covers a router with procedures of every kind', () => {
      expect(procedures.length).toBeGreaterThan(0);
      for (const [path, p] of procedures) {
        const meta = metaOf(p);
        if (meta.permission) {
          const entry = PERMISSIONS.find((x) => x.code === meta.permission);
          expect(entry?.kind, `${path} declares ${meta.permission}`).toBe(meta.tenantKind);
        }
      }
    });

    it.each(procedures.map(([path]) => path))('%s: generated inputs are valid', (path) => {
      const p = procedureAt(path);
      const schema = inputOf(p);
      if (!schema) return;
      const input = withIdsOfA(p);
      const parsed = (schema as z.ZodType).safeParse(input);
      expect(parsed.success, parsed.success ? '' : parsed.error.message).toBe(true);
    });

    it.each(procedures.map(([path]) => path))(
      "%s: tenant B gets nothing of tenant A's, and A's own users are let in",
      async (path) => {
        const p = procedureAt(path);
        const input = withIdsOfA(p);
        const unknown = withUnknownIds(p);
        const outsiders = ['200001:operator_admin', '200001:field_staff', '200001:terminal'];
        // The manufacturer is an outsider to the operators' procedures, the insider of its own.
        if (metaOf(p).tenantKind !== 'manufacturer') outsiders.push(`${MANUFACTURER_CODE}:admin`);
        for (const who of outsiders) {
          const token = tokens.get(who) as string;
          const [withA, withNothing] = [await call(api, token, path, input), await call(api, token, path, unknown)];
          if (withA.ok) {
            const leaked = (JSON.stringify(withA.data) ?? '').match(UUID)?.filter((id) => everyIdOfA.has(id)) ?? [];
            expect(leaked, `${who} read ids of A through ${path}`).toEqual([]);
          } else {
            expect(describeOutcome(withA), `${who} with A's ids vs unknown ids`).toBe(describeOutcome(withNothing));
          }
        }
        // Positive control: some user of A (or the manufacturer for its own procedures) gets in.
        const meta = metaOf(p);
        if (meta.access === 'public') return;
        const insiders =
          meta.access === 'device'
            ? [`${DEMO_CODE}:terminal`]
            : meta.tenantKind === 'manufacturer'
              ? [`${MANUFACTURER_CODE}:admin`]
              : ['admin', 'staff1', 'leader', 'stock', 'finance'].map((u) => `${DEMO_CODE}:${u}`);
        // A terminal's call about a sale it never made is NOT_FOUND: it got in.
        const shutOut =
          meta.access === 'device' ? ['FORBIDDEN', 'UNAUTHORIZED'] : ['NOT_FOUND', 'FORBIDDEN', 'UNAUTHORIZED'];
        const outcomes: Outcome[] = [];
        for (const who of insiders) {
          const o = await call(
            api,
            meta.tenantKind || meta.permission ? (tokens.get(who) as string) : (tokens.get(who) ?? null),
            path,
            input,
          );
          outcomes.push(o);
          if (o.ok || !shutOut.includes(o.error.code)) break;
        }
        const last = outcomes[outcomes.length - 1] as Outcome;
        expect(
          last.ok || !shutOut.includes(last.error.code),
          `no user of A could call ${path}: ${outcomes.map(describeOutcome).join(' | ')}`,
        ).toBe(true);
        // Heartbeats and log uploads are the machine's own reports, not changes anyone audits.
        if (last.ok && p._def.type === 'mutation' && meta.access !== 'device') {
          expect(last.audited, `${path} wrote no audit row`).toBeGreaterThan(0);
        }
      },
      60_000,
    );

    /** What each signed-in user holds, read from the permission table once per user. */
    const heldBy = new Map<string, Set<string>>();
    it.each(procedures.filter(([, p]) => metaOf(p).permission).map(([path]) => path))(
      '%s: exactly the roles whose permissions allow it get past authorization',
      async (path) => {
        const p = procedureAt(path);
        const { permission } = metaOf(p);
        const input = withIdsOfA(p);
        for (const [who, token] of tokens) {
          // A terminal signs in no one: its refusal is UNAUTHORIZED, checked by the device channel's tests.
          if (terminals.has(token)) continue;
          const [code, username] = who.split(':') as [string, string];
          const tenantId = code === MANUFACTURER_CODE ? manufacturerId : code === DEMO_CODE ? tenantA : undefined;
          let held = heldBy.get(who);
          if (!held) {
            held = await permissionsHeld(api.db, tenantId ?? (await tenantIdOf(api.db, code)), username);
            heldBy.set(who, held);
          }
          const o = await call(api, token, path, input);
          const refused = !o.ok && o.error.code === 'FORBIDDEN' && o.error.message.startsWith('This needs permission');
          expect(refused, `${who} (${describeOutcome(o)})`).toBe(!held.has(permission as string));
        }
      },
      60_000,
    );

    const malformed = procedures.flatMap(([path, p]) => {
      const schema = inputOf(p);
      if (!schema) return [];
      return [[path, p] as const];
    });

    it.each(malformed.map(([path]) => path))('%s: malformed input gets BAD_REQUEST naming the field', async (path) => {
      const p = procedureAt(path);
      const meta = metaOf(p);
      const token =
        meta.access === 'device'
          ? tokens.get(`${DEMO_CODE}:terminal`)
          : meta.tenantKind === 'manufacturer'
            ? tokens.get(`${MANUFACTURER_CODE}:admin`)
            : tokens.get(`${DEMO_CODE}:admin`);
      const valid = withIdsOfA(p);
      for (const variant of malformedInputs(inputOf(p) as z.core.$ZodType, valid)) {
        const o = await call(api, token ?? null, path, variant.input);
        expect(o.ok, `${variant.label} was accepted`).toBe(false);
        if (o.ok) continue;
        expect(o.error.code, `${variant.label}: ${o.error.message}`).toBe('BAD_REQUEST');
        expect(o.error.cause, variant.label).toBeInstanceOf(z.ZodError);
        if (variant.field) expect(o.error.message, variant.label).toContain(`${variant.field}`);
      }
    });
  });
}

/**
 * Ids of one tenant's rows, by table, chosen so that they belong together: its first field
 * worker, a machine assigned to that worker, the machine's first channel and that
 * channel's product; for other tables the first row (platform tables: any row).
 */
async function pickIds(db: Database, tenantId: string, ids: Map<TableName, string>): Promise<void> {
  const scope = db.forTenant(tenantId);
  const staff = await scope.users.findOne((u) => eq(u.username, 'staff1'));
  const machine =
    (staff && (await scope.machines.findOne((m) => eq(m.staffId, staff.id)))) ??
    (await scope.machines.find({ limit: 1 }))[0];
  const channel = machine
    ? (
        await scope.channels.find({ where: (c) => eq(c.machineId, machine.id), orderBy: (c) => [c.number], limit: 1 })
      )[0]
    : undefined;
  if (staff) ids.set('users', staff.id);
  if (staff?.groupId) ids.set('groups', staff.groupId);
  if (machine) ids.set('machines', machine.id);
  if (channel) {
    ids.set('channels', channel.id);
    if (channel.productId) ids.set('products', channel.productId);
    if (channel.channelGroupId) ids.set('channelGroups', channel.channelGroupId);
  }
  ids.set('tenants', tenantId);
  for (const name of Object.keys(tables) as TableName[]) {
    if (ids.has(name)) continue;
    const tableScope = (tenantTableNames as readonly string[]).includes(name) ? scope : db.platform;
    const access = (tableScope as unknown as Record<string, { find(o: object): Promise<{ id: string }[]> }>)[name];
    const [row] = access ? await access.find({ limit: 1 }) : [];
    if (row) ids.set(name, row.id);
  }
}

/** The permission codes a user holds, read from the tables (roles, role permissions, rented modules). */
async function permissionsHeld(db: Database, tenantId: string, username: string): Promise<Set<string>> {
  const scope = db.forTenant(tenantId);
  const tenant = await db.platform.tenants.get(tenantId);
  const user = await scope.users.findOne((u) => eq(u.username, username));
  if (!tenant || !user) return new Set();
  const roleIds = (await scope.userRoles.find({ where: (r) => eq(r.userId, user.id) })).map((r) => r.roleId);
  if (roleIds.length === 0) return new Set();
  const permissionIds = (await scope.rolePermissions.find({ where: (r) => inArray(r.roleId, roleIds) })).map(
    (r) => r.permissionId,
  );
  const rentedModuleIds = (await scope.tenantModules.find()).map((m) => m.moduleId);
  const rented = new Set(
    rentedModuleIds.length
      ? (await db.platform.modules.find({ where: (m) => inArray(m.id, rentedModuleIds) })).map((m) => m.code)
      : [],
  );
  const rows = permissionIds.length
    ? await db.platform.permissions.find({ where: (p) => and(inArray(p.id, permissionIds), eq(p.kind, tenant.kind)) })
    : [];
  return new Set(
    rows
      .filter((p) => tenant.kind === 'manufacturer' || p.moduleCode === null || rented.has(p.moduleCode))
      .map((p) => p.code),
  );
}
