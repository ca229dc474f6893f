import { PacerError } from '../../pacer-error.ts';

/**
 * Hard limits on what the predictive model may ask for, whatever it believes. They exist for the
 * moments where the model is most likely to be wrong and an operator is watching: a campaign's
 * start (the first outcomes back are biased: failures come back first, and a live call is only
 * seen when its talk ends, so early talk times are the short ones), the minutes after a pause or
 * an outage, and many agents becoming ready at once.
 *
 * - `maxDialLevel`: lines (calls in flight + new) per active agent, never more;
 * - `maxStepPerTick`: during a warm-up, each model evaluation (about one a second) may add at most
 *   `ceil(maxStepPerTick x active agents)` calls (at least 1) beyond the progressive floor, so the
 *   dial level ramps up as answers come back instead of jumping;
 * - `maxLinesPerReadyAgent`: during a warm-up, one evaluation places at most this many new calls
 *   per ready agent (plus one), or the progressive floor when that is more;
 * - `resumeGapMs`: a gap between two decisions longer than this means dialing was interrupted
 *   (pause, outage, a frozen database): the policy starts a warm-up;
 * - `massLoginShare`: the active agents growing by this share (and at least 5) between two
 *   evaluations starts a warm-up;
 * - `warmupMs`: how long a warm-up lasts after a resume; during it the planner also spends no
 *   banked budget (no surplus over the cap's rate), which then comes back over as long again;
 * - `firstWarmupMs`: the same from the model's first evaluation in a campaign, whose evidence is
 *   the most biased, and after a mass login (most of the floor is new): longer;
 * - `unconfirmedCallMs`: calls the policy asked for in this recent past that the snapshot does not
 *   show yet (still being written or originated) count as in flight.
 *
 * @example
 * ```ts
 * const limits = resolveDialLimits({ maxStepPerTick: 0.05 });
 * limits.maxDialLevel; // 10
 * ```
 */
export interface PredictiveDialLimits {
  maxDialLevel: number;
  maxLinesPerReadyAgent: number;
  maxStepPerTick: number;
  resumeGapMs: number;
  massLoginShare: number;
  warmupMs: number;
  firstWarmupMs: number;
  unconfirmedCallMs: number;
}

export const DEFAULT_DIAL_LIMITS: Readonly<PredictiveDialLimits> = Object.freeze({
  maxDialLevel: 10,
  maxLinesPerReadyAgent: 3,
  maxStepPerTick: 0.02,
  resumeGapMs: 5_000,
  massLoginShare: 0.25,
  warmupMs: 300_000,
  firstWarmupMs: 900_000,
  unconfirmedCallMs: 2_000,
});

/**
 * Limits that never bind (for comparisons: the policy as it was before the limits existed, apart
 * from the budget ceiling).
 */
export const NO_DIAL_LIMITS: Readonly<PredictiveDialLimits> = Object.freeze({
  maxDialLevel: 100,
  maxLinesPerReadyAgent: 100,
  maxStepPerTick: 10,
  resumeGapMs: 3_600_000,
  massLoginShare: 100,
  warmupMs: 0,
  firstWarmupMs: 0,
  unconfirmedCallMs: 0,
});

const RANGES: Record<keyof PredictiveDialLimits, readonly [number, number]> = {
  maxDialLevel: [1, 100],
  maxLinesPerReadyAgent: [1, 100],
  maxStepPerTick: [0.001, 10],
  resumeGapMs: [1_000, 3_600_000],
  massLoginShare: [0.01, 100],
  warmupMs: [0, 3_600_000],
  firstWarmupMs: [0, 3_600_000],
  unconfirmedCallMs: [0, 60_000],
};

/** Fills in the defaults; throws `PacerError('CONFIG_INVALID')` naming the field for a value out of range. */
export function resolveDialLimits(partial: Partial<PredictiveDialLimits> | undefined): PredictiveDialLimits {
  const limits: PredictiveDialLimits = { ...DEFAULT_DIAL_LIMITS, ...(partial ?? {}) };
  for (const key of Object.keys(RANGES) as Array<keyof PredictiveDialLimits>) {
    const [min, max] = RANGES[key];
    const v = limits[key];
    if (!(Number.isFinite(v) && v >= min && v <= max)) {
      throw new PacerError('CONFIG_INVALID', `predictive.${key} must be a number from ${min} to ${max}, got ${String(v)}`, {
        issues: [{ field: `predictive.${key}`, reason: `must be a number from ${min} to ${max}` }],
      });
    }
  }
  return limits;
}

/**
 * Most new calls the limits allow in one evaluation. `warmingUp`: a start, resume or mass login
 * happened less than `warmupMs` ago. Never below the progressive floor (which cannot abandon while
 * agents wait) except where `maxDialLevel` binds.
 *
 * @example
 * ```ts
 * rampLimit(DEFAULT_DIAL_LIMITS, { active: 200, ready: 200, inFlight: 0, progressive: 200, warmingUp: true }); // 204
 * ```
 */
export function rampLimit(
  l: PredictiveDialLimits,
  s: { active: number; ready: number; inFlight: number; progressive: number; warmingUp: boolean },
): number {
  const byLevel = Math.floor(l.maxDialLevel * s.active + 1e-9) - s.inFlight;
  if (!s.warmingUp) return Math.max(0, byLevel);
  const byStep = s.progressive + Math.max(1, Math.ceil(l.maxStepPerTick * s.active - 1e-9));
  const byReady = Math.max(s.progressive, Math.ceil(l.maxLinesPerReadyAgent * s.ready) + 1);
  return Math.max(0, Math.min(byLevel, byStep, byReady));
}

/**
 * The calls the policy asked for in the last `windowMs` that have not ended yet (by their
 * origination time): a floor under the snapshot's count of calls in flight.
 */
export class RecentRequests {
  readonly #windowMs: number;
  readonly #at: number[] = [];
  readonly #count: number[] = [];

  constructor(windowMs: number) {
    this.#windowMs = windowMs;
  }

  requested(atMs: number, count: number): void {
    if (count <= 0 || this.#windowMs <= 0) return;
    this.#at.push(atMs);
    this.#count.push(count);
  }

  /** A call originated at `originatedAtMs` ended: it no longer counts. */
  ended(originatedAtMs: number): void {
    for (let i = this.#at.length - 1; i >= 0; i--) {
      const at = this.#at[i] ?? Number.NaN;
      const c = this.#count[i] ?? 0;
      if (at <= originatedAtMs && c > 0) {
        this.#count[i] = c - 1;
        return;
      }
    }
  }

  pending(nowMs: number): number {
    while (this.#at.length > 0 && (this.#at[0] ?? nowMs) < nowMs - this.#windowMs) {
      this.#at.shift();
      this.#count.shift();
    }
    let n = 0;
    for (const c of this.#count) n += c;
    return n;
  }
}
