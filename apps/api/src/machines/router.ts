/**
 * The operator's machines: the fleet, one machine, naming and placing it, its group and
 * field worker, activation codes for its terminal, and a field worker's own machines
 * (machines/operator-machines.ts).
 */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { id, Text } from '../shared/input.js';
import {
  assignMachineStaff,
  heldMachineTypes,
  issueActivationCode,
  listMachines,
  LocationInput,
  MachineListInput,
  machineDetail,
  myMachines,
  renameMachine,
  setMachineGroup,
  setMachineLocation,
  UpdateMachineInput,
  updateMachineNames,
} from './operator-machines.js';
import { P } from '../access/catalog.js';

const MachineId = z.object({ machineId: id('machines') });

export const machinesRouter = router({
  /**
   * The fleet: filtered by machine group, field worker, online or offline (as the
   * terminals last reported), status, machine type, text in the board id, device number or
   * nameplate number (in any case), and text in any of those, the name or the address.
   */
  list: operatorProcedure(P.machine)
    .input(MachineListInput)
    .query(({ ctx, input }) => listMachines(ctx.scope, input)),

  /**
   * The machine types of the machines the operator holds, by model: model, name, layout
   * (trays of slots, channel capacity when new, refrigerated) and how many machines are of it.
   */
  types: operatorProcedure(P.machine).query(({ ctx }) => heldMachineTypes(ctx.scope, ctx.machineTypes)),

  /** One machine: its details, terminal status, channels, channel groups and custom fields. */
  get: operatorProcedure(P.machine)
    .input(MachineId)
    .query(({ ctx, input }) => machineDetail(ctx.scope, ctx.platform, input.machineId)),

  /**
   * Changes what the operator knows a machine by: its name and its device number (unique
   * among the operator's machines; null for none). A field left out stays as it is.
   */
  update: operatorProcedure(P.machine)
    .input(UpdateMachineInput)
    .mutation(({ ctx, input }) => ctx.write((w) => updateMachineNames(w, ctx.principal, input, ctx.now()))),

  /** Gives a machine the name the operator knows it by. */
  rename: operatorProcedure(P.machine)
    .input(z.object({ machineId: id('machines'), name: Text(64) }))
    .mutation(({ ctx, input }) =>
      ctx.write((w) => renameMachine(w, ctx.principal, input.machineId, input.name, ctx.now())),
    ),

  /**
   * Sets where a machine stands: its address and its location (WGS-84, millionths of a
   * degree), both coordinates or neither.
   */
  setLocation: operatorProcedure(P.machine)
    .input(LocationInput)
    .mutation(({ ctx, input }) => ctx.write((w) => setMachineLocation(w, ctx.principal, input, ctx.now()))),

  /** Puts a machine in one of the operator's machine groups, or in none. */
  setGroup: operatorProcedure(P.machineGroup)
    .input(z.object({ machineId: id('machines'), groupId: id('groups').nullable() }))
    .mutation(({ ctx, input }) =>
      ctx.write((w) => setMachineGroup(w, ctx.principal, input.machineId, input.groupId, ctx.now())),
    ),

  /** Makes a field worker responsible for restocking a machine, or nobody. */
  assignStaff: operatorProcedure(P.machine)
    .input(z.object({ machineId: id('machines'), staffId: id('users').nullable() }))
    .mutation(({ ctx, input }) =>
      ctx.write((w) => assignMachineStaff(w, ctx.principal, input.machineId, input.staffId, ctx.now())),
    ),

  /**
   * Issues a one-time code for the machine's terminal to activate with, valid for 24
   * hours; earlier unused codes stop working. The code is shown this once: only its hash
   * is kept.
   */
  issueActivationCode: operatorProcedure(P.machine)
    .input(MachineId)
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => issueActivationCode(w, ctx.principal, input.machineId, now));
    }),

  /**
   * The signed-in field worker's machines, each with its channels and what each needs to
   * be full, the emptiest machines first.
   */
  mine: operatorProcedure(P.myMachines)
    .input(z.object({ onlyNeedingStock: z.boolean().default(false) }))
    .query(({ ctx, input }) => myMachines(ctx.scope, ctx.principal.userId, input.onlyNeedingStock)),
});
