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
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { id, OptionalText, Text } from '../shared/input.js';
import { P } from './catalog.js';
import {
  createGroup,
  deleteGroup,
  groupsWithCounts,
  groupWithMembers,
  setGroupMembers,
  updateGroup,
  type GroupType,
} from './groups.js';

/** The procedures of one kind of group, each needing `permission`. */
function groupRouter(type: GroupType, permission: PermissionCode) {
  const procedure = operatorProcedure(permission);
  const MemberIds = z.array(id(type === 'staff' ? 'users' : 'machines')).max(1000, 'must be at most 1000 members');

  return router({
    /** The groups with how many members each has. */
    list: procedure.query(async ({ ctx }) => plain(await groupsWithCounts(ctx.scope, ctx.principal, type))),

    /** One group with its members. */
    get: procedure.input(z.object({ id: id('groups') })).query(async ({ ctx, input }) => {
      return plain(await groupWithMembers(ctx.scope, ctx.principal, type, input.id));
    }),

    /** Adds a group. */
    create: procedure
      .input(z.object({ name: Text(32), description: OptionalText(255) }))
      .mutation(async ({ ctx, input }) => plain(await ctx.write((w) => createGroup(w, ctx.principal, type, input)))),

    /** Renames a group or changes its description. */
    update: procedure
      .input(z.object({ id: id('groups'), name: Text(32).optional(), description: OptionalText(255).optional() }))
      .mutation(async ({ ctx, input }) => plain(await ctx.write((w) => updateGroup(w, ctx.principal, type, input)))),

    /** Deletes a group that has no members (move them out first). */
    delete: procedure
      .input(z.object({ id: id('groups') }))
      .mutation(async ({ ctx, input }) => ctx.write((w) => deleteGroup(w, ctx.principal, type, input.id))),

    /**
     * Sets the group's members: those listed join it (leaving their previous group), the
     * group's other members leave it.
     */
    setMembers: procedure
      .input(z.object({ id: id('groups'), memberIds: MemberIds }))
      .mutation(async ({ ctx, input }) => {
        const result = await ctx.write((w) => setGroupMembers(w, ctx.principal, type, input));
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
