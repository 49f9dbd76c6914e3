/**
 * tRPC, initialised once. Every procedure is built from one of the builders here, and each
 * middleware narrows the context:
 *
 *   publicProcedure -> authedProcedure -> manufacturerProcedure(code) / operatorProcedure(code)
 *
 * A procedure that needs a permission declares it as the builder's argument; it is kept
 * in the procedure's meta, where authorization, the console's menus and the tests read it.
 *
 * How a failure is reported is decided where a call leaves the server, not in a middleware:
 * the error formatter (every HTTP adapter goes through it) and the in-process caller apply
 * `reportedError`, and the HTTP server and the caller log what nobody expected. A
 * middleware hop copies the call's options and context, and one that only waits for the
 * outcome would be most of the cost of a procedure that does little (README, Benchmarks).
 */
import { initTRPC, TRPCError } from '@trpc/server';
import {
  getHTTPStatusCodeFromError,
  getTRPCErrorFromUnknown,
  TRPC_ERROR_CODES_BY_KEY,
} from '@trpc/server/unstable-core-do-not-import';
import { z } from 'zod';
import type { Database, PlatformScope, TenantScope } from '@vmcloud/db';
import { PERMISSIONS, type PermissionCode, type PermissionEntry } from '../access/catalog.js';
import type { Principal } from '../auth/principal.js';
import type { Context } from './context.js';
import { DomainError } from '../shared/errors.js';
import { writerOf, type ManufacturerWriter, type Write, type WriteContext, type Writer } from '../shared/writer.js';
import { authenticateDevice } from '../devices/identity.js';
import { machineTypeReader } from '../machines/types-reader.js';
import type { CheckoutDeps } from '../payments/checkout.js';

export type { ManufacturerWriter, Writer };
import { fieldErrorsOf, describeIssues, isUniqueViolation, TRPC_CODE_OF } from './errors.js';

export interface Meta {
  /** Who may call it at all: anyone, a signed-in user, or a machine's terminal (a signed call). */
  access?: 'public' | 'session' | 'device';
  /** The permission code the caller must hold. */
  permission?: PermissionCode;
  /** Which kind of tenant may call it. */
  tenantKind?: 'manufacturer' | 'operator';
  /** Callable while the caller's tenant may only renew (lease expired or suspended). */
  allowRestricted?: boolean;
  /** Callable by a user who must change their password first (`auth.me`, `auth.changePassword`, `auth.logout`). */
  allowPasswordChangePending?: boolean;
}

/** The refusal of every other call while the user's password must be changed. */
export const PASSWORD_CHANGE_REQUIRED = 'The password must be changed first: change it, then try again';

/**
 * What a failed call reports: a rule's refusal (a `DomainError`) gets its kind's code and
 * its message, input errors name the fields they are about, and a unique key the request
 * collides with is a CONFLICT. Anything else is reported as it is (an unexpected error
 * reaches the client as a bare INTERNAL_SERVER_ERROR, see below).
 */
export function reportedError(error: TRPCError): TRPCError {
  if (error.cause instanceof DomainError) {
    return new TRPCError({ code: TRPC_CODE_OF[error.cause.kind], message: error.cause.message, cause: error.cause });
  }
  if (error.code === 'BAD_REQUEST' && error.cause instanceof z.ZodError) {
    return new TRPCError({ code: 'BAD_REQUEST', message: describeIssues(error.cause.issues), cause: error.cause });
  }
  if (error.code === 'INTERNAL_SERVER_ERROR' && isUniqueViolation(error.cause)) {
    return new TRPCError({ code: 'CONFLICT', message: 'A record with the same unique value already exists' });
  }
  return error;
}

/** Logs a failure nobody expected, with the request id and the cause's stack. */
export function logUnexpected(error: TRPCError, path: string | undefined, ctx: Context | undefined): void {
  if (!ctx || reportedError(error).code !== 'INTERNAL_SERVER_ERROR') return;
  const cause = error.cause ?? error;
  ctx.log.error('procedure failed', {
    requestId: ctx.request.requestId,
    path,
    error: cause instanceof Error ? (cause.stack ?? cause.message) : String(cause),
  });
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    isDev: false,
    errorFormatter({ shape, error }) {
      const report = reportedError(error);
      const internal = report.code === 'INTERNAL_SERVER_ERROR';
      return {
        message: internal ? 'Internal server error' : report.message,
        code: TRPC_ERROR_CODES_BY_KEY[report.code],
        data: {
          ...shape.data,
          code: report.code,
          httpStatus: getHTTPStatusCodeFromError(report),
          fieldErrors: report.cause instanceof z.ZodError ? fieldErrorsOf(report.cause) : undefined,
        },
      };
    },
  });

