/**
 * What the manufacturer offers and at what price: machine rent pricing rules, volume
 * discount tiers and the rentable modules.
 */
import { asc, type Row, type Tables } from '@vmcloud/db';
import { invalid, notFound } from '../shared/errors.js';
import type { Writer } from '../shared/writer.js';

/** What a change of the offer writes through. */
export type OfferWriter = Pick<Writer, 'platform' | 'audit'>;

/** Adds a machine rent that applies from `effectiveFrom` on. */
export async function addPricingRule(
  w: OfferWriter,
  by: string,
  input: { machineMonthlyRent: number; effectiveFrom: Date; note: string | null },
): Promise<Row<Tables['pricingRules']>> {
  const rule = await w.platform.pricingRules.insert({ ...input, createdBy: by });
  await w.audit({ entity: 'pricing_rules', entityId: rule.id, after: rule });
  return rule;
}

export interface Tier {
  minMachines: number;
  discountBasisPoints: number;
}

/**
 * Replaces the discount tiers. Each tier starts at a different machine count; a tier for
 * more machines may not give less discount than one for fewer.
 */
export async function setDiscountTiers(
  w: OfferWriter,
  by: string,
  input: readonly Tier[],
): Promise<Row<Tables['discountTiers']>[]> {
  const tiers = [...input].sort((a, b) => a.minMachines - b.minMachines);
  for (const [i, tier] of tiers.entries()) {
    const prev = tiers[i - 1];
    if (prev && prev.minMachines === tier.minMachines) {
      throw invalid(`tiers: ${tier.minMachines} machines is listed twice`);
    }
    if (prev && tier.discountBasisPoints < prev.discountBasisPoints) {
      throw invalid(
        `tiers: the tier from ${tier.minMachines} machines gives less discount than the one from ${prev.minMachines}`,
      );
    }
  }
  const before = await w.platform.discountTiers.find({ orderBy: (t) => [asc(t.minMachines)] });
  await w.platform.discountTiers.deleteWhere(() => undefined);
  const rows =
    tiers.length === 0 ? [] : await w.platform.discountTiers.insertMany(tiers.map((t) => ({ ...t, createdBy: by })));
  const brief = (list: readonly Tier[]) =>
    list.map((t) => ({ minMachines: t.minMachines, discountBasisPoints: t.discountBasisPoints }));
  await w.audit({ entity: 'discount_tiers', before: { tiers: brief(before) }, after: { tiers: brief(rows) } });
  return rows;
}

/** Renames a module, changes its monthly rent, or stops or resumes offering it to new leases. */
export async function updateModule(
  w: OfferWriter,
  by: string,
  input: { moduleId: string; name?: string; description?: string | null; monthlyRent?: number; enabled?: boolean },
): Promise<Row<Tables['modules']>> {
  const before = await w.platform.modules.get(input.moduleId);
  if (!before) throw notFound('Module');
  await w.platform.modules.update(before.id, {
    name: input.name,
    description: input.description,
    monthlyRent: input.monthlyRent,
    enabled: input.enabled,
    updatedBy: by,
  });
  const after = await w.platform.modules.get(before.id);
  await w.audit({ entity: 'modules', entityId: before.id, before, after });
  return after ?? before;
}
