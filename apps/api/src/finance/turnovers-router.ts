/**
 * My turnover: a field worker hands in the cash and mobile takings of a period and sees
 * what they handed in and whether finance has confirmed it (finance/turnovers.ts).
 */
import { operatorProcedure, router } from '../trpc/init.js';
import { calendarOf } from '../shared/business-day.js';
import { handIn, HandInInput, myTurnovers, MyTurnoversInput } from './turnovers.js';
import { P } from '../access/catalog.js';

export const turnoversRouter = router({
  /**
   * Hands in the signed-in field worker's takings of a period (cash and mobile, in fen).
   * The document number is given out here. Refused for a period that ends in the future
   * or overlaps one already handed in and not rejected.
   */
  handIn: operatorProcedure(P.myTurnover)
    .input(HandInInput)
    .mutation(({ ctx, input }) =>
      handIn(ctx.write, ctx.principal, input, ctx.now(), calendarOf(ctx.principal.timeZone)),
    ),

  /** The signed-in field worker's own hand-ins, latest period first, with their sums. */
  mine: operatorProcedure(P.myTurnover)
    .input(MyTurnoversInput)
    .query(({ ctx, input }) => myTurnovers(ctx.scope, ctx.principal.userId, input)),
});
