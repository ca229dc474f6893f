/**
 * Online estimate of the outcome mix of dialed calls (what the engine sees: passed to agents as
 * human, classified machine, failed, no answer), with slow forgetting so it follows a list whose
 * answer rate drifts (by count, and by time with `halfLifeMs`: after a night, yesterday's evening
 * is worth a few calls and the confidence bound is wide again until the morning's calls come in), a weak prior so it is defined from call 1, and a sample-size-aware upper
 * confidence bound on the live-answer share (the planner's safety margin shrinks as evidence grows).
 *
 * @example
 * ```ts
 * const mix = new OutcomeMixEstimator({ memory: 2000 });
 * mix.add('human');
 * mix.add('no_answer');
 * mix.probability('human'); // posterior mean
 * mix.humanUpperBound(1.5); // mean + 1.5 standard errors
 * ```
 */
export type DialOutcome = 'human' | 'machine' | 'failed' | 'no_answer';

export const DIAL_OUTCOMES: readonly DialOutcome[] = ['human', 'machine', 'failed', 'no_answer'];

export interface OutcomeMixEstimatorOptions {
  /** Effective sample size the estimate saturates at. */
  memory: number;
  /** Time-based forgetting: the counts halve every `halfLifeMs` of observation time (`add(outcome, atMs)`); default none. */
  halfLifeMs?: number;
  /** Prior pseudo-counts (default: 1 each, i.e. uniform, worth 4 calls). */
  prior?: Partial<Record<DialOutcome, number>>;
}

export class OutcomeMixEstimator {
  readonly #counts: Record<DialOutcome, number>;
  readonly #decay: number;
  readonly #halfLifeMs: number;
  #latestMs = Number.NEGATIVE_INFINITY;
  #observed = 0;
  #effective = 0;

  constructor(options: OutcomeMixEstimatorOptions) {
    if (!(options.memory >= 1)) throw new RangeError(`memory must be >= 1, got ${options.memory}`);
    if (options.halfLifeMs !== undefined && !(options.halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be > 0, got ${options.halfLifeMs}`);
    this.#decay = 1 - 1 / options.memory;
    this.#halfLifeMs = options.halfLifeMs ?? Number.POSITIVE_INFINITY;
    this.#counts = {
      human: options.prior?.human ?? 1,
      machine: options.prior?.machine ?? 1,
      failed: options.prior?.failed ?? 1,
      no_answer: options.prior?.no_answer ?? 1,
    };
  }

  /** Counts one call; `atMs` (when its outcome was known) drives the time-based forgetting. */
  add(outcome: DialOutcome, atMs?: number): void {
    let keep = this.#decay;
    let weight = 1;
    if (atMs !== undefined && Number.isFinite(this.#halfLifeMs) && Number.isFinite(atMs)) {
      if (!Number.isFinite(this.#latestMs)) this.#latestMs = atMs;
      else if (atMs > this.#latestMs) {
        keep *= 2 ** (-(atMs - this.#latestMs) / this.#halfLifeMs);
        this.#latestMs = atMs;
      } else weight = 2 ** (-(this.#latestMs - atMs) / this.#halfLifeMs);
    }
    // However long the gap, the old mix keeps a trace (its proportions stay defined).
    keep = Math.max(keep, 1e-9 / this.#total());
    for (const key of DIAL_OUTCOMES) this.#counts[key] *= keep;
    this.#counts[outcome] += Math.max(weight, 1e-9);
    this.#observed++;
    this.#effective = this.#effective * keep + weight;
  }

  /** Calls observed so far (not decayed). */
  get observed(): number {
    return this.#observed;
  }

  /** Decayed number of observations the estimate is worth (saturates at `memory`). */
  get effectiveCount(): number {
    return this.#effective;
  }

  /** Posterior mean share of `outcome`. */
  probability(outcome: DialOutcome): number {
    return this.#counts[outcome] / this.#total();
  }

  /** Decayed count of `outcome` (prior included). */
  count(outcome: DialOutcome): number {
    return this.#counts[outcome];
  }

  /** Upper confidence bound on the human share: mean + z * sqrt(p (1 - p) / (n + 1)), capped at 1. */
  humanUpperBound(z: number): number {
    const p = this.probability('human');
    const n = this.#total();
    return Math.min(1, p + z * Math.sqrt((p * (1 - p)) / (n + 1)));
  }

  #total(): number {
    return this.#counts.human + this.#counts.machine + this.#counts.failed + this.#counts.no_answer;
  }
}
