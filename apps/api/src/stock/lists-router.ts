/** List printing (清单打印): a shipment's delivery list and a machine's restock list (stock/lists.ts). */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { id } from '../shared/input.js';
import { machineRestockList, shipmentList } from './lists.js';
import { P } from '../access/catalog.js';

export const printListsRouter = router({
  /** A shipment's delivery list, to print: document number, staff member, dates and items. */
  shipment: operatorProcedure(P.listPrinting)
    .input(z.object({ shipmentId: id('shipments') }))
    .query(({ ctx, input }) => shipmentList(ctx.scope, input.shipmentId, ctx.now())),

  /** A machine's restock list, to print: what each channel needs to be full. */
  restock: operatorProcedure(P.listPrinting)
    .input(z.object({ machineId: id('machines') }))
    .query(({ ctx, input }) => machineRestockList(ctx.scope, input.machineId, ctx.now())),
});
