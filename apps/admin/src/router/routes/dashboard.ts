/** The dashboard: the fleet's sales, machines and alarms at a glance. */
import { DataAnalysis } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/dashboard',
    name: 'dashboard',
    component: () => import('../../views/dashboard/dashboard.vue'),
    meta: {
      title: 'dashboard.menu.title',
      menu: { area: 'dashboard', order: 10, icon: DataAnalysis },
      permission: P.machine,
      module: 'machine',
    },
  },
] satisfies ConsoleRoute[];
