/**
 * Expected shortfall of agents for live answers at one checkpoint:
 * E[(W + A - R - B)+], where W (calls already waiting) and R (ready agents) are known counts,
 * A is the number of further live answers needing an agent (a sum of independent Bernoullis over
 * calls in flight) and B the number of busy agents freed by then (a sum of Bernoullis over agents).
 *
 * It uses Poisson laws for A and B with the same means (a Poisson law dominates a Bernoulli sum
 * of the same mean in convex order, so this errs on the side of more abandons). A normal law
 * badly overstates the tail of a few rare events, which would stop a 5-agent team from ever
 * dialing ahead; the Poisson law is exact enough there and cheap. Meant for small systems
 * (means up to ~100); large ones are better served by normal approximations.
 *
 * @example
 * ```ts
 * const shortfall = new ShortfallEstimator();
 * shortfall.expected({ waiting: 0, ready: 2, meanArrivals: 0.6, meanFreed: 0.1 }); // ~0.02
 * ```
 */
export interface ShortfallInput {
  waiting: number;
  ready: number;
  meanArrivals: number;
  meanFreed: number;
}

const LOG_FACTORIAL = buildLogFactorial(512);

export class ShortfallEstimator {
  #cdf = new Float64Array(256);

  expected(input: ShortfallInput): number {
    const { waiting, ready, meanArrivals: a, meanFreed: b } = input;
    const sd = Math.sqrt(b);
    const bLo = Math.max(0, Math.floor(b - 6 * sd - 1));
    const bHi = Math.ceil(b + 6 * sd + 2);
    const cMax = ready - waiting + bHi;
    if (cMax < 0) return waiting - ready - b + a; // even with every agent freed, all answers wait
    const cdf = this.#poissonCdf(a, cMax + 1);
    let total = 0;
    let mass = 0;
    let p = poissonPmf(b, bLo);
    for (let k = bLo; k <= bHi; k++) {
      mass += p;
      total += p * poissonExcess(a, ready - waiting + k, cdf);
      p *= b / (k + 1);
    }
    return mass > 0 ? total / mass : 0;
  }

  /** cdf[i] = P(A <= i) for i in 0..n. */
  #poissonCdf(a: number, n: number): Float64Array {
    if (this.#cdf.length < n + 1) this.#cdf = new Float64Array(Math.max(n + 1, this.#cdf.length * 2));
    const cdf = this.#cdf;
    let pmf = Math.exp(-a);
    let acc = pmf;
    cdf[0] = acc;
    for (let i = 1; i <= n; i++) {
      pmf *= a / i;
      acc += pmf;
      cdf[i] = acc;
    }
    return cdf;
  }
}

/** E[(A - c)+] for A ~ Poisson(a): a P(A >= c) - c P(A >= c + 1); `cdf` covers 0..c. */
function poissonExcess(a: number, c: number, cdf: Float64Array): number {
  if (c <= 0) return a - c;
  const atLeastC = 1 - (cdf[c - 1] ?? 1);
  const atLeastC1 = 1 - (cdf[c] ?? 1);
  return Math.max(0, a * atLeastC - c * atLeastC1);
}

function poissonPmf(mean: number, k: number): number {
  if (mean <= 0) return k === 0 ? 1 : 0;
  const logFactorial = LOG_FACTORIAL[k] ?? logFactorialStirling(k);
  return Math.exp(-mean + k * Math.log(mean) - logFactorial);
}

function buildLogFactorial(n: number): Float64Array {
  const out = new Float64Array(n + 1);
  for (let i = 1; i <= n; i++) out[i] = (out[i - 1] ?? 0) + Math.log(i);
  return out;
}

function logFactorialStirling(k: number): number {
  return k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k) + 1 / (12 * k);
}
