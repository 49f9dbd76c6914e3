/**
 * Stock: the warehouse, shipments (仓库发货), transfers (调拨), the outbound query (出库查询),
 * list printing (清单打印), and a field worker's own inventory and restocks (我的库存).
 */
import { Box, Printer, Search, Sell, Suitcase, Switch, Van } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/stock/warehouse',
    name: 'stock-warehouse',
    component: () => import('../../views/stock/warehouse.vue'),
    meta: {
      title: 'stock.menu.warehouse',
      menu: { area: 'stock', order: 10, icon: Box },
      permission: P.warehouseShipping,
      module: 'warehouse_shipping',
    },
  },
  {
    path: '/stock/shipments',
    name: 'stock-shipments',
    component: () => import('../../views/stock/shipments.vue'),
    meta: {
      title: 'stock.menu.shipments',
      menu: { area: 'stock', order: 20, icon: Van },
      permission: P.warehouseShipping,
      module: 'warehouse_shipping',
    },
  },
  {
    path: '/stock/transfers',
    name: 'stock-transfers',
    component: () => import('../../views/stock/transfers.vue'),
    meta: {
      title: 'stock.menu.transfers',
      menu: { area: 'stock', order: 30, icon: Switch },
      permission: P.transfer,
      module: 'transfer',
    },
  },
  {
    path: '/stock/outbound',
    name: 'stock-outbound',
    component: () => import('../../views/stock/outbound.vue'),
    meta: {
      title: 'stock.menu.outbound',
      menu: { area: 'stock', order: 40, icon: Search },
      permission: P.outboundQuery,
      module: 'outbound_query',
    },
  },
  {
    path: '/stock/lists',
    name: 'stock-lists',
    component: () => import('../../views/stock/lists.vue'),
    meta: {
      title: 'stock.menu.lists',
      menu: { area: 'stock', order: 50, icon: Printer },
      permission: P.listPrinting,
      module: 'list_printing',
    },
  },
  {
    path: '/stock/mine',
    name: 'stock-mine',
    component: () => import('../../views/stock/my-inventory.vue'),
    meta: {
      title: 'stock.menu.mine',
      menu: { area: 'stock', order: 60, icon: Suitcase },
      permission: P.myInventory,
      module: 'my_inventory',
    },
  },
  {
    path: '/stock/restocks',
    name: 'stock-restocks',
    component: () => import('../../views/stock/restocks.vue'),
    meta: {
      title: 'stock.menu.restocks',
      menu: { area: 'stock', order: 70, icon: Sell },
      permission: P.myInventory,
      module: 'my_inventory',
    },
  },
  {
    path: '/stock/shipments/:id/print',
    name: 'stock-shipment-print',
    component: () => import('../../views/stock/shipment-print.vue'),
    meta: { title: 'stock.menu.shipmentPrint', permission: P.listPrinting, module: 'list_printing', noTab: true },
  },
  {
    // The inventory admin prints any machine's list (list printing), a field worker their own
    // machine's (my inventory): the page asks whichever the user may call.
    path: '/stock/machines/:machineId/restock-list',
    name: 'stock-restock-print',
    component: () => import('../../views/stock/restock-print.vue'),
    meta: { title: 'stock.menu.restockPrint', noTab: true },
  },
] satisfies ConsoleRoute[];
