/**
 * The console's router. Each domain's routes come from `./routes/<domain>.ts` (see
 * `./types.ts`) and become children of the signed-in layout; the guard (`./access.ts`)
 * sends signed-out users to sign in and a forced password change before anything else.
 */
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { useSessionStore } from '../stores/session';
import { guardDecision, homePath, SIGN_IN_PATH, type GuardSession, type Viewer } from './access';
import type { ConsoleRoute } from './types';

const modules = import.meta.glob<{ default: ConsoleRoute[] }>(['./routes/*.ts', '!./routes/*.test.ts'], {
  eager: true,
});

/** Every domain's pages, in file name order. */
export const consoleRoutes: readonly ConsoleRoute[] = Object.keys(modules)
  .sort()
  .flatMap((path) => modules[path]?.default ?? []);

const routes: RouteRecordRaw[] = [
  {
    path: SIGN_IN_PATH,
    name: 'sign-in',
    component: () => import('../views/auth/sign-in.vue'),
    meta: { public: true, title: 'auth.signIn.title' },
  },
  {
    path: '/',
    component: () => import('../layouts/console-layout.vue'),
    children: [
      // Replaced by the guard with the user's home.
      { path: '', name: 'home', component: () => import('../views/account/welcome.vue'), meta: { noTab: true } },
      ...consoleRoutes,
      {
        path: ':pathMatch(.*)*',
        name: 'not-found',
        component: () => import('../views/not-found.vue'),
        meta: { title: 'shell.notFound.title', allowRestricted: true, noTab: true },
      },
    ],
  },
];

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
});

/** `auth.me` as the access rules see it. */
export function viewerOf(me: Viewer): Viewer {
  return {
    permissions: me.permissions,
    modules: me.modules,
    restricted: me.restricted,
    mustChangePassword: me.mustChangePassword,
  };
}

router.beforeEach(async (to) => {
  const session = useSessionStore();
  await session.load();
  const state: GuardSession =
    session.status === 'signed-in' && session.me
      ? { status: 'signed-in', viewer: viewerOf(session.me) }
      : session.status === 'unreachable'
        ? { status: 'unreachable' }
        : { status: 'signed-out' };
  const decision = guardDecision(to, state, () => (session.me ? homePath(consoleRoutes, viewerOf(session.me)) : '/'));
  return decision.kind === 'allow' ? true : decision.to;
});
