/** A gift-code rule's form (amounts in yuan) to and from the API's fields (amounts in fen). */
import type { GiftCodeRule, RuleCreateInput, RuleTrigger } from '../../api/gift-codes';
import { fenToYuan, yuanToFen } from '../../utils/money';

export interface RuleForm {
  name: string;
  trigger: RuleTrigger;
  /** Yuan for `order_amount_at_least`, a count for `every_nth_order`, unused otherwise. */
  threshold: number;
  channelGroupName: string;
  /** Yuan. */
  value: number;
  validDays: number;
  enabled: boolean;
}

export function ruleForm(rule: GiftCodeRule | null): RuleForm {
  return {
    name: rule?.name ?? '',
    trigger: rule?.trigger ?? 'manual',
    threshold: rule ? (rule.trigger === 'order_amount_at_least' ? fenToYuan(rule.threshold) : rule.threshold) : 0,
    channelGroupName: rule?.channelGroupName ?? '',
    value: rule ? fenToYuan(rule.value) : 5,
    validDays: rule?.validDays ?? 30,
    enabled: rule?.enabled ?? true,
  };
}

export function toRuleInput(form: RuleForm): Required<RuleCreateInput> {
  const threshold =
    form.trigger === 'order_amount_at_least'
      ? yuanToFen(form.threshold)
      : form.trigger === 'every_nth_order'
        ? form.threshold
        : 0;
  return {
    name: form.name.trim(),
    trigger: form.trigger,
    threshold,
    channelGroupName: form.trigger === 'channel_group' ? form.channelGroupName.trim() || null : null,
    value: yuanToFen(form.value),
    validDays: form.validDays,
    enabled: form.enabled,
  };
}
