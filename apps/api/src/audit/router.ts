/** The manufacturer's own audit log (`factory.auditLog`). */
import { z } from 'zod';
import { manufacturerProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { id, OptionalText, Timestamp } from '../shared/input.js';
import { keysetPage } from '../shared/paging.js';
import { P } from '../access/catalog.js';
import { listAuditLog } from './log.js';

export const auditLogRouter = router({
  /** The manufacturer's own audit log, newest first, a page at a time. */
  list: manufacturerProcedure(P.viewAuditLog)
    .input(
      z.object({
        ...keysetPage(500, 50),
        action: OptionalText(64),
        entity: OptionalText(64),
        userId: id('users').optional(),
        from: Timestamp.optional(),
        to: Timestamp.optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      const { items, nextCursor } = await listAuditLog(ctx.scope, input, input);
      return { items: plain(items), nextCursor };
    }),
});
