/**
 * The whole API: one router per domain. The admin console and the terminal import
 * `type AppRouter` only.
 */
import { mergeRouters, router } from './trpc/init.js';
import { recordOrder } from './sales/record-router.js';
import { authRouter } from './auth/router.js';
import { systemRouter } from './system/router.js';
import { machinesRouter } from './machines/router.js';
import { paymentAccountsRouter } from './payments/router.js';
import { productsRouter } from './products/router.js';
import { channelGroupsRouter, channelsRouter } from './channels/router.js';
import { adsRouter } from './media/ads-router.js';
import { alarmsRouter } from './machines/alarms-router.js';
import { ordersRouter } from './sales/router.js';
import { financeRouter } from './finance/router.js';
import { turnoversRouter } from './finance/turnovers-router.js';
import { profitRouter } from './finance/profit-router.js';
import { giftCodesRouter } from './gift-codes/router.js';
import { usersRouter } from './access/users-router.js';
import { rolesRouter } from './access/roles-router.js';
import { groupsRouter } from './access/groups-router.js';
import { customFieldsRouter } from './custom-fields/router.js';
import { warehouseRouter } from './stock/warehouse-router.js';
import { shipmentsRouter } from './stock/shipments-router.js';
import { transfersRouter } from './stock/transfers-router.js';
import { restocksRouter } from './stock/restocks-router.js';
import { goodsSettlementRouter } from './stock/settlement-router.js';
import { printListsRouter } from './stock/lists-router.js';
import { platformRouter } from './tenants/platform-router.js';
import { leaseRouter } from './tenants/lease-router.js';
import { tenantsRouter } from './tenants/router.js';
import { catalogRouter } from './tenants/catalog-router.js';
import { factoryMachinesRouter, machineTypesRouter } from './machines/factory-router.js';
import { manufacturerUsersRouter } from './access/manufacturer-users-router.js';
import { leaseOrdersRouter } from './tenants/lease-orders-router.js';
import { auditLogRouter, operatorAuditLogRouter } from './audit/router.js';
import { deviceRouter } from './devices/router.js';
import { terminalsRouter } from './devices/terminals-router.js';
import { dashboardRouter } from './sales/dashboard-router.js';
export const appRouter = router({
  auth: authRouter,
  device: deviceRouter,
  terminals: terminalsRouter,
  system: systemRouter,
  machines: machinesRouter,
  paymentAccounts: paymentAccountsRouter,
  products: productsRouter,
  channels: channelsRouter,
  channelGroups: channelGroupsRouter,
  ads: adsRouter,
  alarms: alarmsRouter,
  dashboard: dashboardRouter,
  orders: mergeRouters(ordersRouter, router({ record: recordOrder })),
  finance: financeRouter,
  turnovers: turnoversRouter,
  profit: profitRouter,
  giftCodes: giftCodesRouter,
  users: usersRouter,
  roles: rolesRouter,
  groups: groupsRouter,
  customFields: customFieldsRouter,
  warehouse: warehouseRouter,
  shipments: shipmentsRouter,
  transfers: transfersRouter,
  restocks: restocksRouter,
  goodsSettlement: goodsSettlementRouter,
  printLists: printListsRouter,
  platform: platformRouter,
  lease: leaseRouter,
  tenants: tenantsRouter,
  catalog: catalogRouter,
  audit: operatorAuditLogRouter,
  factory: router({
    users: manufacturerUsersRouter,
    machineTypes: machineTypesRouter,
    machines: factoryMachinesRouter,
    leaseOrders: leaseOrdersRouter,
    auditLog: auditLogRouter,
  }),
});

export type AppRouter = typeof appRouter;
