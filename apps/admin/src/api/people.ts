/**
 * People of the operator: users, roles, staff and machine groups, and the custom field
 * values of a user. Types come from the API's router; each call goes through `client`
 * (the console's by default) so that stores and tests can hand in their own.
 */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';
import { api, type ApiClient } from './client';

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type User = Outputs['users']['list']['items'][number];
export type UserStatus = User['status'];
export type UserListInput = Inputs['users']['list'];
export type UserCreateInput = Inputs['users']['create'];
export type UserUpdateInput = Inputs['users']['update'];
export type Role = Outputs['roles']['list'][number];
export type RoleCreateInput = Inputs['roles']['create'];
export type RoleUpdateInput = Inputs['roles']['update'];
export type GrantablePermission = Outputs['roles']['permissions'][number];
export type Group = Outputs['groups']['staff']['list'][number];
export type GroupDetail = Outputs['groups']['staff']['get'];
export type GroupKind = 'staff' | 'machine';
export type CustomFieldValue = Outputs['customFields']['userValues'][number];
export type CustomFieldInput = Inputs['customFields']['setUserValues']['values'][string];
export type MachineOption = Outputs['machines']['list']['items'][number];

export const USER_STATUSES = ['active', 'disabled'] as const satisfies readonly UserStatus[];

export function listUsers(input: UserListInput, client: ApiClient = api) {
  return client.users.list.query(input);
}

export function createUser(input: UserCreateInput, client: ApiClient = api) {
  return client.users.create.mutate(input);
}

export function updateUser(input: UserUpdateInput, client: ApiClient = api) {
  return client.users.update.mutate(input);
}

export function setUserEnabled(id: string, enabled: boolean, client: ApiClient = api) {
  return enabled ? client.users.enable.mutate({ id }) : client.users.disable.mutate({ id });
}

export function resetPassword(id: string, password: string, client: ApiClient = api) {
  return client.users.resetPassword.mutate({ id, password });
}

export function userFieldValues(id: string, client: ApiClient = api) {
  return client.customFields.userValues.query({ id });
}

export function setUserFieldValues(id: string, values: Record<string, CustomFieldInput>, client: ApiClient = api) {
  return client.customFields.setUserValues.mutate({ id, values });
}

export function listRoles(client: ApiClient = api) {
  return client.roles.list.query();
}

export function grantablePermissions(client: ApiClient = api) {
  return client.roles.permissions.query();
}

export function createRole(input: RoleCreateInput, client: ApiClient = api) {
  return client.roles.create.mutate(input);
}

export function updateRole(input: RoleUpdateInput, client: ApiClient = api) {
  return client.roles.update.mutate(input);
}

export function deleteRole(id: string, client: ApiClient = api) {
  return client.roles.delete.mutate({ id });
}

export function listGroups(kind: GroupKind, client: ApiClient = api) {
  return client.groups[kind].list.query();
}

export function getGroup(kind: GroupKind, id: string, client: ApiClient = api) {
  return client.groups[kind].get.query({ id });
}

export function saveGroup(
  kind: GroupKind,
  input: { id?: string; name: string; description: string | null },
  client: ApiClient = api,
) {
  const { id, ...fields } = input;
  return id ? client.groups[kind].update.mutate({ id, ...fields }) : client.groups[kind].create.mutate(fields);
}

export function deleteGroup(kind: GroupKind, id: string, client: ApiClient = api) {
  return client.groups[kind].delete.mutate({ id });
}

export function setGroupMembers(kind: GroupKind, id: string, memberIds: string[], client: ApiClient = api) {
  return client.groups[kind].setMembers.mutate({ id, memberIds });
}

/** The machines a machine group's members are picked from (the first 200, by the API's order). */
export function machineOptions(client: ApiClient = api) {
  return client.machines.list.query({ limit: 200, offset: 0 });
}
