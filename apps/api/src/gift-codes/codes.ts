/**
 * Gift codes: the rules that issue them (by hand, or on qualifying orders), codes issued
 * from a rule, the list of codes, and voiding one. A code buys one product priced up to
 * its value at any of the operator's machines; redeeming happens at the machine.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gt, inArray, lte, or, type SQL, type Tables, type TenantScope } from '@vmcloud/db';
import { GIFT_CODE_STATUSES, GIFT_CODE_TRIGGERS } from '@vmcloud/db/schema';
import { z } from 'zod';
import type { Writer } from '../shared/writer.js';
import { plain } from '../shared/plain.js';
import { conflict, notFound, refused } from '../shared/errors.js';
import { id, Text } from '../shared/input.js';
import { after, decodeCursor, keysetPage, pageOf } from '../shared/paging.js';

/** The acting user. */
import type { Actor } from '../shared/writer.js';

/** Crockford's base32: no I, L, O or U, so a code read aloud or typed is not mistaken. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A new code: 16 characters of base32 from 80 random bits. */
export function newGiftCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let code = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      code += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  return code;
}

const RuleFields = {
  name: Text(64),
  trigger: z.enum(GIFT_CODE_TRIGGERS).default('manual'),
  threshold: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(2_000_000_000, 'is too large')
    .default(0),
  value: z
    .number({ error: 'must be a number of fen' })
    .int('must be a whole number of fen')
    .min(1, 'must be at least 1 fen')
    .max(2_000_000_000, 'is too large'),
  validDays: z
    .number({ error: 'must be a number of days' })
    .int('must be a whole number of days')
    .min(1, 'must be at least 1 day')
    .max(3650, 'must be at most 3650 days'),
  /** `channel_group`: the promoted channel group's name. */
  channelGroupName: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(32, 'must be at most 32 characters')
    .nullable()
    .default(null),
  enabled: z.boolean().default(true),
};

type Rule = Tables['giftCodeRules']['sqlite']['$inferSelect'];

function checkTrigger(rule: Pick<Rule, 'trigger' | 'threshold' | 'channelGroupName'>): void {
  if (rule.trigger === 'channel_group' && !rule.channelGroupName) {
    throw refused('channelGroupName', 'is needed for the channel group trigger');
  }
  if (rule.trigger === 'order_amount_at_least' && rule.threshold < 1) {
    throw refused('threshold', 'must be an amount of at least 1 fen for this trigger');
  }
  if (rule.trigger === 'every_nth_order' && rule.threshold < 2) {
    throw refused('threshold', 'must be at least 2 for every n-th order');
  }
}

/** A code's status as the operator sees it: an active code past its expiry is expired. */
function effectiveStatus(code: { status: string; expiresAt: Date }, now: Date) {
  return code.status === 'active' && code.expiresAt.getTime() <= now.getTime() ? 'expired' : code.status;
}

const ruleNotFound = () => notFound('Gift code rule');
const sameName = (name: string) => conflict(`name: a rule named ${name} already exists`);

/** The gift-code rules, by name, with how many of their codes are still active. */
export async function giftCodeRules(scope: TenantScope, now: Date) {
  const rules = await scope.giftCodeRules.find({ orderBy: (r) => [asc(r.name)] });
  const active = await Promise.all(
    rules.map((r) =>
      scope.giftCodes.count((g) => and(eq(g.ruleId, r.id), eq(g.status, 'active'), gt(g.expiresAt, now))),
    ),
  );
  return rules.map((r, i) => ({ ...plain(r), activeCodes: active[i] ?? 0 }));
}

export const CreateRuleInput = z.object(RuleFields);

/**
 * Adds a rule: by hand (`manual`), for orders of at least `threshold` fen, or for every
 * `threshold`-th order; each code it issues buys a product priced up to `value` fen and is
 * valid for `validDays` days.
 */
export async function createGiftCodeRule(w: Writer, by: Actor, input: z.infer<typeof CreateRuleInput>) {
  checkTrigger(input);
  if (await w.scope.giftCodeRules.findOne((r) => eq(r.name, input.name))) throw sameName(input.name);
  const row = await w.scope.giftCodeRules.insert({ ...input, createdBy: by.userId, updatedBy: by.userId });
  await w.audit({ entity: 'giftCodeRules', entityId: row.id, after: row });
  return plain(row);
}

export const UpdateRuleInput = z.object({
  id: id('giftCodeRules'),
  name: RuleFields.name.optional(),
  trigger: z.enum(GIFT_CODE_TRIGGERS).optional(),
  threshold: RuleFields.threshold.unwrap().optional(),
  value: RuleFields.value.optional(),
  validDays: RuleFields.validDays.optional(),
  channelGroupName: RuleFields.channelGroupName.unwrap().optional(),
  enabled: z.boolean().optional(),
});

