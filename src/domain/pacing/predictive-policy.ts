import { PacerError } from '../pacer-error.ts';
import type { FieldIssue } from '../pacer-error.ts';
import { LEAVING_HORIZON_MS, type PacingDecision, type PacingObservation, type PacingPolicy, type PacingPolicyConfig, type PacingSnapshot } from './pacing-policy.ts';
import { abandonAllowance } from './predictive/abandon-allowance.ts';
import { AgentReleaseModel } from './predictive/agent-release-model.ts';
import { CallArrivalModel } from './predictive/call-arrival-model.ts';
import { HiddenHumanEstimator } from './predictive/hidden-human-estimator.ts';
import { ModelCalibration } from './predictive/model-calibration.ts';
import { HorizonProjection } from './predictive/horizon-projection.ts';
import { WindowForecast } from './predictive/window-forecast.ts';
import { rampLimit, RecentRequests, resolveDialLimits, type PredictiveDialLimits } from './predictive/dial-limits.ts';

/**
 * Pacer's model-based `predictive` policy.
 *
 * It learns, from `observe`, the outcome mix and timing of dialed calls ({@link CallArrivalModel})
 * and the talk / wrap-up durations of agents ({@link AgentReleaseModel}). On `decide` it projects,
 * at a dozen checkpoints over the next ~20 s, the number of live answers that will need an agent
 * (calls in flight, by stage and age, plus n new calls) against the number of agents that will be
 * free (ready ones, plus busy ones by their time in state), with a normal approximation; the
 * expected abandons over the horizon are max_t E[(needs(t) - free(t))+]. It places the largest n
 * whose expected abandons stay within `targetRate x expected live answers`, where the target rate
 * comes from the abandon budget left in the legal window ({@link abandonAllowance}). With too
 * little evidence, or the budget spent, it dials progressively (one call per ready agent not
 * covered by a call in flight), which never abandons while agents wait.
 *
 * @example
 * ```ts
 * const policy = createPredictivePolicy({ name: 'predictive', maxAbandonRate: 0.03, abandonWindow: '30d' });
 * policy.observe({ type: 'call_ended', originatedAtMs: 0, answeredAtMs: 9_000, needsAgentAtMs: 11_500, connectedAtMs: 11_500, endedAtMs: 140_000, result: 'human', abandoned: false });
 * const { callsToPlace, reason } = policy.decide(snapshot);
 * ```
 */

/** The abandon budget is planned over this period (and what leaves the window in it). */
const PLANNING_MS = LEAVING_HORIZON_MS;
/** Checkpoints per horizon. */
const CHECKPOINTS = 8;
/** Standard errors added to the live-answer share (margin shrinking with the sample). */
const LIVE_SHARE_Z = 1.5;
/** Below these counts the policy dials progressively. */
const MIN_CALLS_OBSERVED = 100;
const MIN_HUMANS_OBSERVED = 20;
const MIN_TALKS_OBSERVED = 10;
/**
 * ...and for this long after the first dial: the first outcomes to come back are the quick ones
 * (failures), so an early sample understates live answers and would make the model over-dial.
 */
const MIN_OBSERVED_MS = 180_000;
/** Table refresh period (sooner while the sample grows by half). */
const REBUILD_EVERY_MS = 300_000;
const RELEASE_REBUILD_EVERY_MS = 1_800_000;
/** The full model runs at most this often; decisions in between only add progressive calls. */
const EVALUATE_EVERY_MS = 1000;
/** Small teams: accepted probability of a planning period taking the window over the cap (exact Poisson risk). */
const SMALL_TEAM_RISK = 0.05;
const SMALL_TEAM_HIDDEN_Z = 0.5;
/** Most new calls in one decision: enough for twice the logged-in agents' worth of live answers. */
const MAX_LIVE_ANSWERS_PER_AGENT = 2;

/** What the model believed at its latest evaluation (for metrics, charts and debugging). */
export interface PredictiveDiagnostics {
  atMs: number;
  /** Calibration factor applied to the projected abandons. */
  calibrationFactor: number;
  targetRate: number;
  remainingAbandons: number;
  marginAbandons: number;
  /** Projected abandons per live answer over the horizon for the chosen calls (uncalibrated). */
  projectedRate: number;
  hiddenHumanShare: number;
  horizonSec: number;
  liveShare: number;
}

export interface PredictivePolicy extends PacingPolicy {
  diagnostics(): PredictiveDiagnostics;
}

