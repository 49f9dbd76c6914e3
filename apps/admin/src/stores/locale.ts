import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { ELEMENT_LOCALES, i18n, pickLocale, type Locale } from '../locales';

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

/** The console's language: the user's choice, kept in the browser; vue-i18n and Element Plus follow it. */
export const useLocaleStore = defineStore('locale', () => {
  const locale = ref<Locale>(pickLocale(readStoredLocale(), navigator.languages));
  const elementLocale = computed(() => ELEMENT_LOCALES[locale.value]);
  i18n.global.locale.value = locale.value;

  function setLocale(next: Locale): void {
    locale.value = next;
    i18n.global.locale.value = next;
    storeLocale(next);
  }

  return { locale, elementLocale, setLocale };
});
