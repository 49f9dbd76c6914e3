/** Gift codes and the rules that issue them. */
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@vmcloud/api';
import { api, type ApiClient } from './client';

type Outputs = inferRouterOutputs<AppRouter>;
type Inputs = inferRouterInputs<AppRouter>;

export type GiftCode = Outputs['giftCodes']['list']['items'][number];
export type GiftCodePage = Outputs['giftCodes']['list'];
export type GiftCodeListInput = Inputs['giftCodes']['list'];
export type GiftCodeStatus = NonNullable<GiftCodeListInput['status']>;
export type GiftCodeRule = Outputs['giftCodes']['rules'][number];
export type RuleTrigger = GiftCodeRule['trigger'];
export type RuleCreateInput = Inputs['giftCodes']['createRule'];
export type RuleUpdateInput = Inputs['giftCodes']['updateRule'];
export type IssueInput = Inputs['giftCodes']['issue'];

export const RULE_TRIGGERS = [
  'manual',
  'order_amount_at_least',
  'every_nth_order',
  'channel_group',
] as const satisfies readonly RuleTrigger[];

export const GIFT_CODE_STATUSES = [
  'active',
  'redeemed',
  'void',
  'expired',
] as const satisfies readonly GiftCodeStatus[];

export function listGiftCodes(input: GiftCodeListInput, client: ApiClient = api): Promise<GiftCodePage> {
  return client.giftCodes.list.query(input);
}

export function listRules(client: ApiClient = api) {
  return client.giftCodes.rules.query({});
}

export function createRule(input: RuleCreateInput, client: ApiClient = api) {
  return client.giftCodes.createRule.mutate(input);
}

export function updateRule(input: RuleUpdateInput, client: ApiClient = api) {
  return client.giftCodes.updateRule.mutate(input);
}

export function issueCodes(input: IssueInput, client: ApiClient = api) {
  return client.giftCodes.issue.mutate(input);
}

export function voidCode(id: string, client: ApiClient = api) {
  return client.giftCodes.void.mutate({ id });
}
