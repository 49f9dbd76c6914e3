import { P } from '@vmcloud/api/catalog';
import { describe, expect, it } from 'vitest';
import type { RouteEntry, Viewer } from './access';
import { buildMenu } from './menu';

const routes: RouteEntry[] = [
  {
    path: '/people/roles',
    meta: { title: 'people.menu.roles', permission: P.role, menu: { area: 'people', order: 20 } },
  },
  {
    path: '/people/users',
    meta: { title: 'people.menu.users', permission: P.user, menu: { area: 'people', order: 10 } },
  },
  { path: '/dashboard', meta: { title: 'dashboard.menu.home', menu: { area: 'dashboard', order: 0 } } },
  {
    path: '/machines',
    meta: { title: 'machines.menu.list', permission: P.machine, menu: { area: 'machines', order: 10 } },
  },
  { path: '/machines/:id', meta: { title: 'machines.page.title', permission: P.machine } },
  { path: '/alarms', meta: { title: 'alarms.menu.list', permission: P.alarms, menu: { area: 'machines', order: 30 } } },
  {
    path: '/stock/printing',
    meta: {
      title: 'stock.menu.printing',
      permission: P.listPrinting,
      module: 'list_printing',
      menu: { area: 'stock', order: 5 },
    },
  },
  {
    path: '/lease',
    meta: {
      title: 'lease.menu.lease',
      permission: P.renewLease,
      allowRestricted: true,
      menu: { area: 'system', order: 90 },
    },
  },
];

const admin: Viewer = {
  permissions: [P.user, P.role, P.machine, P.alarms, P.renewLease],
  modules: ['user', 'role', 'machine'],
  restricted: null,
  mustChangePassword: false,
};

describe('buildMenu', () => {
  it('groups pages by area in the areas order, each sorted, leaving out link-only pages', () => {
    expect(buildMenu(routes, admin)).toEqual([
      {
        area: 'dashboard',
        title: 'shell.areas.dashboard',
        items: [{ path: '/dashboard', title: 'dashboard.menu.home' }],
      },
      {
        area: 'machines',
        title: 'shell.areas.machines',
        items: [
          { path: '/machines', title: 'machines.menu.list' },
          { path: '/alarms', title: 'alarms.menu.list' },
        ],
      },
      {
        area: 'people',
        title: 'shell.areas.people',
        items: [
          { path: '/people/users', title: 'people.menu.users' },
          { path: '/people/roles', title: 'people.menu.roles' },
        ],
      },
      { area: 'system', title: 'shell.areas.system', items: [{ path: '/lease', title: 'lease.menu.lease' }] },
    ]);
  });

  it('hides pages whose permission the user lacks or whose module the tenant does not rent', () => {
    const withPrinting = { ...admin, permissions: [...admin.permissions, P.listPrinting] };
    expect(buildMenu(routes, withPrinting).map((g) => g.area)).not.toContain('stock');
    const renting = { ...withPrinting, modules: [...admin.modules, 'list_printing'] };
    expect(buildMenu(routes, renting).find((g) => g.area === 'stock')?.items).toEqual([
      { path: '/stock/printing', title: 'stock.menu.printing' },
    ]);
    const staff: Viewer = { ...admin, permissions: [] };
    expect(buildMenu(routes, staff)).toEqual([
      {
        area: 'dashboard',
        title: 'shell.areas.dashboard',
        items: [{ path: '/dashboard', title: 'dashboard.menu.home' }],
      },
    ]);
  });

  it('shows only what opens while the tenant is restricted', () => {
    expect(buildMenu(routes, { ...admin, restricted: 'expired' })).toEqual([
      { area: 'system', title: 'shell.areas.system', items: [{ path: '/lease', title: 'lease.menu.lease' }] },
    ]);
  });
});
