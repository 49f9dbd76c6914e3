import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ELEMENT_LOCALES, MESSAGES, pickLocale, type Locale } from '../locales';

const STORAGE_KEY = 'vmcloud.locale';

function readStoredLocale(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

function storeLocale(locale: Locale): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Storage can be unavailable (private browsing, disabled cookies): the choice then lasts for this page only.
  }
}

export const useLocaleStore = defineStore('locale', () => {
  const locale = ref<Locale>(pickLocale(readStoredLocale(), navigator.languages));
  const messages = computed(() => MESSAGES[locale.value]);
  const elementLocale = computed(() => ELEMENT_LOCALES[locale.value]);

  function setLocale(next: Locale): void {
    locale.value = next;
    storeLocale(next);
  }

  return { locale, messages, elementLocale, setLocale };
});
