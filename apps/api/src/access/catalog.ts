/**
 * The platform's catalogue: the 22 rentable modules, the permission codes (manufacturer
 * 000xx, operator 001xx) and the built-in roles of each kind. Seeded into the database;
 * the permission table is what authorization and its tests derive from.
 */

export interface ModuleEntry {
  code: string;
  name: string;
  /** Monthly rent in fen. */
  monthlyRent: number;
}

/** The rentable modules, in the order the console lists them. */
export const MODULES: readonly ModuleEntry[] = [
  { code: 'user', name: '用户管理', monthlyRent: 3000 },
  { code: 'role', name: '角色管理', monthlyRent: 2000 },
  { code: 'user_group', name: '用户组管理', monthlyRent: 2000 },
  { code: 'machine', name: '售货机管理', monthlyRent: 8000 },
  { code: 'machine_group', name: '分组管理', monthlyRent: 2000 },
  { code: 'channel', name: '货道管理', monthlyRent: 5000 },
  { code: 'channel_group', name: '货道组管理', monthlyRent: 3000 },
  { code: 'product', name: '商品管理', monthlyRent: 5000 },
  { code: 'order', name: '订单管理', monthlyRent: 6000 },
  { code: 'transfer', name: '调拨管理', monthlyRent: 3000 },
  { code: 'goods_settlement', name: '货物结算', monthlyRent: 4000 },
  { code: 'outbound_query', name: '出库查询', monthlyRent: 2000 },
  { code: 'warehouse_shipping', name: '仓库发货', monthlyRent: 4000 },
  { code: 'list_printing', name: '清单打印', monthlyRent: 1500 },
  { code: 'finance', name: '财务管理', monthlyRent: 6000 },
  { code: 'profit_settlement', name: '利润结算', monthlyRent: 4000 },
  { code: 'profit_query', name: '利润查询', monthlyRent: 3000 },
  { code: 'turnover_statistics', name: '营业额统计', monthlyRent: 3000 },
  { code: 'staff_info', name: '员工信息', monthlyRent: 1500 },
  { code: 'my_turnover', name: '我的营业额', monthlyRent: 1500 },
  { code: 'my_machines', name: '我的售货机', monthlyRent: 2000 },
  { code: 'my_inventory', name: '我的库存', monthlyRent: 2000 },
];

export type PermissionKind = 'manufacturer' | 'operator';

export interface PermissionEntry {
  code: PermissionCode;
  name: string;
  kind: PermissionKind;
  /**
   * The module an operator must rent to use this permission; null for the manufacturer's,
   * and for the operator's that every tenant has whatever it rents (renewing its lease).
   */
  moduleCode: string | null;
}

const manufacturer = (code: PermissionCode, name: string): PermissionEntry => ({
  code,
  name,
  kind: 'manufacturer',
  moduleCode: null,
});
const operator = (code: PermissionCode, name: string, moduleCode: string | null): PermissionEntry => ({
  code,
  name,
  kind: 'operator',
  moduleCode,
});

/**
 * Every permission code, by name. Procedures, role templates and tests name a permission
 * through this object; a five-digit string literal anywhere else fails the lint.
 */
export const P = {
  viewTenants: '00001',
  manageTenants: '00002',
  managePricing: '00003',
  manageModules: '00004',
  managePermissions: '00005',
  manageManufacturerUsers: '00006',
  manageMachineTypes: '00007',
  manageMachines: '00008',
  viewLeaseOrders: '00009',
  viewAuditLog: '00010',
  publishReleases: '00011',
  // One operator permission per rentable module, numbered in module order (checked below).
  user: '00101',
  role: '00102',
  userGroup: '00103',
  machine: '00104',
  machineGroup: '00105',
  channel: '00106',
  channelGroup: '00107',
  product: '00108',
  order: '00109',
  transfer: '00110',
  goodsSettlement: '00111',
  outboundQuery: '00112',
  warehouseShipping: '00113',
  listPrinting: '00114',
  finance: '00115',
  profitSettlement: '00116',
  profitQuery: '00117',
  turnoverStatistics: '00118',
  staffInfo: '00119',
  myTurnover: '00120',
  myMachines: '00121',
  myInventory: '00122',
  paymentAccounts: '00123',
  giftCodes: '00124',
  ads: '00125',
  alarms: '00126',
  customFields: '00127',
  renewLease: '00128',
  auditLog: '00129',
} as const;

export type PermissionCode = (typeof P)[keyof typeof P];

/** The permission of a module, by the module's code (`my_inventory` -> `P.myInventory`). */
const moduleKey = (moduleCode: string) =>
  moduleCode.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase()) as keyof typeof P;

