/**
 * Gift codes won at the machine: after a vend that dropped its product, the operator's
 * enabled rules are asked in name order and the first one the order qualifies for issues
 * one code, which the terminal shows the customer (as text and a QR code):
 * - `order_amount_at_least`: the order's amount is at least `threshold` fen;
 * - `every_nth_order`: every `threshold`-th completed order of the operator (the rule
 *   counts them in `counter`, one conditional update per order, so two machines selling
 *   at once never share a number);
 * - `channel_group`: the product came from a channel of the group named `channelGroupName`
 *   (a promotion).
 */
import { adjust, type Row, type Tables } from '@vmcloud/db';
import type { Writer } from '../shared/writer.js';
import { newGiftCode } from './codes.js';

type Order = Row<Tables['orders']>;
type Channel = Row<Tables['channels']>;

export interface WonGiftCode {
  code: string;
  value: number;
  expiresAt: string;
}

export async function issueOnCompletion(
  w: Writer,
  order: Order,
  channel: Channel | null,
  now: Date,
): Promise<WonGiftCode | null> {
  // A prepared lookup (this runs for every sale), ordered here: a tenant has few rules.
  const rules = (await w.scope.giftCodeRules.findAllBy({ enabled: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  if (rules.length === 0) return null;
  let group: string | null = null;
  if (channel?.channelGroupId) group = (await w.scope.channelGroups.get(channel.channelGroupId))?.name ?? null;
  for (const rule of rules) {
    let qualifies = false;
    if (rule.trigger === 'order_amount_at_least') qualifies = order.amount >= rule.threshold && rule.threshold > 0;
    else if (rule.trigger === 'channel_group') qualifies = group !== null && group === rule.channelGroupName;
    else if (rule.trigger === 'every_nth_order' && rule.threshold >= 2) {
      await w.scope.giftCodeRules.update(rule.id, { counter: adjust(1) });
      const counted = await w.scope.giftCodeRules.get(rule.id);
      qualifies = counted !== undefined && counted.counter % rule.threshold === 0;
    }
    if (!qualifies) continue;
    const expiresAt = new Date(now.getTime() + rule.validDays * 86_400_000);
    let code = newGiftCode();
    while (await w.scope.giftCodes.findOneBy({ code })) code = newGiftCode();
    const row = await w.scope.giftCodes.insert({
      code,
      ruleId: rule.id,
      value: rule.value,
      quantity: 1,
      expiresAt,
      issuedByOrderId: order.id,
      status: 'active',
    });
    await w.audit({ entity: 'giftCodes', entityId: row.id, after: { ruleId: rule.id, issuedByOrderId: order.id } });
    return { code, value: rule.value, expiresAt: expiresAt.toISOString() };
  }
  return null;
}
