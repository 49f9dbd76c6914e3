/**
 * Stock: the warehouse, shipments to field staff, transfers, restocking, goods settlement
 * and printable lists; mounted at the top of the API, one key per router.
 */
import { printListsRouter } from './lists-router.js';
import { restocksRouter } from './restocks-router.js';
import { goodsSettlementRouter } from './settlement-router.js';
import { shipmentsRouter } from './shipments-router.js';
import { transfersRouter } from './transfers-router.js';
import { warehouseRouter } from './warehouse-router.js';

export { goodsSettlementRouter, printListsRouter, restocksRouter, shipmentsRouter, transfersRouter, warehouseRouter };

/** The stock routers by their keys in the app router. */
export const stockRouters = {
  warehouse: warehouseRouter,
  shipments: shipmentsRouter,
  transfers: transfersRouter,
  restocks: restocksRouter,
  goodsSettlement: goodsSettlementRouter,
  printLists: printListsRouter,
};
