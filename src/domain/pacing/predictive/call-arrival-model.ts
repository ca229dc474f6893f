import { DecayingHistogram } from './decaying-histogram.ts';
import { lognormalShare } from './normal-distribution.ts';
import { OutcomeMixEstimator } from './outcome-mix-estimator.ts';
import type { DialOutcome } from './outcome-mix-estimator.ts';

/**
 * Learns how dialed calls turn out and when: the outcome mix, the time from origination to answer
 * (humans, machines) or to the end (failed, no answer), and the classification time after an
 * answer (human: until it needs an agent; machine: until it is hung up). From these it tabulates,
 * for a call in flight, "P(it becomes a live answer needing an agent within t seconds | its stage
 * and age, not resolved yet)" at the planner's checkpoints (Bayes on the survival functions:
 * a call still ringing after 20 s is much less likely to be a human than a fresh one).
 *
 * Everything forgets by count and by time (half-life {@link TIMING_HALF_LIFE_MS} of the calls'
 * answer or end times): after a night the morning's first calls outweigh yesterday's evening.
 * (The share of people hung up by AMD is estimated apart: `hidden-human-estimator.ts`.)
 *
 * @example
 * ```ts
 * const arrivals = new CallArrivalModel();
 * arrivals.add({ result: 'human', answerSec: 11, classifySec: 2.5 });
 * arrivals.rebuild(1.5, 12);
 * const row = arrivals.dialingRow(4); // call ringing for 4 s
 * arrivals.dialingTable[row + 11]; // P(needs an agent within the horizon)
 * ```
 */
const GRID_SEC = 0.5;
const AGE_ROWS = 121; // 0..60 s in 0.5 s steps
const ANSWERED_ROWS = 61; // 0..30 s in 0.5 s steps
/** Mix and timing forget by time as well as by count: their mass halves every 2 hours of calls. */
export const TIMING_HALF_LIFE_MS = 7_200_000;
const HISTOGRAM = { scale: 'linear', minSec: 0, maxSec: 180, bins: 360, memory: 1500, halfLifeMs: TIMING_HALF_LIFE_MS } as const;

export interface CallTiming {
  result: DialOutcome;
  /** Origination to answer (human, machine) or to the end (failed, no answer), seconds. */
  answerSec: number;
  /** Answer to needing an agent (human) or to hang-up (machine), seconds; absent otherwise. */
  classifySec?: number;
  /** When it was answered (or ended, unanswered), epoch ms: drives the time-based forgetting. */
  atMs?: number;
}

export class CallArrivalModel {
  readonly mix = new OutcomeMixEstimator({ memory: 2000, halfLifeMs: TIMING_HALF_LIFE_MS });
  readonly humanAnswerSec = new DecayingHistogram(HISTOGRAM);
  readonly machineAnswerSec = new DecayingHistogram(HISTOGRAM);
  readonly failedEndSec = new DecayingHistogram(HISTOGRAM);
  readonly noAnswerEndSec = new DecayingHistogram(HISTOGRAM);
  readonly humanClassifySec = new DecayingHistogram({ ...HISTOGRAM, maxSec: 60, bins: 240 });
  readonly machineClassifySec = new DecayingHistogram({ ...HISTOGRAM, maxSec: 60, bins: 240 });
  #humansObserved = 0;
  #checkpoints = new Float64Array(0);
  /** Row-major [age row][checkpoint]: P(live answer needing an agent within t | dialing at that age). */
  dialingTable = new Float64Array(0);
  /** Per age row: P(the call ends up a live answer | still dialing at that age). */
  dialingHuman = new Float64Array(0);
  /** Row-major [row][checkpoint] for calls answered and being classified. */
  answeredTable = new Float64Array(0);
  answeredHuman = new Float64Array(0);

  constructor() {
    // Weak priors (worth 2 calls each) so the tables exist before the first outcomes.
    this.humanAnswerSec.addPrior(2, (lo, hi) => lognormalShare(12, 0.6, lo, hi));
    this.machineAnswerSec.addPrior(2, (lo, hi) => lognormalShare(20, 0.4, lo, hi));
    this.failedEndSec.addPrior(2, (lo, hi) => lognormalShare(5, 1, lo, hi));
    this.noAnswerEndSec.addPrior(2, (lo, hi) => lognormalShare(30, 0.3, lo, hi));
    this.humanClassifySec.addPrior(2, (lo, hi) => lognormalShare(2, 0.5, lo, hi));
    this.machineClassifySec.addPrior(2, (lo, hi) => lognormalShare(3, 0.5, lo, hi));
  }

  get humansObserved(): number {
    return this.#humansObserved;
  }

  get checkpointsSec(): Float64Array {
    return this.#checkpoints;
  }

  add(timing: CallTiming): void {
    const at = timing.atMs;
    this.mix.add(timing.result, at);
    switch (timing.result) {
      case 'human':
        this.#humansObserved++;
        this.humanAnswerSec.add(timing.answerSec, 1, at);
        if (timing.classifySec !== undefined) this.humanClassifySec.add(timing.classifySec, 1, at);
        break;
      case 'machine':
        this.machineAnswerSec.add(timing.answerSec, 1, at);
        if (timing.classifySec !== undefined) this.machineClassifySec.add(timing.classifySec, 1, at);
        break;
      case 'failed':
        this.failedEndSec.add(timing.answerSec, 1, at);
        break;
      case 'no_answer':
        this.noAnswerEndSec.add(timing.answerSec, 1, at);
        break;
    }
  }

