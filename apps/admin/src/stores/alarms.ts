/**
 * Alarms: acknowledging one and handing a machine's alarms to a field worker (the machine's
 * responsible worker, `machines.assignStaff`). `changes` counts what this console changed,
 * so that every list of alarms on screen reloads after an action taken in another.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { acknowledgeAlarm } from '../api/alarms';
import { api, type ApiClient } from '../api/client';

export const useAlarmsStore = defineStore('alarms', () => {
  const changes = ref(0);
  /** Alarm ids being acknowledged, for the buttons' loading state. */
  const acknowledging = ref(new Set<string>());
  /** The API client of the alarm pages (another one in component tests). */
  const client = shallowRef<ApiClient>(api);
  function useClient(other: ApiClient): void {
    client.value = other;
  }

  async function acknowledge(alarmId: string): Promise<void> {
    acknowledging.value = new Set([...acknowledging.value, alarmId]);
    try {
      await acknowledgeAlarm(alarmId, client.value);
      changes.value += 1;
    } finally {
      const next = new Set(acknowledging.value);
      next.delete(alarmId);
      acknowledging.value = next;
    }
  }

  /** Makes `staffId` the field worker of the alarm's machine. */
  async function assign(machineId: string, staffId: string | null): Promise<void> {
    await client.value.machines.assignStaff.mutate({ machineId, staffId });
    changes.value += 1;
  }

  return { client, changes, acknowledging, acknowledge, assign, useClient };
});
