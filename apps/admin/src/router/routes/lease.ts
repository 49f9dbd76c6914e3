/**
 * The lease: open with the permission the API's lease procedures need (P.renewLease, which
 * no module gates) also while the lease has ended, so that an expired tenant can renew.
 */
import { Tickets } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/lease',
    name: 'lease',
    component: () => import('../../views/lease/lease.vue'),
    meta: {
      title: 'lease.menu.lease',
      menu: { area: 'system', order: 10, icon: Tickets },
      permission: P.renewLease,
      allowRestricted: true,
    },
  },
] satisfies ConsoleRoute[];
