/**
 * The numbers a machine is known by besides its controller board id: the operator's
 * device number (`deviceNo`, unique among the operator's machines) and the number on the
 * manufacturer's nameplate (`nameplateNo`, unique on the platform). Either may be missing.
 * Two numbers that differ only in case are the same number.
 */
import { sql, type containsText, type SQL } from '@vmcloud/db';
import { z } from 'zod';
import { conflict, isUniqueViolation } from '../shared/errors.js';

type Column = Parameters<typeof containsText>[0];

/** A device or nameplate number: 1-32 characters without spaces at the ends, or none (null, or empty). */
export const MachineNumber = z
  .string({ error: 'must be text' })
  .trim()
  .max(32, 'must be at most 32 characters')
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters')
  .nullish()
  .transform((v) => (v ? v : null))
  .meta({ examples: ['HD-0001'] });

/** A filter on a machine number: text it contains, in any case. */
export const MachineNumberFilter = z.string().trim().max(32, 'must be at most 32 characters').optional();

/** `column` is `text`, in any case. */
export const sameNumber = (column: Column, text: string): SQL => sql`lower(${column}) = ${text.toLowerCase()}`;

/** `column` contains `text`, in any case. */
export const containsNumber = (column: Column, text: string): SQL =>
  sql`instr(lower(${column}), ${text.toLowerCase()}) > 0`;

/** The column of each machine number field, as duplicate-key errors name it. */
const COLUMNS = { boardId: 'board_id', deviceNo: 'device_no', nameplateNo: 'nameplate_no' } as const;

export type NumberField = keyof typeof COLUMNS;

/** `<field>: is taken`, the conflict of a machine number another machine has. */
export const numberTaken = (field: NumberField) => conflict(`${field}: is taken`);

/**
 * The conflict a duplicate-key error of a write to `machines` stands for (the field whose
 * unique index it broke, of `fields`), or undefined for any other error.
 */
export function numberConflict(error: unknown, fields: NumberField[]) {
  if (!isUniqueViolation(error)) return undefined;
  const messages: string[] = [];
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    messages.push(String((e as { message?: unknown }).message ?? ''));
    e = (e as { cause?: unknown }).cause;
  }
  const text = messages.join('\n');
  const field = fields.find((f) => text.includes(COLUMNS[f])) ?? fields[0];
  return field ? numberTaken(field) : undefined;
}
