/**
 * Groups of the operator: staff groups (the user-group module, each led by its group
 * admins) and machine groups (the group module). `groups.staff.*` needs 00103 and
 * `groups.machine.*` needs 00105.
 *
 * A group that still has members is not deleted: its members are moved (or removed)
 * first, so that nobody's group changes as a side effect of a delete.
 *
 * A group admin sees only its own staff group and may rename it; creating, deleting
 * and changing the members of staff groups is for the operator admin.
 */
import type { PermissionCode } from './catalog.js';
import { and, eq, inArray, notInArray, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import type { Principal } from '../auth/principal.js';
import { operatorProcedure, router, type Writer } from '../trpc/init.js';
import { plain } from '../trpc/output.js';
import { id, OptionalText, Text } from '../shared/input.js';
import { assertCanManage } from './permissions.js';
import { conflict, forbidden, notFound, refused } from '../shared/errors.js';
import { P } from './catalog.js';

type GroupType = 'staff' | 'machine';

const OWN_GROUP_ONLY = 'A group admin manages only its own group';

async function loadGroup(scope: TenantScope, type: GroupType, groupId: string) {
  const group = await scope.groups.get(groupId);
  if (!group) throw notFound('Group');
  if (group.type !== type) throw refused('id', `is a ${group.type} group`);
  return group;
}

async function assertNameFree(scope: TenantScope, type: GroupType, name: string, except?: string) {
  const clash = await scope.groups.findOne((g) => and(eq(g.type, type), eq(g.name, name)));
  if (clash && clash.id !== except) throw conflict('name: is taken');
}

/** The ids and names of a group's members: users of a staff group, machines of a machine group. */
async function membersOf(scope: TenantScope, type: GroupType, groupIds: string[]) {
  if (groupIds.length === 0) return [];
  if (type === 'staff') {
    const users = await scope.users.find({ where: (u) => inArray(u.groupId, groupIds), orderBy: (u) => [u.username] });
    return users.map((u) => ({ id: u.id, name: u.displayName, groupId: u.groupId as string }));
  }
  const machines = await scope.machines.find({
    where: (m) => inArray(m.groupId, groupIds),
    orderBy: (m) => [m.boardId],
  });
  return machines.map((m) => ({ id: m.id, name: m.name ?? m.boardId, groupId: m.groupId as string }));
}

/** Moves the given members into the group and the group's other members out of it. */
async function replaceMembers(
  w: Writer,
  principal: Principal,
  type: GroupType,
  groupId: string,
  memberIds: string[],
): Promise<{ before: string[]; after: string[]; changed: string[] }> {
  const wanted = [...new Set(memberIds)];
  const before = (await membersOf(w.scope, type, [groupId])).map((m) => m.id);
  if (type === 'staff') {
    for (const userId of wanted) {
      const user = await w.scope.users.get(userId);
      if (!user) throw notFound('User');
      if (user.groupId !== groupId) await assertCanManage(principal, w.scope, w.platform, user);
    }
    for (const userId of before.filter((m) => !wanted.includes(m))) {
      const user = await w.scope.users.get(userId);
      if (user) await assertCanManage(principal, w.scope, w.platform, user);
    }
    const stamp = { updatedBy: principal.userId };
    await w.scope.users.updateWhere(
      (u) => and(eq(u.groupId, groupId), wanted.length ? notInArray(u.id, wanted) : undefined),
      { groupId: null, ...stamp },
    );
    if (wanted.length) await w.scope.users.updateWhere((u) => inArray(u.id, wanted), { groupId, ...stamp });
  } else {
    for (const machineId of wanted) {
      if (!(await w.scope.machines.get(machineId))) {
        throw notFound('Machine');
      }
    }
    const stamp = { updatedBy: principal.userId };
    await w.scope.machines.updateWhere(
      (m) => and(eq(m.groupId, groupId), wanted.length ? notInArray(m.id, wanted) : undefined),
      { groupId: null, ...stamp },
    );
    if (wanted.length) await w.scope.machines.updateWhere((m) => inArray(m.id, wanted), { groupId, ...stamp });
  }
  const after = (await membersOf(w.scope, type, [groupId])).map((m) => m.id);
  const changed = [...before.filter((m) => !after.includes(m)), ...after.filter((m) => !before.includes(m))];
  return { before: [...before].sort(), after: [...after].sort(), changed };
}

/** The procedures of one kind of group, each needing `permission`. */
function groupRouter(type: GroupType, permission: PermissionCode) {
  const procedure = operatorProcedure(permission);
  /** Group admins are confined to their own group in staff groups only. */
  const confined = (principal: Principal) => type === 'staff' && principal.groupAdmin;
  const memberField = type === 'staff' ? 'userIds' : 'machineIds';
  const MemberIds = z.array(id(type === 'staff' ? 'users' : 'machines')).max(1000, 'must be at most 1000 members');

  return router({
    /** The groups with how many members each has. */
    list: procedure.query(async ({ ctx }) => {
      const { principal } = ctx;
      if (confined(principal) && principal.groupId === null) return [];
      const groups = await ctx.scope.groups.find({
        where: (g) => and(eq(g.type, type), confined(principal) ? eq(g.id, principal.groupId as string) : undefined),
        orderBy: (g) => [g.name],
      });
      const members = await membersOf(
        ctx.scope,
        type,
        groups.map((g) => g.id),
      );
      return groups.map((g) =>
        plain({
          id: g.id,
          name: g.name,
          type: g.type,
          description: g.description,
          memberCount: members.filter((m) => m.groupId === g.id).length,
          createdAt: g.createdAt,
          updatedAt: g.updatedAt,
        }),
      );
    }),

    /** One group with its members. */
    get: procedure.input(z.object({ id: id('groups') })).query(async ({ ctx, input }) => {
      const group = await loadGroup(ctx.scope, type, input.id);
      if (confined(ctx.principal) && group.id !== ctx.principal.groupId) throw forbidden(OWN_GROUP_ONLY);
      const members = await membersOf(ctx.scope, type, [group.id]);
      return plain({ ...group, members: members.map((m) => ({ id: m.id, name: m.name })) });
    }),

    /** Adds a group. */
    create: procedure
      .input(z.object({ name: Text(32), description: OptionalText(255) }))
      .mutation(async ({ ctx, input }) => {
        if (confined(ctx.principal)) throw forbidden('Only an operator admin adds staff groups');
        return ctx.write(async (w) => {
          await assertNameFree(w.scope, type, input.name);
          const group = await w.scope.groups.insert({
            name: input.name,
            type,
            description: input.description,
            createdBy: ctx.principal.userId,
            updatedBy: ctx.principal.userId,
          });
          await w.audit({ entity: 'groups', entityId: group.id, after: group });
          return plain(group);
        });
      }),

    /** Renames a group or changes its description. */
    update: procedure
      .input(z.object({ id: id('groups'), name: Text(32).optional(), description: OptionalText(255).optional() }))
      .mutation(async ({ ctx, input }) =>
        ctx.write(async (w) => {
          const before = await loadGroup(w.scope, type, input.id);
          if (confined(ctx.principal) && before.id !== ctx.principal.groupId) throw forbidden(OWN_GROUP_ONLY);
          if (input.name !== undefined) await assertNameFree(w.scope, type, input.name, before.id);
          await w.scope.groups.update(before.id, {
            name: input.name,
            description: input.description,
            updatedBy: ctx.principal.userId,
          });
          const after = await loadGroup(w.scope, type, before.id);
          await w.audit({ entity: 'groups', entityId: before.id, before, after });
          return plain(after);
        }),
      ),

    /** Deletes a group that has no members (move them out first). */
    delete: procedure.input(z.object({ id: id('groups') })).mutation(async ({ ctx, input }) => {
      if (confined(ctx.principal)) throw forbidden('Only an operator admin deletes staff groups');
      return ctx.write(async (w) => {
        const group = await loadGroup(w.scope, type, input.id);
        const members = await membersOf(w.scope, type, [group.id]);
        if (members.length > 0) {
          throw refused('id', `the group still has ${members.length} members; move them to another group first`);
        }
        await w.scope.groups.delete(group.id);
        await w.audit({ entity: 'groups', entityId: group.id, before: group });
        return { id: group.id, deleted: true as const };
      });
    }),

    /**
     * Sets the group's members: those listed join it (leaving their previous group), the
     * group's other members leave it.
     */
    setMembers: procedure
      .input(z.object({ id: id('groups'), memberIds: MemberIds }))
      .mutation(async ({ ctx, input }) => {
        if (confined(ctx.principal)) throw forbidden('Only an operator admin changes the members of staff groups');
        const result = await ctx.write(async (w) => {
          const group = await loadGroup(w.scope, type, input.id);
          const { before, after, changed } = await replaceMembers(w, ctx.principal, type, group.id, input.memberIds);
          await w.audit({
            entity: 'groups',
            entityId: group.id,
            before: { [memberField]: before },
            after: { [memberField]: after },
          });
          return { id: group.id, memberIds: after, changed };
        });
        if (type === 'staff') for (const userId of result.changed) ctx.principals.invalidate({ userId });
        return { id: result.id, memberIds: result.memberIds };
      }),
  });
}

export const groupsRouter = router({
  /** Staff groups (module user_group, 00103). */
  staff: groupRouter('staff', P.userGroup),
  /** Machine groups (module machine_group, 00105). */
  machine: groupRouter('machine', P.machineGroup),
});
