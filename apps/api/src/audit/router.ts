/**
 * A tenant's own audit log: the manufacturer's (`factory.auditLog`, P.viewAuditLog) and an
 * operator's (`audit`, P.auditLog). One input and one reading (audit/log.ts) for both; each
 * reads through the caller's tenant scope only.
 */
import type { TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { manufacturerProcedure, operatorProcedure, router } from '../trpc/init.js';
import { plain } from '../shared/plain.js';
import { id, OptionalText, Timestamp } from '../shared/input.js';
import { keysetPage } from '../shared/paging.js';
import { P } from '../access/catalog.js';
import { listAuditLog } from './log.js';

/** Who changed what: by action, entity (the table), the row changed, user and time, a page at a time. */
const AuditListInput = z.object({
  ...keysetPage(500, 50),
  /** The procedure path, e.g. `machines.update`. */
  action: OptionalText(64),
  /** The table changed, e.g. `orders`. */
  entity: OptionalText(64),
  /** The id of the row changed. */
  entityId: OptionalText(36),
  userId: id('users').optional(),
  /** Written at or after. */
  from: Timestamp.optional(),
  /** Written before. */
  to: Timestamp.optional(),
});

async function readLog(scope: TenantScope, input: z.infer<typeof AuditListInput>) {
  const { items, nextCursor } = await listAuditLog(scope, input, input);
  return { items: plain(items), nextCursor };
}

export const auditLogRouter = router({
  /** The manufacturer's own audit log, newest first, a page at a time. */
  list: manufacturerProcedure(P.viewAuditLog)
    .input(AuditListInput)
    .query(({ ctx, input }) => readLog(ctx.scope, input)),
});

export const operatorAuditLogRouter = router({
  /** The operator's own audit log (its tenant's rows only), newest first, a page at a time. */
  list: operatorProcedure(P.auditLog)
    .input(AuditListInput)
    .query(({ ctx, input }) => readLog(ctx.scope, input)),
});
