/** Recording a sale the platform did not see, entered by hand (sales/record.ts). */
import { operatorProcedure } from '../trpc/init.js';
import { calendarOf } from '../shared/business-day.js';
import { RecordSaleInput, recordSale } from './record.js';
import { P } from '../access/catalog.js';

export const recordOrder = operatorProcedure(P.order)
  .input(RecordSaleInput)
  .mutation(({ ctx, input }) => {
    const now = ctx.now();
    const calendar = calendarOf(ctx.principal.timeZone);
    return ctx.write((w) => recordSale(w, ctx.principal, input, now, calendar));
  });
