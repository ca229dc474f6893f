import type { AbandonBudgetSnapshot } from '../pacing-policy.ts';
import { smallTeamRate } from './small-team-allowance.ts';

/** Below this many abandons allowed per planning period at the cap, the small-team rule plans (`small-team-allowance.ts`). */
export const SMALL_TEAM_ABANDONS = 5;
/** ...and whose estimated AMD drops are at least this share of live answers. */
export const SMALL_TEAM_MIN_HIDDEN = 0.002;

/**
 * Turns the abandon budget that remains in the legal window into the abandon rate the planner
 * may run at for the next while:
 *
 *   effective cap   r  = maxRate - hidden * (1 - maxRate)   (room for AMD drops the ledger cannot see)
 *   remaining       B  = r * liveAnswers - abandoned        (abandons still allowed right now)
 *                        - max(0, r * leavingAnswers - leavingAbandons)   (sliding window)
 *   margin          m  = 2 + sqrt(r * planningAnswers)      (bursts and estimation noise)
 *                        + 3 * sqrt(amdDropShare * liveAnswers)          (random AMD drops)
 *   target rate        = safety * r * clamp((B - 1) / m, 0, 1) + max(0, B - 2 m) / planningAnswers
 *                        (at most 2 r)
 *
 * so the planned rate falls smoothly to zero as the remaining budget falls from m + 1 to 1
 * abandon, and a campaign that has banked more than two margins may spend the surplus over the
 * next `planningAnswers` live answers. `spent` is true when nothing beyond progressive dialing
 * is safe. Small teams with AMD drops (`smallTeamRisk`) plan instead at the exact Poisson risk of
 * the window (`small-team-allowance.ts`).
 *
 * @example
 * ```ts
 * const allowance = abandonAllowance({ maxAbandonRate: 0.03, liveAnswers: 2000, abandoned: 40 }, { hiddenHumanShare: 0, planningAnswers: 200 });
 * allowance.targetRate; // 0.95 * 0.03 + (20 - 2 * 4.4) / 200 = ~0.084, capped at 2 * 0.03
 * ```
 */
export interface AbandonAllowance {
  /** Cap after room for hidden AMD drops. */
  effectiveMaxRate: number;
  /** Abandons still allowed in the window right now (may be negative). */
  remaining: number;
  /** Safety margin in abandons. */
  margin: number;
  /** Abandon rate the planner may run at now. */
  targetRate: number;
  spent: boolean;
}

export interface AbandonAllowanceOptions {
  /** Estimated share of live answers that AMD hangs up unseen (0 when the ledger already counts them). */
  hiddenHumanShare: number;
  /** Live answers expected over the planning period (~30 min). */
  planningAnswers: number;
  /** Fraction of the cap planned for in steady state (default 0.95). */
  safety?: number;
  /** Live answers and abandons that leave the sliding window during the planning period. */
  leaving?: { liveAnswers: number; abandoned: number };
  /**
   * Share of live answers hung up by AMD, for the margin only: their count in the window is
   * random, and neither the ledger's estimate nor ours follows it exactly.
   */
  amdDropShare?: number;
  /**
   * Share of the banked surplus the plan may spend (default 1): 0 right after a start or a resume,
   * when the model is least sure (plan at most `safety x r`), rising back to 1 after it.
   */
  surplusShare?: number;
  /**
   * Small teams (fewer than {@link SMALL_TEAM_ABANDONS} abandons allowed per planning period at
   * the cap): plan at the largest rate whose exact (Poisson) risk of breaking the cap over the
   * period is at most this, instead of the normal margin. Default: off.
   */
  smallTeamRisk?: number;
  /**
   * The hidden AMD-drop share the small-team rule uses (default `hiddenHumanShare`): a less
   * inflated estimate, the rule's Poisson law carrying their randomness.
   */
  smallTeamHiddenShare?: number;
}

export function abandonAllowance(budget: AbandonBudgetSnapshot, options: AbandonAllowanceOptions): AbandonAllowance {
  const hidden = Math.min(0.5, Math.max(0, options.hiddenHumanShare));
  const phi = hidden / (1 - hidden);
  const effectiveMaxRate = Math.max(0, budget.maxAbandonRate - phi * (1 - budget.maxAbandonRate));
  const leaving = options.leaving ?? { liveAnswers: 0, abandoned: 0 };
  // Answers leaving the window with fewer abandons than the cap allowed take budget with them.
  const leavingCost = Math.max(0, effectiveMaxRate * leaving.liveAnswers - leaving.abandoned);
  const remaining = effectiveMaxRate * budget.liveAnswers - budget.abandoned - leavingCost;
  const planning = Math.max(30, options.planningAnswers);
  const dropShare = Math.max(0, options.amdDropShare ?? 0);
  const margin = 2 + Math.sqrt(effectiveMaxRate * planning) + 3 * Math.sqrt(dropShare * budget.liveAnswers);
  const safety = options.safety ?? 0.95;
  const ramp = Math.min(1, Math.max(0, (remaining - 1) / margin));
  const surplus = (Math.min(1, Math.max(0, options.surplusShare ?? 1)) * Math.max(0, remaining - 2 * margin)) / planning;
  let targetRate = Math.min(2 * effectiveMaxRate, safety * effectiveMaxRate * ramp + surplus);
  const smallHidden = Math.min(0.5, Math.max(0, options.smallTeamHiddenShare ?? hidden));
  // The rule is for teams whose margin is mostly the randomness of AMD drops (3 sigma over the
  // whole window); without them the normal margin is a few abandons and paces more smoothly.
  if (options.smallTeamRisk !== undefined && budget.maxAbandonRate * planning < SMALL_TEAM_ABANDONS && smallHidden >= SMALL_TEAM_MIN_HIDDEN) {
    const smallPhi = smallHidden / (1 - smallHidden);
    const smallMaxRate = Math.max(0, budget.maxAbandonRate - smallPhi * (1 - budget.maxAbandonRate));
    const exact = smallTeamRate({
      maxRate: budget.maxAbandonRate,
      liveAnswers: budget.liveAnswers,
      abandoned: budget.abandoned,
      hiddenRatio: smallPhi,
      planningAnswers: planning,
      leavingCost: Math.max(0, budget.maxAbandonRate * leaving.liveAnswers - leaving.abandoned),
      risk: options.smallTeamRisk,
    });
    // Right after a start or a resume only the steady rate; the rest of what the risk allows comes back with the surplus share.
    const steady = safety * smallMaxRate;
    const share = Math.min(1, Math.max(0, options.surplusShare ?? 1));
    targetRate = Math.min(2 * smallMaxRate, exact <= steady ? exact : steady + share * (exact - steady));
  }
  return { effectiveMaxRate, remaining, margin, targetRate, spent: targetRate <= 0 };
}
