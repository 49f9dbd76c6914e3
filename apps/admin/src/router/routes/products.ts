/** The products page. */
import { Goods } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/products',
    name: 'products',
    component: () => import('../../views/products/product-list.vue'),
    meta: {
      title: 'products.title',
      menu: { area: 'products', order: 10, icon: Goods },
      permission: P.product,
      module: 'product',
    },
  },
] satisfies ConsoleRoute[];
