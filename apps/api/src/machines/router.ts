/**
 * The operator's machines: the fleet list with online state, one machine with its
 * channels, naming and placing a machine, its group and field worker, activation codes
 * for its terminal, and a field worker's own machines with what they need restocked.
 * Machines come from the manufacturer that sold them; they are not created here.
 */
import { createHash, randomBytes } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import {
  containsText,
  and,
  asc,
  eq,
  gt,
  inArray,
  isNull,
  notInArray,
  or,
  type Row,
  type Tables,
  type TenantScope,
  type Where,
} from '@vmcloud/db';
import { MACHINE_STATUSES } from '@vmcloud/db/schema';
import { z } from 'zod';
import { operatorProcedure, router, type Writer } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, OptionalText, Text } from '../shared/input.js';
import { channelsOfMachine, describeChannels } from '../channels/router.js';
import { customFieldsOf } from '../products/router.js';
import { notFound } from '../shared/errors.js';
import { P } from '../access/catalog.js';

type Machine = Row<Tables['machines']>;
type MachinePatch = Partial<Pick<Machine, 'name' | 'address' | 'latitudeE6' | 'longitudeE6' | 'groupId' | 'staffId'>>;


const refuse = (field: string, reason: string) =>
  new TRPCError({ code: 'BAD_REQUEST', message: `${field}: ${reason}` });

// --- Activation codes ----------------------------------------------------------------------

/** How long an activation code can be used. */
export const ACTIVATION_CODE_TTL_MS = 24 * 3_600_000;

/** Letters and digits that cannot be mistaken for each other (no 0/O, 1/I/L). */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 12;

/** A new one-time code, as `XXXX-XXXX-XXXX`. */
export function newActivationCode(): string {
  let code = '';
  while (code.length < CODE_LENGTH) {
    for (const byte of randomBytes(CODE_LENGTH)) {
      // Rejection sampling keeps every character equally likely.
      if (byte < 256 - (256 % CODE_ALPHABET.length) && code.length < CODE_LENGTH) {
        code += CODE_ALPHABET[byte % CODE_ALPHABET.length];
      }
    }
  }
  return code.match(/.{4}/g)?.join('-') ?? code;
}

/** The stored hash of an activation code as a person types it (case, dashes and spaces do not matter). */
export function hashActivationCode(code: string): string {
  return createHash('sha256').update(code.toUpperCase().replace(/[\s-]/g, '')).digest('hex');
}

// --- Reading machines ----------------------------------------------------------------------

async function loadMachine(scope: TenantScope, machineId: string): Promise<Machine> {
  const machine = await scope.machines.get(machineId);
  if (!machine) throw notFound('Machine');
  return machine;
}

/** The machines with their online state, group and field worker, as the fleet list shows them. */
async function describeMachines(scope: TenantScope, machines: Machine[]) {
  const ids = machines.map((m) => m.id);
  const groupIds = [...new Set(machines.flatMap((m) => (m.groupId ? [m.groupId] : [])))];
  const staffIds = [...new Set(machines.flatMap((m) => (m.staffId ? [m.staffId] : [])))];
  const [statuses, groups, staff] = await Promise.all([
    ids.length === 0 ? [] : scope.machineStatus.find({ where: (s) => inArray(s.machineId, ids) }),
    groupIds.length === 0 ? [] : scope.groups.find({ where: (g) => inArray(g.id, groupIds) }),
    staffIds.length === 0 ? [] : scope.users.find({ where: (u) => inArray(u.id, staffIds) }),
  ]);
  return machines.map((m) => {
    const status = statuses.find((s) => s.machineId === m.id);
    const worker = staff.find((u) => u.id === m.staffId);
    return plain({
      ...m,
      online: status?.online ?? false,
      lastHeartbeatAt: status?.lastHeartbeatAt ?? null,
      groupName: groups.find((g) => g.id === m.groupId)?.name ?? null,
      staffName: worker?.displayName ?? null,
    });
  });
}

const Latitude = z.number().int('must be a whole number of millionths of a degree').min(-90_000_000).max(90_000_000);
const Longitude = z.number().int('must be a whole number of millionths of a degree').min(-180_000_000).max(180_000_000);

/** Updates a machine and audits the change. */
async function updateMachine(w: Writer, userId: string, machine: Machine, patch: MachinePatch, now: Date) {
  const changes = { ...patch, updatedAt: now, updatedBy: userId };
  await w.scope.machines.update(machine.id, changes);
  const after = { ...machine, ...changes };
  await w.audit({ entity: 'machines', entityId: machine.id, before: machine, after });
  return after;
}

