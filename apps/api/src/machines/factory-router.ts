/**
 * The manufacturer's machines: the machine types it builds (`factory.machineTypes`) and
 * the machines it built, in stock or sold (`factory.machines`). The rules are in
 * `fleet.ts`.
 */
import { asc, eq } from '@vmcloud/db';
import { z } from 'zod';
import { manufacturerProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { id, Money, OptionalText, Text } from '../shared/input.js';
import { offsetPage } from '../shared/paging.js';
import { P } from '../access/catalog.js';
import {
  addMachine,
  createMachineType,
  deleteMachineType,
  describeInStock,
  describeMachines,
  listBuilt,
  removeMachine,
  sellMachine,
  setMachinePrice,
  updateMachineType,
  type Fleet,
} from './fleet.js';

const BoardId = z
  .string({ error: 'is required' })
  .trim()
  .regex(/^[A-Za-z0-9_-]{4,32}$/, 'must be 4-32 letters, digits, dashes or underscores')
  .meta({ examples: ['VMC2026C0001'] });

const Model = z
  .string({ error: 'is required' })
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'must be 1-32 letters, digits, dots, dashes or underscores')
  .meta({ examples: ['VMC-C24'] });

const ChannelCount = z.number().int('must be a whole number').min(1, 'must be at least 1').max(200, 'is too large');
const ChannelCapacity = z.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'is too large');

/** The manufacturer's procedures' view of its fleet. */
const fleetOf = (ctx: Omit<Fleet, 'manufacturerId'> & { tenantId: string }): Fleet => ({
  tenants: ctx.tenants,
  platform: ctx.platform,
  manufacturerId: ctx.tenantId,
});

export const machineTypesRouter = router({
  /** The machine types, with how many machines of each are in stock. */
  list: manufacturerProcedure(P.manageMachineTypes).query(async ({ ctx }) => {
    const types = await ctx.scope.machineTypes.find({ orderBy: (t) => [asc(t.model)] });
    return Promise.all(
      types.map(async (t) => ({
        ...plain(t),
        inStock: await ctx.scope.machines.count((m) => eq(m.typeId, t.id)),
      })),
    );
  }),

  /** Adds a machine type; its model is unique. */
  create: manufacturerProcedure(P.manageMachineTypes)
    .input(
      z.object({
        model: Model,
        name: Text(64),
        channelCount: ChannelCount,
        channelCapacity: ChannelCapacity,
        refrigerated: z.boolean().default(false),
        description: OptionalText(255),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      plain(await ctx.write((w) => createMachineType(w, ctx.principal.userId, input))),
    ),

  /** Changes a machine type; machines already built keep their channels. */
  update: manufacturerProcedure(P.manageMachineTypes)
    .input(
      z.object({
        typeId: id('machineTypes'),
        model: Model.optional(),
        name: Text(64).optional(),
        channelCount: ChannelCount.optional(),
        channelCapacity: ChannelCapacity.optional(),
        refrigerated: z.boolean().optional(),
        description: OptionalText(255).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { typeId, ...patch } = input;
      return plain(await ctx.write((w) => updateMachineType(w, ctx.principal.userId, typeId, patch)));
    }),

  /** Deletes a machine type no machine was built of. */
  delete: manufacturerProcedure(P.manageMachineTypes)
    .input(z.object({ typeId: id('machineTypes') }))
    .mutation(async ({ ctx, input }) => {
      await ctx.write((w) => deleteMachineType(w, input.typeId));
      return { ok: true as const };
    }),
});

export const factoryMachinesRouter = router({
  /**
   * The machines the manufacturer built: those in stock first, then those sold, by
   * operator name, each by board id; each sold one with the operator holding it (its
   * name) and the machine sale.
   */
  list: manufacturerProcedure(P.manageMachines)
    .input(
      z.object({
        status: z.enum(['in_stock', 'sold']).optional(),
        typeId: id('machineTypes').optional(),
        operatorId: id('tenants').optional(),
        boardId: OptionalText(32),
        ...offsetPage(100, 20),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { total, items } = await listBuilt(fleetOf(ctx), input, input);
      return { total, items: plain(items) };
    }),

  /** Adds a machine the manufacturer built, by its controller board id (unique on the platform). */
  add: manufacturerProcedure(P.manageMachines)
    .input(z.object({ boardId: BoardId, typeId: id('machineTypes'), price: Money.default(0) }))
    .mutation(async ({ ctx, input }) => {
      const machine = await ctx.write((w) => addMachine(w, ctx.principal.userId, input));
      return plain(await describeInStock(fleetOf(ctx), machine));
    }),

  /** Changes the list price of a machine in stock. */
  setPrice: manufacturerProcedure(P.manageMachines)
    .input(z.object({ machineId: id('machines'), price: Money }))
    .mutation(async ({ ctx, input }) => {
      const machine = await ctx.write((w) => setMachinePrice(w, ctx.principal.userId, input));
      return plain(await describeInStock(fleetOf(ctx), machine));
    }),

  /** Removes a machine still in stock (added by mistake). */
  remove: manufacturerProcedure(P.manageMachines)
    .input(z.object({ machineId: id('machines') }))
    .mutation(async ({ ctx, input }) => {
      await ctx.write((w) => removeMachine(w, input.machineId));
      return { ok: true as const };
    }),

  /**
   * Sells a machine in stock to an operator, within the operator's machine quota: the
   * operator holds it from now on (active), and a machine sale records the price.
   */
  sell: manufacturerProcedure(P.manageMachines)
    .input(z.object({ machineId: id('machines'), operatorId: id('tenants'), price: Money.optional() }))
    .mutation(async ({ ctx, input }) => {
      const now = ctx.now();
      const { machine, operator } = await ctx.write((w) => sellMachine(w, ctx.principal.userId, input, now));
      const [described] = await describeMachines(fleetOf(ctx), [{ machine, holder: operator }]);
      return plain(described);
    }),
});