  /** The planning horizon: 95th percentile of origination-to-needs-agent for live answers, rounded up to whole seconds, 4..60 s. */
  horizonSec(): number {
    const q = this.humanAnswerSec.quantile(0.95) + this.humanClassifySec.quantile(0.95);
    return Math.min(60, Math.max(4, Math.ceil(q)));
  }

  dialingRow(ageSec: number): number {
    const i = Math.min(AGE_ROWS - 1, Math.max(0, Math.floor(ageSec / GRID_SEC)));
    return i * this.#checkpoints.length;
  }

  dialingRowIndex(ageSec: number): number {
    return Math.min(AGE_ROWS - 1, Math.max(0, Math.floor(ageSec / GRID_SEC)));
  }

  answeredRow(sinceAnswerSec: number): number {
    const i = Math.min(ANSWERED_ROWS - 1, Math.max(0, Math.floor(sinceAnswerSec / GRID_SEC)));
    return i * this.#checkpoints.length;
  }

  answeredRowIndex(sinceAnswerSec: number): number {
    return Math.min(ANSWERED_ROWS - 1, Math.max(0, Math.floor(sinceAnswerSec / GRID_SEC)));
  }

  /**
   * Recomputes the checkpoints (`count` evenly spaced up to the horizon) and the tables, with the
   * live-answer share raised to its upper confidence bound (`z` standard errors): the margin that
   * shrinks as evidence grows.
   */
  rebuild(z: number, count: number): void {
    const horizonSec = this.horizonSec();
    const k = count;
    const checkpoints = new Float64Array(k);
    for (let c = 0; c < k; c++) checkpoints[c] = (horizonSec * (c + 1)) / k;
    this.#checkpoints = checkpoints;

    const pHuman = this.mix.probability('human');
    const pHumanUp = this.mix.humanUpperBound(z);
    const scaleOthers = pHuman < 1 ? (1 - pHumanUp) / (1 - pHuman) : 0;
    const pMachine = this.mix.probability('machine') * scaleOthers;
    const pFailed = this.mix.probability('failed') * scaleOthers;
    const pNoAnswer = this.mix.probability('no_answer') * scaleOthers;

    const horizonSteps = Math.ceil(horizonSec / GRID_SEC);
    const ageSteps = AGE_ROWS + horizonSteps + 2;
    const humanAnswer = gridCdf(this.humanAnswerSec, ageSteps);
    const machineAnswer = gridCdf(this.machineAnswerSec, ageSteps);
    const failedEnd = gridCdf(this.failedEndSec, ageSteps);
    const noAnswerEnd = gridCdf(this.noAnswerEndSec, ageSteps);
    const classifySteps = ANSWERED_ROWS + horizonSteps + 2;
    const humanClassify = gridCdf(this.humanClassifySec, classifySteps);
    const machineClassify = gridCdf(this.machineClassifySec, classifySteps);

    const dialing = new Float64Array(AGE_ROWS * k);
    const dialingHuman = new Float64Array(AGE_ROWS);
    for (let row = 0; row < AGE_ROWS; row++) {
      const sh = pHumanUp * (1 - (humanAnswer[row] ?? 1));
      const weight = sh + pMachine * (1 - (machineAnswer[row] ?? 1)) + pFailed * (1 - (failedEnd[row] ?? 1)) + pNoAnswer * (1 - (noAnswerEnd[row] ?? 1));
      if (!(weight > 1e-12)) continue;
      dialingHuman[row] = sh / weight;
      const out = row * k;
      for (let j = 1; j <= horizonSteps; j++) {
        const mass = (humanAnswer[row + j] ?? 1) - (humanAnswer[row + j - 1] ?? 1);
        if (mass <= 0) continue;
        const answeredSec = (j - 0.5) * GRID_SEC;
        for (let c = 0; c < k; c++) {
          const leftSec = (checkpoints[c] ?? 0) - answeredSec;
          if (leftSec <= 0) continue;
          dialing[out + c] = (dialing[out + c] ?? 0) + mass * interpolate(humanClassify, leftSec / GRID_SEC);
        }
      }
      for (let c = 0; c < k; c++) dialing[out + c] = Math.min(1, ((dialing[out + c] ?? 0) * pHumanUp) / weight);
    }

    const answered = new Float64Array(ANSWERED_ROWS * k);
    const answeredHuman = new Float64Array(ANSWERED_ROWS);
    const humanShareOfAnswers = pHumanUp / Math.max(1e-12, pHumanUp + pMachine);
    for (let row = 0; row < ANSWERED_ROWS; row++) {
      const sh = humanShareOfAnswers * (1 - (humanClassify[row] ?? 1));
      const weight = sh + (1 - humanShareOfAnswers) * (1 - (machineClassify[row] ?? 1));
      const out = row * k;
      if (!(weight > 1e-12)) {
        // Past every observed classification time: a call still unresolved is most likely about
        // to be passed on; count it as a live answer right away (conservative).
        answeredHuman[row] = 1;
        for (let c = 0; c < k; c++) answered[out + c] = 1;
        continue;
      }
      answeredHuman[row] = sh / weight;
      const before = humanClassify[row] ?? 1;
      for (let c = 0; c < k; c++) {
        const after = interpolate(humanClassify, row + (checkpoints[c] ?? 0) / GRID_SEC);
        answered[out + c] = Math.min(1, Math.max(0, (humanShareOfAnswers * (after - before)) / weight));
      }
    }
    this.dialingTable = dialing;
    this.dialingHuman = dialingHuman;
    this.answeredTable = answered;
    this.answeredHuman = answeredHuman;
  }
}

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
