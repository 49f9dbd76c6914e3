/**
 * The contract of a domain's routes. Each domain exports, from `src/router/routes/<domain>.ts`,
 *
 *     export default [
 *       {
 *         path: '/products',                 // absolute paths
 *         name: 'products',
 *         component: () => import('../../views/products/product-list.vue'),   // lazy: one chunk per page
 *         meta: {
 *           title: 'products.menu.list',     // an i18n key: the menu entry, the tab and the breadcrumb
 *           menu: { area: 'products', order: 10, icon: Goods },   // omit for pages reached by link only
 *           permission: P.product,           // from '@vmcloud/api/catalog'
 *           module: 'product',               // a module code (MODULES), when the page needs one
 *         },
 *       },
 *     ] satisfies ConsoleRoute[];
 *
 * The shell mounts them as children of the signed-in layout, builds the side menu from
 * `meta.menu` (areas in MENU_AREAS order, entries by `order`), hides what the user's
 * permissions or the tenant's modules lack, and renders a refusal that says why when such
 * a page is opened by its URL.
 */
import type { Component } from 'vue';
import type { RouteMeta, RouteRecordRaw } from 'vue-router';

/** The side menu's areas, in the order they are shown; each one's title is `shell.areas.<area>`. */
export const MENU_AREAS = [
  'dashboard',
  'machines',
  'products',
  'stock',
  'sales',
  'finance',
  'marketing',
  'people',
  'system',
] as const;

export type MenuArea = (typeof MENU_AREAS)[number];

/** Where a page sits in the side menu. */
export interface MenuPlacement {
  area: MenuArea;
  /** Position within the area, ascending. */
  order: number;
  /** An icon component (from `@element-plus/icons-vue`). */
  icon?: Component;
}

declare module 'vue-router' {
  interface RouteMeta {
    /** The page's title, an i18n key (`machines.menu.list`). */
    title?: string;
    /** The page's place in the side menu; without it the page is reached by link only. */
    menu?: MenuPlacement;
    /**
     * The permission code (`P.xxx` of `@vmcloud/api/catalog`) the page needs; a list when
     * one page serves both kinds of tenant with a permission of each (any one opens it).
     */
    permission?: string | readonly string[];
    /** The module code (`MODULES[].code`) the tenant must rent for the page. */
    module?: string;
    /**
     * Opens while the tenant is restricted (lease ended or suspended). Only the lease page
     * and the user's own pages have it.
     */
    allowRestricted?: boolean;
    /** Opens without signing in (the sign-in page). */
    public?: boolean;
    /** The page is not kept as a tab (the tab bar shows pages with a title). */
    noTab?: boolean;
  }
}

/** A route of a domain: a child of the signed-in layout, with a title. */
export type ConsoleRoute = RouteRecordRaw & {
  path: string;
  meta: RouteMeta & { title: string };
};
