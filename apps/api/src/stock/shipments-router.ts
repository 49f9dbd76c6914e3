/**
 * Shipments (出库, stock/shipments.ts). Warehouse shipping (仓库发货): approve, reject,
 * ship; my inventory (我的库存): a field worker's own requests; outbound query (出库查询).
 */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { id } from '../shared/input.js';
import { calendarOf } from '../shared/business-day.js';
import {
  approveShipment,
  cancelShipment,
  describeOne,
  ListInput,
  listShipments,
  MineInput,
  myShipments,
  outbound,
  OutboundInput,
  RejectInput,
  rejectShipment,
  RequestInput,
  requestShipment,
  ShipInput,
  shipShipment,
} from './shipments.js';
import { P } from '../access/catalog.js';

const ShipmentId = z.object({ shipmentId: id('shipments') });

export const shipmentsRouter = router({
  /** A field worker asks the warehouse for stock; the request gets its document number at once. */
  request: operatorProcedure(P.myInventory)
    .input(RequestInput)
    .mutation(({ ctx, input }) =>
      requestShipment(ctx.write, ctx.principal, input, ctx.now(), calendarOf(ctx.principal.timeZone)),
    ),

  /** The caller's own requests and shipments, newest first. */
  mine: operatorProcedure(P.myInventory)
    .input(MineInput)
    .query(({ ctx, input }) => myShipments(ctx.scope, ctx.principal.userId, input)),

  /**
   * Withdraws a request that has not been approved yet: the field worker's own, or anyone's
   * for a user who also holds warehouse shipping (the operator admin).
   */
  cancel: operatorProcedure(P.myInventory)
    .input(ShipmentId)
    .mutation(({ ctx, input }) => ctx.write((w) => cancelShipment(w, ctx.principal, input.shipmentId))),

  /** Every shipment of the tenant, newest first, by status and staff member. */
  list: operatorProcedure(P.warehouseShipping)
    .input(ListInput)
    .query(({ ctx, input }) => listShipments(ctx.scope, input)),

  /** One shipment with its items. */
  get: operatorProcedure(P.warehouseShipping)
    .input(ShipmentId)
    .query(({ ctx, input }) => describeOne(ctx.scope, input.shipmentId)),

  /** Approves a request, to be shipped. */
  approve: operatorProcedure(P.warehouseShipping)
    .input(ShipmentId)
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => approveShipment(w, ctx.principal, input.shipmentId, now));
    }),

  /** Refuses a request (before it is shipped), with the reason the worker will see as its note. */
  reject: operatorProcedure(P.warehouseShipping)
    .input(RejectInput)
    .mutation(({ ctx, input }) => ctx.write((w) => rejectShipment(w, ctx.principal, input))),

  /**
   * Ships an approved shipment: every item's requested quantity leaves the warehouse and
   * joins the worker's inventory, all in one transaction. Refused, with nothing moved, if
   * the warehouse holds less than an item asks for. `documentNo` replaces the number
   * given at the request (a paper delivery note's number, say); it is unique per tenant.
   */
  ship: operatorProcedure(P.warehouseShipping)
    .input(ShipInput)
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => shipShipment(w, ctx.principal, input, now));
    }),

  /**
   * Outbound query: the items shipped, one line per shipment and product, newest first,
   * filtered by shipping time ([from, to)), staff member, product and document number
   * (a prefix); with totals over every matching line (not only the page).
   */
  outbound: operatorProcedure(P.outboundQuery)
    .input(OutboundInput)
    .query(({ ctx, input }) => outbound(ctx.scope, input)),
});
