/**
 * How a machine's channels are laid out: its type has trays (shelves, top to bottom) of
 * the same number of slots, and the channels are numbered 1..trays x slotsPerTray in tray
 * order (tray 1 holds channels 1..slotsPerTray, tray 2 the next ones, and so on). A
 * machine leaves the factory with every channel of its type: empty, without a product, in
 * service, at the type's default capacity. The manufacturer's machines get them when they
 * are added, and a terminal activating a machine that has none gets them then.
 */
import { eq, type TenantScope } from '@vmcloud/db';
import { z } from 'zod';
import { conflict, isUniqueViolation, notFound } from '../shared/errors.js';

/** Most trays a machine type has, and most slots on one tray. */
export const MAX_TRAYS = 99;
export const MAX_SLOTS_PER_TRAY = 99;

export const Trays = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_TRAYS, `must be at most ${MAX_TRAYS}`);

export const SlotsPerTray = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(MAX_SLOTS_PER_TRAY, `must be at most ${MAX_SLOTS_PER_TRAY}`);

/** What a machine type says about its channels. */
export interface ChannelLayout {
  trays: number;
  slotsPerTray: number;
  defaultCapacity: number;
}

/** How many channels a machine of this layout has. */
export const channelCountOf = (layout: Pick<ChannelLayout, 'trays' | 'slotsPerTray'>): number =>
  layout.trays * layout.slotsPerTray;

/** Where channel `number` is: its tray (1 at the top) and its slot on the tray, both from 1. */
export function positionOf(
  layout: Pick<ChannelLayout, 'slotsPerTray'>,
  number: number,
): { tray: number; slot: number } {
  return { tray: Math.ceil(number / layout.slotsPerTray), slot: ((number - 1) % layout.slotsPerTray) + 1 };
}

/**
 * Creates the channels `machine` is missing of its type's layout (numbers 1..N it has no
 * channel of): capacity the type's default, no stock, no product, in service. Channels it
 * has keep everything, and channels beyond N are left alone. Answers how many it created.
 * Runs in the caller's transaction; the machine must be `scope`'s.
 */
export async function layOutChannels(
  scope: TenantScope,
  machine: { id: string },
  type: ChannelLayout,
  by: string | null,
): Promise<number> {
  if (!(await scope.machines.get(machine.id))) throw notFound('Machine');
  const count = channelCountOf(type);
  const have = new Set((await scope.channels.find({ where: (c) => eq(c.machineId, machine.id) })).map((c) => c.number));
  const missing: number[] = [];
  for (let number = 1; number <= count; number++) if (!have.has(number)) missing.push(number);
  if (missing.length === 0) return 0;
  try {
    await scope.channels.insertMany(
      missing.map((number) => ({
        machineId: machine.id,
        number,
        capacity: type.defaultCapacity,
        stock: 0,
        productId: null,
        price: null,
        enabled: true,
        createdBy: by,
        updatedBy: by,
      })),
    );
  } catch (error) {
    // Another request laid out the same machine at the same moment.
    if (isUniqueViolation(error)) throw conflict('channels: are being laid out by another request; try again');
    throw error;
  }
  return missing.length;
}
