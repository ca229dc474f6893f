import { normalCdf } from './normal-distribution.ts';

/**
 * The abandon rate a small team may plan at, from the exact small-sample risk of its window
 * instead of a large-sample normal margin.
 *
 * With a few agents a planning period holds a few dozen live answers and one abandon is several
 * percent of them; a normal margin (`2 + sqrt(r P) + 3 sqrt(hidden x liveAnswers)`) is then about
 * the size of the whole budget and the team dials at progressive. Here the window's abandons at
 * the end of the planning period are counted as they are: what the ledger holds (`abandoned`),
 * plus people hung up by AMD that no one sees (in the window and in the period: Poisson with mean
 * `hiddenRatio x (liveAnswers + planningAnswers)`), plus the pacing abandons planned for the
 * period (Poisson with mean `lambda`). The plan is the largest `lambda` whose probability of
 * taking the window over `maxRate x (liveAnswers + planningAnswers)` (minus what leaves the
 * window) is at most `risk`: the rate is `lambda / planningAnswers`.
 *
 * @example
 * ```ts
 * // 3 agents, 1,000 live answers so far, 5 abandons, ~1 % of people hung up by AMD, 33 answers per half hour.
 * smallTeamRate({ maxRate: 0.03, liveAnswers: 1000, abandoned: 5, hiddenRatio: 0.01, planningAnswers: 33, risk: 0.05 });
 * ```
 */
export interface SmallTeamInput {
  maxRate: number;
  /** Live answers and abandons in the window (the ledger's view). */
  liveAnswers: number;
  abandoned: number;
  /** Hidden AMD drops per seen live answer (share / (1 - share)). */
  hiddenRatio: number;
  /** Live answers expected over the planning period. */
  planningAnswers: number;
  /** Budget that leaves the sliding window over the period (`max(0, r x answers leaving - abandons leaving)`). */
  leavingCost?: number;
  /** Accepted probability of ending the period over the cap. */
  risk: number;
}

/** Largest planned pacing-abandon rate whose risk of breaking the cap is at most `risk` (0 if none). */
export function smallTeamRate(input: SmallTeamInput): number {
  const answers = Math.max(1, input.planningAnswers);
  const budget = input.maxRate * (input.liveAnswers + answers) - input.abandoned - (input.leavingCost ?? 0);
  const k = Math.floor(budget);
  if (k < 0) return 0;
  const hiddenMean = Math.max(0, input.hiddenRatio) * (input.liveAnswers + answers);
  // P(Poisson(m) <= k) falls as m grows: the largest m with P >= 1 - risk, by bisection.
  const ok = (m: number): boolean => poissonCdf(m, k) >= 1 - input.risk;
  if (!ok(hiddenMean)) return 0;
  let lo = hiddenMean;
  let hi = hiddenMean + k + 10 * Math.sqrt(k + 1) + 10;
  for (let i = 0; i < 50 && hi - lo > 1e-6; i++) {
    const mid = (lo + hi) / 2;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return (lo - hiddenMean) / answers;
}

/** P(X <= k) for X ~ Poisson(mean). */
export function poissonCdf(mean: number, k: number): number {
  if (k < 0) return 0;
  if (mean <= 0) return 1;
  if (mean > 500) {
    // exp(-mean) would underflow: the normal law with continuity correction is exact enough there.
    const z = (k + 0.5 - mean) / Math.sqrt(mean);
    return normalCdf(z);
  }
  let term = Math.exp(-mean);
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term *= mean / i;
    sum += term;
    if (term < 1e-16 * sum && i > mean) break;
  }
  return Math.min(1, sum);
}
