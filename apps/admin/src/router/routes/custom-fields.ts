/** The custom fields of machines, products and users. */
import { Operation } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/custom-fields',
    name: 'custom-fields',
    component: () => import('../../views/custom-fields/field-list.vue'),
    meta: {
      title: 'customFields.title',
      menu: { area: 'system', order: 30, icon: Operation },
      permission: P.customFields,
      module: 'user',
    },
  },
] satisfies ConsoleRoute[];