export function createPredictivePolicy(config: PacingPolicyConfig): PredictivePolicy {
  if (!(config.maxAbandonRate >= 0 && config.maxAbandonRate <= 1)) {
    throw new PacerError('CONFIG_INVALID', `maxAbandonRate must be in [0, 1], got ${config.maxAbandonRate}`, {
      issues: [{ field: 'maxAbandonRate', reason: 'must be a number in [0, 1]' }],
    });
  }
  if (config.abandonWindow !== '30d' && config.abandonWindow !== '24h') {
    throw new PacerError('CONFIG_INVALID', `abandonWindow must be '30d' or '24h', got ${String(config.abandonWindow)}`, {
      issues: [{ field: 'abandonWindow', reason: "must be '30d' or '24h'" }],
    });
  }
  return new PredictivePacingPolicy(config, resolveDialLimits(config.predictive));
}

class PredictivePacingPolicy implements PredictivePolicy {
  readonly name = 'predictive' as const;
  readonly #arrivals = new CallArrivalModel();
  readonly #release = new AgentReleaseModel();
  readonly #projection = new HorizonProjection(this.#arrivals, this.#release);
  readonly #hidden = new HiddenHumanEstimator();
  #built = false;
  #builtAtMs = Number.NEGATIVE_INFINITY;
  #builtVersion = -1;
  #builtObserved = 0;
  #releaseHorizonSec = -1;
  #releaseBuiltAtMs = Number.NEGATIVE_INFINITY;
  #releaseBuiltTalks = 0;
  #firstDialMs = Number.POSITIVE_INFINITY;
  #hiddenHumanShare = 0;
  /** The same with half a standard error (the small-team rule's Poisson law carries the randomness). */
  #smallTeamHiddenShare = 0;
  /** The same without a margin: what goes beyond an estimate the ledger already counts. */
  #hiddenPointShare = 0;
  #meanHandleSec = 0;
  readonly #calibration = new ModelCalibration({ memory: 300, priorFactor: 1.5, priorAbandons: 5 });
  #evaluatedAtMs = Number.NEGATIVE_INFINITY;
  readonly #limits: PredictiveDialLimits;
  readonly #recent: RecentRequests;
  #lastDecideMs = Number.NEGATIVE_INFINITY;
  /** Start of the latest warm-up (campaign start, resume after a pause or an outage). */
  #warmupFromMs = Number.NEGATIVE_INFINITY;
  #modelStarted = false;
  #longWarmupFromMs = Number.NEGATIVE_INFINITY;
  #activeAtEvaluation = 0;

