/**
 * A histogram of non-negative durations (seconds) that slowly forgets: every new sample weighs a
 * little more than the previous one, so the histogram's effective sample size saturates at
 * `memory` samples and it tracks a drifting distribution. Bins are linear (`scale: 'linear'`,
 * fixed width) or logarithmic (`scale: 'log'`, fixed width in ln(seconds)), so one histogram can
 * cover both 0.5 s answer-time detail and hour-long talk times with ~200 bins.
 *
 * With `halfLifeMs`, it also forgets by time (on the clock of the samples' `atMs`): mass halves
 * every `halfLifeMs`, so an overnight gap leaves yesterday's samples worth little against the
 * morning's first ones, however few calls were made since.
 *
 * Forgetting is O(1) per sample: instead of multiplying every bin by the decay factor, the weight
 * of the next sample grows by `1 / decay` (and by 2^(elapsed / half-life)), and all bins are
 * rescaled when the weight gets large.
 *
 * @example
 * ```ts
 * const talkSec = new DecayingHistogram({ scale: 'log', minSec: 0.5, maxSec: 7200, bins: 200, memory: 500 });
 * talkSec.add(95.2);
 * talkSec.cdf(120); // P(talk <= 120 s)
 * talkSec.effectiveCount; // how many samples the estimate is worth
 * ```
 */
export interface DecayingHistogramOptions {
  scale: 'linear' | 'log';
  /** Lower edge of the first bin (log scale: must be > 0; values below land in the first bin). */
  minSec: number;
  /** Upper edge of the last bin (values above land in the last bin). */
  maxSec: number;
  bins: number;
  /** Effective sample size the histogram saturates at (>= 1). */
  memory: number;
  /** Time-based forgetting: mass halves every `halfLifeMs` of sample time (`add(..., atMs)`); default none. */
  halfLifeMs?: number;
}

const RESCALE_ABOVE = 1e120;

export class DecayingHistogram {
  readonly #scale: 'linear' | 'log';
  readonly #lo: number;
  readonly #width: number;
  readonly #bins: Float64Array;
  readonly #growth: number;
  readonly #halfLifeMs: number;
  #latestMs = Number.NEGATIVE_INFINITY;
  #nextWeight = 1;
  #total = 0;
  #sumSquares = 0;
  #version = 0;
  #cdfCache: Float64Array | undefined;

  constructor(options: DecayingHistogramOptions) {
    if (!(options.bins >= 1) || !Number.isInteger(options.bins)) throw new RangeError(`bins must be a positive integer, got ${options.bins}`);
    if (!(options.maxSec > options.minSec)) throw new RangeError('maxSec must exceed minSec');
    if (options.scale === 'log' && !(options.minSec > 0)) throw new RangeError('a log-scale histogram needs minSec > 0');
    if (!(options.memory >= 1)) throw new RangeError(`memory must be >= 1, got ${options.memory}`);
    if (options.halfLifeMs !== undefined && !(options.halfLifeMs > 0)) throw new RangeError(`halfLifeMs must be > 0, got ${options.halfLifeMs}`);
    this.#halfLifeMs = options.halfLifeMs ?? Number.POSITIVE_INFINITY;
    this.#scale = options.scale;
    this.#lo = options.scale === 'log' ? Math.log(options.minSec) : options.minSec;
    const hi = options.scale === 'log' ? Math.log(options.maxSec) : options.maxSec;
    this.#width = (hi - this.#lo) / options.bins;
    this.#bins = new Float64Array(options.bins);
    this.#growth = 1 / (1 - 1 / options.memory);
  }

  /** Number of bins. */
  get size(): number {
    return this.#bins.length;
  }

  /** Changes whenever a sample is added (lets callers cache derived tables). */
  get version(): number {
    return this.#version;
  }

  /**
   * Effective number of samples (Kish): (sum w)^2 / sum w^2. Equals the sample count while it is
   * small, saturates near `2 * memory - 1` for a long stream.
   */
  get effectiveCount(): number {
    return this.#sumSquares > 0 ? (this.#total * this.#total) / this.#sumSquares : 0;
  }

