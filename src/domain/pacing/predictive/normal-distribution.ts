/**
 * Standard normal helpers for the predictive planner's normal approximations.
 *
 * @example
 * ```ts
 * normalCdf(0); // 0.5
 * expectedPositivePart(-1, 4); // E[max(X, 0)] for X ~ N(-1, 2^2)
 * ```
 */

const INV_SQRT_2PI = 0.3989422804014327;

/** Standard normal density. */
export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

/** Standard normal CDF (Zelen & Severo 26.2.17 / W. J. Cody style rational approximation, |error| < 7.5e-8). */
export function normalCdf(z: number): number {
  if (z < -8) return 0;
  if (z > 8) return 1;
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  const tail = normalPdf(z) * poly;
  return z >= 0 ? 1 - tail : tail;
}

/**
 * E[max(X, 0)] for X normal with the given mean and variance (variance 0 allowed):
 * sigma * phi(mu / sigma) + mu * Phi(mu / sigma).
 */
export function expectedPositivePart(mean: number, variance: number): number {
  if (!(variance > 1e-12)) return mean > 0 ? mean : 0;
  const sigma = Math.sqrt(variance);
  const z = mean / sigma;
  return sigma * normalPdf(z) + mean * normalCdf(z);
}

/** Share of a lognormal(mean, cv) distribution between two bounds (for histogram priors). */
export function lognormalShare(meanSec: number, cv: number, lowerSec: number, upperSec: number): number {
  const sigma2 = Math.log(1 + cv * cv);
  const sigma = Math.sqrt(sigma2);
  const mu = Math.log(meanSec) - sigma2 / 2;
  const cdf = (x: number): number => (x <= 0 ? 0 : normalCdf((Math.log(x) - mu) / sigma));
  return cdf(upperSec) - cdf(lowerSec);
}

/**
 * Mean and variance of max(X, 0) for X normal (a normal clipped at zero), for moment-matching a
 * queue of idle agents that cannot go negative.
 */
export function positivePartMoments(mean: number, variance: number): { mean: number; variance: number } {
  if (!(variance > 1e-12)) {
    const m = mean > 0 ? mean : 0;
    return { mean: m, variance: 0 };
  }
  const sigma = Math.sqrt(variance);
  const z = mean / sigma;
  const pdf = normalPdf(z);
  const cdf = normalCdf(z);
  const m1 = sigma * pdf + mean * cdf;
  const m2 = (mean * mean + variance) * cdf + mean * sigma * pdf;
  return { mean: m1, variance: Math.max(0, m2 - m1 * m1) };
}
