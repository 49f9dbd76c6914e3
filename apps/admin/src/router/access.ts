/**
 * Who may open which page, as pure functions of the route's meta and the signed-in user,
 * so that the guard, the menu and the refusal page agree and can be tested without a browser.
 */
import { PERMISSIONS } from '@vmcloud/api/catalog';
import type { RouteLocationRaw, RouteMeta } from 'vue-router';
import { MENU_AREAS } from './types';

/** What the access rules need of `auth.me`. */
export interface Viewer {
  permissions: readonly string[];
  modules: readonly string[];
  restricted: 'expired' | 'suspended' | null;
  mustChangePassword: boolean;
}

/** Why a page is refused. */
export type Refusal =
  /** The user lacks the permission. */
  | { kind: 'permission'; permission: string }
  /** The tenant does not rent the module (the page's own, or its permission's). */
  | { kind: 'module'; module: string }
  /** The tenant's lease has ended or the tenant is suspended: only the lease page opens. */
  | { kind: 'restricted'; restriction: 'expired' | 'suspended' };

const MODULE_OF_PERMISSION: ReadonlyMap<string, string | null> = new Map(
  PERMISSIONS.map((p) => [p.code, p.moduleCode]),
);

/** Why `viewer` may not open a page with `meta`, or null when they may. */
export function refusalOf(meta: RouteMeta, viewer: Viewer): Refusal | null {
  if (viewer.restricted && !meta.allowRestricted) return { kind: 'restricted', restriction: viewer.restricted };
  if (meta.module && !viewer.modules.includes(meta.module)) return { kind: 'module', module: meta.module };
  const wanted = typeof meta.permission === 'string' ? [meta.permission] : (meta.permission ?? []);
  if (wanted.length > 0 && !wanted.some((p) => viewer.permissions.includes(p))) {
    // Of a page's permissions, name the one of the viewer's kind of tenant.
    const permission = wanted.find((p) => KIND_OF_PERMISSION.get(p) === kindOf(viewer)) ?? (wanted[0] as string);
    // The API gives a user only the permissions of rented modules: say what really stops them.
    const module = MODULE_OF_PERMISSION.get(permission);
    if (module && !viewer.modules.includes(module)) return { kind: 'module', module };
    return { kind: 'permission', permission };
  }
  return null;
}

const KIND_OF_PERMISSION: ReadonlyMap<string, string> = new Map(PERMISSIONS.map((p) => [p.code, p.kind]));

/** The kind of the viewer's tenant, as the permissions it holds tell (all of one kind), if any. */
const kindOf = (viewer: Viewer) => viewer.permissions.map((p) => KIND_OF_PERMISSION.get(p)).find((k) => k);

/** A route as the access rules see it. */
export interface RouteEntry {
  path: string;
  meta?: RouteMeta;
}

export const SIGN_IN_PATH = '/sign-in';
export const CHANGE_PASSWORD_PATH = '/account/password';
export const DASHBOARD_PATH = '/dashboard';
export const LEASE_PATH = '/lease';
/** The welcome page, for a user who may open nothing else. */
export const WELCOME_PATH = '/welcome';

/**
 * Where "home" is for `viewer`: the lease page for a restricted tenant, else the dashboard
 * when they may open it, else the first page of their menu, else the welcome page.
 */
export function homePath(routes: readonly RouteEntry[], viewer: Viewer): string {
  const opens = (path: string) => {
    const route = routes.find((r) => r.path === path);
    return route !== undefined && refusalOf(route.meta ?? {}, viewer) === null;
  };
  if (viewer.restricted) return opens(LEASE_PATH) ? LEASE_PATH : WELCOME_PATH;
  if (opens(DASHBOARD_PATH)) return DASHBOARD_PATH;
  const first = routes
    .filter((r) => r.meta?.menu && refusalOf(r.meta, viewer) === null)
    .sort((a, b) => rankOf(a) - rankOf(b))[0];
  return first?.path ?? WELCOME_PATH;
}

/** A menu page's place in the whole menu: its area's, then its own order. */
function rankOf(route: RouteEntry): number {
  const menu = route.meta?.menu;
  return menu ? MENU_AREAS.indexOf(menu.area) * 1_000_000 + menu.order : Number.MAX_SAFE_INTEGER;
}

/** A place to go back to after signing in: a path of this console, never another site. */
export function safeRedirect(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
    return null;
  }
  return value.startsWith(SIGN_IN_PATH) ? null : value;
}

/** Where a navigation goes, as the guard decides it. */
export type GuardDecision = { kind: 'allow' } | { kind: 'redirect'; to: RouteLocationRaw };

export interface GuardTarget {
  path: string;
  fullPath: string;
  meta: RouteMeta;
  query: Record<string, unknown>;
}

export type GuardSession =
  | { status: 'signed-in'; viewer: Viewer }
  | { status: 'signed-out' }
  /** The API could not be asked: the shell shows its own error screen over any page. */
  | { status: 'unreachable' };

const ALLOW: GuardDecision = { kind: 'allow' };

/**
 * The router guard's decision. A signed-out user goes to sign in (coming back afterwards);
 * a signed-in one is sent away from the sign-in page; a forced password change comes
 * before anything else; `/` is the user's home. A page the user may not open is allowed
 * here and rendered as a refusal by the layout, so that the address stays what was asked.
 */
export function guardDecision(to: GuardTarget, session: GuardSession, home: () => string): GuardDecision {
  if (session.status === 'unreachable') return ALLOW;
  if (session.status === 'signed-out') {
    if (to.meta.public) return ALLOW;
    const redirect = safeRedirect(to.fullPath);
    return {
      kind: 'redirect',
      to: { path: SIGN_IN_PATH, query: redirect && redirect !== '/' ? { redirect } : {} },
    };
  }
  const { viewer } = session;
  if (viewer.mustChangePassword) {
    if (to.path === CHANGE_PASSWORD_PATH) return ALLOW;
    const redirect = to.meta.public ? safeRedirect(to.query.redirect) : safeRedirect(to.fullPath);
    return {
      kind: 'redirect',
      to: { path: CHANGE_PASSWORD_PATH, query: redirect && redirect !== '/' ? { redirect } : {} },
    };
  }
  if (to.meta.public) return { kind: 'redirect', to: safeRedirect(to.query.redirect) ?? home() };
  if (to.path === '/') return { kind: 'redirect', to: home() };
  return ALLOW;
}
