/** The ads page: the operator's ads (optionally those one machine plays), uploads, and which machines play each. */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api, failureCode, type ApiClient } from '../api/client';
import type { Ad, AdUploadInput } from '../api/ads';

export type LoadState = 'loading' | 'error' | 'refused' | 'empty' | 'ready';

export interface MachineOption {
  id: string;
  label: string;
}

export const useAdsStore = defineStore('ads', () => {
  let client: ApiClient = api;
  const machineId = ref('');
  const page = ref(1);
  const pageSize = ref(20);
  const total = ref(0);
  const rows = ref<Ad[]>([]);
  const state = ref<LoadState>('loading');
  const error = ref<unknown>(null);
  /** The fleet's machines by id, for names and the assign picker. */
  const machines = ref<MachineOption[]>([]);
  let request = 0;

  function useClient(other: ApiClient) {
    client = other;
  }

  async function load() {
    const mine = ++request;
    state.value = 'loading';
    error.value = null;
    try {
      const result = await client.ads.list.query({
        machineId: machineId.value || undefined,
        limit: pageSize.value,
        offset: (page.value - 1) * pageSize.value,
      });
      if (mine !== request) return;
      rows.value = result.items;
      total.value = result.total;
      state.value = result.items.length === 0 ? 'empty' : 'ready';
    } catch (e) {
      if (mine !== request) return;
      error.value = e;
      state.value = failureCode(e) === 'FORBIDDEN' ? 'refused' : 'error';
    }
  }

  /** The first 200 machines of the fleet (the ads page names them and assigns to them). */
  async function loadMachines() {
    try {
      const result = await client.machines.list.query({ limit: 200 });
      machines.value = result.items.map((m) => ({ id: m.id, label: m.name ? `${m.name} (${m.boardId})` : m.boardId }));
    } catch {
      machines.value = [];
    }
  }

  function machineLabel(id: string): string {
    return machines.value.find((m) => m.id === id)?.label ?? id.slice(0, 8);
  }

  function search() {
    page.value = 1;
    return load();
  }

  async function upload(input: AdUploadInput) {
    const ad = await client.ads.upload.mutate(input);
    await search();
    return ad;
  }

  /** Has machines play the ad at `sortOrder`; answers the ad as it is now. */
  async function assign(adId: string, machineIds: string[], sortOrder: number) {
    const ad = await client.ads.assign.mutate({ adId, machineIds, sortOrder });
    replace(ad);
    return ad;
  }

  async function unassign(adId: string, machine: string) {
    const ad = await client.ads.unassign.mutate({ adId, machineId: machine });
    replace(ad);
    return ad;
  }

  async function remove(adId: string) {
    await client.ads.delete.mutate({ adId });
    await load();
  }

  function replace(ad: Ad) {
    rows.value = rows.value.map((r) => (r.id === ad.id ? ad : r));
  }

  return {
    machineId,
    page,
    pageSize,
    total,
    rows,
    state,
    error,
    machines,
    useClient,
    load,
    loadMachines,
    machineLabel,
    search,
    upload,
    assign,
    unassign,
    remove,
  };
});