function modulePermission(m: ModuleEntry, index: number): PermissionEntry {
  const code = P[moduleKey(m.code)];
  if (code !== `001${String(index + 1).padStart(2, '0')}`) throw new Error(`module ${m.code} has permission ${code}`);
  return operator(code, m.name, m.code);
}

export const PERMISSIONS: readonly PermissionEntry[] = [
  manufacturer(P.viewTenants, 'View tenants'),
  manufacturer(P.manageTenants, 'Manage tenants and leases'),
  manufacturer(P.managePricing, 'Manage pricing and discount tiers'),
  manufacturer(P.manageModules, 'Manage modules'),
  manufacturer(P.managePermissions, 'Manage permissions and role templates'),
  manufacturer(P.manageManufacturerUsers, 'Manage manufacturer users'),
  manufacturer(P.manageMachineTypes, 'Manage machine types'),
  manufacturer(P.manageMachines, 'Manage and sell machines'),
  manufacturer(P.viewLeaseOrders, 'View lease orders'),
  manufacturer(P.viewAuditLog, 'View the audit log'),
  manufacturer(P.publishReleases, 'Publish terminal app releases'),
  ...MODULES.map(modulePermission),
  operator(P.paymentAccounts, 'Manage payment accounts', 'finance'),
  operator(P.giftCodes, 'Manage gift codes', 'order'),
  operator(P.ads, 'Manage ads', 'machine'),
  operator(P.alarms, 'View and acknowledge alarms', 'machine'),
  operator(P.customFields, 'Manage custom fields', 'user'),
  // Not tied to a module: a tenant must be able to renew whatever it rents.
  operator(P.renewLease, 'Renew the lease', null),
  // Not tied to a module either: the log records what users did in every module the tenant
  // rents (and in none), and seeing who changed what is accountability, not a rented feature,
  // as the manufacturer's own log is tied to nothing.
  operator(P.auditLog, 'View the audit log', null),
];

const operatorCodeOf = (moduleCode: string) => {
  const entry = PERMISSIONS.find((p) => p.kind === 'operator' && p.moduleCode === moduleCode);
  if (!entry) throw new Error(`no permission for module ${moduleCode}`);
  return entry.code;
};

export interface RoleTemplate {
  key: string;
  name: string;
  kind: PermissionKind;
  description: string;
  permissions: readonly PermissionCode[];
}

const allOf = (kind: PermissionKind) => PERMISSIONS.filter((p) => p.kind === kind).map((p) => p.code);

export const ROLE_TEMPLATES: readonly RoleTemplate[] = [
  {
    key: 'system_admin',
    name: '系统管理员',
    kind: 'manufacturer',
    description: 'Everything the manufacturer can do',
    permissions: allOf('manufacturer'),
  },
  {
    key: 'manufacturer_admin',
    name: '厂商管理员',
    kind: 'manufacturer',
    description: 'Tenants, leases, machine types and machine sales',
    permissions: [P.viewTenants, P.manageTenants, P.manageMachineTypes, P.manageMachines, P.viewLeaseOrders],
  },
  {
    key: 'operator_admin',
    name: '商家管理员',
    kind: 'operator',
    description: 'Everything the operator rents',
    permissions: allOf('operator'),
  },
  {
    key: 'group_admin',
    name: '组管理员',
    kind: 'operator',
    description: 'The staff and machines of one group',
    permissions: [
      'user',
      'user_group',
      'machine',
      'machine_group',
      'channel',
      'channel_group',
      'order',
      'transfer',
      'staff_info',
      'turnover_statistics',
    ].map(operatorCodeOf),
  },
  {
    key: 'field_staff',
    name: '营业员',
    kind: 'operator',
    description: 'Restocks machines, hands in turnover, requests stock',
    permissions: ['my_turnover', 'my_machines', 'my_inventory', 'transfer'].map(operatorCodeOf),
  },
  {
    key: 'inventory_admin',
    name: '库存管理员',
    kind: 'operator',
    description: 'Products, the warehouse, shipments and transfers',
    permissions: [
      'product',
      'warehouse_shipping',
      'outbound_query',
      'list_printing',
      'transfer',
      'goods_settlement',
    ].map(operatorCodeOf),
  },
  {
    key: 'finance_admin',
    name: '财务管理员',
    kind: 'operator',
    description: 'Turnover, settlements, profit and payment accounts',
    permissions: [
      ...['finance', 'profit_settlement', 'profit_query', 'turnover_statistics', 'order', 'goods_settlement'].map(
        operatorCodeOf,
      ),
      P.paymentAccounts,
    ],
  },
];
