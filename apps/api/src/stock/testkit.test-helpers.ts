/**
 * What the stock tests share: refusals, the demo operator's rows, and dumps of the stock
 * tables. A test helper: it imports vitest, so it stays out of the build (tsconfig.build.json).
 */
import { and, eq, type TenantScope } from '@vmcloud/db';
import { expect } from 'vitest';
import { DEMO_CODE, failure, tenantIdOf, type TestApi } from '../testing.js';

type ErrorCode = Awaited<ReturnType<typeof failure>>['code'];

/** Expects a refusal with this code and message. */
export async function refusedWith(promise: Promise<unknown>, code: ErrorCode, message: string | RegExp) {
  const error = await failure(promise);
  expect({ code: error.code, message: error.message }).toEqual({
    code,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
  return error;
}

/** Every table of the stock schema: products, the planogram and all stock and its documents. */
export const STOCK_TABLES = [
  'products',
  'channelGroups',
  'channels',
  'warehouseStock',
  'staffInventory',
  'shipments',
  'shipmentItems',
  'transfers',
  'transferItems',
  'restocks',
] as const;

/** Each stock table of a tenant as sorted JSON: equal dumps mean byte-identical tables. */
export async function dumpStock(scope: TenantScope): Promise<Record<(typeof STOCK_TABLES)[number], string>> {
  const out = {} as Record<(typeof STOCK_TABLES)[number], string>;
  for (const name of STOCK_TABLES) {
    const rows = await (scope[name] as unknown as { find(): Promise<{ id: string }[]> }).find();
    rows.sort((a, b) => a.id.localeCompare(b.id));
    out[name] = JSON.stringify(rows);
  }
  return out;
}

/** The demo operator's scope and the users and rows the tests lean on. */
export async function demo(api: TestApi) {
  const tenantId = await tenantIdOf(api.db, DEMO_CODE);
  const scope = api.db.forTenant(tenantId);
  const user = async (username: string) => {
    const u = await scope.users.findOne((x) => eq(x.username, username));
    if (!u) throw new Error(`no user ${username}`);
    return u;
  };
  const product = async (code: string) => {
    const p = await scope.products.findOne((x) => eq(x.code, code));
    if (!p) throw new Error(`no product ${code}`);
    return p;
  };
  const held = async (staffId: string, productId: string) =>
    (await scope.staffInventory.findOne((t) => and(eq(t.staffId, staffId), eq(t.productId, productId))))?.quantity ?? 0;
  const inWarehouse = async (productId: string) =>
    (await scope.warehouseStock.findOne((t) => eq(t.productId, productId)))?.quantity ?? 0;
  const audits = (action: string) => scope.auditLog.find({ where: (a) => eq(a.action, action) });
  return { tenantId, scope, user, product, held, inWarehouse, audits };
}
