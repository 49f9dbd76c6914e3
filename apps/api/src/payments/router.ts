/** The operator's merchant accounts with payment providers (payments/accounts.ts). */
import { z } from 'zod';
import { operatorProcedure, router } from '../trpc/init.js';
import { id } from '../shared/input.js';
import {
  AccountListInput,
  CreateAccountInput,
  createPaymentAccount,
  deletePaymentAccount,
  listPaymentAccounts,
  setPaymentAccountEnabled,
  UpdateAccountInput,
  updatePaymentAccount,
} from './accounts.js';
import { P } from '../access/catalog.js';

export const paymentAccountsRouter = router({
  /** The operator's merchant accounts, credentials masked. */
  list: operatorProcedure(P.paymentAccounts)
    .input(AccountListInput)
    .query(({ ctx, input }) => listPaymentAccounts(ctx.scope, ctx.keyring, input)),

  /** Enters a merchant account with its credentials, which are stored sealed. */
  create: operatorProcedure(P.paymentAccounts)
    .input(CreateAccountInput)
    .mutation(({ ctx, input }) => {
      return ctx.write((w) => createPaymentAccount(w, ctx.keyring, ctx.principal, input));
    }),

  /** Changes an account's name or ids, and re-enters its credentials when they are given. */
  update: operatorProcedure(P.paymentAccounts)
    .input(UpdateAccountInput)
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => updatePaymentAccount(w, ctx.keyring, ctx.principal, input, now));
    }),

  /** Enables or disables an account: a disabled account takes no payments. */
  setEnabled: operatorProcedure(P.paymentAccounts)
    .input(z.object({ accountId: id('paymentAccounts'), enabled: z.boolean() }))
    .mutation(({ ctx, input }) => {
      const now = ctx.now();
      return ctx.write((w) => setPaymentAccountEnabled(w, ctx.keyring, ctx.principal, input, now));
    }),

  /** Deletes an account that never took a payment; one that did is disabled instead. */
  delete: operatorProcedure(P.paymentAccounts)
    .input(z.object({ accountId: id('paymentAccounts') }))
    .mutation(({ ctx, input }) => ctx.write((w) => deletePaymentAccount(w, input.accountId))),
});
