/** People: users, roles, staff and machine groups. */
import { Avatar, Key, User } from '@element-plus/icons-vue';
import { P } from '@vmcloud/api/catalog';
import type { ConsoleRoute } from '../types';

export default [
  {
    path: '/people/users',
    name: 'people-users',
    component: () => import('../../views/people/users.vue'),
    meta: {
      title: 'people.menu.users',
      menu: { area: 'people', order: 10, icon: User },
      permission: P.user,
      module: 'user',
    },
  },
  {
    path: '/people/roles',
    name: 'people-roles',
    component: () => import('../../views/people/roles.vue'),
    meta: {
      title: 'people.menu.roles',
      menu: { area: 'people', order: 20, icon: Key },
      permission: P.role,
      module: 'role',
    },
  },
  {
    path: '/people/groups',
    name: 'people-groups',
    component: () => import('../../views/people/groups.vue'),
    meta: {
      title: 'people.menu.groups',
      menu: { area: 'people', order: 30, icon: Avatar },
      permission: P.userGroup,
      module: 'user_group',
    },
  },
] satisfies ConsoleRoute[];
