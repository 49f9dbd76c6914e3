/**
 * Choosing coins for change from the tubes: the most value that does not exceed the
 * amount, and for that value the fewest coins.
 */

/**
 * How many coins of each type to pay out for `amount`, given the coin values and the coins
 * available of each type (same units as `amount`, e.g. fen or scaled values). Pays exactly
 * `amount` when the tubes allow it, otherwise the largest amount below it. Coin types
 * worth 0 are never used.
 */
export function planChange(amount: number, values: readonly number[], available: readonly number[]): number[] {
  const target = Math.max(0, Math.floor(amount));
  const none = Number.POSITIVE_INFINITY;
  // fewest[a]: fewest coins that make exactly a with the types seen so far.
  let fewest: number[] = new Array<number>(target + 1).fill(none);
  fewest[0] = 0;
  // take[t][a]: coins of type t used in the best way to make a with types 0..t.
  const take: number[][] = [];
  values.forEach((value, type) => {
    const count = Math.max(0, Math.floor(available[type] ?? 0));
    const row = new Array<number>(target + 1).fill(0);
    take.push(row);
    if (value <= 0 || count === 0) return;
    const next = [...fewest];
    for (let a = value; a <= target; a++) {
      for (let k = 1; k <= count && k * value <= a; k++) {
        const before = fewest[a - k * value] ?? none;
        if (before + k < (next[a] ?? none)) {
          next[a] = before + k;
          row[a] = k;
        }
      }
    }
    fewest = next;
  });
  let paid = target;
  while (paid > 0 && (fewest[paid] ?? none) === none) paid--;
  const plan = values.map(() => 0);
  for (let type = values.length - 1; type >= 0 && paid > 0; type--) {
    const k = take[type]?.[paid] ?? 0;
    plan[type] = k;
    paid -= k * (values[type] ?? 0);
  }
  return plan;
}
