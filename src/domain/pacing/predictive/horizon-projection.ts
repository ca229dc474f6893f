import type { PacingSnapshot } from '../pacing-policy.ts';
import type { AgentReleaseModel } from './agent-release-model.ts';
import type { CallArrivalModel } from './call-arrival-model.ts';
import { expectedPositivePart, positivePartMoments } from './normal-distribution.ts';
import { ShortfallEstimator } from './shortfall-estimator.ts';

/** Above this many expected arrivals plus freed agents over the horizon, normal laws are used. */
const LARGE_SYSTEM = 12;

/**
 * The planner's view of the next H seconds: from a snapshot (agents by state and time in state,
 * calls by stage and age) and the learned tables, the expected live answers needing an agent and
 * the expected busy agents freed at each checkpoint (with per-interval variances), and from those
 * the expected abandons if n new calls are placed now.
 *
 * @example
 * ```ts
 * const projection = new HorizonProjection(arrivals, release);
 * const liveInFlight = projection.project(snapshot);
 * projection.expectedAbandons(4); // with 4 new calls
 * projection.expectedAnswers(4);
 * ```
 */
export class HorizonProjection {
  readonly #arrivals: CallArrivalModel;
  readonly #release: AgentReleaseModel;
  readonly #shortfall = new ShortfallEstimator();
  #meanNeed = new Float64Array(0);
  #varNeed = new Float64Array(0);
  #meanFree = new Float64Array(0);
  #varFree = new Float64Array(0);
  #waiting = 0;
  #ready = 0;

  constructor(arrivals: CallArrivalModel, release: AgentReleaseModel) {
    this.#arrivals = arrivals;
    this.#release = release;
  }

  /** Horizon of the current tables, seconds. */
  get horizonSec(): number {
    const checkpoints = this.#arrivals.checkpointsSec;
    return checkpoints[checkpoints.length - 1] ?? 0;
  }

  /** Expected live answers needing an agent within the horizon, with n new calls. */
  expectedAnswers(n: number): number {
    const last = this.#meanNeed.length - 1;
    return this.#waiting + (this.#meanNeed[last] ?? 0) + n * (this.#arrivals.dialingTable[last] ?? 0);
  }

  /**
   * Expected abandons over the horizon with n new calls. Small systems: max over checkpoints of
   * E[(needs - free)+] with Poisson laws ({@link ShortfallEstimator}). Large systems (where the
   * normal law is accurate): the idle-agent pool as a reflected random walk over the checkpoint
   * intervals, moment-matched to a normal at each step, summing the expected unserved answers.
   */
  expectedAbandons(n: number): number {
    const q = this.#arrivals.dialingTable;
    const k = this.#meanNeed.length;
    const last = k - 1;
    const arrivalsAtHorizon = (this.#meanNeed[last] ?? 0) + n * (q[last] ?? 0);
    if (arrivalsAtHorizon + (this.#meanFree[last] ?? 0) > LARGE_SYSTEM) {
      let idleMean = this.#ready - this.#waiting;
      let idleVar = 0;
      let abandons = 0;
      let prevNeed = 0;
      let prevFree = 0;
      let prevQ = 0;
      for (let c = 0; c < k; c++) {
        const need = (this.#meanNeed[c] ?? 0) + n * (q[c] ?? 0);
        const free = this.#meanFree[c] ?? 0;
        const dq = (q[c] ?? 0) - prevQ;
        const mean = idleMean + (free - prevFree) - (need - prevNeed);
        const variance = idleVar + (this.#varNeed[c] ?? 0) + n * dq * (1 - dq) + (this.#varFree[c] ?? 0);
        abandons += expectedPositivePart(-mean, variance);
        const idle = positivePartMoments(mean, variance);
        idleMean = idle.mean;
        idleVar = idle.variance;
        prevNeed = need;
        prevFree = free;
        prevQ = q[c] ?? 0;
      }
      return abandons;
    }
    let worst = 0;
    for (let c = 0; c < k; c++) {
      const p = q[c] ?? 0;
      const e = this.#shortfall.expected({
        waiting: this.#waiting,
        ready: this.#ready,
        meanArrivals: (this.#meanNeed[c] ?? 0) + n * p,
        meanFreed: this.#meanFree[c] ?? 0,
      });
      if (e > worst) worst = e;
    }
    return worst;
  }

  /** Fills the per-checkpoint needs/free moments from the snapshot; returns expected live answers in flight. */
  project(snapshot: PacingSnapshot): number {
    const k = this.#arrivals.checkpointsSec.length;
    if (this.#meanNeed.length !== k) {
      this.#meanNeed = new Float64Array(k);
      this.#varNeed = new Float64Array(k);
      this.#meanFree = new Float64Array(k);
      this.#varFree = new Float64Array(k);
    }
    const meanNeed = this.#meanNeed.fill(0);
    const varNeed = this.#varNeed.fill(0);
    const meanFree = this.#meanFree.fill(0);
    const varFree = this.#varFree.fill(0);
    const now = snapshot.nowMs;
    const release = this.#release;
    let ready = 0;
    let waiting = 0;
    for (const agent of snapshot.agents) {
      const elapsedSec = Math.max(0, now - agent.stateSinceMs) / 1000;
      switch (agent.state) {
        case 'ready':
          ready++;
          break;
        case 'on_call':
        case 'reserved': {
          const table = release.onCallTable;
          const row = release.onCallRow(agent.state === 'reserved' ? 0 : elapsedSec);
          addIncrements(table, row, k, meanFree, varFree);
          break;
        }
        case 'wrap_up': {
          addIncrements(release.wrapTable, release.wrapRow(elapsedSec), k, meanFree, varFree);
          break;
        }
        case 'paused':
          break;
      }
    }
    const arrivals = this.#arrivals;
    let live = 0;
    for (const call of snapshot.calls) {
      let table: Float64Array;
      let row: number;
      switch (call.stage) {
        case 'waiting_agent':
          live += 1;
          waiting++;
          continue;
        case 'dialing': {
          const ageSec = Math.max(0, now - call.originatedAtMs) / 1000;
          live += arrivals.dialingHuman[arrivals.dialingRowIndex(ageSec)] ?? 0;
          table = arrivals.dialingTable;
          row = arrivals.dialingRow(ageSec);
          break;
        }
        case 'answered': {
          const sinceSec = Math.max(0, now - call.stageSinceMs) / 1000;
          live += arrivals.answeredHuman[arrivals.answeredRowIndex(sinceSec)] ?? 0;
          table = arrivals.answeredTable;
          row = arrivals.answeredRow(sinceSec);
          break;
        }
      }
      addIncrements(table, row, k, meanNeed, varNeed);
    }
    this.#ready = ready;
    this.#waiting = waiting;
    return live;
  }

}

/**
 * Adds one Bernoulli-by-checkpoint item (cumulative probabilities `table[row..row + k)`) to the
 * cumulative means and to the per-interval variances (p_c - p_{c-1})(1 - (p_c - p_{c-1})).
 */
function addIncrements(table: Float64Array, row: number, k: number, means: Float64Array, incrementVars: Float64Array): void {
  let prev = 0;
  for (let c = 0; c < k; c++) {
    const p = table[row + c] ?? 0;
    const dp = p - prev;
    prev = p;
    means[c] = (means[c] ?? 0) + p;
    incrementVars[c] = (incrementVars[c] ?? 0) + dp * (1 - dp);
  }
}

