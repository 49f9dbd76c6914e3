/**
 * Input pieces shared by the domains: ids that name the table they point into, the
 * platform's acceptance rules for names, codes and passwords, money, and pages.
 */
import { z } from 'zod';
import type { TableName } from '@vmcloud/db';

/** Which table an id input points into; the isolation and input tests read it. */
export const idRefs = z.registry<{ table: TableName }>();

/** The id of a row of `table` (a UUID). */
export const id = (table: TableName) =>
  z
    .string({ error: 'must be an id' })
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'must be an id')
    .register(idRefs, { table });

/** Tenant name: 1-25 Chinese characters, Latin letters or underscores; no digits, no other symbols. */
export const TenantName = z
  .string({ error: 'is required' })
  .trim()
  .min(1, { error: 'is required', abort: true })
  .max(25, 'must be at most 25 characters')
  .regex(/^[\p{Script=Han}A-Za-z_]+$/u, 'may contain only Chinese characters, Latin letters and underscores')
  .meta({ examples: ['Acme_Vending'] });

/** Tenant code: exactly 6 digits. */
export const TenantCode = z
  .string({ error: 'is required' })
  .trim()
  .regex(/^\d{6}$/, 'must be exactly 6 digits')
  .meta({ examples: ['200001'] });

/** A password: 8-25 letters, digits or underscores. */
export const Password = z
  .string({ error: 'is required' })
  .regex(/^[A-Za-z0-9_]{8,25}$/, 'must be 8-25 letters, digits or underscores')
  .meta({ examples: ['Secret_2026'] });

export const Username = z
  .string({ error: 'is required' })
  .trim()
  .regex(/^[A-Za-z0-9_.-]{1,32}$/, 'must be 1-32 letters, digits, dots, dashes or underscores')
  .meta({ examples: ['new_user'] });

/** A phone number: digits, spaces, dashes, an optional leading +. */
export const Phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 -]{4,19}$/, 'must be a phone number')
  .meta({ examples: ['13800138000'] });

/** An email address, at most 128 characters. */
export const Email = z
  .string()
  .trim()
  .max(128, 'must be at most 128 characters')
  .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an email address')
  .meta({ examples: ['someone@example.com'] });

/** A display name, a product name, ...: trimmed, 1..max characters. */
export const Text = (max: number) =>
  z.string({ error: 'is required' }).trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

export const OptionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .nullish()
    .transform((v) => (v ? v : null));

/** An amount of money in fen: a whole number from 0 up. */
export const Money = z
  .number({ error: 'must be a number of fen' })
  .int('must be a whole number of fen')
  .min(0, 'must not be negative')
  .max(2_000_000_000, 'is too large');

/** A count of items: a whole number from 1 up. */
export const Quantity = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(1_000_000, 'is too large');

export const Timestamp = z.coerce.date({ error: 'must be a date and time' });
