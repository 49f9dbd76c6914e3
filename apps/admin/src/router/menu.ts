/** The side menu: the routes' `meta.menu`, grouped by area, without what the user may not open. */
import type { Component } from 'vue';
import { refusalOf, type RouteEntry, type Viewer } from './access';
import { MENU_AREAS, type MenuArea } from './types';

export interface MenuItem {
  path: string;
  /** The i18n key of the entry's title. */
  title: string;
  icon?: Component;
}

export interface MenuGroup {
  area: MenuArea;
  /** The i18n key of the area's title (`shell.areas.<area>`). */
  title: string;
  items: MenuItem[];
}

/**
 * The menu `viewer` sees: areas in MENU_AREAS order, each with the entries it may open
 * sorted by `order` (then title key), and no empty area.
 */
export function buildMenu(routes: readonly RouteEntry[], viewer: Viewer): MenuGroup[] {
  const groups: MenuGroup[] = [];
  for (const area of MENU_AREAS) {
    const items = routes
      .filter((r) => r.meta?.menu?.area === area && refusalOf(r.meta, viewer) === null)
      .sort(
        (a, b) =>
          (a.meta?.menu?.order ?? 0) - (b.meta?.menu?.order ?? 0) ||
          (a.meta?.title ?? '').localeCompare(b.meta?.title ?? ''),
      )
      .map((r) => ({ path: r.path, title: r.meta?.title ?? r.path, icon: r.meta?.menu?.icon }));
    if (items.length > 0) groups.push({ area, title: `shell.areas.${area}`, items });
  }
  return groups;
}
