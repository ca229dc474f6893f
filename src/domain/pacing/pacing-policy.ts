/**
 * The pacing engine's one interface. The simulator (`src/sim`) and the dialer runtime call policies
 * through exactly this: feed them what happened (`observe`), ask them how many calls to place now
 * (`decide`). Policies are pure and deterministic: no I/O, no `Date.now()`, time only from the
 * snapshot's `nowMs` (read by the caller from the `Clock` port).
 *
 * @example
 * ```ts
 * const policy = createPacingPolicy({ name: 'predictive', maxAbandonRate: 0.03, abandonWindow: '30d' });
 * policy.observe({ type: 'call_ended', ... });
 * const { callsToPlace } = policy.decide(snapshot);
 * ```
 */

import type { PredictiveDialLimits } from './predictive/dial-limits.ts';

export type PacingPolicyName = 'progressive' | 'ratio' | 'vicidial' | 'predictive';

export type AgentPacingState = 'ready' | 'reserved' | 'on_call' | 'wrap_up' | 'paused';

export interface AgentSnapshot {
  state: AgentPacingState;
  /** When the agent entered `state` (epoch ms, same clock as `nowMs`). */
  stateSinceMs: number;
}

/**
 * Where a placed call is now:
 * - `dialing`: originated, no answer yet (includes ringing);
 * - `answered`: answered, still being classified (greeting / AMD running);
 * - `waiting_agent`: classified human (or AMD off), waiting for an agent: the abandon clock runs.
 */
export type CallStage = 'dialing' | 'answered' | 'waiting_agent';

export interface CallSnapshot {
  stage: CallStage;
  originatedAtMs: number;
  /** When the call entered `stage`. */
  stageSinceMs: number;
}

/** Live answers and abandons in the campaign's legal window (30 days, or 24 h in UK mode). */
export interface AbandonBudgetSnapshot {
  /** The rate the policies plan for: the legal cap, or the campaign's lower `abandonTarget`. */
  maxAbandonRate: number;
  liveAnswers: number;
  abandoned: number;
  /**
   * The AMD false-positive rate whose estimate the ledger already added to both counts (0 or absent:
   * none). The predictive policy makes room only for the AMD drops beyond it, so the two never both
   * count them, nor both leave them out.
   */
  estimatedAmdFalsePositiveRate?: number;
  /**
   * Optional: what leaves the legal window over the next {@link LEAVING_HORIZON_MS} (estimated
   * false positives included), from the ledger's own buckets: exact after a restart, where a
   * policy's own record starts empty.
   */
  leaving?: { liveAnswers: number; abandoned: number };
}

/** The period over which {@link AbandonBudgetSnapshot.leaving} is given (the predictive policy's planning period). */
export const LEAVING_HORIZON_MS = 1_800_000;

export interface PacingSnapshot {
  nowMs: number;
  agents: readonly AgentSnapshot[];
  calls: readonly CallSnapshot[];
  budget: AbandonBudgetSnapshot;
  /** Leads that could be dialed right now (finite pools); `Infinity` when unknown or unlimited. */
  leadsAvailable: number;
  /** Telephony head-room (free sessions / CPS tokens right now); `Infinity` when unlimited. */
  capacity: number;
  /**
   * Optional: when placing calls became possible again after a campaign start, a pause or an
   * outage (epoch ms, pacing clock). The predictive policy then ramps its dial level up and spends
   * no banked budget for a warm-up period. Without it, the policy infers a resume from a gap
   * between decisions (`predictive.resumeGapMs`).
   */
  dialingResumedAtMs?: number;
  /**
   * Optional: calls already decided on (being written or originated) that `calls` does not show
   * yet. They count as in flight. Default 0; the predictive policy also remembers its own recent
   * requests (`predictive.unconfirmedCallMs`).
   */
  pendingCalls?: number;
}

/**
 * What the policy learns from. Emitted by the simulator and by the runtime with the same meaning.
 * Times are epoch ms on the pacing clock.
 */
export type PacingObservation =
  | {
      type: 'call_ended';
      originatedAtMs: number;
      /** Undefined when never answered. */
      answeredAtMs?: number;
      /** When the call was known to need an agent (greeting end / AMD human decision); humans only. */
      needsAgentAtMs?: number;
      /** When an agent was connected; humans only. */
      connectedAtMs?: number;
      endedAtMs: number;
      /**
       * What the engine saw: `human` (passed to agents), `machine` (classified machine),
       * `failed` (busy, invalid, congestion...), `no_answer` (ring timeout).
       */
      result: 'human' | 'machine' | 'failed' | 'no_answer';
      abandoned: boolean;
    }
  | { type: 'agent_call_ended'; talkMs: number; atMs: number }
  | { type: 'agent_wrap_ended'; wrapMs: number; atMs: number };

export interface PacingDecision {
  /** How many new calls to originate now (>= 0, integer). */
  callsToPlace: number;
  /** Lines per available agent the policy is running at (for stats, charts and metrics). */
  dialLevel: number;
  /** Expected live answers from calls in flight plus the ones placed now, when the policy models it. */
  expectedLiveAnswers?: number;
  /** Short machine-readable reason (e.g. `budget_spent_progressive`, `small_sample_progressive`). */
  reason: string;
}

export interface PacingPolicy {
  readonly name: PacingPolicyName;
  observe(observation: PacingObservation): void;
  decide(snapshot: PacingSnapshot): PacingDecision;
}

export interface PacingPolicyConfig {
  name: PacingPolicyName;
  maxAbandonRate: number;
  abandonWindow: '30d' | '24h';
  /** `ratio` policy: lines per ready agent. */
  ratio?: number;
  /** `predictive` policy: hard dial limits (ramp, caps); defaults in docs/pacing.md. */
  predictive?: Partial<PredictiveDialLimits>;
  /** `vicidial` policy options. */
  vicidial?: {
    dropMode?: 'HARD_LIMIT' | 'TAPERED' | 'AVERAGE';
    availableOnlyTally?: boolean;
    /** Vicidial's adaptive_maximum_level, default 3.0. */
    maxLevel?: number;
    /** adaptive_intensity (-40..40). */
    intensity?: number;
    /** adaptive_dl_diff_target. */
    dlDiffTarget?: number;
    /** adaptive_latest_server_time (HHMM) for the TAPERED mode. */
    latestServerTimeHhmm?: string;
    /** The "server" clock's offset from UTC, minutes. */
    serverUtcOffsetMin?: number;
    initialDialLevel?: number;
    /** dial_level_threshold. */
    dialLevelThreshold?: number;
    /** available_only_tally_threshold. */
    availableOnlyTallyThreshold?: number;
  };
}
