/**
 * Terminals' logs: a terminal uploads its log lines in batches, each under its own upload
 * id, so an upload sent twice is stored once; the operator reads them per machine.
 */
import { and, desc, eq, gte, inArray, lt, type TenantScope } from '@vmcloud/db';
import { LOG_LEVELS } from '@vmcloud/db/schema';
import { z } from 'zod';
import { Timestamp } from '../shared/input.js';
import { isUniqueViolation, refused } from '../shared/errors.js';
import type { Writer } from '../shared/writer.js';

/** Largest upload: lines and bytes. */
export const MAX_LOG_LINES = 1000;
export const MAX_LOG_BYTES = 256 * 1024;

export const UploadLogsInput = z.object({
  uploadId: z.uuid({ error: 'must be a UUID' }),
  level: z.enum(LOG_LEVELS),
  lines: z
    .array(z.string().max(8192, 'a line must be at most 8192 characters'))
    .min(1, 'must hold at least one line')
    .max(MAX_LOG_LINES, `must hold at most ${MAX_LOG_LINES} lines`),
  from: Timestamp,
  to: Timestamp,
});
export type UploadLogsInput = z.infer<typeof UploadLogsInput>;

/** Stores an upload once; true if it was new. */
export async function storeLogs(w: Writer, machineId: string, input: UploadLogsInput): Promise<boolean> {
  const content = input.lines.join('\n');
  if (Buffer.byteLength(content) > MAX_LOG_BYTES)
    throw refused('lines', `must be at most ${MAX_LOG_BYTES} bytes in all`);
  if (input.to.getTime() < input.from.getTime()) throw refused('to', 'is before from');
  if (await w.scope.terminalLogs.findOneBy({ machineId, uploadId: input.uploadId })) return false;
  try {
    await w.scope.terminalLogs.insert({
      machineId,
      uploadId: input.uploadId,
      level: input.level,
      lines: input.lines.length,
      content,
      from: input.from,
      to: input.to,
    });
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
  return true;
}

const LEVEL_RANK = Object.fromEntries(LOG_LEVELS.map((level, i) => [level, i])) as Record<
  (typeof LOG_LEVELS)[number],
  number
>;

/** A machine's log uploads, newest first, at or above `level`, within [from, to). */
export async function machineLogs(
  scope: TenantScope,
  input: {
    machineId: string;
    level?: (typeof LOG_LEVELS)[number];
    from?: Date;
    to?: Date;
    limit: number;
    offset: number;
  },
) {
  const levels = LOG_LEVELS.filter((l) => LEVEL_RANK[l] >= LEVEL_RANK[input.level ?? 'debug']);
  const { rows, total } = await scope.terminalLogs.page({
    where: (t) =>
      and(
        eq(t.machineId, input.machineId),
        levels.length < LOG_LEVELS.length ? inArray(t.level, levels) : undefined,
        input.from ? gte(t.to, input.from) : undefined,
        input.to ? lt(t.from, input.to) : undefined,
      ),
    orderBy: (t) => [desc(t.from), desc(t.id)],
    limit: input.limit,
    offset: input.offset,
  });
  return {
    total,
    items: rows.map((r) => ({
      id: r.id,
      uploadId: r.uploadId,
      level: r.level,
      lines: r.lines,
      from: r.from.toISOString(),
      to: r.to.toISOString(),
      content: r.content,
    })),
  };
}
