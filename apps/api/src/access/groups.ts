/**
 * Groups of an operator: staff groups (users) and machine groups. A group admin manages
 * only its own staff group.
 */
import { and, eq, inArray, notInArray, type Row, type Tables, type TenantScope } from '@vmcloud/db';
import type { Principal } from '../auth/principal.js';
import type { Writer } from '../shared/writer.js';
import { conflict, forbidden, notFound, refused } from '../shared/errors.js';
import { assertCanManage } from './permissions.js';

type Group = Row<Tables['groups']>;

export type GroupType = 'staff' | 'machine';

export const OWN_GROUP_ONLY = 'A group admin manages only its own group';

export async function loadGroup(scope: TenantScope, type: GroupType, groupId: string) {
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
export async function membersOf(scope: TenantScope, type: GroupType, groupIds: string[]) {
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

/** Group admins are confined to their own group, in staff groups only. */
export const confined = (type: GroupType, principal: Principal) => type === 'staff' && principal.groupAdmin;

/** The groups `principal` may see (a group admin: its own staff group), with how many members each has. */
export async function groupsWithCounts(scope: TenantScope, principal: Principal, type: GroupType) {
  const own = confined(type, principal);
  if (own && principal.groupId === null) return [];
  const groups = await scope.groups.find({
    where: (g) => and(eq(g.type, type), own ? eq(g.id, principal.groupId as string) : undefined),
    orderBy: (g) => [g.name],
  });
  const members = await membersOf(
    scope,
    type,
    groups.map((g) => g.id),
  );
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    type: g.type,
    description: g.description,
    memberCount: members.filter((m) => m.groupId === g.id).length,
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
  }));
}

/** One group with its members (a group admin sees only its own staff group). */
export async function groupWithMembers(scope: TenantScope, principal: Principal, type: GroupType, groupId: string) {
  const group = await loadGroup(scope, type, groupId);
  if (confined(type, principal) && group.id !== principal.groupId) throw forbidden(OWN_GROUP_ONLY);
  const members = await membersOf(scope, type, [group.id]);
  return { ...group, members: members.map((m) => ({ id: m.id, name: m.name })) };
}

/** Adds a group. */
export async function createGroup(
  w: Pick<Writer, 'scope' | 'audit'>,
  principal: Principal,
  type: GroupType,
  input: { name: string; description: string | null },
): Promise<Group> {
  if (confined(type, principal)) throw forbidden('Only an operator admin adds staff groups');
  await assertNameFree(w.scope, type, input.name);
  const group = await w.scope.groups.insert({
    name: input.name,
    type,
    description: input.description,
    createdBy: principal.userId,
    updatedBy: principal.userId,
  });
  await w.audit({ entity: 'groups', entityId: group.id, after: group });
  return group;
}

/** Renames a group or changes its description. */
export async function updateGroup(
  w: Pick<Writer, 'scope' | 'audit'>,
  principal: Principal,
  type: GroupType,
  input: { id: string; name?: string; description?: string | null },
): Promise<Group> {
  const before = await loadGroup(w.scope, type, input.id);
  if (confined(type, principal) && before.id !== principal.groupId) throw forbidden(OWN_GROUP_ONLY);
  if (input.name !== undefined) await assertNameFree(w.scope, type, input.name, before.id);
  await w.scope.groups.update(before.id, {
    name: input.name,
    description: input.description,
    updatedBy: principal.userId,
  });
  const after = await loadGroup(w.scope, type, before.id);
  await w.audit({ entity: 'groups', entityId: before.id, before, after });
  return after;
}

/** Deletes a group that has no members (move them out first). */
export async function deleteGroup(
  w: Pick<Writer, 'scope' | 'audit'>,
  principal: Principal,
  type: GroupType,
  groupId: string,
) {
  if (confined(type, principal)) throw forbidden('Only an operator admin deletes staff groups');
  const group = await loadGroup(w.scope, type, groupId);
  const members = await membersOf(w.scope, type, [group.id]);
  if (members.length > 0) {
    throw refused('id', `the group still has ${members.length} members; move them to another group first`);
  }
  await w.scope.groups.delete(group.id);
  await w.audit({ entity: 'groups', entityId: group.id, before: group });
  return { id: group.id, deleted: true as const };
}

/**
 * Sets the group's members: those listed join it (leaving their previous group), the
 * group's other members leave it. Returns the members and those whose group changed.
 */
export async function setGroupMembers(
  w: Writer,
  principal: Principal,
  type: GroupType,
  input: { id: string; memberIds: string[] },
) {
  if (confined(type, principal)) throw forbidden('Only an operator admin changes the members of staff groups');
  const memberField = type === 'staff' ? 'userIds' : 'machineIds';
  const group = await loadGroup(w.scope, type, input.id);
  const { before, after, changed } = await replaceMembers(w, principal, type, group.id, input.memberIds);
  await w.audit({
    entity: 'groups',
    entityId: group.id,
    before: { [memberField]: before },
    after: { [memberField]: after },
  });
  return { id: group.id, memberIds: after, changed };
}
