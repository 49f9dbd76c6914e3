/** Who can sign in, and what they may do: permissions, roles, users, groups, sessions. */
import { c, platformTable, TENANT_KINDS, tenantTable } from './tenancy.js';

/** A permission code: manufacturer codes are 000xx, operator codes 001xx. */
export const permissions = platformTable(
  'permissions',
  {
    code: c.string(5).notNull(),
    name: c.string(64).notNull(),
    kind: c.enum(TENANT_KINDS).notNull(),
    /** The rentable module this permission belongs to (operator permissions only). */
    moduleCode: c.string(32),
    description: c.string(255),
  },
  { uniques: [['code']], indexes: [['kind']] },
);

export const ROLE_KINDS = TENANT_KINDS;

/**
 * A set of permission codes. The manufacturer's `template` roles are the role templates
 * of each kind; an operator admin may define more roles of its own.
 */
export const roles = tenantTable(
  'roles',
  {
    name: c.string(32).notNull(),
    /** A stable key for the built-in roles (`system_admin`, `field_staff`, ...). */
    key: c.string(32),
    kind: c.enum(ROLE_KINDS).notNull(),
    template: c.bool().notNull().default(false),
    description: c.string(255),
  },
  { uniques: [['tenantId', 'name']], indexes: [['tenantId', 'kind']] },
);

export const rolePermissions = tenantTable(
  'role_permissions',
  {
    roleId: c.ref(() => roles, 'cascade').notNull(),
    permissionId: c.ref(() => permissions, 'cascade').notNull(),
  },
  { uniques: [['roleId', 'permissionId']], indexes: [['tenantId'], ['permissionId']] },
);

export const GROUP_TYPES = ['staff', 'machine'] as const;

/** A group of staff (led by a group admin) or of machines. */
export const groups = tenantTable(
  'groups',
  {
    name: c.string(32).notNull(),
    type: c.enum(GROUP_TYPES).notNull(),
    description: c.string(255),
  },
  { uniques: [['tenantId', 'type', 'name']] },
);

export const USER_STATUSES = ['active', 'disabled'] as const;

export const users = tenantTable(
  'users',
  {
    username: c.string(32).notNull(),
    displayName: c.string(64).notNull(),
    /** scrypt hash in PHC string form. */
    passwordHash: c.string(255).notNull(),
    /** Encrypted at rest (envelope encryption). */
    phone: c.text(),
    /** Encrypted at rest (envelope encryption). */
    email: c.text(),
    groupId: c.ref(() => groups, 'set null'),
    /** Manages the staff of its group. */
    groupAdmin: c.bool().notNull().default(false),
    status: c.enum(USER_STATUSES).notNull().default('active'),
    mustChangePassword: c.bool().notNull().default(false),
    lastLoginAt: c.time(),
  },
  { uniques: [['tenantId', 'username']], indexes: [['tenantId', 'groupId']] },
);

export const userRoles = tenantTable(
  'user_roles',
  {
    userId: c.ref(() => users, 'cascade').notNull(),
    roleId: c.ref(() => roles, 'cascade').notNull(),
  },
  { uniques: [['userId', 'roleId']], indexes: [['tenantId'], ['roleId']] },
);

/** A signed-in browser or app. Only the token's SHA-256 is stored. */
export const sessions = tenantTable(
  'sessions',
  {
    userId: c.ref(() => users, 'cascade').notNull(),
    tokenHash: c.string(64).notNull(),
    expiresAt: c.time().notNull(),
    lastSeenAt: c.time().notNull(),
    ip: c.string(45),
    userAgent: c.string(255),
  },
  { uniques: [['tokenHash']], indexes: [['tenantId', 'userId'], ['expiresAt']] },
);

/**
 * Password checks (sign-ins, password changes) and anonymous calls counted per key, so
 * that every API instance applies the same lockouts and back-off (apps/api/src/auth/throttle.ts).
 * A key names an account, an account from one source address, or a source address,
 * hashed (SHA-256, hex) so that neither usernames nor addresses are stored here.
 */
export const loginThrottles = platformTable(
  'login_throttles',
  {
    /** SHA-256 (hex) of what is counted, e.g. `pair:${tenantCode}:${username}:${address}`. */
    key: c.string(64).notNull(),
    /** Attempts counted: failures, and checks still running (refunded when they succeed). */
    failures: c.int().notNull().default(0),
    lastFailureAt: c.time().notNull(),
    lockedUntil: c.time(),
    /** Checks claimed and not yet finished; while any run, a key at its limit waits for them. */
    inFlight: c.int().notNull().default(0),
  },
  { uniques: [['key']], checks: { failures: '{failures} >= 0' } },
);
