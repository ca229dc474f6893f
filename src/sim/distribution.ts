import type { Prng } from './prng.ts';

/**
 * A duration or delay in seconds, as written in scenario files.
 *
 * @example
 * ```ts
 * const talk: Distribution = { dist: 'lognormal', mean: 120, cv: 1 };
 * const sample = compileDistribution(talk);
 * const talkSec = sample(rng);
 * ```
 */
export type Distribution =
  | { dist: 'constant'; value: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'lognormal'; mean: number; cv: number };

/** Draws one value (seconds, >= 0) from a compiled distribution. */
export type Sampler = (rng: Prng) => number;

/**
 * Turns a distribution into a sampler. Lognormal from mean and coefficient of variation:
 * sigma^2 = ln(1 + cv^2), mu = ln(mean) - sigma^2 / 2.
 */
export function compileDistribution(d: Distribution): Sampler {
  switch (d.dist) {
    case 'constant': {
      const v = d.value;
      return () => v;
    }
    case 'uniform': {
      const { min, max } = d;
      const span = max - min;
      return (rng) => min + span * rng.next();
    }
    case 'exponential': {
      const mean = d.mean;
      return (rng) => -mean * Math.log(1 - rng.next());
    }
    case 'lognormal': {
      if (d.cv === 0) {
        const v = d.mean;
        return () => v;
      }
      const sigma2 = Math.log(1 + d.cv * d.cv);
      const sigma = Math.sqrt(sigma2);
      const mu = Math.log(d.mean) - sigma2 / 2;
      return (rng) => Math.exp(mu + sigma * rng.nextGaussian());
    }
  }
}

/** The mean of a distribution (seconds). */
export function distributionMean(d: Distribution): number {
  switch (d.dist) {
    case 'constant':
      return d.value;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'exponential':
      return d.mean;
    case 'lognormal':
      return d.mean;
  }
}
