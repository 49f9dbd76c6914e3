/** The ads page: images and videos the machines' screens play. */
import { Film } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/ads',
    name: 'ads',
    component: () => import('../../views/ads/ad-list.vue'),
    meta: {
      title: 'ads.title',
      menu: { area: 'marketing', order: 20, icon: Film },
      permission: P.ads,
      module: 'machine',
    },
  },
] satisfies ConsoleRoute[];
