/** Gift codes and the rules that issue them (P.giftCodes, which the order module carries). */
import { Present } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/gift-codes',
    name: 'gift-codes',
    component: () => import('../../views/gift-codes/gift-codes.vue'),
    meta: {
      title: 'giftCodes.menu.codes',
      menu: { area: 'marketing', order: 30, icon: Present },
      permission: P.giftCodes,
      module: 'order',
    },
  },
] satisfies ConsoleRoute[];
