/** The orders list and an order's page. */
import { Tickets } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/orders',
    name: 'orders',
    component: () => import('../../views/orders/order-list.vue'),
    meta: {
      title: 'orders.title',
      menu: { area: 'sales', order: 10, icon: Tickets },
      permission: P.order,
      module: 'order',
    },
  },
  {
    path: '/orders/:id',
    name: 'order',
    component: () => import('../../views/orders/order-detail.vue'),
    props: true,
    meta: { title: 'orders.detailTitle', permission: P.order, module: 'order' },
  },
] satisfies ConsoleRoute[];