/** Changes a rule; codes already issued keep their value and expiry. */
export async function updateGiftCodeRule(w: Writer, by: Actor, input: z.infer<typeof UpdateRuleInput>, now: Date) {
  const before = await w.scope.giftCodeRules.get(input.id);
  if (!before) throw ruleNotFound();
  const { id: _id, ...changes } = input;
  const after = { ...before, ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
  checkTrigger(after);
  if (after.name !== before.name && (await w.scope.giftCodeRules.findOne((r) => eq(r.name, after.name)))) {
    throw sameName(after.name);
  }
  const patch = {
    name: after.name,
    trigger: after.trigger,
    threshold: after.threshold,
    value: after.value,
    validDays: after.validDays,
    channelGroupName: after.channelGroupName,
    enabled: after.enabled,
    updatedAt: now,
    updatedBy: by.userId,
  };
  await w.scope.giftCodeRules.update(before.id, patch);
  const row = { ...before, ...patch };
  await w.audit({ entity: 'giftCodeRules', entityId: before.id, before, after: row });
  return plain(row);
}

export const IssueInput = z.object({
  ruleId: id('giftCodeRules'),
  count: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(1000, 'must be at most 1000'),
  uses: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100, 'must be at most 100')
    .default(1),
});

/**
 * Issues `count` new codes from an enabled rule: random, unguessable (80 bits), unique
 * within the operator, each redeemable `uses` times and valid for the rule's days.
 * Answers them in full so that they can be handed out or printed.
 */
export async function issueGiftCodes(w: Writer, by: Actor, input: z.infer<typeof IssueInput>, now: Date) {
  const rule = await w.scope.giftCodeRules.get(input.ruleId);
  if (!rule) throw ruleNotFound();
  if (!rule.enabled) throw refused('ruleId', `the rule ${rule.name} is disabled`);
  const codes = new Set<string>();
  while (codes.size < input.count) {
    const wanted = Array.from({ length: input.count - codes.size }, newGiftCode).filter((c) => !codes.has(c));
    const taken = new Set((await w.scope.giftCodes.find({ where: (g) => inArray(g.code, wanted) })).map((g) => g.code));
    for (const code of wanted) if (!taken.has(code)) codes.add(code);
  }
  const rows = await w.scope.giftCodes.insertMany(
    [...codes].map((code) => ({
      code,
      ruleId: rule.id,
      value: rule.value,
      quantity: input.uses,
      expiresAt: new Date(now.getTime() + rule.validDays * 86_400_000),
      status: 'active' as const,
      createdBy: by.userId,
      updatedBy: by.userId,
    })),
  );
  await w.audit({
    entity: 'giftCodes',
    entityId: rule.id,
    after: { ruleId: rule.id, count: rows.length, uses: input.uses, ids: rows.map((r) => r.id) },
  });
  return plain(rows);
}

export const GiftCodeListInput = z.object({
  ruleId: id('giftCodeRules').optional(),
  status: z.enum(GIFT_CODE_STATUSES).optional(),
  ...keysetPage(),
});

/**
 * Gift codes newest first, by rule and status (`expired` also finds active codes past
 * their expiry, `active` only those still valid), page by page like the orders list.
 */
export async function listGiftCodes(scope: TenantScope, input: z.infer<typeof GiftCodeListInput>, now: Date) {
  if (input.ruleId && !(await scope.giftCodeRules.get(input.ruleId))) throw ruleNotFound();
  const position = input.cursor ? decodeCursor(input.cursor) : undefined;
  const rows = await scope.giftCodes.find({
    where: (g) => {
      let status: SQL | undefined;
      if (input.status === 'active') status = and(eq(g.status, 'active'), gt(g.expiresAt, now));
      else if (input.status === 'expired') {
        status = or(eq(g.status, 'expired'), and(eq(g.status, 'active'), lte(g.expiresAt, now)));
      } else if (input.status) status = eq(g.status, input.status);
      return and(
        input.ruleId ? eq(g.ruleId, input.ruleId) : undefined,
        status,
        position ? after(g.createdAt, g.id, position, true) : undefined,
      );
    },
    orderBy: (g) => [desc(g.createdAt), desc(g.id)],
    limit: input.limit + 1,
  });
  const page = pageOf(rows, input.limit);
  return {
    items: page.rows.map((g) => ({ ...plain(g), status: effectiveStatus(g, now) })),
    nextCursor: page.nextCursor,
  };
}

/** Voids an active code so that it can no longer be redeemed. */
export async function voidGiftCode(w: Writer, by: Actor, giftCodeId: string, now: Date) {
  const before = await w.scope.giftCodes.get(giftCodeId);
  if (!before) throw notFound('Gift code');
  const status = effectiveStatus(before, now);
  if (status !== 'active') throw refused('id', `the code is ${status} and cannot be voided`);
  const patch = { status: 'void' as const, updatedAt: now, updatedBy: by.userId };
  await w.scope.giftCodes.update(before.id, patch);
  const row = { ...before, ...patch };
  await w.audit({ entity: 'giftCodes', entityId: before.id, before, after: row });
  return plain(row);
}
