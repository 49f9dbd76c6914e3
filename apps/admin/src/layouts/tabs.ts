/** The tabs of the pages opened in this session, as in vben's multi-tab bar. */
import { defineStore } from 'pinia';
import { ref } from 'vue';

export interface PageTab {
  /** The page's path (a tab per path: `/machines/1` and `/machines/2` are two tabs). */
  path: string;
  /** The full path last shown in the tab (with its query), to go back to it as it was. */
  fullPath: string;
  /** The page's title, an i18n key. */
  title: string;
}

export const useTabsStore = defineStore('tabs', () => {
  const tabs = ref<PageTab[]>([]);

  /** Opens (or updates) the tab of a page. */
  function open(tab: PageTab): void {
    const existing = tabs.value.find((t) => t.path === tab.path);
    if (existing) Object.assign(existing, tab);
    else tabs.value.push(tab);
  }

  /** Closes a tab and answers where to go when it was the one shown (its neighbour), else null. */
  function close(path: string, shown: string): string | null {
    const index = tabs.value.findIndex((t) => t.path === path);
    if (index < 0) return null;
    tabs.value.splice(index, 1);
    if (path !== shown) return null;
    const neighbour = tabs.value[index] ?? tabs.value[index - 1];
    return neighbour?.fullPath ?? '/';
  }

  function closeOthers(path: string): void {
    tabs.value = tabs.value.filter((t) => t.path === path);
  }

  function clear(): void {
    tabs.value = [];
  }

  return { tabs, open, close, closeOthers, clear };
});
