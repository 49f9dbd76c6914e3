/**
 * The planogram: which product at which price in which channel of a machine, and channel
 * groups (channels/planogram.ts).
 */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { id } from '../shared/input.js';
import {
  CreateGroupInput,
  createChannelGroup,
  DeactivateInput,
  dissolveChannelGroup,
  listChannelGroups,
  listChannels,
  SetCapacityInput,
  setChannelCapacity,
  setChannelPrice,
  setChannelProduct,
  setChannelService,
  SetPriceInput,
  SetProductInput,
  UpdateGroupInput,
  updateChannelGroup,
} from './planogram.js';
import { P } from '../access/catalog.js';

const MachineId = z.object({ machineId: id('machines') });

export const channelsRouter = router({
  /** The channels of a machine, by number, with product, price, capacity and stock. */
  list: operatorProcedure(P.channel)
    .input(MachineId)
    .query(({ ctx, input }) => listChannels(ctx.scope, input.machineId)),

  /**
   * Puts a product in a channel (or takes it out, with `productId` null), at the product's
   * price unless a special price is given. A channel holding stock keeps its product.
   */
  setProduct: operatorProcedure(P.channel)
    .input(SetProductInput)
    .mutation(({ ctx, input }) => ctx.write((w) => setChannelProduct(w, ctx.principal, input, ctx.now()))),

  /** Sets a channel's selling price; a price other than the product's is a special price. */
  setPrice: operatorProcedure(P.channel)
    .input(SetPriceInput)
    .mutation(({ ctx, input }) => ctx.write((w) => setChannelPrice(w, ctx.principal, input, ctx.now()))),

  /** Sets how many items a channel holds; never less than the stock in it. */
  setCapacity: operatorProcedure(P.channel)
    .input(SetCapacityInput)
    .mutation(({ ctx, input }) => ctx.write((w) => setChannelCapacity(w, ctx.principal, input, ctx.now()))),

  /** Takes a channel out of service, with the reason (a jammed motor, a broken lane). */
  deactivate: operatorProcedure(P.channel)
    .input(DeactivateInput)
    .mutation(({ ctx, input }) =>
      ctx.write((w) => setChannelService(w, ctx.principal, input.channelId, input.reason, ctx.now())),
    ),

  /** Puts a channel back in service. */
  activate: operatorProcedure(P.channel)
    .input(z.object({ channelId: id('channels') }))
    .mutation(({ ctx, input }) =>
      ctx.write((w) => setChannelService(w, ctx.principal, input.channelId, null, ctx.now())),
    ),
});

export const channelGroupsRouter = router({
  /** The channel groups of a machine, with their channels. */
  list: operatorProcedure(P.channelGroup)
    .input(MachineId)
    .query(({ ctx, input }) => listChannelGroups(ctx.scope, input.machineId)),

  /**
   * Groups channels of one machine under one product and price (the product's unless a
   * price is given); each channel takes the group's product and price.
   */
  create: operatorProcedure(P.channelGroup)
    .input(CreateGroupInput)
    .mutation(({ ctx, input }) => ctx.write((w) => createChannelGroup(w, ctx.principal, input, ctx.now()))),

  /** Renames a group or sets its product and price, which every channel of the group takes. */
  update: operatorProcedure(P.channelGroup)
    .input(UpdateGroupInput)
    .mutation(({ ctx, input }) => ctx.write((w) => updateChannelGroup(w, ctx.principal, input, ctx.now()))),

  /** Dissolves a group: its channels keep their product and price and are set one by one again. */
  dissolve: operatorProcedure(P.channelGroup)
    .input(z.object({ channelGroupId: id('channelGroups') }))
    .mutation(({ ctx, input }) =>
      ctx.write((w) => dissolveChannelGroup(w, ctx.principal, input.channelGroupId, ctx.now())),
    ),
});
