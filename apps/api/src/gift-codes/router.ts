/** Gift codes: their rules, issuing, the list of codes and voiding one (gift-codes/codes.ts). */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { id } from '../shared/input.js';
import {
  createGiftCodeRule,
  CreateRuleInput,
  giftCodeRules,
  GiftCodeListInput,
  IssueInput,
  issueGiftCodes,
  listGiftCodes,
  updateGiftCodeRule,
  UpdateRuleInput,
  voidGiftCode,
} from './codes.js';
import { P } from '../access/catalog.js';

export const giftCodesRouter = router({
  /** The gift-code rules, by name, with how many of their codes are still active. */
  rules: operatorProcedure(P.giftCodes)
    .input(z.object({}))
    .query(({ ctx }) => giftCodeRules(ctx.scope, ctx.now())),

  /**
   * Adds a rule: by hand (`manual`), for orders of at least `threshold` fen, or for every
   * `threshold`-th order; each code it issues buys a product priced up to `value` fen and
   * is valid for `validDays` days.
   */
  createRule: operatorProcedure(P.giftCodes)
    .input(CreateRuleInput)
    .mutation(({ ctx, input }) => ctx.write((w) => createGiftCodeRule(w, ctx.principal, input))),

  /** Changes a rule; codes already issued keep their value and expiry. */
  updateRule: operatorProcedure(P.giftCodes)
    .input(UpdateRuleInput)
    .mutation(({ ctx, input }) => ctx.write((w) => updateGiftCodeRule(w, ctx.principal, input, ctx.now()))),

  /**
   * Issues `count` new codes from an enabled rule: random, unguessable (80 bits), unique
   * within the operator, each redeemable `uses` times and valid for the rule's days.
   * Returns them in full so that they can be handed out or printed.
   */
  issue: operatorProcedure(P.giftCodes)
    .input(IssueInput)
    .mutation(({ ctx, input }) => ctx.write((w) => issueGiftCodes(w, ctx.principal, input, ctx.now()))),

  /**
   * Gift codes newest first, by rule and status (`expired` also finds active codes past
   * their expiry, `active` only those still valid), page by page like the orders list.
   */
  list: operatorProcedure(P.giftCodes)
    .input(GiftCodeListInput)
    .query(({ ctx, input }) => listGiftCodes(ctx.scope, input, ctx.now())),

  /** Voids an active code so that it can no longer be redeemed. */
  void: operatorProcedure(P.giftCodes)
    .input(z.object({ id: id('giftCodes') }))
    .mutation(({ ctx, input }) => ctx.write((w) => voidGiftCode(w, ctx.principal, input.id, ctx.now()))),
});