export const router = t.router;
export const mergeRouters = t.mergeRouters;
/**
 * tRPC's caller for in-process calls (tests, scripts), reporting failures as the HTTP API
 * does: the caller's procedures reject with `reportedError`, and unexpected failures are
 * logged.
 */
export const createCallerFactory: typeof t.createCallerFactory = (router) => {
  const factory = t.createCallerFactory(router);
  return ((ctx, options) =>
    reporting(factory(ctx, options), typeof ctx === 'object' ? (ctx as Context) : undefined, '')) as typeof factory;
};

/** The caller's proxy, with every procedure call's rejection reported. */
function reporting<T>(node: T, ctx: Context | undefined, path: string): T {
  return new Proxy(node as object, {
    get(target, key) {
      const child: unknown = Reflect.get(target, key);
      if (typeof key !== 'string' || key === 'then' || (typeof child !== 'function' && typeof child !== 'object')) {
        return child;
      }
      return reporting(child, ctx, path ? `${path}.${key}` : key);
    },
    apply(target, self, args) {
      return Promise.resolve(Reflect.apply(target as (...a: unknown[]) => unknown, self, args)).catch(
        (cause: unknown) => {
          const error = getTRPCErrorFromUnknown(cause);
          logUnexpected(error, path, ctx);
          throw reportedError(error);
        },
      );
    },
  }) as T;
}

const UNAUTHORIZED = () => new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });

/** The caller's principal, or the reason there is none. */
async function signedIn(ctx: Context, meta: Meta | undefined): Promise<Principal> {
  const token = ctx.request.sessionToken;
  if (!token) throw UNAUTHORIZED();
  const principal = await ctx.principals.resolve(ctx.db, token, ctx.now());
  if (!principal) throw UNAUTHORIZED();
  if (principal.mustChangePassword && !meta?.allowPasswordChangePending) {
    throw new TRPCError({ code: 'FORBIDDEN', message: PASSWORD_CHANGE_REQUIRED });
  }
  if (principal.restricted && !meta?.allowRestricted) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message:
        principal.restricted === 'suspended'
          ? 'This tenant is suspended; only renewing the lease is possible'
          : 'The lease of this tenant has ended; renew it to continue',
    });
  }
  return principal;
}

/**
 * A call that sends no input is read as `{}`: a procedure whose input fields are all
 * optional answers `machines.list` without `?input=`, and one with required fields names
 * each missing field instead of refusing the whole input. Handed to `next` beside the
 * context (tRPC's middleware takes both), so it costs no middleware of its own.
 */
function noInputAsEmpty(getRawInput: () => Promise<unknown>): { getRawInput: () => Promise<unknown> } {
  return { getRawInput: async () => (await getRawInput()) ?? {} };
}

// Each builder below is at most one middleware, not a chain (session -> permission): every
// tRPC middleware hop copies the call's options and, when it narrows it, the whole
// context. What each one narrows is what a chain's steps would.

export const publicProcedure = t.procedure.meta({ access: 'public' });

/** A signed-in user of any tenant. */
export const authedProcedure = t.procedure
  .meta({ access: 'session' })
  .use(async ({ ctx, meta, getRawInput, next }) =>
    next({ ctx: { principal: await signedIn(ctx, meta) }, ...noInputAsEmpty(getRawInput) }),
  );

const PERMISSION_CODES = new Map<string, PermissionEntry>(PERMISSIONS.map((p) => [p.code, p]));

function writerFor(ctx: Context, principal: Principal, path: string) {
  return writerOf(writeContext(ctx), principal.tenantId, principal.userId, path);
}

const writeContext = (ctx: Context): WriteContext => ({
  db: ctx.db,
  hub: ctx.devices.hub,
  requestId: ctx.request.requestId,
  ip: ctx.request.ip,
});

/**
 * Isolation by construction. A signed-in procedure's context carries its own tenant's
 * scope and writer and the platform tables, and not the database handle: `ctx.db` is
 * `never` there (and undefined at run time), so no operator procedure can reach
 * `forTenant(anotherId)`. Manufacturer procedures also get `tenants`, the explicit
 * cross-tenant handle (`trpc/isolation.test-d.ts` checks both).
 */
function ownTenant(ctx: Context, principal: Principal, path: string) {
  const write: <T>(fn: (w: Writer) => Promise<T>) => Promise<T> = writerFor(ctx, principal, path);
  return {
    db: undefined as never,
    principal,
    tenantId: principal.tenantId,
    scope: ctx.db.forTenant(principal.tenantId),
    platform: ctx.db.platform,
    write,
  };
}

/** The manufacturer's handle on every tenant: the tenants it serves, read and changed by explicit procedures. */
export interface CrossTenant {
  forTenant(tenantId: string): TenantScope;
  /** A transaction over any tenant's rows and the platform tables, with the manufacturer's audit trail. */
  write: Database['transaction'];
}

