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
import { Capacity } from '../channels/planogram.js';
import { SlotsPerTray, Trays } from '../channels/layout.js';
import { MachineNumber, MachineNumberFilter } from './numbers.js';
import {
  addMachine,
  createMachineType,
  deleteMachineType,
  describeInStock,
  describeMachines,
  describeMachineType,
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

/** The manufacturer's procedures' view of its fleet. */
const fleetOf = (ctx: Omit<Fleet, 'manufacturerId'> & { tenantId: string }): Fleet => ({
  tenants: ctx.tenants,
  platform: ctx.platform,
  manufacturerId: ctx.tenantId,
});

export const machineTypesRouter = router({
  /**
   * The machine types, each with its layout (trays of slots), the channels that makes and
   * how many machines of it are in stock.
   */
  list: manufacturerProcedure(P.manageMachineTypes).query(async ({ ctx }) => {
    const types = await ctx.scope.machineTypes.find({ orderBy: (t) => [asc(t.model)] });
    return Promise.all(
      types.map(async (t) => ({
        ...plain(describeMachineType(t)),
        inStock: await ctx.scope.machines.count((m) => eq(m.typeId, t.id)),
      })),
    );
  }),

  /**
   * Adds a machine type; its model is unique. Its machines have `trays` trays of
   * `slotsPerTray` channels each, numbered 1..trays x slotsPerTray in tray order, each
   * holding `defaultCapacity` items when it leaves the factory.
   */
  create: manufacturerProcedure(P.manageMachineTypes)
    .input(
      z.object({
        model: Model,
        name: Text(64),
        trays: Trays,
        slotsPerTray: SlotsPerTray,
        defaultCapacity: Capacity,
        refrigerated: z.boolean().default(false),
        description: OptionalText(255),
      }),
    )
    .mutation(async ({ ctx, input }) =>
      plain(describeMachineType(await ctx.write((w) => createMachineType(w, ctx.principal.userId, input)))),
    ),

  /** Changes a machine type; machines already built keep their channels. */
  update: manufacturerProcedure(P.manageMachineTypes)
    .input(
      z.object({
        typeId: id('machineTypes'),
        model: Model.optional(),
        name: Text(64).optional(),
        trays: Trays.optional(),
        slotsPerTray: SlotsPerTray.optional(),
        defaultCapacity: Capacity.optional(),
        refrigerated: z.boolean().optional(),
        description: OptionalText(255).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { typeId, ...patch } = input;
      return plain(
        describeMachineType(await ctx.write((w) => updateMachineType(w, ctx.principal.userId, typeId, patch))),
      );
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
   * name) and the machine sale. Filtered by status, type, operator, and text in the board
   * id or the nameplate number (in any case).
   */
  list: manufacturerProcedure(P.manageMachines)
    .input(
      z.object({
        status: z.enum(['in_stock', 'sold']).optional(),
        typeId: id('machineTypes').optional(),
        operatorId: id('tenants').optional(),
        boardId: OptionalText(32),
        nameplateNo: MachineNumberFilter,
        ...offsetPage(100, 20),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { total, items } = await listBuilt(fleetOf(ctx), input, input);
      return { total, items: plain(items) };
    }),

  /**
   * Adds a machine the manufacturer built, by its controller board id, with the number on
   * its nameplate if it has one (each unique on the platform). It gets the channels of its
   * type at once: empty, without a product, at the type's default capacity.
   */
  add: manufacturerProcedure(P.manageMachines)
    .input(
      z.object({
        boardId: BoardId,
        typeId: id('machineTypes'),
        price: Money.default(0),
        nameplateNo: MachineNumber,
      }),
    )
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
   * operator holds it from now on (active), with its channels, and a machine sale records
   * the price.
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
