/**
 * Money on the MDB bus is sent scaled: a coin type credit, bill type credit, price or
 * funds value is the amount divided by the device's scaling factor (from its SETUP
 * answer). The platform counts money in minor units (fen); the devices are configured
 * with the currency's own decimal places, so an amount in fen is the scaled value times
 * the scaling factor.
 */

function checkScalingFactor(scalingFactor: number): void {
  if (!Number.isInteger(scalingFactor) || scalingFactor < 1) {
    throw new RangeError(`a scaling factor is a positive integer, got ${String(scalingFactor)}`);
  }
}

/**
 * The amount in minor units of a scaled value sent on the bus: `scaled * scalingFactor`.
 * Throws RangeError for a negative or fractional value or a scaling factor below 1.
 */
export function scaledToMinor(scaled: number, scalingFactor: number): number {
  checkScalingFactor(scalingFactor);
  if (!Number.isInteger(scaled) || scaled < 0) {
    throw new RangeError(`a scaled value is a non-negative integer, got ${String(scaled)}`);
  }
  return scaled * scalingFactor;
}

/**
 * The scaled value that stands for `amount` minor units, or `undefined` when the amount
 * cannot be sent: negative, fractional, not a whole multiple of the scaling factor, or
 * above `max` once scaled (0xffff by default, the largest 16-bit field).
 */
export function minorToScaled(amount: number, scalingFactor: number, max = 0xffff): number | undefined {
  checkScalingFactor(scalingFactor);
  if (!Number.isInteger(amount) || amount < 0 || amount % scalingFactor !== 0) return undefined;
  const scaled = amount / scalingFactor;
  return scaled <= max ? scaled : undefined;
}
