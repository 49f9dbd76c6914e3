/**
 * Alarms: acknowledging one, assigning one to a field worker and recording its repair.
 * `changes` counts what this console changed, so that every list of alarms on screen
 * reloads after an action taken in another.
 */
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { acknowledgeAlarm, assignAlarm, fetchFieldStaff, recordAlarmRepair, type FieldWorker } from '../api/alarms';
import { api, type ApiClient } from '../api/client';

export const useAlarmsStore = defineStore('alarms', () => {
  const changes = ref(0);
  /** Alarm ids being acknowledged, for the buttons' loading state. */
  const acknowledging = ref(new Set<string>());
  /** The active field staff an alarm can be assigned to (loaded by `loadFieldStaff`). */
  const fieldStaff = shallowRef<FieldWorker[]>([]);
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

  /** Loads the field staff; a failure leaves the list as it was and is thrown. */
  async function loadFieldStaff(): Promise<void> {
    fieldStaff.value = await fetchFieldStaff(client.value);
  }

  /** Assigns the alarm to the field worker `userId`, or (null) to nobody. */
  async function assign(alarmId: string, userId: string | null): Promise<void> {
    await assignAlarm(alarmId, userId, client.value);
    changes.value += 1;
  }

  /** Records the repair made for the alarm (which resolves it). */
  async function recordRepair(alarmId: string, note: string): Promise<void> {
    await recordAlarmRepair(alarmId, note, client.value);
    changes.value += 1;
  }

  return {
    client,
    changes,
    acknowledging,
    fieldStaff,
    acknowledge,
    loadFieldStaff,
    assign,
    recordRepair,
    useClient,
  };
});
