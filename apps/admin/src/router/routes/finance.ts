/**
 * Finance: turnover hand-ins (营业额), statistics (营业额统计), monthly totals, goods settlement
 * (货物结算), profit query and settlement (利润查询, 利润结算), and payment accounts.
 */
import { Calendar, Coin, CreditCard, Money, Tickets, TrendCharts } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/finance/turnovers',
    name: 'finance-turnovers',
    component: () => import('../../views/finance/turnovers.vue'),
    meta: {
      title: 'finance.menu.turnovers',
      menu: { area: 'finance', order: 10, icon: Money },
      permission: P.finance,
      module: 'finance',
    },
  },
  {
    path: '/finance/statistics',
    name: 'finance-statistics',
    component: () => import('../../views/finance/statistics.vue'),
    meta: {
      title: 'finance.menu.statistics',
      menu: { area: 'finance', order: 20, icon: TrendCharts },
      permission: P.turnoverStatistics,
      module: 'turnover_statistics',
    },
  },
  {
    path: '/finance/monthly',
    name: 'finance-monthly',
    component: () => import('../../views/finance/monthly.vue'),
    meta: {
      title: 'finance.menu.monthly',
      menu: { area: 'finance', order: 30, icon: Calendar },
      permission: P.finance,
      module: 'finance',
    },
  },
  {
    path: '/finance/goods-settlement',
    name: 'finance-goods-settlement',
    component: () => import('../../views/finance/goods-settlement.vue'),
    meta: {
      title: 'finance.menu.goodsSettlement',
      menu: { area: 'finance', order: 40, icon: Tickets },
      permission: P.goodsSettlement,
      module: 'goods_settlement',
    },
  },
  {
    path: '/finance/profit',
    name: 'finance-profit',
    component: () => import('../../views/finance/profit.vue'),
    meta: {
      title: 'finance.menu.profit',
      menu: { area: 'finance', order: 50, icon: Coin },
      permission: P.profitQuery,
      module: 'profit_query',
    },
  },
  {
    path: '/finance/payment-accounts',
    name: 'finance-payment-accounts',
    component: () => import('../../views/finance/payment-accounts.vue'),
    meta: {
      title: 'finance.menu.paymentAccounts',
      menu: { area: 'finance', order: 60, icon: CreditCard },
      permission: P.paymentAccounts,
      module: 'finance',
    },
  },
] satisfies ConsoleRoute[];