export const machinesRouter = router({
  /**
   * The fleet: filtered by machine group, field worker, online or offline (as the
   * terminals last reported), status, and text in the name, board id or address.
   */
  list: operatorProcedure(P.machine)
    .input(
      z.object({
        groupId: id('groups').optional(),
        staffId: id('users').optional(),
        online: z.boolean().optional(),
        status: z.enum(MACHINE_STATUSES).optional(),
        search: z.string().trim().max(64, 'must be at most 64 characters').optional(),
        limit: z.number().int().min(1).max(200).default(50),
        offset: z.number().int().min(0).max(1_000_000).default(0),
      }),
    )
    .query(async ({ ctx, input }) => {
      let onlineIds: string[] | undefined;
      if (input.online !== undefined) {
        onlineIds = (await ctx.scope.machineStatus.find({ where: (s) => eq(s.online, true) })).map((s) => s.machineId);
      }
      const where: Where<Tables['machines']> = (m) =>
        and(
          input.groupId ? eq(m.groupId, input.groupId) : undefined,
          input.staffId ? eq(m.staffId, input.staffId) : undefined,
          input.status ? eq(m.status, input.status) : undefined,
          onlineIds === undefined
            ? undefined
            : input.online
              ? inArray(m.id, onlineIds)
              : onlineIds.length > 0
                ? notInArray(m.id, onlineIds)
                : undefined,
          input.search
            ? or(
                containsText(m.name, input.search),
                containsText(m.boardId, input.search),
                containsText(m.address, input.search),
              )
            : undefined,
        );
      const { rows: machines, total } = await ctx.scope.machines.page({
        where,
        orderBy: (m) => [asc(m.boardId)],
        limit: input.limit,
        offset: input.offset,
      });
      return { items: await describeMachines(ctx.scope, machines), total };
    }),

  /** One machine: its details, terminal status, channels, channel groups and custom fields. */
  get: operatorProcedure(P.machine)
    .input(z.object({ machineId: id('machines') }))
    .query(async ({ ctx, input }) => {
      const machine = await loadMachine(ctx.scope, input.machineId);
      const [described, status, channels, channelGroups, customFields, credential] = await Promise.all([
        describeMachines(ctx.scope, [machine]),
        ctx.scope.machineStatus.findOne((s) => eq(s.machineId, machine.id)),
        channelsOfMachine(ctx.scope, machine.id),
        ctx.scope.channelGroups.find({ where: (g) => eq(g.machineId, machine.id), orderBy: (g) => [asc(g.name)] }),
        customFieldsOf(ctx.scope, 'machine', machine.id),
        ctx.scope.deviceCredentials.findOne((d) => and(eq(d.machineId, machine.id), isNull(d.revokedAt))),
      ]);
      return {
        machine: described[0] as (typeof described)[number],
        status: status ? plain(status) : null,
        terminal: credential ? plain({ keyId: credential.keyId, activatedAt: credential.activatedAt }) : null,
        channels: await describeChannels(ctx.scope, channels),
        channelGroups: channelGroups.map((g) => plain(g)),
        customFields,
      };
    }),

  /** Gives a machine the name the operator knows it by. */
  rename: operatorProcedure(P.machine)
    .input(z.object({ machineId: id('machines'), name: Text(64) }))
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.principal.userId;
      const machine = await ctx.write(async (w) => {
        const machine = await loadMachine(w.scope, input.machineId);
        return updateMachine(w, userId, machine, { name: input.name }, ctx.now());
      });
      return plain(machine);
    }),

  /**
   * Sets where a machine stands: its address and its location (WGS-84, millionths of a
   * degree), both coordinates or neither.
   */
  setLocation: operatorProcedure(P.machine)
    .input(
      z.object({
        machineId: id('machines'),
        address: OptionalText(255),
        latitudeE6: Latitude.nullable(),
        longitudeE6: Longitude.nullable(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if ((input.latitudeE6 === null) !== (input.longitudeE6 === null)) {
        throw refuse(input.latitudeE6 === null ? 'latitudeE6' : 'longitudeE6', 'is required with the other coordinate');
      }
      const userId = ctx.principal.userId;
      const machine = await ctx.write(async (w) => {
        const machine = await loadMachine(w.scope, input.machineId);
        return updateMachine(
          w,
          userId,
          machine,
          { address: input.address, latitudeE6: input.latitudeE6, longitudeE6: input.longitudeE6 },
          ctx.now(),
        );
      });
      return plain(machine);
    }),

  /** Puts a machine in one of the operator's machine groups, or in none. */
  setGroup: operatorProcedure(P.machineGroup)
    .input(z.object({ machineId: id('machines'), groupId: id('groups').nullable() }))
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.principal.userId;
      const machine = await ctx.write(async (w) => {
        const machine = await loadMachine(w.scope, input.machineId);
        if (input.groupId) {
          const group = await w.scope.groups.get(input.groupId);
          if (!group) throw notFound('Group');
          if (group.type !== 'machine') throw refuse('groupId', 'is a staff group, not a machine group');
        }
        return updateMachine(w, userId, machine, { groupId: input.groupId }, ctx.now());
      });
      return plain(machine);
    }),

  /** Makes a field worker responsible for restocking a machine, or nobody. */
  assignStaff: operatorProcedure(P.machine)
    .input(z.object({ machineId: id('machines'), staffId: id('users').nullable() }))
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.principal.userId;
      const machine = await ctx.write(async (w) => {
        const machine = await loadMachine(w.scope, input.machineId);
        if (input.staffId) {
          const staff = await w.scope.users.get(input.staffId);
          if (!staff) throw notFound('User');
          if (staff.status !== 'active') throw refuse('staffId', 'is disabled');
        }
        return updateMachine(w, userId, machine, { staffId: input.staffId }, ctx.now());
      });
      return plain(machine);
    }),

  /**
   * Issues a one-time code for the machine's terminal to activate with, valid for 24
   * hours; earlier unused codes stop working. The code is shown this once: only its hash
   * is kept.
   */
  issueActivationCode: operatorProcedure(P.machine)
    .input(z.object({ machineId: id('machines') }))
    .mutation(async ({ ctx, input }) => {
      const userId = ctx.principal.userId;
      const now = ctx.now();
      const code = newActivationCode();
      const issued = await ctx.write(async (w) => {
        const machine = await loadMachine(w.scope, input.machineId);
        if (machine.status === 'retired') throw refuse('machineId', 'is retired');
        const revoked = await w.scope.activationCodes.updateWhere(
          (a) => and(eq(a.machineId, machine.id), isNull(a.usedAt), gt(a.expiresAt, now)),
          { expiresAt: now, updatedAt: now, updatedBy: userId },
        );
        const row = await w.scope.activationCodes.insert({
          machineId: machine.id,
          codeHash: hashActivationCode(code),
          expiresAt: new Date(now.getTime() + ACTIVATION_CODE_TTL_MS),
          createdAt: now,
          updatedAt: now,
          createdBy: userId,
          updatedBy: userId,
        });
        await w.audit({
          entity: 'activationCodes',
          entityId: row.id,
          after: { machineId: machine.id, expiresAt: row.expiresAt, revokedEarlierCodes: revoked },
        });
        return row;
      });
      return { id: issued.id, machineId: issued.machineId, code, expiresAt: issued.expiresAt.toISOString() };
    }),

  /**
   * The signed-in field worker's machines, each with its channels and what each needs to
   * be full, the emptiest machines first.
   */
  mine: operatorProcedure(P.myMachines)
    .input(z.object({ onlyNeedingStock: z.boolean().default(false) }))
    .query(async ({ ctx, input }) => {
      const machines = await ctx.scope.machines.find({
        where: (m) => eq(m.staffId, ctx.principal.userId),
        orderBy: (m) => [asc(m.boardId)],
      });
      const described = await describeMachines(ctx.scope, machines);
      const ids = machines.map((m) => m.id);
      const allChannels = await describeChannels(
        ctx.scope,
        ids.length === 0 ? [] : await ctx.scope.channels.find({ where: (c) => inArray(c.machineId, ids) }),
      );
      const result = [];
      for (const machine of described) {
        const channels = allChannels.filter((c) => c.machineId === machine.id);
        const stocked = channels.filter((c) => c.productId !== null && c.enabled);
        const missing = stocked.reduce((sum, c) => sum + c.free, 0);
        result.push({
          id: machine.id,
          boardId: machine.boardId,
          name: machine.name,
          address: machine.address,
          latitudeE6: machine.latitudeE6,
          longitudeE6: machine.longitudeE6,
          online: machine.online,
          lastHeartbeatAt: machine.lastHeartbeatAt,
          stock: stocked.reduce((sum, c) => sum + c.stock, 0),
          capacity: stocked.reduce((sum, c) => sum + c.capacity, 0),
          missing,
          emptyChannels: stocked.filter((c) => c.stock === 0).length,
          channels: channels.map((c) => ({ ...c, missing: c.productId !== null && c.enabled ? c.free : 0 })),
        });
      }
      return result
        .filter((m) => !input.onlyNeedingStock || m.missing > 0)
        .sort((a, b) => b.missing - a.missing || a.boardId.localeCompare(b.boardId));
    }),
});
