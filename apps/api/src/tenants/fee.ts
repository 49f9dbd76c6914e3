/**
 * What renting the platform costs:
 *   fee = months x (sum of the modules' monthly rents + machines x monthly rent per machine)
 *             x (1 - the volume discount for that many machines)
 * in fen, rounded to the nearest fen.
 */
export interface DiscountTier {
  minMachines: number;
  /** 1 basis point = 0.01 %. */
  discountBasisPoints: number;
}

export interface LeaseQuote {
  months: number;
  machines: number;
  moduleMonthlyRent: number;
  machineMonthlyRent: number;
  discountBasisPoints: number;
  fee: number;
}

/** The discount of the highest tier the machine count reaches (0 below every tier). */
export function discountFor(machines: number, tiers: readonly DiscountTier[]): number {
  let best: DiscountTier | undefined;
  for (const tier of tiers) {
    if (machines >= tier.minMachines && (!best || tier.minMachines > best.minMachines)) best = tier;
  }
  return best?.discountBasisPoints ?? 0;
}

export function quoteLease(input: {
  months: number;
  machines: number;
  moduleRents: readonly number[];
  machineMonthlyRent: number;
  tiers: readonly DiscountTier[];
}): LeaseQuote {
  const { months, machines, machineMonthlyRent } = input;
  if (!Number.isInteger(months) || months < 1) throw new RangeError('months must be a whole number >= 1');
  if (!Number.isInteger(machines) || machines < 1) throw new RangeError('machines must be a whole number >= 1');
  const moduleMonthlyRent = input.moduleRents.reduce((sum, rent) => sum + rent, 0);
  const discountBasisPoints = discountFor(machines, input.tiers);
  const gross = months * (moduleMonthlyRent + machines * machineMonthlyRent);
  // Integer arithmetic: basis points over 10,000, rounded half up to the fen.
  const fee = Math.floor((gross * (10_000 - discountBasisPoints) + 5_000) / 10_000);
  return { months, machines, moduleMonthlyRent, machineMonthlyRent, discountBasisPoints, fee };
}
