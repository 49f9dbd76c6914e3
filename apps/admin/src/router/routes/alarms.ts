/** Alarms the machines raised. */
import { Bell } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/alarms',
    name: 'alarms',
    component: () => import('../../views/alarms/alarm-list.vue'),
    meta: {
      title: 'alarms.menu.list',
      menu: { area: 'machines', order: 30, icon: Bell },
      permission: P.alarms,
      module: 'machine',
    },
  },
] satisfies ConsoleRoute[];
