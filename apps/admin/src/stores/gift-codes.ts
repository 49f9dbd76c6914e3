/** The gift-code rules, shared by the codes list (its rule filter and names), the rules tab and the issue dialog. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { listRules, type GiftCodeRule } from '../api/gift-codes';

export const useGiftCodeRulesStore = defineStore('gift-code-rules', () => {
  const rules = ref<GiftCodeRule[]>([]);
  const loading = ref(false);
  const error = ref<unknown>(null);
  const loaded = ref(false);

  const nameOf = computed(() => new Map(rules.value.map((r) => [r.id, r.name])));
  const enabled = computed(() => rules.value.filter((r) => r.enabled));

  async function load(): Promise<void> {
    loading.value = true;
    error.value = null;
    try {
      rules.value = await listRules();
    } catch (e) {
      error.value = e;
    } finally {
      loading.value = false;
      loaded.value = true;
    }
  }

  return { rules, loading, error, loaded, nameOf, enabled, load };
});
