import { P } from '@vmcloud/api/catalog';
import { describe, expect, it } from 'vitest';
import type { RouteMeta } from 'vue-router';
import {
  guardDecision,
  homePath,
  refusalOf,
  safeRedirect,
  type GuardSession,
  type GuardTarget,
  type RouteEntry,
  type Viewer,
} from './access';

const staff: Viewer = {
  permissions: [P.myTurnover, P.myMachines, P.myInventory, P.transfer],
  modules: ['my_turnover', 'my_machines', 'my_inventory', 'transfer', 'product', 'order'],
  restricted: null,
  mustChangePassword: false,
};

describe('refusalOf', () => {
  it('lets a page without requirements open', () => {
    expect(refusalOf({}, staff)).toBeNull();
    expect(refusalOf({ permission: P.transfer, module: 'transfer' }, staff)).toBeNull();
  });

  it('names the missing permission', () => {
    expect(refusalOf({ permission: P.product }, staff)).toEqual({ kind: 'permission', permission: P.product });
  });

  it('opens a page of both kinds of tenant with either permission, and names the one of the viewer’s kind', () => {
    const both = { permission: [P.auditLog, P.viewAuditLog] } as const;
    expect(refusalOf(both, { ...staff, permissions: [P.auditLog] })).toBeNull();
    expect(refusalOf(both, { ...staff, permissions: [P.viewAuditLog, P.viewTenants] })).toBeNull();
    expect(refusalOf(both, staff)).toEqual({ kind: 'permission', permission: P.auditLog });
    expect(refusalOf(both, { ...staff, permissions: [P.viewTenants] })).toEqual({
      kind: 'permission',
      permission: P.viewAuditLog,
    });
  });

  it('says the module is not rented, for the page or for its permission', () => {
    expect(refusalOf({ module: 'finance' }, staff)).toEqual({ kind: 'module', module: 'finance' });
    // The API never grants the permission of a module the tenant does not rent: say so.
    expect(refusalOf({ permission: P.listPrinting }, staff)).toEqual({ kind: 'module', module: 'list_printing' });
    expect(refusalOf({ permission: P.paymentAccounts }, staff)).toEqual({ kind: 'module', module: 'finance' });
  });

  it('allows only the pages open while restricted when the lease has ended', () => {
    const expired: Viewer = { ...staff, restricted: 'expired' };
    expect(refusalOf({ permission: P.transfer }, expired)).toEqual({ kind: 'restricted', restriction: 'expired' });
    expect(refusalOf({ allowRestricted: true }, expired)).toBeNull();
    expect(refusalOf({ allowRestricted: true, permission: P.renewLease }, expired)).toEqual({
      kind: 'permission',
      permission: P.renewLease,
    });
  });
});

const routes: RouteEntry[] = [
  { path: '/welcome', meta: { allowRestricted: true } },
  { path: '/dashboard', meta: { permission: P.order, menu: { area: 'dashboard', order: 0 } } },
  { path: '/my/machines', meta: { permission: P.myMachines, menu: { area: 'machines', order: 20 } } },
  { path: '/transfers', meta: { permission: P.transfer, menu: { area: 'stock', order: 30 } } },
  { path: '/my/inventory', meta: { permission: P.myInventory, menu: { area: 'stock', order: 20 } } },
  { path: '/lease', meta: { permission: P.renewLease, allowRestricted: true, menu: { area: 'system', order: 90 } } },
];

describe('homePath', () => {
  it('is the dashboard for whoever may open it', () => {
    expect(homePath(routes, { ...staff, permissions: [...staff.permissions, P.order] })).toBe('/dashboard');
  });

  it('is the first page of the menu otherwise, and the welcome page when there is none', () => {
    expect(homePath(routes, staff)).toBe('/my/machines');
    expect(homePath(routes, { ...staff, permissions: [P.transfer, P.myInventory] })).toBe('/my/inventory');
    expect(homePath(routes, { ...staff, permissions: [] })).toBe('/welcome');
  });

  it('is the lease page while restricted, when the user may renew', () => {
    const expired: Viewer = { ...staff, restricted: 'expired' };
    expect(homePath(routes, { ...expired, permissions: [P.renewLease] })).toBe('/lease');
    expect(homePath(routes, expired)).toBe('/welcome');
  });
});

describe('safeRedirect', () => {
  it('keeps paths of the console and nothing else', () => {
    expect(safeRedirect('/machines?page=2')).toBe('/machines?page=2');
    expect(safeRedirect('//evil.example/x')).toBeNull();
    expect(safeRedirect('/\\evil.example')).toBeNull();
    expect(safeRedirect('https://evil.example')).toBeNull();
    expect(safeRedirect('/sign-in?redirect=/x')).toBeNull();
    expect(safeRedirect(['/a'])).toBeNull();
  });
});

function target(fullPath: string, meta: RouteMeta = {}): GuardTarget {
  const url = new URL(fullPath, 'http://console');
  return { path: url.pathname, fullPath, meta, query: Object.fromEntries(url.searchParams) };
}

const signedIn = (viewer: Viewer = staff): GuardSession => ({ status: 'signed-in', viewer });
const home = () => '/transfers';

describe('guardDecision', () => {
  it('sends a signed-out user to sign in, to come back afterwards', () => {
    expect(guardDecision(target('/orders?status=paid'), { status: 'signed-out' }, home)).toEqual({
      kind: 'redirect',
      to: { path: '/sign-in', query: { redirect: '/orders?status=paid' } },
    });
    expect(guardDecision(target('/'), { status: 'signed-out' }, home)).toEqual({
      kind: 'redirect',
      to: { path: '/sign-in', query: {} },
    });
    expect(guardDecision(target('/sign-in', { public: true }), { status: 'signed-out' }, home)).toEqual({
      kind: 'allow',
    });
  });

  it('sends a signed-in user from the sign-in page to where they were going, or home', () => {
    expect(guardDecision(target('/sign-in?redirect=/orders', { public: true }), signedIn(), home)).toEqual({
      kind: 'redirect',
      to: '/orders',
    });
    expect(guardDecision(target('/sign-in', { public: true }), signedIn(), home)).toEqual({
      kind: 'redirect',
      to: '/transfers',
    });
    expect(guardDecision(target('/'), signedIn(), home)).toEqual({ kind: 'redirect', to: '/transfers' });
  });

  it('leads every page to the password change while one is due', () => {
    const due = signedIn({ ...staff, mustChangePassword: true });
    expect(guardDecision(target('/transfers'), due, home)).toEqual({
      kind: 'redirect',
      to: { path: '/account/password', query: { redirect: '/transfers' } },
    });
    expect(guardDecision(target('/sign-in?redirect=/orders', { public: true }), due, home)).toEqual({
      kind: 'redirect',
      to: { path: '/account/password', query: { redirect: '/orders' } },
    });
    expect(guardDecision(target('/account/password?redirect=/orders'), due, home)).toEqual({ kind: 'allow' });
  });

  it('lets a refused page open, for the layout to say why', () => {
    expect(guardDecision(target('/finance', { permission: P.finance }), signedIn(), home)).toEqual({ kind: 'allow' });
  });

  it('lets the shell show its error screen when the API cannot be reached', () => {
    expect(guardDecision(target('/orders'), { status: 'unreachable' }, home)).toEqual({ kind: 'allow' });
  });
});
