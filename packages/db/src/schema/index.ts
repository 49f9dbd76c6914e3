/**
 * The whole data model. Each table is defined once (see define.ts); `tables` lists them
 * all, and each one's `.sqlite` and `.mysql` are the Drizzle tables of the two dialects.
 */
import * as access from './access.js';
import * as customFields from './custom-fields.js';
import * as devices from './devices.js';
import * as keys from './keys.js';
import * as machines from './machines.js';
import * as operations from './operations.js';
import * as sales from './sales.js';
import * as stock from './stock.js';
import * as tenancy from './tenancy.js';

export * from './access.js';
export * from './custom-fields.js';
export * from './devices.js';
export * from './keys.js';
export * from './machines.js';
export * from './operations.js';
export * from './sales.js';
export * from './stock.js';
export * from './tenancy.js';
export type { AnyTableDef, ColumnKind, ColumnSpec, Dialect, Scope, TableDef } from './define.js';

export const tables = {
  tenants: tenancy.tenants,
  modules: tenancy.modules,
  tenantModules: tenancy.tenantModules,
  pricingRules: tenancy.pricingRules,
  discountTiers: tenancy.discountTiers,
  leaseOrders: tenancy.leaseOrders,
  permissions: access.permissions,
  roles: access.roles,
  rolePermissions: access.rolePermissions,
  groups: access.groups,
  users: access.users,
  userRoles: access.userRoles,
  sessions: access.sessions,
  loginThrottles: access.loginThrottles,
  dataKeys: keys.dataKeys,
  paymentAccounts: keys.paymentAccounts,
  customFieldDefinitions: customFields.customFieldDefinitions,
  customFieldValues: customFields.customFieldValues,
  machineTypes: machines.machineTypes,
  machines: machines.machines,
  machineSales: machines.machineSales,
  appReleases: machines.appReleases,
  products: stock.products,
  channelGroups: stock.channelGroups,
  channels: stock.channels,
  warehouseStock: stock.warehouseStock,
  staffInventory: stock.staffInventory,
  shipments: stock.shipments,
  shipmentItems: stock.shipmentItems,
  transfers: stock.transfers,
  transferItems: stock.transferItems,
  restocks: stock.restocks,
  orders: sales.orders,
  payments: sales.payments,
  refunds: sales.refunds,
  giftCodeRules: sales.giftCodeRules,
  giftCodes: sales.giftCodes,
  turnovers: sales.turnovers,
  settlements: sales.settlements,
  deviceCredentials: devices.deviceCredentials,
  activationCodes: devices.activationCodes,
  deviceNonces: devices.deviceNonces,
  machineStatus: devices.machineStatus,
  alarms: devices.alarms,
  terminalLogs: devices.terminalLogs,
  ads: devices.ads,
  adMachines: devices.adMachines,
  auditLog: operations.auditLog,
  reconciliationRuns: operations.reconciliationRuns,
  reconciliationDiscrepancies: operations.reconciliationDiscrepancies,
  backups: operations.backups,
  jobLocks: operations.jobLocks,
} as const;

export type Tables = typeof tables;
export type TableName = keyof Tables;
/** Tables owned by one tenant: reached only through the tenant-scoped layer. */
export type TenantTableName = { [K in TableName]: Tables[K]['scope'] extends 'tenant' ? K : never }[TableName];
/** Platform tables: no tenant owns them. */
export type PlatformTableName = Exclude<TableName, TenantTableName>;

/** Each dialect's Drizzle tables, keyed like `tables`. */
export function dialectTables(dialect: 'sqlite' | 'mysql') {
  return Object.fromEntries(Object.entries(tables).map(([key, def]) => [key, def[dialect]]));
}
