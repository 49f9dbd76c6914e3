import { MODULES, P, PERMISSIONS } from '@vmcloud/api/catalog';
import { describe, expect, it } from 'vitest';
import { groupPermissions, pickableCodes } from './permission-groups';

const operator = PERMISSIONS.filter((p) => p.kind === 'operator').map((p) => ({
  code: p.code,
  name: p.name,
  moduleCode: p.moduleCode,
}));

describe('the permission picker sections', () => {
  it('groups permissions by module in the catalogue order, general last', () => {
    const rented = MODULES.map((m) => m.code);
    const sections = groupPermissions([...operator].reverse(), rented);
    expect(sections.map((s) => s.moduleCode)).toEqual([...rented, null]);
    const machine = sections.find((s) => s.moduleCode === 'machine');
    // The machine module carries its own permission, ads and alarms.
    expect(machine?.permissions.map((p) => p.code)).toEqual([P.machine, P.ads, P.alarms]);
    expect(sections.find((s) => s.moduleCode === 'order')?.permissions.map((p) => p.code)).toEqual([
      P.order,
      P.giftCodes,
    ]);
    expect(sections.at(-1)?.permissions.map((p) => p.code)).toEqual([P.renewLease, P.auditLog]);
  });

  it('shows only the modules the tenant rents', () => {
    const sections = groupPermissions(operator, ['finance', 'user']);
    expect(sections.map((s) => s.moduleCode)).toEqual(['user', 'finance', null]);
    expect(sections.flatMap((s) => s.permissions.map((p) => p.code))).toEqual([
      P.user,
      P.customFields,
      P.finance,
      P.paymentAccounts,
      P.renewLease,
      P.auditLog,
    ]);
  });

  it('leaves out a rented module with no permission offered', () => {
    const sections = groupPermissions(
      operator.filter((p) => p.moduleCode !== 'role'),
      ['role', 'user'],
    );
    expect(sections.map((s) => s.moduleCode)).toEqual(['user', null]);
  });

  it("keeps of a role's codes only those the picker shows", () => {
    const sections = groupPermissions(operator, ['user']);
    expect(pickableCodes([P.user, P.profitSettlement, P.renewLease], sections)).toEqual([P.user, P.renewLease]);
  });
});
