/** The signed-in user's own pages: open to everyone, also while the tenant may only renew. */
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/welcome',
    name: 'welcome',
    component: () => import('../../views/account/welcome.vue'),
    meta: { title: 'account.menu.home', allowRestricted: true },
  },
  {
    path: '/account/profile',
    name: 'profile',
    component: () => import('../../views/account/profile.vue'),
    meta: { title: 'account.menu.profile', allowRestricted: true },
  },
  {
    path: '/account/password',
    name: 'change-password',
    component: () => import('../../views/account/change-password.vue'),
    meta: { title: 'account.menu.changePassword', allowRestricted: true },
  },
] satisfies ConsoleRoute[];
