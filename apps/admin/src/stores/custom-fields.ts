/** The custom fields page: the fields of one entity kind (machines, products or users), changed in place. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, failureCode, type ApiClient } from '../api/client';
import type { FieldCreateInput, FieldDefinition, FieldEntity, FieldUpdateInput } from '../api/custom-fields';

export type LoadState = 'loading' | 'error' | 'refused' | 'empty' | 'ready';

export const useCustomFieldsStore = defineStore('customFields', () => {
  let client: ApiClient = api;
  const entity = ref<FieldEntity>('machine');
  const fields = ref<FieldDefinition[]>([]);
  const state = ref<LoadState>('loading');
  const error = ref<unknown>(null);
  let request = 0;

  function useClient(other: ApiClient) {
    client = other;
  }

  async function load() {
    const mine = ++request;
    const of = entity.value;
    state.value = 'loading';
    error.value = null;
    try {
      const found = await client.customFields.list.query({ entity: of });
      if (mine !== request) return;
      fields.value = found;
      state.value = found.length === 0 ? 'empty' : 'ready';
    } catch (e) {
      if (mine !== request) return;
      error.value = e;
      state.value = failureCode(e) === 'FORBIDDEN' ? 'refused' : 'error';
    }
  }

  async function create(input: FieldCreateInput) {
    const saved = await client.customFields.create.mutate(input);
    await load();
    return saved;
  }

  async function update(input: FieldUpdateInput) {
    const saved = await client.customFields.update.mutate(input);
    await load();
    return saved;
  }

  async function remove(id: string) {
    await client.customFields.delete.mutate({ id });
    await load();
  }

  return { entity, fields, state, error, useClient, load, create, update, remove };
});
