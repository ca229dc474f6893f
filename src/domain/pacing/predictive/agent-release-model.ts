import { DecayingHistogram } from './decaying-histogram.ts';
import { lognormalShare } from './normal-distribution.ts';

/**
 * Learns talk and wrap-up durations (empirical, log-binned, slowly forgetting, weak lognormal
 * prior) and answers, for a busy agent, "P(free again within t seconds | in this state for s
 * seconds)" at the planner's checkpoints. An agent on a call is free after its remaining talk
 * plus a whole wrap-up; an agent in wrap-up after its remaining wrap-up.
 *
 * The conditional probabilities are tabulated by `rebuild` (elapsed time in 4 s / 1 s steps), so a
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
const TALK_ROW_SEC = 4;
const TALK_ROWS = 301; // elapsed 0..1200 s
const WRAP_ROW_SEC = 1;
const WRAP_ROWS = 301; // elapsed 0..300 s

export class AgentReleaseModel {
  readonly talkSec = new DecayingHistogram({ scale: 'log', minSec: 0.5, maxSec: 14_400, bins: 240, memory: 1500 });
  readonly wrapSec = new DecayingHistogram({ scale: 'log', minSec: 0.1, maxSec: 3_600, bins: 200, memory: 1500 });
  #talkObserved = 0;
  #wrapObserved = 0;
  #checkpoints = 0;
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
    return this.talkSec.version + this.wrapSec.version;
  }

  addTalk(talkSec: number): void {
    this.talkSec.add(talkSec);
    this.#talkObserved++;
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
    const i = Math.min(TALK_ROWS - 1, Math.max(0, Math.round(elapsedSec / TALK_ROW_SEC)));
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
    const talkGridLen = Math.ceil((TALK_ROWS * TALK_ROW_SEC + horizonSec) / GRID_SEC) + 2;
    const wrapGridLen = Math.ceil((WRAP_ROWS * WRAP_ROW_SEC + horizonSec) / GRID_SEC) + 2;
    const talkCdf = gridCdf(this.talkSec, talkGridLen);
    const wrapCdf = gridCdf(this.wrapSec, wrapGridLen);

    const onCall = new Float64Array(TALK_ROWS * k);
    const stepsPerRow = TALK_ROW_SEC / GRID_SEC;
    const horizonSteps = Math.ceil(horizonSec / GRID_SEC);
    for (let row = 0; row < TALK_ROWS; row++) {
      const j0 = row * stepsPerRow;
      const survive = 1 - (talkCdf[j0] ?? 1);
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
      for (let c = 0; c < k; c++) onCall[out + c] = Math.min(1, (onCall[out + c] ?? 0) / survive);
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
