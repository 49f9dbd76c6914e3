/** Machines: the fleet with live status, and one machine's page (by link from the list). */
import { Monitor } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/machines',
    name: 'machines',
    component: () => import('../../views/machines/machine-list.vue'),
    meta: {
      title: 'machines.menu.list',
      menu: { area: 'machines', order: 10, icon: Monitor },
      permission: P.machine,
      module: 'machine',
    },
  },
  {
    path: '/machines/:id',
    name: 'machine',
    component: () => import('../../views/machines/machine-page.vue'),
    props: true,
    meta: { title: 'machines.menu.detail', permission: P.machine, module: 'machine' },
  },
] satisfies ConsoleRoute[];
