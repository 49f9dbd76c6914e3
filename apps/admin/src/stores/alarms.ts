/**
 * Alarms: acknowledging one and handing a machine's alarms to a field worker (the machine's
 * responsible worker, `machines.assignStaff`). `changes` counts what this console changed,
 * so that every list of alarms on screen reloads after an action taken in another.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { acknowledgeAlarm } from '../api/alarms';
import { api, type ApiClient } from '../api/client';

export const useAlarmsStore = defineStore('alarms', () => {
  const changes = ref(0);
  /** Alarm ids being acknowledged, for the buttons' loading state. */
  const acknowledging = ref(new Set<string>());

  async function acknowledge(alarmId: string, client?: ApiClient): Promise<void> {
    acknowledging.value = new Set([...acknowledging.value, alarmId]);
    try {
      await acknowledgeAlarm(alarmId, client);
      changes.value += 1;
    } finally {
      const next = new Set(acknowledging.value);
      next.delete(alarmId);
      acknowledging.value = next;
    }
  }

  /** Makes `staffId` the field worker of the alarm's machine. */
  async function assign(machineId: string, staffId: string | null, client: ApiClient = api): Promise<void> {
    await client.machines.assignStaff.mutate({ machineId, staffId });
    changes.value += 1;
  }

  return { changes, acknowledging, acknowledge, assign };
});
