import { describe, expect, it } from 'vitest';
import type { GiftCodeRule } from '../../api/gift-codes';
import { ruleForm, toRuleInput } from './rule-form';

const rule = (fields: Partial<GiftCodeRule>): GiftCodeRule => ({
  id: 'r1',
  tenantId: 't1',
  name: 'Big spender',
  trigger: 'order_amount_at_least',
  threshold: 1000,
  channelGroupName: null,
  counter: 0,
  value: 350,
  validDays: 14,
  enabled: true,
  activeCodes: 2,
  createdAt: '2026-12-01T00:00:00.000Z',
  updatedAt: '2026-12-01T00:00:00.000Z',
  createdBy: null,
  updatedBy: null,
  ...fields,
});

describe('a gift-code rule form', () => {
  it('shows an amount threshold and the value in yuan, and sends them in fen', () => {
    const form = ruleForm(rule({}));
    expect(form).toMatchObject({ threshold: 10, value: 3.5, validDays: 14 });
    form.threshold = 12.3;
    form.value = 0.1 + 0.2;
    expect(toRuleInput(form)).toMatchObject({ trigger: 'order_amount_at_least', threshold: 1230, value: 30 });
  });

  it('sends the n of every n-th order as it is', () => {
    const form = ruleForm(rule({ trigger: 'every_nth_order', threshold: 50 }));
    expect(form.threshold).toBe(50);
    expect(toRuleInput(form).threshold).toBe(50);
  });

  it('names the channel group only for the channel group trigger', () => {
    const form = ruleForm(null);
    form.name = '  Summer  ';
    form.trigger = 'channel_group';
    form.channelGroupName = ' 夏日饮品 ';
    form.threshold = 9;
    expect(toRuleInput(form)).toMatchObject({ name: 'Summer', channelGroupName: '夏日饮品', threshold: 0 });
    form.trigger = 'manual';
    expect(toRuleInput(form)).toMatchObject({ channelGroupName: null, threshold: 0 });
  });
});
