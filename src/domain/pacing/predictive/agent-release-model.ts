import { DecayingHistogram } from './decaying-histogram.ts';
import { lognormalShare } from './normal-distribution.ts';

/**
 * Learns talk and wrap-up durations (empirical, log-binned, slowly forgetting, weak lognormal
 * prior) and answers, for a busy agent, "P(free again within t seconds | in this state for s
 * seconds)" at the planner's checkpoints. An agent on a call is free after its remaining talk
 * plus a whole wrap-up; an agent in wrap-up after its remaining wrap-up.
 *
 * An agent on a call may be holding a machine passed on to it (AMD off, or an AMD false
 * negative): it drops it within seconds, with no wrap-up. The on-call law is the mixture of
 * talks and machine holds, in the proportion they reach agents (`addMachineHold`), conditioned on
 * the time already spent: an agent 3 s into a call is likely about to drop a machine, one 30 s
 * into it is talking to a person.
 *
 * The conditional probabilities are tabulated by `rebuild` (elapsed time in 4 s steps, 1 s with
 * machine holds; wrap-up in 1 s steps), so a
 * lookup during `decide` is one array read per checkpoint.
 *
 * @example
 * ```ts
 * const release = new AgentReleaseModel();
 * release.addTalk(130); release.addWrap(12);
 * release.rebuild(Float64Array.of(5, 10, 20));
 * const row = release.onCallRow(95); // offset into release.onCallTable
 * release.onCallTable[row + 2]; // P(free within 20 s | talking for 95 s)
 * ```
 */
const GRID_SEC = 0.5;
/** Talk rows: 4 s steps (elapsed 0..1200 s), 1 s steps when machines reach agents (their holds last seconds). */
const TALK_ROW_SEC = 4;
const TALK_ROW_SEC_WITH_HOLDS = 1;
const TALK_SPAN_SEC = 1200;
const WRAP_ROW_SEC = 1;
const WRAP_ROWS = 301; // elapsed 0..300 s
/** Forgetting of the talk / machine-hold proportions (~1,500 calls reaching agents). */
const HOLD_DECAY = 1 - 1 / 1500;

export class AgentReleaseModel {
  readonly talkSec = new DecayingHistogram({ scale: 'log', minSec: 0.5, maxSec: 14_400, bins: 240, memory: 1500 });
  readonly wrapSec = new DecayingHistogram({ scale: 'log', minSec: 0.1, maxSec: 3_600, bins: 200, memory: 1500 });
  /** How long agents hold a machine passed to them before dropping it. */
  readonly machineHoldSec = new DecayingHistogram({ scale: 'log', minSec: 0.1, maxSec: 3_600, bins: 200, memory: 1500 });
  /** Decayed counts of talks and machine holds (which of them an on-call agent is likely in). */
  #talkWeight = 0;
  #holdWeight = 0;
  #talkObserved = 0;
  #wrapObserved = 0;
  #checkpoints = 0;
  #talkRowSec = TALK_ROW_SEC;
  #talkRows = TALK_SPAN_SEC / TALK_ROW_SEC + 1;
  onCallTable = new Float64Array(0);
  wrapTable = new Float64Array(0);

  constructor() {
    // Weak, deliberately broad priors (worth 3 calls each): a contact-center-ish 90 s talk and
    // 10 s wrap-up; the data overrides them within a few dozen calls.
    this.talkSec.addPrior(3, (lo, hi) => lognormalShare(90, 1, lo, hi));
    this.wrapSec.addPrior(3, (lo, hi) => lognormalShare(10, 1, lo, hi));
  }

  get talkObserved(): number {
    return this.#talkObserved;
  }

  get wrapObserved(): number {
    return this.#wrapObserved;
  }

  get version(): number {
    return this.talkSec.version + this.wrapSec.version + this.machineHoldSec.version;
  }

  /** Share of calls reaching agents that are machines held and dropped (decayed). */
  get machineHoldShare(): number {
    const total = this.#talkWeight + this.#holdWeight;
    return total > 0 ? this.#holdWeight / total : 0;
  }

  addTalk(talkSec: number): void {
    this.talkSec.add(talkSec);
    this.#talkObserved++;
    this.#talkWeight = this.#talkWeight * HOLD_DECAY + 1;
    this.#holdWeight *= HOLD_DECAY;
  }

  /** An agent dropped a machine passed to it after `holdSec` (no wrap-up follows). */
  addMachineHold(holdSec: number): void {
    this.machineHoldSec.add(holdSec);
    this.#holdWeight = this.#holdWeight * HOLD_DECAY + 1;
    this.#talkWeight *= HOLD_DECAY;
  }

  addWrap(wrapSec: number): void {
    this.wrapSec.add(wrapSec);
    this.#wrapObserved++;
  }

  /** Mean time an agent is busy per connected call (talk + wrap-up), seconds. */
  meanHandleSec(): number {
    return this.talkSec.mean() + this.wrapSec.mean();
  }

