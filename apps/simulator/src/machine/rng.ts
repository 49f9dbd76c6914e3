/**
 * Seeded pseudo-random numbers for the machine's random physics (motor stalls), so that a
 * run with the same seed stalls the same motors at the same vends: the same generator as
 * the serial line's noise.
 */

/** A source of uniformly distributed numbers in [0, 1). */
export type Rng = () => number;

export { createRng } from '@vmcloud/protocol';