  /**
   * Adds one sample with relative weight `weight` (default 1), observed at `atMs` (time-based
   * forgetting; a sample older than the latest one weighs as it would have then).
   */
  add(valueSec: number, weight = 1, atMs?: number): void {
    if (!Number.isFinite(valueSec) || valueSec < 0) throw new RangeError(`histogram value must be a finite non-negative number, got ${valueSec}`);
    if (!(weight > 0)) return;
    const age = atMs === undefined ? 0 : this.#advanceTo(atMs);
    const w = this.#nextWeight * weight * (age > 0 ? 2 ** (-age / this.#halfLifeMs) : 1);
    const i = this.binOf(valueSec);
    this.#bins[i] = (this.#bins[i] ?? 0) + w;
    this.#total += w;
    this.#sumSquares += w * w;
    this.#nextWeight *= this.#growth;
    if (this.#nextWeight > RESCALE_ABOVE) this.#rescale();
    this.#version++;
    this.#cdfCache = undefined;
  }

  /**
   * Adds prior mass spread over the bins by a function giving each bin's share (e.g. a lognormal
   * shape); `pseudoCount` is how many samples the prior is worth.
   */
  addPrior(pseudoCount: number, binShare: (lowerSec: number, upperSec: number) => number): void {
    let norm = 0;
    const shares = new Float64Array(this.#bins.length);
    for (let i = 0; i < shares.length; i++) {
      const s = Math.max(0, binShare(this.lowerEdge(i), this.upperEdge(i)));
      shares[i] = s;
      norm += s;
    }
    if (!(norm > 0)) return;
    for (let i = 0; i < shares.length; i++) {
      const w = ((shares[i] ?? 0) / norm) * pseudoCount * this.#nextWeight;
      this.#bins[i] = (this.#bins[i] ?? 0) + w;
    }
    const w = pseudoCount * this.#nextWeight;
    this.#total += w;
    // A prior worth k samples counts as k samples of the current weight.
    this.#sumSquares += pseudoCount * this.#nextWeight * this.#nextWeight;
    this.#version++;
    this.#cdfCache = undefined;
  }

  binOf(valueSec: number): number {
    const x = this.#scale === 'log' ? Math.log(Math.max(valueSec, 1e-9)) : valueSec;
    const i = Math.floor((x - this.#lo) / this.#width);
    return i < 0 ? 0 : i >= this.#bins.length ? this.#bins.length - 1 : i;
  }

  lowerEdge(i: number): number {
    const x = this.#lo + i * this.#width;
    return this.#scale === 'log' ? Math.exp(x) : x;
  }

  upperEdge(i: number): number {
    return this.lowerEdge(i + 1);
  }

  /** P(X <= x), linear interpolation inside a bin (in ln x for log scale). 0 when empty. */
  cdf(valueSec: number): number {
    if (this.#total <= 0) return 0;
    const cum = this.#cumulative();
    const x = this.#scale === 'log' ? Math.log(Math.max(valueSec, 1e-12)) : valueSec;
    const pos = (x - this.#lo) / this.#width;
    if (pos <= 0) return 0;
    const n = this.#bins.length;
    if (pos >= n) return 1;
    const i = Math.floor(pos);
    const before = i === 0 ? 0 : (cum[i - 1] ?? 0);
    const inBin = (cum[i] ?? 0) - before;
    return (before + inBin * (pos - i)) / this.#total;
  }

  /** P(X > x). */
  survival(valueSec: number): number {
    return 1 - this.cdf(valueSec);
  }

  /** Mean, using bin midpoints (geometric midpoints on log scale). */
  mean(): number {
    if (this.#total <= 0) return 0;
    let sum = 0;
    for (let i = 0; i < this.#bins.length; i++) {
      const mid = this.#scale === 'log' ? Math.sqrt(this.lowerEdge(i) * this.upperEdge(i)) : (this.lowerEdge(i) + this.upperEdge(i)) / 2;
      sum += (this.#bins[i] ?? 0) * mid;
    }
    return sum / this.#total;
  }

  /** Smallest x with cdf(x) >= p (interpolated), p in [0, 1]. */
  quantile(p: number): number {
    if (this.#total <= 0) return 0;
    const cum = this.#cumulative();
    const target = Math.min(Math.max(p, 0), 1) * this.#total;
    for (let i = 0; i < cum.length; i++) {
      const c = cum[i] ?? 0;
      if (c >= target) {
        const before = i === 0 ? 0 : (cum[i - 1] ?? 0);
        const inBin = c - before;
        const frac = inBin > 0 ? (target - before) / inBin : 0;
        const x = this.#lo + (i + frac) * this.#width;
        return this.#scale === 'log' ? Math.exp(x) : x;
      }
    }
    return this.upperEdge(cum.length - 1);
  }

  #cumulative(): Float64Array {
    if (this.#cdfCache) return this.#cdfCache;
    const cum = new Float64Array(this.#bins.length);
    let acc = 0;
    for (let i = 0; i < cum.length; i++) {
      acc += this.#bins[i] ?? 0;
      cum[i] = acc;
    }
    this.#cdfCache = cum;
    return cum;
  }

  /** Moves the clock to `atMs` (never back); returns how far `atMs` is behind the latest time. */
  #advanceTo(atMs: number): number {
    if (!Number.isFinite(this.#halfLifeMs) || !Number.isFinite(atMs)) return 0;
    if (!Number.isFinite(this.#latestMs)) {
      this.#latestMs = atMs;
      return 0;
    }
    if (atMs <= this.#latestMs) return this.#latestMs - atMs;
    const halvings = (atMs - this.#latestMs) / this.#halfLifeMs;
    this.#latestMs = atMs;
    // Past ~400 halvings everything stored is forgotten: rescale first so no weight overflows.
    if (halvings > 400) {
      this.#rescale();
      this.#nextWeight = 2 ** 400;
    } else this.#nextWeight *= 2 ** halvings;
    if (this.#nextWeight > RESCALE_ABOVE) this.#rescale();
    return 0;
  }

  #rescale(): void {
    const k = 1 / this.#nextWeight;
    for (let i = 0; i < this.#bins.length; i++) this.#bins[i] = (this.#bins[i] ?? 0) * k;
    this.#total *= k;
    this.#sumSquares *= k * k;
    this.#nextWeight = 1;
  }
}
