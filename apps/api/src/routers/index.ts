/**
 * The whole API: one router per domain. The admin console and the terminal import
 * `type AppRouter` only.
 */
import { mergeRouters, router } from '../trpc/init.js';
import { recordOrder } from './order-entry.js';
import { authRouter } from './auth.js';
import { systemRouter } from './system.js';
import { machinesRouter } from './machines.js';
import { paymentAccountsRouter } from './payment-accounts.js';
import { productsRouter } from './products.js';
import { channelGroupsRouter, channelsRouter } from './channels.js';
import { adsRouter } from './ads.js';
import { alarmsRouter } from './alarms.js';
import { ordersRouter } from './orders.js';
import { financeRouter } from './finance.js';
import { turnoversRouter } from './turnovers.js';
import { profitRouter } from './profit.js';
import { giftCodesRouter } from './gift-codes.js';
import { usersRouter } from './users.js';
import { rolesRouter } from './roles.js';
import { groupsRouter } from './groups.js';
import { customFieldsRouter } from './custom-fields.js';

import { stockRouters } from './stock/index.js';
import { platformRouter } from './platform.js';
import { leaseRouter } from './lease.js';
import { tenantsRouter } from './tenants.js';
import { catalogRouter } from './catalog.js';
import { factoryRouter } from './factory.js';
export const appRouter = router({
  auth: authRouter,
  system: systemRouter,
  machines: machinesRouter,
  paymentAccounts: paymentAccountsRouter,
  products: productsRouter,
  channels: channelsRouter,
  channelGroups: channelGroupsRouter,
  ads: adsRouter,
  alarms: alarmsRouter,
  orders: mergeRouters(ordersRouter, router({ record: recordOrder })),
  finance: financeRouter,
  turnovers: turnoversRouter,
  profit: profitRouter,
  giftCodes: giftCodesRouter,
  users: usersRouter,
  roles: rolesRouter,
  groups: groupsRouter,
  customFields: customFieldsRouter,
  ...stockRouters,
  platform: platformRouter,
  lease: leaseRouter,
  tenants: tenantsRouter,
  catalog: catalogRouter,
  factory: factoryRouter,
});

export type AppRouter = typeof appRouter;
