/** Custom fields: types of the custom fields procedures. */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';

export type FieldDefinition = inferRouterOutputs<AppRouter>['customFields']['list'][number];
export type FieldCreateInput = inferRouterInputs<AppRouter>['customFields']['create'];
export type FieldUpdateInput = inferRouterInputs<AppRouter>['customFields']['update'];
export type FieldEntity = FieldCreateInput['entity'];
export type FieldType = FieldCreateInput['type'];

export const FIELD_ENTITIES: readonly FieldEntity[] = ['machine', 'product', 'user'];
export const FIELD_TYPES: readonly FieldType[] = ['text', 'number', 'boolean', 'date', 'select'];