  #diagnostics: PredictiveDiagnostics = {
    atMs: 0, calibrationFactor: 1, targetRate: 0, remainingAbandons: 0, marginAbandons: 0, projectedRate: 0, hiddenHumanShare: 0, horizonSec: 0, liveShare: 0,
  };

  readonly #forecast: WindowForecast;

  constructor(config: PacingPolicyConfig, limits: PredictiveDialLimits) {
    this.#limits = limits;
    this.#recent = new RecentRequests(limits.unconfirmedCallMs);
    this.#forecast =
      config.abandonWindow === '24h'
        ? new WindowForecast({ windowMs: 86_400_000, bucketMs: 60_000 })
        : new WindowForecast({ windowMs: 30 * 86_400_000, bucketMs: 600_000 });
  }

  diagnostics(): PredictiveDiagnostics {
    return { ...this.#diagnostics };
  }

  observe(observation: PacingObservation): void {
    switch (observation.type) {
      case 'call_ended': {
        const o = observation;
        const end = o.answeredAtMs ?? o.endedAtMs;
        if (!(end >= o.originatedAtMs)) throw invalid('answeredAtMs', 'must not be before originatedAtMs');
        if (!(o.endedAtMs >= o.originatedAtMs)) throw invalid('endedAtMs', 'must not be before originatedAtMs');
        const answerSec = (end - o.originatedAtMs) / 1000;
        // What matters for pacing is whether the call needed an agent: a machine that AMD passed
        // on (false negative) occupies an agent like a person does, so it counts as a live answer
        // here; `machine` below means "hung up by AMD without an agent".
        const result = o.needsAgentAtMs !== undefined ? 'human' : o.result;
        let classifySec: number | undefined;
        if (o.answeredAtMs !== undefined) {
          const classifiedAtMs = result === 'human' ? o.needsAgentAtMs : result === 'machine' ? o.endedAtMs : undefined;
          if (classifiedAtMs !== undefined) {
            if (!(classifiedAtMs >= o.answeredAtMs)) throw invalid(result === 'human' ? 'needsAgentAtMs' : 'endedAtMs', 'must not be before answeredAtMs');
            classifySec = (classifiedAtMs - o.answeredAtMs) / 1000;
          }
        }
        // A machine an agent took and dropped: a short hold of that agent, not a talk.
        if (o.result === 'machine' && o.connectedAtMs !== undefined && o.endedAtMs >= o.connectedAtMs) this.#release.addMachineHold((o.endedAtMs - o.connectedAtMs) / 1000);
        if (o.abandoned) {
          this.#calibration.abandoned();
          this.#forecast.record(o.endedAtMs, 'abandon');
        } else if (o.result === 'human' && o.connectedAtMs !== undefined) {
          this.#forecast.record(o.connectedAtMs, 'live_answer');
        }
        if (this.#firstDialMs > o.originatedAtMs) this.#firstDialMs = o.originatedAtMs;
        this.#recent.ended(o.originatedAtMs);
        const atMs = o.answeredAtMs ?? o.endedAtMs;
        this.#arrivals.add(classifySec === undefined ? { result, answerSec, atMs } : { result, answerSec, classifySec, atMs });
        // The AMD-drop estimate compares people passed on with AMD's machine verdicts; a machine
        // an agent dropped is neither (it is known to be a machine).
        if (o.answeredAtMs !== undefined) {
          if (o.result === 'human' && o.needsAgentAtMs !== undefined) this.#hidden.add('human', answerSec, o.answeredAtMs);
          else if (o.result === 'machine' && o.needsAgentAtMs === undefined) this.#hidden.add('machine', answerSec, o.answeredAtMs);
        }
        return;
      }
      case 'agent_call_ended':
        if (!(observation.talkMs >= 0)) throw invalid('talkMs', 'must be a non-negative number');
        this.#release.addTalk(observation.talkMs / 1000);
        return;
      case 'agent_wrap_ended':
        if (!(observation.wrapMs >= 0)) throw invalid('wrapMs', 'must be a non-negative number');
        this.#release.addWrap(observation.wrapMs / 1000);
        return;
    }
  }

  decide(snapshot: PacingSnapshot): PacingDecision {
    validateSnapshot(snapshot);
    const decision = this.#decide(snapshot);
    this.#recent.requested(snapshot.nowMs, decision.callsToPlace);
    return decision;
  }

  #decide(snapshot: PacingSnapshot): PacingDecision {
    const nowMs = snapshot.nowMs;
    // A long silence between decisions is a pause or an outage: start a new warm-up.
    if (nowMs - this.#lastDecideMs > this.#limits.resumeGapMs) this.#warmupFromMs = nowMs;
    if (snapshot.dialingResumedAtMs !== undefined && snapshot.dialingResumedAtMs <= nowMs && snapshot.dialingResumedAtMs > this.#warmupFromMs) {
      this.#warmupFromMs = snapshot.dialingResumedAtMs;
    }
    this.#lastDecideMs = nowMs;
    let ready = 0;
    let active = 0;
    for (const agent of snapshot.agents) {
      if (agent.state === 'paused') continue;
      active++;
      if (agent.state === 'ready') ready++;
    }
    // Calls asked for moments ago that the snapshot does not show yet are in flight all the same.
    const inFlight = Math.max(snapshot.calls.length + (snapshot.pendingCalls ?? 0), this.#recent.pending(nowMs));
    const limit = Math.max(0, Math.floor(Math.min(snapshot.leadsAvailable, snapshot.capacity)));
    const progressive = Math.min(limit, Math.max(0, ready - inFlight));
    const level = (calls: number): number => (active > 0 ? (inFlight + calls) / active : 0);
    if (active === 0) return { callsToPlace: 0, dialLevel: 0, reason: 'no_agents' };
    if (
      this.#arrivals.mix.observed < MIN_CALLS_OBSERVED ||
      this.#arrivals.humansObserved < MIN_HUMANS_OBSERVED ||
      this.#release.talkObserved < MIN_TALKS_OBSERVED ||
      snapshot.nowMs - this.#firstDialMs < MIN_OBSERVED_MS
    ) {
      return { callsToPlace: progressive, dialLevel: level(progressive), reason: 'small_sample_progressive' };
    }
    if (snapshot.nowMs - this.#evaluatedAtMs < EVALUATE_EVERY_MS && snapshot.nowMs >= this.#evaluatedAtMs) {
      // The model ran moments ago; until the next evaluation only cover newly ready agents.
      return { callsToPlace: progressive, dialLevel: level(progressive), reason: 'between_evaluations_progressive' };
    }
    this.#evaluatedAtMs = snapshot.nowMs;
    // The model's first evaluation (its evidence is the least representative) and a crowd of
    // agents logging in at once start a warm-up too.
    // A mass login is warmed up like a campaign's start: most of the floor is new.
    if (!this.#modelStarted || active - this.#activeAtEvaluation >= Math.max(5, this.#limits.massLoginShare * this.#activeAtEvaluation)) this.#longWarmupFromMs = nowMs;
    this.#modelStarted = true;
    this.#activeAtEvaluation = active;
    const sinceResume = nowMs - this.#warmupFromMs;
    const sinceLong = nowMs - this.#longWarmupFromMs;
    const warmingUp = sinceResume < this.#limits.warmupMs || sinceLong < this.#limits.firstWarmupMs;
    // After a warm-up, the banked surplus comes back gradually over as long again.
    const phase = (since: number, length: number): number => (length > 0 ? Math.min(1, Math.max(0, since / length - 1)) : 1);
    const surplusShare = Math.min(phase(sinceResume, this.#limits.warmupMs), phase(sinceLong, this.#limits.firstWarmupMs));
    this.#maybeRebuild(snapshot.nowMs);

    // The ledger counts the AMD drops its estimate covers (24 h mode, campaign's rate); room is
    // made here only for those the policy sees beyond it.
    // With an estimate counted, only what the policy's point estimate sees beyond it is added.
    const counted = snapshot.budget.estimatedAmdFalsePositiveRate ?? 0;
    const hidden = counted > 0 ? Math.max(0, this.#hiddenPointShare - counted) : this.#hiddenHumanShare;
    const planningAnswers = (active * (PLANNING_MS / 1000)) / Math.max(1, this.#meanHandleSec);
    const allowance = abandonAllowance(snapshot.budget, {
      hiddenHumanShare: hidden,
      planningAnswers,
      leaving: this.#leaving(snapshot),
      amdDropShare: this.#hiddenHumanShare,
      surplusShare,
      smallTeamRisk: SMALL_TEAM_RISK,
      smallTeamHiddenShare: counted > 0 ? hidden : this.#smallTeamHiddenShare,
    });
    const liveNow = this.#projection.project(snapshot);
    const factor = this.#calibration.factor;
    const abandonsNow = factor * this.#projection.expectedAbandons(0);
    this.#diagnostics = {
      atMs: snapshot.nowMs,
      calibrationFactor: factor,
      targetRate: allowance.targetRate,
      remainingAbandons: allowance.remaining,
      marginAbandons: allowance.margin,
      projectedRate: 0,
      hiddenHumanShare: hidden,
      horizonSec: this.#projection.horizonSec,
      liveShare: this.#arrivals.mix.probability('human'),
    };
    if (allowance.spent || allowance.remaining - abandonsNow < 0.5) {
      this.#plan(snapshot.nowMs, progressive);
      return { callsToPlace: progressive, dialLevel: level(progressive), expectedLiveAnswers: liveNow, reason: 'budget_spent_progressive' };
    }

    const liveShare = Math.max(0.02, this.#arrivals.mix.probability('human'));
    const upper = Math.max(progressive, Math.min(limit, Math.ceil((MAX_LIVE_ANSWERS_PER_AGENT * active) / liveShare), rampLimit(this.#limits, { active, ready, inFlight, progressive, warmingUp })));
    const target = allowance.targetRate / factor;
    // Never plan more expected abandons (calls in flight included) than the window has left.
    this.#abandonCeiling = (allowance.remaining - 0.5) / factor;
    let lo = progressive;
    if (upper > lo && this.#fits(lo + 1, target)) {
      // Largest n in (lo, upper] that fits: exponential then binary search (fit is monotone in n).
      let hi = lo + 1;
      let step = 1;
      while (hi < upper && this.#fits(Math.min(upper, hi + step), target)) {
        hi = Math.min(upper, hi + step);
        step *= 2;
      }
      lo = hi;
      let bad = hi >= upper ? upper + 1 : Math.min(upper, hi + step);
      while (bad - lo > 1) {
        const mid = Math.floor((lo + bad) / 2);
        if (this.#fits(mid, target)) lo = mid;
        else bad = mid;
      }
    }
    const callsToPlace = lo;
    this.#plan(snapshot.nowMs, callsToPlace);
    const newHuman = this.#arrivals.dialingHuman[0] ?? 0;
    return {
      callsToPlace,
      dialLevel: level(callsToPlace),
      expectedLiveAnswers: liveNow + callsToPlace * newHuman,
      reason: callsToPlace > progressive ? 'predictive' : 'predictive_at_progressive',
    };
  }

  #abandonCeiling = 0;

  /** Whether n new calls keep the projected abandons within `targetRate` of the projected live answers and within the budget left. */
  #fits(n: number, targetRate: number): boolean {
    const abandons = this.#projection.expectedAbandons(n);
    return abandons <= this.#abandonCeiling && abandons <= targetRate * this.#projection.expectedAnswers(n);
  }

  /**
   * What leaves the legal window over the planning period: the ledger's figure, else from the policy's own record, scaled
   * to the ledger's counts (which may include estimated AMD drops the policy does not record).
   */
  #leaving(snapshot: PacingSnapshot): { liveAnswers: number; abandoned: number } {
    // The ledger's own buckets when it gives them (exact, and restored after a restart).
    if (snapshot.budget.leaving !== undefined) return snapshot.budget.leaving;
    const own = this.#forecast.inWindow(snapshot.nowMs);
    const out = this.#forecast.leaving(snapshot.nowMs, PLANNING_MS);
    const scale = (ledger: number, mine: number): number => (mine > 0 ? Math.min(2, Math.max(0.5, ledger / mine)) : 1);
    return {
      liveAnswers: out.liveAnswers * scale(snapshot.budget.liveAnswers, own.liveAnswers),
      abandoned: out.abandoned * scale(snapshot.budget.abandoned, own.abandoned),
    };
  }

  /** Records the projection for the chosen number of calls (calibration, diagnostics). */
  #plan(nowMs: number, n: number): void {
    const answers = this.#projection.expectedAnswers(n);
    const abandons = this.#projection.expectedAbandons(n);
    this.#calibration.planned(nowMs, abandons, this.#projection.horizonSec * 1000);
    this.#diagnostics.projectedRate = answers > 0 ? abandons / answers : 0;
  }

  #maybeRebuild(nowMs: number): void {
    const observed = this.#arrivals.mix.observed + this.#release.talkObserved;
    const version = observed + this.#release.version;
    // Rebuild the tables every few minutes, and sooner while the sample is still growing fast.
    const stale = version !== this.#builtVersion && (nowMs - this.#builtAtMs >= REBUILD_EVERY_MS || observed >= 1.5 * this.#builtObserved);
    if (this.#built && !stale) return;
    this.#built = true;
    this.#builtObserved = observed;
    this.#arrivals.rebuild(LIVE_SHARE_Z, CHECKPOINTS);
    const horizonSec = this.#arrivals.checkpointsSec[CHECKPOINTS - 1] ?? 0;
    // Talk and wrap-up distributions drift slowly: their table is rebuilt less often, or when
    // the horizon moved.
    if (horizonSec !== this.#releaseHorizonSec || nowMs - this.#releaseBuiltAtMs >= RELEASE_REBUILD_EVERY_MS || this.#release.talkObserved >= 2 * this.#releaseBuiltTalks) {
      this.#release.rebuild(this.#arrivals.checkpointsSec);
      this.#releaseHorizonSec = horizonSec;
      this.#releaseBuiltAtMs = nowMs;
      this.#releaseBuiltTalks = this.#release.talkObserved;
    }
    this.#hiddenHumanShare = this.#hidden.share();
    this.#smallTeamHiddenShare = this.#hidden.share(SMALL_TEAM_HIDDEN_Z);
    this.#hiddenPointShare = this.#hidden.share(0);
    this.#meanHandleSec = this.#release.meanHandleSec();
    this.#builtAtMs = nowMs;
    this.#builtVersion = version;
  }
}

function invalid(field: string, reason: string): PacerError {
  return new PacerError('VALIDATION_FAILED', `invalid pacing input: ${field} ${reason}`, { issues: [{ field, reason }] });
}

function validateSnapshot(snapshot: PacingSnapshot): void {
  const issues: FieldIssue[] = [];
  if (!Number.isFinite(snapshot.nowMs)) issues.push({ field: 'nowMs', reason: 'must be a finite number' });
  if (!(snapshot.leadsAvailable >= 0)) issues.push({ field: 'leadsAvailable', reason: 'must be >= 0 (or Infinity)' });
  if (!(snapshot.capacity >= 0)) issues.push({ field: 'capacity', reason: 'must be >= 0 (or Infinity)' });
  const b = snapshot.budget;
  if (!(b.maxAbandonRate >= 0 && b.maxAbandonRate <= 1)) issues.push({ field: 'budget.maxAbandonRate', reason: 'must be in [0, 1]' });
  if (!(b.liveAnswers >= 0)) issues.push({ field: 'budget.liveAnswers', reason: 'must be >= 0' });
  if (!(b.abandoned >= 0)) issues.push({ field: 'budget.abandoned', reason: 'must be >= 0' });
  if (issues.length > 0) {
    throw new PacerError('VALIDATION_FAILED', `invalid pacing snapshot: ${issues.map((i) => i.field).join(', ')}`, { issues });
  }
}