  /** Start of the row for an agent talking for `elapsedSec` in `onCallTable` (K values per row). */
  onCallRow(elapsedSec: number): number {
    const i = Math.min(this.#talkRows - 1, Math.max(0, Math.round(elapsedSec / this.#talkRowSec)));
    return i * this.#checkpoints;
  }

  /** Start of the row for an agent in wrap-up for `elapsedSec` in `wrapTable`. */
  wrapRow(elapsedSec: number): number {
    const i = Math.min(WRAP_ROWS - 1, Math.max(0, Math.round(elapsedSec / WRAP_ROW_SEC)));
    return i * this.#checkpoints;
  }

  /** Recomputes both tables for the given checkpoint horizons (seconds, ascending). */
  rebuild(checkpointsSec: Float64Array): void {
    const k = checkpointsSec.length;
    this.#checkpoints = k;
    const horizonSec = checkpointsSec[k - 1] ?? 0;
    const holdShare = this.machineHoldShare;
    const talkRowSec = holdShare > 0 ? TALK_ROW_SEC_WITH_HOLDS : TALK_ROW_SEC;
    const talkRows = TALK_SPAN_SEC / talkRowSec + 1;
    this.#talkRowSec = talkRowSec;
    this.#talkRows = talkRows;
    const talkGridLen = Math.ceil((talkRows * talkRowSec + horizonSec) / GRID_SEC) + 2;
    const wrapGridLen = Math.ceil((WRAP_ROWS * WRAP_ROW_SEC + horizonSec) / GRID_SEC) + 2;
    const talkCdf = gridCdf(this.talkSec, talkGridLen);
    const wrapCdf = gridCdf(this.wrapSec, wrapGridLen);

    const onCall = new Float64Array(talkRows * k);
    const stepsPerRow = talkRowSec / GRID_SEC;
    const horizonSteps = Math.ceil(horizonSec / GRID_SEC);
    const talkShare = 1 - holdShare;
    const holdCdf = holdShare > 0 ? gridCdf(this.machineHoldSec, talkGridLen) : undefined;
    for (let row = 0; row < talkRows; row++) {
      const j0 = row * stepsPerRow;
      const talkSurvive = 1 - (talkCdf[j0] ?? 1);
      const holdBefore = holdCdf?.[j0] ?? 1;
      const survive = talkShare * talkSurvive + holdShare * (1 - holdBefore);
      const out = row * k;
      if (survive < 1e-9) {
        // Beyond every observed talk time: keep the previous row (tail hazard held constant).
        for (let c = 0; c < k; c++) onCall[out + c] = row === 0 ? 1 : (onCall[out - k + c] ?? 1);
        continue;
      }
      for (let j = 1; j <= horizonSteps; j++) {
        const mass = (talkCdf[j0 + j] ?? 1) - (talkCdf[j0 + j - 1] ?? 1);
        if (mass <= 0) continue;
        // Talk ends at (j - 0.5) grid steps from now on average; the wrap-up must end by t.
        const endedSec = (j - 0.5) * GRID_SEC;
        for (let c = 0; c < k; c++) {
          const leftSec = (checkpointsSec[c] ?? 0) - endedSec;
          if (leftSec <= 0) continue;
          onCall[out + c] = (onCall[out + c] ?? 0) + mass * interpolate(wrapCdf, leftSec / GRID_SEC);
        }
      }
      for (let c = 0; c < k; c++) {
        // A machine held is free the moment the agent drops it.
        const held = holdCdf === undefined ? 0 : interpolate(holdCdf, j0 + (checkpointsSec[c] ?? 0) / GRID_SEC) - holdBefore;
        onCall[out + c] = Math.min(1, Math.max(0, (talkShare * (onCall[out + c] ?? 0) + holdShare * held) / survive));
      }
    }

    const wrap = new Float64Array(WRAP_ROWS * k);
    for (let row = 0; row < WRAP_ROWS; row++) {
      const sSteps = (row * WRAP_ROW_SEC) / GRID_SEC;
      const before = wrapCdf[sSteps] ?? 1;
      const survive = 1 - before;
      const out = row * k;
      for (let c = 0; c < k; c++) {
        if (survive < 1e-9) {
          wrap[out + c] = row === 0 ? 1 : (wrap[out - k + c] ?? 1);
          continue;
        }
        const after = interpolate(wrapCdf, sSteps + (checkpointsSec[c] ?? 0) / GRID_SEC);
        wrap[out + c] = Math.min(1, Math.max(0, (after - before) / survive));
      }
    }
    this.onCallTable = onCall;
    this.wrapTable = wrap;
  }
}

/** CDF sampled every GRID_SEC seconds: out[j] = P(X <= j * GRID_SEC). */
function gridCdf(histogram: DecayingHistogram, length: number): Float64Array {
  const out = new Float64Array(length);
  for (let j = 0; j < length; j++) out[j] = histogram.cdf(j * GRID_SEC);
  return out;
}

function interpolate(grid: Float64Array, position: number): number {
  if (position <= 0) return grid[0] ?? 0;
  const i = Math.floor(position);
  if (i >= grid.length - 1) return grid[grid.length - 1] ?? 1;
  const a = grid[i] ?? 0;
  const b = grid[i + 1] ?? a;
  return a + (b - a) * (position - i);
}
