import { createRouter, createWebHistory } from 'vue-router';

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes: [
    { path: '/', redirect: { name: 'sign-in' } },
    { path: '/sign-in', name: 'sign-in', component: () => import('../views/auth/sign-in.vue') },
    { path: '/:pathMatch(.*)*', redirect: { name: 'sign-in' } },
  ],
});