/** The caller, if it is a `kind` user holding `permission`. */
function checked(kind: 'manufacturer' | 'operator', permission: PermissionCode) {
  const entry = PERMISSION_CODES.get(permission);
  if (!entry || entry.kind !== kind) throw new Error(`${permission} is not a ${kind} permission`);
  return async (ctx: Context, meta: Meta | undefined): Promise<Principal> => {
    const principal = await signedIn(ctx, meta);
    if (principal.tenantKind !== kind || !principal.permissions.has(permission)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `This needs permission ${permission} (${entry.name})` });
    }
    return principal;
  };
}

/** A manufacturer user holding `permission` (a 000xx code), with the cross-tenant handle `ctx.tenants`. */
export const manufacturerProcedure = (permission: PermissionCode) => {
  const check = checked('manufacturer', permission);
  return t.procedure
    .meta({ access: 'session', permission, tenantKind: 'manufacturer' })
    .use(async ({ ctx, meta, path, getRawInput, next }) => {
      const principal = await check(ctx, meta);
      const db = ctx.db;
      const tenants: CrossTenant = {
        forTenant: (tenantId) => db.forTenant(tenantId),
        write: (fn) => db.transaction(fn),
      };
      return next({
        ctx: { ...ownTenant(ctx, principal, path), tenants, write: writerFor(ctx, principal, path) },
        ...noInputAsEmpty(getRawInput),
      });
    });
};

/**
 * An operator user holding `permission` (a 001xx code) whose tenant rents the
 * permission's module; the context carries the tenant's scope and no other, and
 * `machineTypes`, the one narrow read of a manufacturer's rows: the types of the machines
 * it built (machines/types-reader.ts).
 */
export const operatorProcedure = (permission: PermissionCode) => {
  const check = checked('operator', permission);
  return t.procedure
    .meta({ access: 'session', permission, tenantKind: 'operator' })
    .use(async ({ ctx, meta, path, getRawInput, next }) =>
      next({
        ctx: { ...ownTenant(ctx, await check(ctx, meta), path), machineTypes: machineTypeReader(ctx.db) },
        ...noInputAsEmpty(getRawInput),
      }),
    );
};

/** A signed-in user of any tenant, with a writer for their own tenant (profile, password). */
export const selfProcedure = t.procedure
  .meta({ access: 'session' })
  .use(async ({ ctx, meta, path, getRawInput, next }) =>
    next({ ctx: ownTenant(ctx, await signedIn(ctx, meta), path), ...noInputAsEmpty(getRawInput) }),
  );

/**
 * A machine's terminal, by a call signed with its key (docs/device-api.md): the context
 * carries the machine (`ctx.device`), its tenant's scope and a writer auditing as the
 * machine, and no database handle. A call that is not signed, is signed by an unknown or
 * revoked key, is stale or replayed is refused before it does anything.
 */
export const deviceProcedure = t.procedure
  .meta({ access: 'device' })
  .use(async ({ ctx, path, type, getRawInput, next }) => {
    // A mutation claims its nonce in the transaction of its work (one COMMIT); a query, or a
    // mutation that wrote nothing, claims it on its own.
    const deferred = type === 'mutation';
    const { claimNonce, ...device } = await authenticateDevice(ctx.db, ctx.request.signed, ctx.now(), {
      claim: deferred ? 'deferred' : 'now',
      keys: ctx.devices.keys,
    });
    let claimed = !deferred;
    const base = writerOf(writeContext(ctx), device.tenantId, null, path);
    const write: Write = async (fn) => {
      if (claimed) return base(fn);
      const result = await base(async (w) => {
        await claimNonce(w.platform);
        return fn(w);
      });
      claimed = true;
      return result;
    };
    /** Claims the nonce inside a transaction the procedure opens itself (the heartbeat batch). */
    const claimIn = async (platform: PlatformScope) => {
      if (claimed) return;
      await claimNonce(platform);
    };
    const result = await next({
      ctx: {
        db: undefined as never,
        device,
        scope: ctx.db.forTenant(device.tenantId),
        platform: ctx.db.platform,
        /** Payments: the provider is asked outside the sale's transactions. */
        checkout: {
          db: ctx.db,
          providers: ctx.devices.providers,
          hub: ctx.devices.hub,
          settings: ctx.devices.settings,
          now: ctx.now,
        } satisfies CheckoutDeps,
        write,
        claimNonce: claimIn,
        nonceClaimed: () => {
          claimed = true;
        },
      },
      ...noInputAsEmpty(getRawInput),
    });
    if (!claimed) await claimNonce(ctx.db.platform);
    return result;
  });
