import { TRPCError } from '@trpc/server';
import { eq, type Row, type Tables } from '@vmcloud/db';
import { testDialects } from '@vmcloud/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApi, DEMO_CODE, tenantIdOf, type Caller, type TestApi } from '../testing.js';

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

const DAY = 86_400_000;

for (const { dialect, skip } of testDialects()) {
  describe.skipIf(skip !== undefined)(`[${dialect}] gift codes`, () => {
    let api: TestApi;
    let tenantId: string;
    let admin: Caller;
    let seededCodes: Row<Tables['giftCodes']>[];
    let seededRule: Row<Tables['giftCodeRules']>;
    let clock = Date.now();

    beforeAll(async () => {
      api = await createTestApi(dialect, { now: () => new Date(clock) });
      tenantId = await tenantIdOf(api.db, DEMO_CODE);
      admin = await api.signIn(DEMO_CODE, 'admin');
      const scope = api.db.forTenant(tenantId);
      seededCodes = await scope.giftCodes.find();
      seededRule = (await scope.giftCodeRules.find())[0] as Row<Tables['giftCodeRules']>;
    });
    afterAll(async () => {
      await api?.close();
    });

    it('lists the rules with their active codes', async () => {
      const rules = await admin.giftCodes.rules({});
      expect(rules).toHaveLength(1);
      const active = seededCodes.filter((c) => c.status === 'active' && c.expiresAt.getTime() > clock);
      expect(active.length).toBeGreaterThan(0);
      expect(rules[0]).toMatchObject({ id: seededRule.id, name: seededRule.name, activeCodes: active.length });
    });

    it('adds and changes rules, refusing duplicates and thresholds that do not fit the trigger', async () => {
      const rule = await admin.giftCodes.createRule({ name: '开业赠饮', value: 300, validDays: 7 });
      expect(rule).toMatchObject({ trigger: 'manual', threshold: 0, value: 300, validDays: 7, enabled: true });
      const audit = await api.db.forTenant(tenantId).auditLog.findOne((a) => eq(a.entityId, rule.id));
      expect(audit?.action).toBe('giftCodes.createRule');
      const duplicate = await failure(admin.giftCodes.createRule({ name: '开业赠饮', value: 100, validDays: 1 }));
      expect(duplicate.code).toBe('CONFLICT');
      expect(duplicate.message).toBe('name: a rule named 开业赠饮 already exists');
      const threshold = await failure(
        admin.giftCodes.createRule({ name: '满额送', trigger: 'order_amount_at_least', value: 300, validDays: 7 }),
      );
      expect(threshold.code).toBe('BAD_REQUEST');
      expect(threshold.message).toBe('threshold: must be an amount of at least 1 fen for this trigger');
      const zero = await failure(admin.giftCodes.createRule({ name: '零元', value: 0, validDays: 7 }));
      expect(zero.message).toBe('value: must be at least 1 fen');

      const changed = await admin.giftCodes.updateRule({ id: rule.id, validDays: 10, enabled: false });
      expect(changed).toMatchObject({ name: '开业赠饮', validDays: 10, enabled: false });
      const stored = await api.db.forTenant(tenantId).giftCodeRules.get(rule.id);
      expect([stored?.validDays, stored?.enabled]).toEqual([10, false]);
      const disabled = await failure(admin.giftCodes.issue({ ruleId: rule.id, count: 1 }));
      expect(disabled.code).toBe('BAD_REQUEST');
      expect(disabled.message).toBe('ruleId: the rule 开业赠饮 is disabled');
      const rename = await failure(admin.giftCodes.updateRule({ id: rule.id, name: seededRule.name }));
      expect(rename.code).toBe('CONFLICT');
    });

    it('issues unguessable unique codes from a rule and pages through them', async () => {
      const rule = await admin.giftCodes.createRule({ name: '客服补偿', value: 650, validDays: 15 });
      const issued = await admin.giftCodes.issue({ ruleId: rule.id, count: 45, uses: 2 });
      expect(issued).toHaveLength(45);
      expect(new Set(issued.map((c) => c.code)).size).toBe(45);
      for (const code of issued) {
        expect(code.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
        expect(code).toMatchObject({ ruleId: rule.id, value: 650, quantity: 2, status: 'active' });
        expect(Date.parse(code.expiresAt)).toBe(clock + 15 * DAY);
      }
      const stored = await api.db.forTenant(tenantId).giftCodes.find({ where: (g) => eq(g.ruleId, rule.id) });
      expect(stored.map((c) => c.code).sort()).toEqual(issued.map((c) => c.code).sort());
      const audit = await api.db.forTenant(tenantId).auditLog.findOne((a) => eq(a.action, 'giftCodes.issue'));
      expect(audit?.after).toMatchObject({ ruleId: rule.id, count: 45, uses: 2 });

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: Awaited<ReturnType<Caller['giftCodes']['list']>> = await admin.giftCodes.list({
          ruleId: rule.id,
          limit: 20,
          cursor,
        });
        seen.push(...page.items.map((c) => c.id));
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen.sort()).toEqual(stored.map((c) => c.id).sort());

      const redeemed = await admin.giftCodes.list({ status: 'redeemed' });
      expect(redeemed.items.map((c) => c.id)).toEqual(
        seededCodes.filter((c) => c.status === 'redeemed').map((c) => c.id),
      );
    });

    it('voids an active code once, never a redeemed or expired one', async () => {
      const active = seededCodes.find((c) => c.status === 'active') as Row<Tables['giftCodes']>;
      const voided = await admin.giftCodes.void({ id: active.id });
      expect(voided.status).toBe('void');
      expect((await api.db.forTenant(tenantId).giftCodes.get(active.id))?.status).toBe('void');
      const audit = await api.db.forTenant(tenantId).auditLog.findOne((a) => eq(a.action, 'giftCodes.void'));
      expect(audit?.entityId).toBe(active.id);
      expect((audit?.before as { status: string }).status).toBe('active');

      const again = await failure(admin.giftCodes.void({ id: active.id }));
      expect(again.code).toBe('BAD_REQUEST');
      expect(again.message).toBe('id: the code is void and cannot be voided');
      const redeemed = seededCodes.find((c) => c.status === 'redeemed') as Row<Tables['giftCodes']>;
      expect((await failure(admin.giftCodes.void({ id: redeemed.id }))).message).toBe(
        'id: the code is redeemed and cannot be voided',
      );

      // Past its expiry an active code shows as expired and cannot be voided.
      const later = seededCodes.filter((c) => c.status === 'active' && c.id !== active.id);
      const soonest = later.reduce((a, b) => (a.expiresAt < b.expiresAt ? a : b));
      clock = soonest.expiresAt.getTime() + 1000;
      const afterExpiry = await api.signIn(DEMO_CODE, 'admin');
      const expired = await afterExpiry.giftCodes.list({ status: 'expired', ruleId: seededRule.id });
      expect(expired.items.map((c) => c.id)).toContain(soonest.id);
      expect(expired.items.every((c) => c.status === 'expired')).toBe(true);
      expect((await failure(afterExpiry.giftCodes.void({ id: soonest.id }))).message).toBe(
        'id: the code is expired and cannot be voided',
      );
      const stillActive = await afterExpiry.giftCodes.list({ status: 'active', ruleId: seededRule.id });
      expect(stillActive.items.map((c) => c.id).sort()).toEqual(
        later
          .filter((c) => c.expiresAt.getTime() > clock)
          .map((c) => c.id)
          .sort(),
      );
      clock = Date.now();
    });

    it('keeps gift codes to those who may manage them, and other tenants out', async () => {
      const finance = await api.signIn(DEMO_CODE, 'finance');
      expect((await failure(finance.giftCodes.list({}))).code).toBe('FORBIDDEN');
      await api.createOperator({ code: '200401', name: 'Other_Gifts' });
      const other = await api.signIn('200401', 'operator_admin');
      expect((await other.giftCodes.list({})).items).toEqual([]);
      expect(await other.giftCodes.rules({})).toEqual([]);
      const code = seededCodes.find((c) => c.status === 'active') as Row<Tables['giftCodes']>;
      const foreign = await failure(other.giftCodes.void({ id: code.id }));
      expect(foreign.code).toBe('NOT_FOUND');
      expect(foreign.message).toBe('Gift code not found');
      expect((await failure(other.giftCodes.issue({ ruleId: seededRule.id, count: 1 }))).message).toBe(
        'Gift code rule not found',
      );
      expect((await failure(other.giftCodes.list({ ruleId: seededRule.id }))).code).toBe('NOT_FOUND');
      expect((await failure(other.giftCodes.updateRule({ id: seededRule.id, enabled: false }))).code).toBe('NOT_FOUND');
      expect((await api.db.forTenant(tenantId).giftCodeRules.get(seededRule.id))?.enabled).toBe(true);
    });
  });
}
